//! Uploads: who may upload evidence, how much a day, which files a caller may attach and read,
//! and the sweep that removes what nothing uses — staged files of uploads that never finished,
//! attachments never attached to a ticket, a visit or an Open311 request, and blobs no
//! attachment names — after a grace period.

use std::time::{Duration, SystemTime};

use chrono::{NaiveDateTime, TimeZone};

use crate::auth::AuthUser;
use crate::db::models::attachment::{self, Attachment};
use crate::db::DbConnection;
use crate::domain::lifecycle;
use crate::domain::policy::Permission;
use crate::error::ServiceError;
use crate::files::upload::{self, Received};
use crate::ids::AttachmentId;
use crate::state::AppState;

/// At most this many files go with one filing or one field visit.
pub const MAX_FILES: usize = 20;

/// The files `ids` names, in that order: distinct, at most [`MAX_FILES`], each uploaded by the
/// caller (one cannot attach another person's upload).
pub fn own_files(
    c: &mut DbConnection,
    caller: &AuthUser,
    ids: &[AttachmentId],
) -> Result<Vec<Attachment>, ServiceError> {
    let ids: Vec<String> = ids.iter().map(|a| a.db()).collect();
    let mut seen = std::collections::HashSet::new();
    if !ids.iter().all(|i| seen.insert(i)) || ids.len() > MAX_FILES {
        return Err(ServiceError::invalid(
            "attachment_ids",
            format!("must list distinct files, at most {MAX_FILES}"),
        ));
    }
    let found = attachment::find_many(c, &caller.jurisdiction_id, &ids)?;
    ids.iter()
        .map(|id| {
            found
                .iter()
                .find(|a| &a.id == id && a.uploader_id == caller.id)
                .cloned()
                .ok_or_else(|| {
                    ServiceError::invalid(
                        "attachment_ids",
                        format!("{id} is not a file you uploaded"),
                    )
                })
        })
        .collect()
}

/// The file `id`, when the caller may read it: its uploader, and whoever sees a ticket that
/// uses it. Anyone else is told there is no such file.
pub fn readable(
    c: &mut DbConnection,
    caller: &AuthUser,
    id: &str,
) -> Result<Attachment, ServiceError> {
    let hidden = || ServiceError::not_found("there is no file with this id");
    let row = attachment::find(c, &caller.jurisdiction_id, id)?.ok_or_else(hidden)?;
    let me = caller.actor();
    let allowed = row.uploader_id == caller.id
        || attachment::tickets_using(c, &row.id)?
            .iter()
            .any(|t| lifecycle::can_see(&me, &t.facts(false)));
    if allowed {
        Ok(row)
    } else {
        Err(hidden())
    }
}

/// Which bytes of a file to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rendition {
    Original,
    /// The small JPEG preview of a photo (404 when it has none).
    Preview,
}

/// A file the caller may read, with the bytes of `rendition` (its content type is the row's
/// for the original, JPEG for a preview).
pub async fn fetch(
    state: &AppState,
    caller: AuthUser,
    id: String,
    rendition: Rendition,
) -> Result<(Attachment, Vec<u8>), ServiceError> {
    let blobs = state.blobs.clone();
    state
        .db
        .read(move |c| {
            let row = readable(c, &caller, &id)?;
            let digest = match rendition {
                Rendition::Original => row.sha256.clone(),
                Rendition::Preview => row.thumbnail_sha256.clone().ok_or_else(|| {
                    ServiceError::not_found("this file has no preview (not a photo)")
                })?,
            };
            let bytes = blobs.get(&digest).map_err(|e| {
                ServiceError::internal(anyhow::Error::new(e).context("reading a blob"))
            })?;
            Ok((row, bytes))
        })
        .await
}

/// The start of the caller's local day, in UTC.
fn start_of_today(caller: &AuthUser) -> NaiveDateTime {
    let tz = caller.timezone();
    let today = chrono::Utc::now().with_timezone(&tz).date_naive();
    tz.from_local_datetime(&today.and_time(chrono::NaiveTime::MIN))
        .earliest()
        .map(|t| t.naive_utc())
        .unwrap_or_else(|| today.and_time(chrono::NaiveTime::MIN))
}

/// The caller may upload, and `adding` more bytes fit today's allowance: asked before a body is
/// read (with 0) and again before a received file is stored (with its size).
pub async fn may_upload(
    state: &AppState,
    caller: &AuthUser,
    adding: i64,
) -> Result<(), ServiceError> {
    caller.require(Permission::UploadEvidence)?;
    let (who, since) = (caller.id.clone(), start_of_today(caller));
    let (count, bytes) = state
        .db
        .read(move |c| attachment::uploaded_since(c, &who, since).map_err(ServiceError::from))
        .await?;
    check_quota(state, count, bytes, adding, since)
}

