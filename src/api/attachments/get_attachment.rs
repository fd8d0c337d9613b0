use actix_web::http::header;
use actix_web::{get, web, HttpResponse};

use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::attachment::Attachment;
use crate::ids::AttachmentId;
use crate::service::uploads::{self, Rendition};
use crate::state::AppState;

/// Download a file: for its uploader and for users who see a ticket that uses it.
#[utoipa::path(tag = "evidence", security(("bearer" = [])), params(("id" = AttachmentId, Path)), responses(
    (status = 200, description = "The file as stored, under the content type found from its bytes at upload: a photo (JPEG, PNG, WebP, HEIF) or a PDF", content(
        ("image/jpeg"), ("image/png"), ("image/webp"), ("image/heif"), ("application/pdf"),
    )),
    (status = 404, description = "No such file, or not one the caller may see", body = Problem, content_type = "application/problem+json"),
))]
#[get("/attachments/{id}")]
pub async fn get_attachment(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<AttachmentId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().db();
    let (row, bytes) = uploads::fetch(&state, caller, id, Rendition::Original).await?;
    Ok(download(&row, bytes, Rendition::Original))
}

/// A photo's preview: a JPEG at most 320 pixels on its longer side, turned upright, for
/// galleries on slow connections (`has_preview` in the file's description).
#[utoipa::path(tag = "evidence", security(("bearer" = [])), params(("id" = AttachmentId, Path)), responses(
    (status = 200, description = "The preview", content_type = "image/jpeg"),
    (status = 404, description = "No such file, not one the caller may see, or one without a preview (a document, a HEIC photo)", body = Problem, content_type = "application/problem+json"),
))]
#[get("/attachments/{id}/preview")]
pub async fn get_attachment_preview(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<AttachmentId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner().db();
    let (row, bytes) = uploads::fetch(&state, caller, id, Rendition::Preview).await?;
    Ok(download(&row, bytes, Rendition::Preview))
}

/// The bytes of a file as a response: shown inline under a safe name, cached privately, never
/// sniffed into another type. The console serves files the same way.
pub fn download(row: &Attachment, bytes: Vec<u8>, rendition: Rendition) -> HttpResponse {
    let (content_type, etag, name) = match rendition {
        Rendition::Original => (
            row.content_type.as_str(),
            row.sha256.as_str(),
            row.filename.clone().unwrap_or_else(|| {
                format!(
                    "{}.{}",
                    row.id,
                    row.content_type.rsplit('/').next().unwrap_or("bin")
                )
            }),
        ),
        Rendition::Preview => (
            "image/jpeg",
            row.thumbnail_sha256.as_deref().unwrap_or(&row.sha256),
            format!("{}-kecil.jpg", row.id),
        ),
    };
    let name = name
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
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("inline; filename=\"{name}\""),
        ))
        .insert_header((header::ETAG, format!("\"{etag}\"")))
        .insert_header((header::CACHE_CONTROL, "private, max-age=86400"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .body(bytes)
}
