//! Patrols: `/api/v1/patrols` — a PIC's check-in for each patrol of the official accounts'
//! comments (the 13:00, 17:00 and 19:00 slots by default), and the jurisdiction's slots.

mod create_patrol;
mod list_patrols;
mod slots;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

pub use crate::service::duties::CreatePatrol;
pub use list_patrols::PatrolsQuery;
pub use slots::SlotsInput;

use crate::db::models::patrol::Patrol;

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

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(slots::get_slots)
        .service(slots::put_slots)
        .service(create_patrol::create_patrol)
        .service(list_patrols::list_patrols);
}
