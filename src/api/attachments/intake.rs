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

/// A multipart form: its file parts and its text parts, in order.
pub struct Form {
    pub files: Vec<Received>,
    pub fields: Vec<(String, String)>,
}

impl Form {
    /// The file of a form that has at most one.
    pub fn file(&mut self) -> Option<Received> {
        self.files.pop()
    }
}

/// The file parts a form may have: their name and how many.
#[derive(Debug, Clone, Copy)]
pub struct FileParts<'a> {
    pub name: &'a str,
    pub most: usize,
}

impl FileParts<'_> {
    /// One part named `name`.
    pub fn one(name: &str) -> FileParts<'_> {
        FileParts { name, most: 1 }
    }
}

/// Reads a multipart form: streams each part named `parts.name` to the staging folder, hashing
/// as it goes and stopping at `limit` bytes a file; keeps the other parts as text,
/// `text_limit` bytes in all. A browser's empty file input (no name, no bytes) is no file.
pub async fn receive(
    mut form: Multipart,
    staging: &Path,
    limit: u64,
    parts: FileParts<'_>,
    text_limit: usize,
) -> Result<Form, ServiceError> {
    let file_part = parts.name;
    let bad = |detail: String| ServiceError::bad_request("malformed_multipart", detail);
    let mut out = Form {
        files: Vec::new(),
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
        if out.files.len() == parts.most {
            return Err(ServiceError::invalid(
                file_part,
                match parts.most {
                    1 => "send one file per request".to_string(),
                    n => format!("send at most {n} files"),
                },
            ));
        }
        let filename = field
            .content_disposition()
            .and_then(|cd| cd.get_filename())
            .map(str::to_string);
        let mut upload = Upload::begin(staging, limit, filename.as_deref()).await?;
        while let Some(chunk) = field.next().await {
            upload
                .write(&chunk.map_err(|e| bad(e.to_string()))?)
                .await?;
        }
        let got = upload.finish().await?;
        let nothing_chosen = got.size == 0 && filename.as_deref() == Some("");
        if !nothing_chosen {
            out.files.push(got);
        }
    }
    Ok(out)
}
