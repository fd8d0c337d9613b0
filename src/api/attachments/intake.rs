//! Receiving a file from a multipart form and storing it: used by `POST /attachments` and by
//! the Open311 facade's `media` part.

use std::path::{Path, PathBuf};

use actix_multipart::Multipart;
use futures_util::StreamExt;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use crate::db::models::attachment::Attachment;
use crate::error::ServiceError;
use crate::files::media;
use crate::state::AppState;

/// How many leading bytes are kept for judging the type.
const HEAD: usize = 8192;

/// A file being received; removed from the staging folder unless it was handed on.
struct Staged {
    path: PathBuf,
    keep: bool,
}

impl Staged {
    /// The file was moved elsewhere; nothing to clean up.
    fn handed_on(mut self) {
        self.keep = true;
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.keep {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// A file received into the staging folder, hashed, with its first bytes.
pub struct Received {
    staged: Staged,
    head: Vec<u8>,
    sha256: String,
    pub size: u64,
    filename: Option<String>,
}

/// A multipart form: its file part (when there is one) and its text parts, in order.
pub struct Form {
    pub file: Option<Received>,
    pub fields: Vec<(String, String)>,
}

fn clean_filename(raw: Option<&str>) -> Option<String> {
    let name = raw?.rsplit(['/', '\\']).next()?.trim();
    let name: String = name.chars().filter(|c| !c.is_control()).take(200).collect();
    (!name.is_empty()).then_some(name)
}

fn io_error(e: std::io::Error) -> ServiceError {
    ServiceError::internal(anyhow::Error::new(e).context("writing an upload"))
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
        let filename = clean_filename(field.content_disposition().and_then(|cd| cd.get_filename()));
        let staged = Staged {
            path: staging.join(format!("{}.part", uuid::Uuid::now_v7())),
            keep: false,
        };
        let mut file = tokio::fs::File::create(&staged.path)
            .await
            .map_err(io_error)?;
        let mut hasher = Sha256::new();
        let mut head = Vec::with_capacity(HEAD);
        let mut size = 0u64;
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|e| bad(e.to_string()))?;
            size += chunk.len() as u64;
            if size > limit {
                return Err(ServiceError::PayloadTooLarge(format!(
                    "the file is larger than the limit of {limit} bytes"
                )));
            }
            if head.len() < HEAD {
                let take = (HEAD - head.len()).min(chunk.len());
                head.extend_from_slice(&chunk[..take]);
            }
            hasher.update(&chunk);
            file.write_all(&chunk).await.map_err(io_error)?;
        }
        file.flush().await.map_err(io_error)?;
        out.file = Some(Received {
            staged,
            head,
            sha256: hex::encode(hasher.finalize()),
            size,
            filename,
        });
    }
    Ok(out)
}

/// Checks a received file's type by its content, reads EXIF, and moves the bytes into the
/// store. Gives the row to insert (the caller inserts it in its own transaction).
pub async fn store(
    state: &AppState,
    got: Received,
    jurisdiction_id: &str,
    uploader_id: &str,
    tz: chrono_tz::Tz,
    part: &str,
) -> Result<Attachment, ServiceError> {
    if got.size == 0 {
        return Err(ServiceError::invalid(part, "the file is empty"));
    }
    let Some(content_type) = media::sniff(&got.head) else {
        let seen = infer::get(&got.head).map_or("of an unknown type", |k| k.mime_type());
        return Err(ServiceError::UnsupportedMediaType {
            code: "unsupported_file_type",
            detail: format!(
                "the file is {seen}; only JPEG, PNG, WebP, HEIC or PDF files are accepted"
            ),
        });
    };
    let blobs = state.blobs.clone();
    // Off the writer: read EXIF and move the bytes into the store before a row can point at them.
    let (facts, (sha256, size, filename)) = tokio::task::spawn_blocking(move || {
        let facts = if content_type.starts_with("image/") {
            media::photo_facts(&got.staged.path, tz)
        } else {
            media::PhotoFacts::default()
        };
        blobs.put(&got.sha256, &got.staged.path).map_err(io_error)?;
        let Received {
            staged,
            sha256,
            size,
            filename,
            ..
        } = got;
        staged.handed_on();
        Ok::<_, ServiceError>((facts, (sha256, size, filename)))
    })
    .await
    .map_err(ServiceError::internal)??;
    Ok(Attachment {
        id: crate::db::new_id(),
        jurisdiction_id: jurisdiction_id.to_string(),
        uploader_id: uploader_id.to_string(),
        sha256,
        content_type: content_type.to_string(),
        size: size as i64,
        filename,
        taken_at: facts.taken_at,
        lat: facts.lat,
        lng: facts.lng,
        created_at: crate::db::now(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filenames_lose_their_folders() {
        assert_eq!(
            clean_filename(Some("C:\\Users\\pic\\foto.jpg")).as_deref(),
            Some("foto.jpg")
        );
        assert_eq!(
            clean_filename(Some("../../etc/passwd")).as_deref(),
            Some("passwd")
        );
        assert_eq!(clean_filename(Some("  ")), None);
        assert_eq!(clean_filename(None), None);
    }
}
