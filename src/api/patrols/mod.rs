//! Patrols: `/api/v1/patrols` — a PIC's check-in for each patrol of the official accounts'
//! comments (the 13:00, 17:00 and 19:00 slots by default), and the jurisdiction's slots.

mod create_patrol;
mod list_patrols;
mod slots;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

pub use create_patrol::CreatePatrol;
pub use list_patrols::PatrolsQuery;
pub use slots::SlotsInput;

use crate::auth::AuthUser;
use crate::db::models::patrol::{self, Patrol};
use crate::db::DbConnection;
use crate::domain::duty::{default_slots, Slot};
use crate::domain::policy::Role;
use crate::error::ServiceError;

/// One patrol check-in.
#[derive(Debug, Serialize, ToSchema)]
pub struct PatrolView {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub pic_id: String,
    #[schema(format = Uuid)]
    pub agency_id: String,
    #[schema(example = "13:00")]
    pub slot: String,
    /// The local day the slot belongs to.
    #[schema(value_type = String, format = Date)]
    pub day: NaiveDate,
    pub started_at: DateTime<Utc>,
    pub accounts_checked: Vec<String>,
    pub comments_reviewed: Option<i32>,
    pub notes: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<Patrol> for PatrolView {
    fn from(p: Patrol) -> Self {
        PatrolView {
            accounts_checked: serde_json::from_str(&p.accounts_checked).unwrap_or_default(),
            id: p.id,
            pic_id: p.pic_id,
            agency_id: p.agency_id,
            slot: p.slot,
            day: p.day,
            started_at: p.started_at.and_utc(),
            comments_reviewed: p.comments_reviewed,
            notes: p.notes,
            created_at: p.created_at.and_utc(),
        }
    }
}

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

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(slots::get_slots)
        .service(slots::put_slots)
        .service(create_patrol::create_patrol)
        .service(list_patrols::list_patrols);
}
