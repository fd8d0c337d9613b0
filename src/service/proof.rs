//! Proof of real response ("sebagai bukti respons nyata"): the photos of a complaint that staff
//! mark publishable — re-encoded, so no EXIF leaves the server — and the facts of the proof
//! card a PIC replies with: the complaint as the public may see it, "sebelum" and "sesudah",
//! the agency, the day it was fixed and in how many working days.

use chrono::NaiveDate;

use super::public::{self, PublicTicketView};
use crate::auth::AuthUser;
use crate::db::models::published_photo::{self as photos, PublishedPhoto};
use crate::db::models::ticket::Ticket;
use crate::db::models::{attachment, jurisdiction, region};
use crate::db::DbConnection;
use crate::domain::lifecycle::Status;
use crate::domain::policy::Permission;
use crate::error::ServiceError;
use crate::files::thumbnail::{keep, rendition_of_bytes};
use crate::service::tickets::load_visible;
use crate::state::AppState;

/// The public copy: at most this many pixels on its longer side.
pub const PUBLIC_EDGE: u32 = 1600;
/// The small public copy for lists and cards.
pub const PREVIEW_EDGE: u32 = 640;

/// Marks the photo `attachment_id` of ticket `ticket_id` publishable, once the caller confirmed
/// that it shows no face or personal data: made into two re-encoded copies (pixels only) that
/// the public may see. Publishing it again changes nothing.
pub async fn publish(
    state: &AppState,
    caller: AuthUser,
    ticket_id: String,
    attachment_id: String,
    confirmed: bool,
) -> Result<PublishedPhoto, ServiceError> {
    caller.require(Permission::PublishEvidence)?;
    if !confirmed {
        return Err(ServiceError::invalid(
            "confirm_no_personal_data",
            "confirm that the photo shows no face or personal data",
        ));
    }
    let who = caller.clone();
    let aid = attachment_id.clone();
    let (t, role, original) = state
        .db
        .read(move |c| {
            let t = load_visible(c, &who, &ticket_id)?;
            let (role, file) = photo_of(c, &t, &attachment_id)?;
            Ok::<_, ServiceError>((t, role, file))
        })
        .await?;
    if t.confidential {
        return Err(ServiceError::conflict(
            "confidential",
            "a confidential complaint shows nothing in public",
        ));
    }
    let blobs = state.blobs.clone();
    let (sha256, preview_sha256) = tokio::task::spawn_blocking(move || {
        let bytes = blobs.get(&original).map_err(ServiceError::internal)?;
        let copy = |edge, quality| {
            rendition_of_bytes(&bytes, edge, quality)
                .and_then(|b| keep(&b, blobs.as_ref()))
                .ok_or_else(|| {
                    ServiceError::invalid("attachment_id", "this photo could not be read")
                })
        };
        Ok::<_, ServiceError>((copy(PUBLIC_EDGE, 85)?, copy(PREVIEW_EDGE, 78)?))
    })
    .await
    .map_err(ServiceError::internal)??;
    let row = PublishedPhoto {
        ticket_id: t.id.clone(),
        attachment_id: aid,
        jurisdiction_id: t.jurisdiction_id.clone(),
        role: role.to_string(),
        sha256,
        preview_sha256,
        published_by: caller.id.clone(),
        published_at: crate::db::now(),
    };
    state
        .db
        .write(move |c| {
            photos::insert(c, &row)?;
            let kept = photos::of_ticket(c, &row.ticket_id)?;
            kept.into_iter()
                .find(|p| p.attachment_id == row.attachment_id)
                .ok_or_else(|| ServiceError::internal(anyhow::anyhow!("published photo vanished")))
        })
        .await
}

/// The photo `attachment_id` of ticket `t`: its role there and its blob; not found unless it is
/// a photo filed with the ticket or taken on one of its field visits.
fn photo_of(
    c: &mut DbConnection,
    t: &Ticket,
    attachment_id: &str,
) -> Result<(&'static str, String), ServiceError> {
    let missing = || ServiceError::not_found("there is no photo with this id on this complaint");
    let role = photos::role_of(c, &t.id, attachment_id)?.ok_or_else(missing)?;
    let file = attachment::find(c, &t.jurisdiction_id, attachment_id)?.ok_or_else(missing)?;
    if !file.content_type.starts_with("image/") {
        return Err(ServiceError::invalid(
            "attachment_id",
            "only photos can be shown to the public",
        ));
    }
    Ok((role, file.sha256))
}

/// Withdraws a published photo from the public (its copies go at the next sweep).
pub async fn withdraw(
    state: &AppState,
    caller: AuthUser,
    ticket_id: String,
    attachment_id: String,
) -> Result<(), ServiceError> {
    caller.require(Permission::PublishEvidence)?;
    state
        .db
        .write(move |c| {
            let t = load_visible(c, &caller, &ticket_id)?;
            match photos::delete(c, &t.id, &attachment_id)? {
                0 => Err(ServiceError::not_found("this photo is not published")),
                _ => Ok(()),
            }
        })
        .await
}

