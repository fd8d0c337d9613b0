use actix_web::http::header;
use actix_web::{post, web, HttpResponse};
use chrono::{DateTime, FixedOffset, Utc};
use serde::Deserialize;
use utoipa::ToSchema;

use super::PatrolView;
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::account;
use crate::db::models::patrol::{self, Patrol};
use crate::domain::duty::{slot_day, SlotMiss};
use crate::domain::policy::Permission;
use crate::error::optional_text;
use crate::error::ServiceError;
use crate::service::duties::slots_of;
use crate::state::AppState;

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

/// Record a patrol (PIC). Its `started_at` must fall in the slot's window (the slot's local
/// time ± its window); one check-in per PIC, slot and day: a repeat answers 200 with the first.
#[utoipa::path(tag = "duties", security(("bearer" = [])), request_body = CreatePatrol, responses(
    (status = 201, body = PatrolView),
    (status = 200, description = "Already checked in for this slot today: the first check-in", body = PatrolView),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "Unknown slot, outside its window, in the future, unknown accounts", body = Problem, content_type = "application/problem+json"),
))]
#[post("/patrols")]
pub async fn create_patrol(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: web::Json<CreatePatrol>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::RecordDuties)?;
    let agency_id = caller
        .agency_id
        .clone()
        .ok_or_else(|| ServiceError::forbidden("a PIC without an agency cannot record patrols"))?;
    let b = body.into_inner();
    let now = Utc::now();
    let started = b.started_at.map(|t| t.to_utc()).unwrap_or(now);
    let notes = optional_text("notes", b.notes, 2000)?;
    if let Some(n) = b.comments_reviewed {
        if !(0..=100_000).contains(&n) {
            return Err(
                ServiceError::invalid("comments_reviewed", "must be from 0 to 100000").into(),
            );
        }
    }
    let mut accounts: Vec<String> = b.accounts_checked.iter().map(|a| a.to_string()).collect();
    accounts.sort();
    accounts.dedup();
    if accounts.is_empty() || accounts.len() > 50 {
        return Err(ServiceError::invalid("accounts_checked", "must name 1 to 50 accounts").into());
    }
    let tz = caller.timezone();
    let answer = state
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
        .await?;
    let (created, row) = answer;
    let view = PatrolView::from(row);
    if created {
        Ok(HttpResponse::Created()
            .insert_header((header::LOCATION, format!("/api/v1/patrols/{}", view.id)))
            .json(view))
    } else {
        Ok(HttpResponse::Ok().json(view))
    }
}
