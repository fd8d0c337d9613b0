//! Reading a console form that may carry photos: sent as multipart (the browser's way with a
//! file input) or urlencoded (without one). The CSRF token is checked before any photo is
//! kept; photos are taken in through the upload service (type by content, EXIF, preview,
//! the day's allowance). Repeated fields become lists (`serde_html_form`), so a form can carry
//! the files it already uploaded when it is shown again after a refusal.

use actix_web::http::header;
use actix_web::{web, HttpRequest};
use serde::de::DeserializeOwned;

use super::render::PageError;
use super::session::Signed;
use crate::api::attachments::intake::{self, FileParts};
use crate::db::models::attachment::Attachment;
use crate::domain::location::Location;
use crate::error::ServiceError;
use crate::ids::AttachmentId;
use crate::service::uploads;
use crate::state::AppState;

/// The file input's name in every console form.
pub const PHOTOS: &str = "foto";

/// Text of a form, in bytes (the photos are bounded by the upload limit).
const TEXT_LIMIT: usize = 256 * 1024;

/// A form as sent: its fields, and the photos it brought, stored — or why they were refused
/// (a file that is not a photo, today's allowance used up), to show beside the form.
pub struct Sent<T> {
    pub form: T,
    pub photos: Result<Vec<Attachment>, ServiceError>,
}

/// Reads the form of `req`: checks its CSRF token (field `csrf`), then keeps its photos.
pub async fn read<T: DeserializeOwned>(
    state: &AppState,
    s: &Signed,
    req: &HttpRequest,
    payload: web::Payload,
) -> Result<Sent<T>, PageError> {
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
    // The form as urlencoded text either way: a multipart form's text parts are encoded so.
    let (encoded, files) = if multipart {
        let form = intake::multipart(req.headers(), payload, state.settings.max_body());
        let form = intake::receive(
            form,
            state.blobs.staging_dir(),
            state.settings.max_upload_bytes,
            FileParts {
                name: PHOTOS,
                most: uploads::MAX_FILES,
            },
            TEXT_LIMIT,
        )
        .await?;
        let encoded = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&form.fields)
            .finish();
        (encoded.into_bytes(), form.files)
    } else {
        (urlencoded(payload).await?, vec![])
    };
    let csrf = url::form_urlencoded::parse(&encoded)
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    s.check(&csrf)?;
    let form = serde_html_form::from_bytes(&encoded)
        .map_err(|e| ServiceError::bad_request("malformed_form", e.to_string()))?;
    let photos = if files.is_empty() {
        Ok(vec![])
    } else {
        uploads::accept_all(state, &s.user, files, PHOTOS).await
    };
    Ok(Sent { form, photos })
}

/// The position in a form's `lat` and `long` fields (none when both are blank).
pub fn location(lat: &str, long: &str) -> Result<Option<Location>, ServiceError> {
    let number = |v: &str| {
        v.trim()
            .parse::<f64>()
            .map_err(|_| ServiceError::invalid("location", "not a number"))
    };
    match (lat.trim(), long.trim()) {
        ("", "") => Ok(None),
        (lat, long) => Ok(Some(Location {
            lat: number(lat)?,
            long: number(long)?,
        })),
    }
}

/// The ids of the files a form already brought (its repeated `berkas` field).
pub fn file_ids(ids: &[String]) -> Result<Vec<AttachmentId>, ServiceError> {
    ids.iter()
        .map(|id| {
            uuid::Uuid::parse_str(id)
                .map(AttachmentId)
                .map_err(|_| ServiceError::invalid("attachment_ids", "not a file id"))
        })
        .collect()
}

/// An urlencoded body of at most [`TEXT_LIMIT`] bytes.
async fn urlencoded(payload: web::Payload) -> Result<Vec<u8>, ServiceError> {
    match payload.to_bytes_limited(TEXT_LIMIT).await {
        Ok(Ok(body)) => Ok(body.to_vec()),
        Ok(Err(e)) => Err(ServiceError::bad_request("malformed_form", e.to_string())),
        Err(_) => Err(ServiceError::PayloadTooLarge(format!(
            "the form is larger than {TEXT_LIMIT} bytes"
        ))),
    }
}