/// What a proof card shows.
#[derive(Debug)]
pub struct Proof {
    pub public: PublicTicketView,
    /// The kecamatan or desa.
    pub place: Option<String>,
    pub fixed_on: NaiveDate,
    /// Working days from the complaint to its fix.
    pub working_days: i64,
    /// The small public copies of the first "sebelum" and the latest "sesudah" photo.
    pub before: Option<String>,
    pub after: Option<String>,
}

/// The proof of ticket `t` (resolved or closed, not confidential).
pub fn proof(c: &mut DbConnection, t: &Ticket) -> Result<Proof, ServiceError> {
    let status = Status::parse(&t.status).unwrap_or(Status::New);
    if !matches!(status, Status::Resolved | Status::Closed) {
        return Err(ServiceError::conflict(
            "not_resolved",
            "a proof card is made once the complaint is resolved",
        ));
    }
    let public = public::status(c, &t.code).map_err(|e| match e {
        ServiceError::NotFound(_) => ServiceError::conflict(
            "confidential",
            "a confidential complaint shows nothing in public",
        ),
        e => e,
    })?;
    let place = match &t.region_id {
        Some(id) => region::find(c, &t.jurisdiction_id, id)?.map(|r| r.name),
        None => None,
    };
    let fixed_at = public
        .milestones
        .iter()
        .rev()
        .find(|m| m.status == Status::Resolved)
        .map(|m| m.at)
        .unwrap_or(public.updated_at);
    let jur = jurisdiction::find(c, &t.jurisdiction_id)?;
    let created = t.created_at.and_utc();
    let cal = crate::service::clocks::calendar(c, &jur, created)?;
    let tz = jur.tz();
    let (from, to) = (
        created.with_timezone(&tz).date_naive(),
        fixed_at.with_timezone(&tz).date_naive(),
    );
    let published = photos::of_ticket(c, &t.id)?;
    let of_role = |role: &'static str| move |p: &&PublishedPhoto| p.role == role;
    Ok(Proof {
        place,
        fixed_on: to,
        working_days: cal.working_days_between(from, to),
        before: published
            .iter()
            .find(of_role("before"))
            .map(|p| p.preview_sha256.clone()),
        after: published
            .iter()
            .rfind(of_role("after"))
            .map(|p| p.preview_sha256.clone()),
        public,
    })
}

/// The proof of the ticket `id` for a signed-in caller who may see it.
pub fn proof_for(c: &mut DbConnection, caller: &AuthUser, id: &str) -> Result<Proof, ServiceError> {
    caller.require(Permission::PublishEvidence)?;
    let t = load_visible(c, caller, id)?;
    proof(c, &t)
}

/// The proof of the complaint with tracking code `code` for anyone: not found unless it is
/// resolved or closed and not confidential.
pub fn public_proof(c: &mut DbConnection, code: &str) -> Result<Proof, ServiceError> {
    let hidden = || ServiceError::not_found("there is no public proof for this code");
    let code = code.trim().to_ascii_uppercase();
    if code.len() > 40 {
        return Err(hidden());
    }
    let t = crate::db::models::ticket::find_by_code_anywhere(c, &code)?
        .filter(|t| !t.confidential)
        .ok_or_else(hidden)?;
    proof(c, &t).map_err(|e| match e {
        ServiceError::Conflict { .. } => hidden(),
        e => e,
    })
}

/// Which fixed complaints `/bukti` lists.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    /// A kecamatan's region id: complaints filed with it or one of its desa.
    pub kecamatan: Option<String>,
    pub category: Option<String>,
}

/// The most recently published proofs of the jurisdiction.
pub fn recent_public(
    c: &mut DbConnection,
    jurisdiction_id: &str,
    f: &Filters,
    limit: i64,
) -> Result<Vec<Proof>, ServiceError> {
    let regions = match &f.kecamatan {
        Some(k) => {
            let filter = region::RegionFilter {
                parent_id: Some(k.clone()),
                ..Default::default()
            };
            let mut ids: Vec<String> = region::list(c, jurisdiction_id, &filter, None, 10_000)?
                .items
                .into_iter()
                .map(|r| r.id)
                .collect();
            ids.push(k.clone());
            Some(ids)
        }
        None => None,
    };
    let rows = photos::recent(
        c,
        jurisdiction_id,
        regions.as_deref(),
        f.category.as_deref(),
        limit,
    )?;
    let mut out = Vec::with_capacity(rows.len());
    for (ticket_id, _) in rows {
        if let Some(t) = crate::db::models::ticket::find(c, jurisdiction_id, &ticket_id)? {
            out.push(proof(c, &t)?);
        }
    }
    Ok(out)
}

/// Is `sha256` a public copy of a published photo of a complaint that is not confidential?
pub fn is_public_copy(c: &mut DbConnection, sha256: &str) -> Result<bool, ServiceError> {
    Ok(photos::is_public_copy(c, sha256)?)
}
