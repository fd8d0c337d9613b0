use actix_web::http::header;
use actix_web::{post, web, HttpRequest, HttpResponse};
use utoipa::ToSchema;

use super::intake;
use super::AttachmentView;
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::error::ServiceError;
use crate::service::uploads as service;
use crate::state::AppState;

/// The form: one part named `file`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// Upload a photo or document (JPEG, PNG, WebP, HEIC or PDF, judged by content).
///
/// Identical files are stored once. Capture time and GPS position are read from EXIF.
#[utoipa::path(tag = "evidence", security(("bearer" = [])),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, body = AttachmentView, headers(("Location" = String))),
        (status = 403, description = "The caller's role does not document evidence (leader, planner)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than the upload limit (20 MB by default), or past the caller's bytes for today", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "The caller's uploads for today are used up", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = u64))),
        (status = 415, description = "Not multipart, or not a JPEG, PNG, WebP, HEIC or PDF", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[post("/attachments")]
pub async fn upload_attachment(
    state: web::Data<AppState>,
    caller: AuthUser,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    // Before a byte of the body: may this user upload, and is today's allowance left?
    service::may_upload(&state, &caller, 0).await?;
    let form = intake::multipart(req.headers(), payload, state.settings.max_body());
    let mut form = intake::receive(
        form,
        state.blobs.staging_dir(),
        state.settings.max_upload_bytes,
        intake::FileParts::one("file"),
        64 * 1024,
    )
    .await?;
    let got = form
        .file()
        .ok_or_else(|| ServiceError::invalid("file", "the form has no part named 'file'"))?;
    let row = service::accept_all(&state, &caller, vec![got], "file")
        .await?
        .pop()
        .ok_or_else(|| ServiceError::internal(anyhow::anyhow!("an accepted file vanished")))?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/attachments/{}", row.id)))
        .json(AttachmentView::from(row)))
}