/// Refuses past today's allowance: too many files (429 until the local day ends), too many
/// bytes (413).
fn check_quota(
    state: &AppState,
    count: i64,
    bytes: i64,
    adding: i64,
    today: NaiveDateTime,
) -> Result<(), ServiceError> {
    let s = &state.settings;
    if count >= s.uploads_per_day as i64 {
        let tomorrow = today + chrono::Duration::days(1) - crate::db::now();
        return Err(ServiceError::too_many(
            format!(
                "{} uploads a day are allowed; try again tomorrow",
                s.uploads_per_day
            ),
            tomorrow.to_std().unwrap_or(Duration::from_secs(60)),
        ));
    }
    if bytes + adding > s.upload_bytes_per_day as i64 {
        return Err(ServiceError::PayloadTooLarge(format!(
            "{} MiB of uploads a day are allowed and {} MiB are used",
            s.upload_bytes_per_day >> 20,
            bytes >> 20
        )));
    }
    Ok(())
}

/// Records an accepted upload, if it still fits the caller's allowance for today (checked
/// again in the transaction that writes it).
pub async fn record(
    state: &AppState,
    caller: &AuthUser,
    row: Attachment,
) -> Result<Attachment, ServiceError> {
    let (who, since) = (caller.id.clone(), start_of_today(caller));
    let limits = state.clone();
    state
        .db
        .write(move |c| {
            let (count, bytes) = attachment::uploaded_since(c, &who, since)?;
            check_quota(&limits, count, bytes, row.size, since)?;
            attachment::insert(c, &row)?;
            Ok::<_, ServiceError>(row)
        })
        .await
}

/// Takes in files a front received for the caller (a console form's photos): the allowance
/// checked for all of them, each judged by its content and stored, their rows written.
pub async fn accept_all(
    state: &AppState,
    caller: &AuthUser,
    files: Vec<Received>,
    part: &str,
) -> Result<Vec<Attachment>, ServiceError> {
    if files.len() > MAX_FILES {
        return Err(ServiceError::invalid(
            part,
            format!("send at most {MAX_FILES} files"),
        ));
    }
    let total: u64 = files.iter().map(|f| f.size).sum();
    may_upload(state, caller, total as i64).await?;
    let mut rows = Vec::with_capacity(files.len());
    for got in files {
        let row = upload::accept(
            state.blobs.clone(),
            got,
            &caller.jurisdiction_id,
            &caller.id,
            caller.timezone(),
            part,
        )
        .await?;
        rows.push(record(state, caller, row).await?);
    }
    Ok(rows)
}

/// What a sweep removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    pub staged: usize,
    pub attachments: usize,
    pub blobs: usize,
}

/// Removes, when older than `grace`: staged files, unused attachment rows, and blobs that no
/// row names. A blob offered again by an upload counts as new (its time is renewed).
pub async fn sweep(state: &AppState, grace: Duration) -> Result<Swept, ServiceError> {
    let cutoff = SystemTime::now() - grace;
    let before =
        crate::db::now() - chrono::Duration::from_std(grace).map_err(ServiceError::internal)?;
    let mut swept = Swept::default();
    let removed = state
        .db
        .write(move |c| attachment::delete_unused(c, before).map_err(ServiceError::from))
        .await?;
    swept.attachments = removed.len();
    let blobs = state.blobs.clone();
    let staging = blobs.staging_dir().to_path_buf();
    let db = state.db.clone();
    let (staged, deleted) = tokio::task::spawn_blocking(move || {
        let staged = sweep_staging(&staging, cutoff);
        let stale: Vec<String> = blobs
            .list()
            .map_err(ServiceError::internal)?
            .into_iter()
            .filter(|(_, at)| *at < cutoff)
            .map(|(sha, _)| sha)
            .collect();
        let mut deleted = 0;
        for chunk in stale.chunks(500) {
            let mut conn = db.conn()?;
            let used = attachment::digests_in_use(&mut conn as &mut DbConnection, chunk)
                .map_err(ServiceError::from)?;
            for sha in chunk.iter().filter(|s| !used.contains(s)) {
                blobs.delete(sha).map_err(ServiceError::internal)?;
                deleted += 1;
            }
        }
        Ok::<_, ServiceError>((staged, deleted))
    })
    .await
    .map_err(ServiceError::internal)??;
    swept.staged = staged;
    swept.blobs = deleted;
    Ok(swept)
}

/// Removes staged files last written before `cutoff` (uploads cut off half-way).
fn sweep_staging(dir: &std::path::Path, cutoff: SystemTime) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .filter_map(Result::ok)
        .filter(|e| {
            e.metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|t| t < cutoff)
        })
        .filter(|e| std::fs::remove_file(e.path()).is_ok())
        .count()
}
