use std::path::{Path, PathBuf};

use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::{post, web, HttpRequest, HttpResponse};
use futures_util::StreamExt;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;
use utoipa::ToSchema;

use super::AttachmentView;
use crate::auth::AuthUser;
use crate::db::models::attachment::{self, Attachment};
use crate::error::{ApiError, Problem};
use crate::media;
use crate::state::AppState;

/// The form: one part named `file`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

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

struct Received {
    staged: Staged,
    head: Vec<u8>,
    sha256: String,
    size: u64,
    filename: Option<String>,
}

fn clean_filename(raw: Option<&str>) -> Option<String> {
    let name = raw?.rsplit(['/', '\\']).next()?.trim();
    let name: String = name.chars().filter(|c| !c.is_control()).take(200).collect();
    (!name.is_empty()).then_some(name)
}

fn io_error(e: std::io::Error) -> ApiError {
    ApiError::internal(anyhow::Error::new(e).context("writing an upload"))
}

/// Streams the `file` part to the staging folder, hashing as it goes and stopping at `limit`.
async fn receive(mut form: Multipart, staging: &Path, limit: u64) -> Result<Received, ApiError> {
    let bad = |detail: String| ApiError::bad_request("malformed_multipart", detail);
    let mut received: Option<Received> = None;
    while let Some(field) = form.next().await {
        let mut field = field.map_err(|e| match e {
            actix_multipart::MultipartError::ContentTypeMissing
            | actix_multipart::MultipartError::ContentTypeIncompatible
            | actix_multipart::MultipartError::ContentTypeParse => {
                ApiError::unsupported_media_type(
                    "send the file as multipart/form-data with one part named 'file'",
                )
            }
            other => bad(format!("the multipart body is not valid: {other}")),
        })?;
        if field.name() != Some("file") {
            // Other parts are read and ignored.
            while let Some(chunk) = field.next().await {
                chunk.map_err(|e| bad(e.to_string()))?;
            }
            continue;
        }
        if received.is_some() {
            return Err(ApiError::invalid("file", "send one file per request"));
        }
        let filename = clean_filename(field.content_disposition().and_then(|cd| cd.get_filename()));
        let staged = Staged {
            path: staging.join(format!("{}.part", uuid::Uuid::now_v7())),
            keep: false,
        };
        let mut out = tokio::fs::File::create(&staged.path)
            .await
            .map_err(io_error)?;
        let mut hasher = Sha256::new();
        let mut head = Vec::with_capacity(HEAD);
        let mut size = 0u64;
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|e| bad(e.to_string()))?;
            size += chunk.len() as u64;
            if size > limit {
                return Err(ApiError::PayloadTooLarge(format!(
                    "the file is larger than the limit of {limit} bytes"
                )));
            }
            if head.len() < HEAD {
                let take = (HEAD - head.len()).min(chunk.len());
                head.extend_from_slice(&chunk[..take]);
            }
            hasher.update(&chunk);
            out.write_all(&chunk).await.map_err(io_error)?;
        }
        out.flush().await.map_err(io_error)?;
        received = Some(Received {
            staged,
            head,
            sha256: hex::encode(hasher.finalize()),
            size,
            filename,
        });
    }
    received.ok_or_else(|| ApiError::invalid("file", "the form has no part named 'file'"))
}

/// Upload a photo or document (JPEG, PNG, WebP, HEIC or PDF, judged by content).
///
/// Identical files are stored once. Capture time and GPS position are read from EXIF.
#[utoipa::path(tag = "evidence", security(("bearer" = [])),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, body = AttachmentView, headers(("Location" = String))),
        (status = 413, description = "Larger than the upload limit (20 MB by default)", body = Problem, content_type = "application/problem+json"),
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
    let form = Multipart::new(req.headers(), payload);
    let got = receive(
        form,
        state.blobs.staging_dir(),
        state.settings.max_upload_bytes,
    )
    .await?;
    if got.size == 0 {
        return Err(ApiError::invalid("file", "the file is empty"));
    }
    let Some(content_type) = media::sniff(&got.head) else {
        let seen = infer::get(&got.head).map_or("of an unknown type", |k| k.mime_type());
        return Err(ApiError::UnsupportedMediaType {
            code: "unsupported_file_type",
            detail: format!(
                "the file is {seen}; only JPEG, PNG, WebP, HEIC or PDF files are accepted"
            ),
        });
    };
    let tz = caller.timezone();
    let blobs = state.blobs.clone();
    // Off the writer: read EXIF and move the bytes into the store before a row can point at them.
    let (facts, received) = tokio::task::spawn_blocking(move || {
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
        Ok::<_, ApiError>((facts, (sha256, size, filename)))
    })
    .await
    .map_err(ApiError::internal)??;
    let (sha256, size, filename) = received;
    let row = Attachment {
        id: crate::db::new_id(),
        jurisdiction_id: caller.jurisdiction_id.clone(),
        uploader_id: caller.id.clone(),
        sha256,
        content_type: content_type.to_string(),
        size: size as i64,
        filename,
        taken_at: facts.taken_at,
        lat: facts.lat,
        lng: facts.lng,
        created_at: crate::db::now(),
    };
    let row = state
        .db
        .write(move |c| {
            attachment::insert(c, &row)?;
            Ok::<_, ApiError>(row)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/attachments/{}", row.id)))
        .json(AttachmentView::from(row)))
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
