use actix_web::http::header;
use actix_web::{get, web, HttpResponse};

use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::attachment;
use crate::domain::lifecycle;
use crate::error::ServiceError;
use crate::ids::AttachmentId;
use crate::state::AppState;

/// Download a file: for its uploader and for users who see a ticket that uses it.
#[utoipa::path(tag = "evidence", security(("bearer" = [])), params(("id" = AttachmentId, Path)), responses(
    (status = 200, description = "The bytes, with their content type", content_type = "application/octet-stream"),
    (status = 404, description = "No such file, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
))]
#[get("/attachments/{id}")]
pub async fn get_attachment(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<AttachmentId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().db();
    let blobs = state.blobs.clone();
    let (row, bytes) = state
        .db
        .read(move |c| {
            let hidden = || ServiceError::not_found("there is no file with this id");
            let row = attachment::find(c, &caller.jurisdiction_id, &id)?.ok_or_else(hidden)?;
            let me = caller.actor();
            let allowed = row.uploader_id == caller.id
                || attachment::tickets_using(c, &row.id)?
                    .iter()
                    .any(|t| lifecycle::can_see(&me, &t.facts(false)));
            if !allowed {
                return Err(hidden());
            }
            let bytes = blobs.get(&row.sha256).map_err(|e| {
                ServiceError::internal(anyhow::Error::new(e).context("reading a blob"))
            })?;
            Ok((row, bytes))
        })
        .await?;
    let name = row
        .filename
        .unwrap_or_else(|| {
            format!(
                "{}.{}",
                row.id,
                row.content_type.rsplit('/').next().unwrap_or("bin")
            )
        })
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect::<String>()
        .replace(['"', '\\'], "_");
    Ok(HttpResponse::Ok()
        .content_type(row.content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("inline; filename=\"{name}\""),
        ))
        .insert_header((header::ETAG, format!("\"{}\"", row.sha256)))
        .insert_header((header::CACHE_CONTROL, "private, max-age=86400"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .body(bytes))
}
