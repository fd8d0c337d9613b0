//! Taking in an uploaded file: its bytes written to the staging folder as they arrive (hashed,
//! its first bytes kept, its size bounded), then its type judged by its content, EXIF read from
//! a photo and its preview made, and the bytes moved into the blob store. Whatever front receives the bytes (a
//! multipart form of the API, Open311's `media`) hands them to an [`Upload`].

use std::path::{Path, PathBuf};
use std::sync::Arc;

use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use super::store::BlobStore;
use super::{media, thumbnail};
use crate::db::models::attachment::Attachment;
use crate::error::ServiceError;

/// How many leading bytes are kept for judging the type.
const HEAD: usize = 8192;

/// A file in the staging folder; removed unless it was handed on.
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

fn io_error(e: std::io::Error) -> ServiceError {
    ServiceError::internal(anyhow::Error::new(e).context("writing an upload"))
}

/// A file being received.
pub struct Upload {
    staged: Staged,
    file: tokio::fs::File,
    hasher: Sha256,
    head: Vec<u8>,
    size: u64,
    limit: u64,
    filename: Option<String>,
}

impl Upload {
    /// Starts a file in `staging` of at most `limit` bytes, named `filename` by the client.
    pub async fn begin(
        staging: &Path,
        limit: u64,
        filename: Option<&str>,
    ) -> Result<Upload, ServiceError> {
        let staged = Staged {
            path: staging.join(format!("{}.part", uuid::Uuid::now_v7())),
            keep: false,
        };
        let file = tokio::fs::File::create(&staged.path)
            .await
            .map_err(io_error)?;
        Ok(Upload {
            staged,
            file,
            hasher: Sha256::new(),
            head: Vec::with_capacity(HEAD),
            size: 0,
            limit,
            filename: clean_filename(filename),
        })
    }

    /// Writes the next bytes; 413 once the file passes its limit.
    pub async fn write(&mut self, chunk: &[u8]) -> Result<(), ServiceError> {
        self.size += chunk.len() as u64;
        if self.size > self.limit {
            return Err(ServiceError::PayloadTooLarge(format!(
                "the file is larger than the limit of {} bytes",
                self.limit
            )));
        }
        if self.head.len() < HEAD {
            let take = (HEAD - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        self.hasher.update(chunk);
        self.file.write_all(chunk).await.map_err(io_error)
    }

    /// The whole file, received.
    pub async fn finish(mut self) -> Result<Received, ServiceError> {
        self.file.flush().await.map_err(io_error)?;
        Ok(Received {
            staged: self.staged,
            head: self.head,
            sha256: hex::encode(self.hasher.finalize()),
            size: self.size,
            filename: self.filename,
        })
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

/// A client's file name without its folders or control characters (at most 200 characters).
fn clean_filename(raw: Option<&str>) -> Option<String> {
    let name = raw?.rsplit(['/', '\\']).next()?.trim();
    let name: String = name.chars().filter(|c| !c.is_control()).take(200).collect();
    (!name.is_empty()).then_some(name)
}

/// Checks a received file's type by its content, reads EXIF, and moves the bytes into the
/// store. Gives the row to insert (the caller inserts it in its own transaction); `part` names
/// the file in errors.
pub async fn accept(
    blobs: Arc<dyn BlobStore>,
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
    // Off the executor: read EXIF and move the bytes into the store before a row can point at
    // them.
    let (facts, thumbnail_sha256, (sha256, size, filename)) =
        tokio::task::spawn_blocking(move || {
            let photo = content_type.starts_with("image/");
            let facts = if photo {
                media::photo_facts(&got.staged.path, tz)
            } else {
                media::PhotoFacts::default()
            };
            let preview = photo
                .then(|| thumbnail::store(&got.staged.path, blobs.as_ref()))
                .flatten();
            blobs.put(&got.sha256, &got.staged.path).map_err(io_error)?;
            let Received {
                staged,
                sha256,
                size,
                filename,
                ..
            } = got;
            staged.handed_on();
            Ok::<_, ServiceError>((facts, preview, (sha256, size, filename)))
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
        thumbnail_sha256,
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
