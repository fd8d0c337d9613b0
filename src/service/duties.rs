//! PIC duties: the jurisdiction's patrol slots, and whose duty records a user may read.

use chrono::{DateTime, FixedOffset, Utc};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::AuthUser;
use crate::db::models::account;
use crate::db::models::activity::{self, Activity};
use crate::db::models::patrol::{self, Patrol};
use crate::db::DbConnection;
use crate::domain::duty::{default_slots, slot_day, ActivityKind, Slot, SlotMiss};
use crate::domain::policy::{Permission, Role};
use crate::domain::reference::check_http_url;
use crate::domain::source::{canonicalise, Channel};
use crate::error::{optional_text, ServiceError};
use crate::ids::AccountId;
use crate::state::AppState;

/// The jurisdiction's slots (the defaults when none were set).
pub fn slots_of(conn: &mut DbConnection, jurisdiction_id: &str) -> Result<Vec<Slot>, ServiceError> {
    let rows = patrol::slots(conn, jurisdiction_id)?;
    if rows.is_empty() {
        return Ok(default_slots());
    }
    Ok(rows
        .into_iter()
        .map(|r| Slot {
            name: r.name,
            at: r.at_time,
            window_minutes: r.window_minutes,
        })
        .collect())
}

/// The agency whose duty records `caller` may read: `None` for jurisdiction-wide roles, their
/// own agency for agency roles (asking for another one is 403).
pub fn duty_scope(
    caller: &AuthUser,
    asked: Option<String>,
) -> Result<Option<String>, ServiceError> {
    match caller.role {
        Role::Admin | Role::Coordinator | Role::Leader => Ok(asked),
        _ => {
            let own = caller
                .agency_id
                .clone()
                .ok_or_else(|| ServiceError::forbidden("you belong to no agency"))?;
            match asked {
                Some(a) if a != own => Err(ServiceError::forbidden(
                    "you may read your own agency's records only",
                )),
                _ => Ok(Some(own)),
            }
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePatrol {
    /// A slot name (`GET /api/v1/patrols/slots`).
    #[schema(example = "13:00")]
    pub slot: String,
    /// When the patrol began (RFC 3339); default now; not in the future.
    #[schema(value_type = Option<String>, format = DateTime, example = "2026-11-28T13:05:00+07:00")]
    pub started_at: Option<DateTime<FixedOffset>>,
    /// The official accounts whose comments were read (1 to 50 ids).
    pub accounts_checked: Vec<uuid::Uuid>,
    pub comments_reviewed: Option<i32>,
    pub notes: Option<String>,
}

/// Checks `caller` in for a patrol slot (the first check-in of that slot and day stands; a
/// second gives it back): `(created, row)`.
pub async fn check_in(
    state: &AppState,
    caller: AuthUser,
    b: CreatePatrol,
) -> Result<(bool, Patrol), ServiceError> {
    caller.require(Permission::RecordDuties)?;
    let agency_id = caller
        .agency_id
        .clone()
        .ok_or_else(|| ServiceError::forbidden("a PIC without an agency cannot record patrols"))?;
    let now = Utc::now();
    let started = b.started_at.map(|t| t.to_utc()).unwrap_or(now);
    let notes = optional_text("notes", b.notes, 2000)?;
    if let Some(n) = b.comments_reviewed {
        if !(0..=100_000).contains(&n) {
            return Err(ServiceError::invalid(
                "comments_reviewed",
                "must be from 0 to 100000",
            ));
        }
    }
    let mut accounts: Vec<String> = b.accounts_checked.iter().map(|a| a.to_string()).collect();
    accounts.sort();
    accounts.dedup();
    if accounts.is_empty() || accounts.len() > 50 {
        return Err(ServiceError::invalid(
            "accounts_checked",
            "must name 1 to 50 accounts",
        ));
    }
    let tz = caller.timezone();
    state
        .db
        .write(move |c| {
            let jur = caller.jurisdiction_id.clone();
            let slots = slots_of(c, &jur)?;
            let slot = slots
                .iter()
                .find(|s| s.name == b.slot.trim())
                .ok_or_else(|| {
                    let names: Vec<&str> = slots.iter().map(|s| s.name.as_str()).collect();
                    ServiceError::invalid("slot", format!("must be one of {}", names.join(", ")))
                })?;
            let day = slot_day(slot, started, now, tz).map_err(|m| match m {
                SlotMiss::InFuture => {
                    ServiceError::invalid("started_at", "must not be in the future")
                }
                SlotMiss::UnknownSlot => ServiceError::invalid("slot", "has no valid time"),
                SlotMiss::OutsideWindow => ServiceError::invalid(
                    "started_at",
                    format!(
                        "is outside the {} slot's window ({} ± {} minutes, local time)",
                        slot.name, slot.at, slot.window_minutes
                    ),
                ),
            })?;
            for (i, a) in accounts.iter().enumerate() {
                if account::find(c, &jur, a)?.is_none() {
                    return Err(ServiceError::invalid(
                        format!("accounts_checked[{i}]"),
                        "is not an official account of this jurisdiction",
                    ));
                }
            }
            let row = Patrol {
                id: crate::db::new_id(),
                jurisdiction_id: jur,
                pic_id: caller.id.clone(),
                agency_id,
                slot: slot.name.clone(),
                day,
                started_at: started.naive_utc(),
                accounts_checked: serde_json::to_string(&accounts).unwrap_or_default(),
                comments_reviewed: b.comments_reviewed,
                notes,
                created_at: crate::db::now(),
            };
            let (pic, slot) = (caller.id.clone(), slot.name.clone());
            let same = |c: &mut _| patrol::find_same(c, &pic, &slot, day);
            Ok(crate::db::insert_or_existing(c, row, same, patrol::insert)?)
        })
        .await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateActivity {
    pub kind: ActivityKind,
    /// The post (on the account's platform).
    #[schema(example = "https://www.instagram.com/p/DMa1b2c3d4e/")]
    pub url: String,
    /// The official account it was posted from.
    pub account_id: AccountId,
    /// For a repost: the leadership's post.
    pub original_url: Option<String>,
    #[schema(value_type = String, format = DateTime, example = "2026-11-28T09:30:00+07:00")]
    pub posted_at: DateTime<FixedOffset>,
    pub title: Option<String>,
}

/// Records a post of `caller`'s agency (one record per post URL; the same URL again gives the
/// first record back): `(created, row)`.
pub async fn record_activity(
    state: &AppState,
    caller: AuthUser,
    b: CreateActivity,
) -> Result<(bool, Activity), ServiceError> {
    caller.require(Permission::RecordDuties)?;
    let agency_id = caller.agency_id.clone().ok_or_else(|| {
        ServiceError::forbidden("a PIC without an agency cannot record activities")
    })?;
    let posted = b.posted_at.to_utc();
    if posted > Utc::now() + chrono::Duration::minutes(1) {
        return Err(ServiceError::invalid(
            "posted_at",
            "must not be in the future",
        ));
    }
    let title = optional_text("title", b.title, 200)?;
    let original_url = match b
        .original_url
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(raw) => Some(
            check_http_url(raw)
                .map_err(|m| ServiceError::invalid("original_url", m))?
                .to_string(),
        ),
        None => None,
    };
    state
        .db
        .write(move |c| {
            let jur = caller.jurisdiction_id.clone();
            let acc = account::find(c, &jur, &b.account_id.db())?.ok_or_else(|| {
                ServiceError::invalid(
                    "account_id",
                    "is not an official account of this jurisdiction",
                )
            })?;
            let channel = Channel::parse(&acc.platform).unwrap_or(Channel::Other);
            let url = canonicalise(channel, &b.url)
                .map_err(|m| ServiceError::invalid("url", m))?
                .url;
            let row = Activity {
                id: crate::db::new_id(),
                jurisdiction_id: jur,
                kind: b.kind.as_str().to_string(),
                url,
                account_id: acc.id,
                original_url,
                posted_at: posted.naive_utc(),
                title,
                recorded_by: caller.id.clone(),
                agency_id,
                created_at: crate::db::now(),
            };
            let (jur, url) = (row.jurisdiction_id.clone(), row.url.clone());
            let same = |c: &mut _| activity::find_by_url(c, &jur, &url);
            Ok::<_, ServiceError>(crate::db::insert_or_existing(
                c,
                row,
                same,
                activity::insert,
            )?)
        })
        .await
}
