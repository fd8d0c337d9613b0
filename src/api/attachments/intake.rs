//! Receiving a multipart form: its file part streamed into an `Upload` (`files::upload`), its
//! text parts kept. Used by `POST /attachments` and by the Open311 facade's `media` part.

use std::path::Path;

use actix_multipart::Multipart;
use futures_util::StreamExt;

use super::part_headers::PartHeaders;
use crate::error::ServiceError;
use crate::files::upload::{Received, Upload};

/// The multipart parser over `payload`, with its part headers and its whole size bounded
/// (`total` bytes).
pub fn multipart(
    headers: &actix_web::http::header::HeaderMap,
    payload: actix_web::web::Payload,
    total: u64,
) -> Multipart {
    let boundary = headers
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<actix_web::mime::Mime>().ok())
        .and_then(|m| {
            m.get_param(actix_web::mime::BOUNDARY)
                .map(|b| b.as_str().to_string())
        })
        .unwrap_or_default();
    Multipart::new(headers, PartHeaders::new(payload, &boundary, total))
}

/// A multipart form: its file part (when there is one) and its text parts, in order.
pub struct Form {
    pub file: Option<Received>,
    pub fields: Vec<(String, String)>,
}

/// Reads a multipart form: streams the part named `file_part` to the staging folder, hashing as
/// it goes and stopping at `limit` bytes; keeps the other parts as text, `text_limit` bytes in
/// all.
pub async fn receive(
    mut form: Multipart,
    staging: &Path,
    limit: u64,
    file_part: &str,
    text_limit: usize,
) -> Result<Form, ServiceError> {
    let bad = |detail: String| ServiceError::bad_request("malformed_multipart", detail);
    let mut out = Form {
        file: None,
        fields: Vec::new(),
    };
    let mut text_bytes = 0usize;
    while let Some(field) = form.next().await {
        let mut field = field.map_err(|e| match e {
            actix_multipart::MultipartError::ContentTypeMissing
            | actix_multipart::MultipartError::ContentTypeIncompatible
            | actix_multipart::MultipartError::ContentTypeParse => {
                ServiceError::unsupported_media_type(format!(
                    "send the file as multipart/form-data with one part named '{file_part}'"
                ))
            }
            actix_multipart::MultipartError::Payload(actix_web::error::PayloadError::Overflow) => {
                ServiceError::PayloadTooLarge("the body is larger than aduan accepts".into())
            }
            actix_multipart::MultipartError::Payload(actix_web::error::PayloadError::Io(e)) => {
                bad(format!("the multipart body is not valid: {e}"))
            }
            other => bad(format!("the multipart body is not valid: {other}")),
        })?;
        let name = field.name().unwrap_or_default().to_string();
        if name != file_part {
            let mut bytes = Vec::new();
            while let Some(chunk) = field.next().await {
                let chunk = chunk.map_err(|e| bad(e.to_string()))?;
                text_bytes += chunk.len();
                if text_bytes > text_limit {
                    return Err(ServiceError::PayloadTooLarge(format!(
                        "the form's text parts are larger than {text_limit} bytes"
                    )));
                }
                bytes.extend_from_slice(&chunk);
            }
            let text = String::from_utf8(bytes)
                .map_err(|_| bad(format!("the part '{name}' is not UTF-8 text")))?;
            out.fields.push((name, text));
            continue;
        }
        if out.file.is_some() {
            return Err(ServiceError::invalid(
                file_part,
                "send one file per request",
            ));
        }
        let filename = field.content_disposition().and_then(|cd| cd.get_filename());
        let mut upload = Upload::begin(staging, limit, filename).await?;
        while let Some(chunk) = field.next().await {
            upload
                .write(&chunk.map_err(|e| bad(e.to_string()))?)
                .await?;
        }
        out.file = Some(upload.finish().await?);
    }
    Ok(out)
}
