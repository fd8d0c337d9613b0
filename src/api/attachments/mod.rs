//! Evidence files: `/api/v1/attachments` — upload (multipart), download, a photo's preview.

mod get_attachment;
pub mod intake;
mod part_headers;
mod upload_attachment;

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

pub use get_attachment::download;
pub use upload_attachment::UploadForm;

use crate::db::models::attachment::Attachment;

/// A stored file.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentView {
    #[schema(format = Uuid)]
    pub id: String,
    /// SHA-256 of the bytes (lowercase hex).
    pub sha256: String,
    /// Judged from the content: `image/jpeg`, `image/png`, `image/webp`, `image/heif` or
    /// `application/pdf`.
    pub content_type: String,
    pub size: i64,
    pub filename: Option<String>,
    /// When the photo was taken (EXIF).
    pub taken_at: Option<DateTime<Utc>>,
    /// Where the photo was taken (EXIF GPS).
    pub lat: Option<f64>,
    pub long: Option<f64>,
    /// A small JPEG preview is at `/api/v1/attachments/{id}/preview` (photos aduan can decode:
    /// JPEG, PNG, WebP).
    pub has_preview: bool,
}

impl From<Attachment> for AttachmentView {
    fn from(a: Attachment) -> Self {
        AttachmentView {
            id: a.id,
            sha256: a.sha256,
            content_type: a.content_type,
            size: a.size,
            filename: a.filename,
            taken_at: a.taken_at.map(|t| t.and_utc()),
            lat: a.lat,
            long: a.lng,
            has_preview: a.thumbnail_sha256.is_some(),
        }
    }
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(upload_attachment::upload_attachment)
        .service(get_attachment::get_attachment)
        .service(get_attachment::get_attachment_preview);
}
