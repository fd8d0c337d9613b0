//! The activity log: `/api/v1/activities` — a PIC's reposts of the leadership's posts and the
//! agency's own content about its work, one record per post URL.

mod create_activity;
mod list_activities;

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

pub use crate::service::duties::CreateActivity;
pub use list_activities::ActivitiesQuery;

use crate::db::models::activity::Activity;
pub use crate::domain::duty::ActivityKind;

/// One recorded post.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityView {
    #[schema(format = Uuid)]
    pub id: String,
    pub kind: ActivityKind,
    /// The post, canonical.
    pub url: String,
    #[schema(format = Uuid)]
    pub account_id: String,
    /// For a repost: the leadership's post.
    pub original_url: Option<String>,
    pub posted_at: DateTime<Utc>,
    pub title: Option<String>,
    #[schema(format = Uuid)]
    pub recorded_by: String,
    #[schema(format = Uuid)]
    pub agency_id: String,
    pub created_at: DateTime<Utc>,
}

impl From<Activity> for ActivityView {
    fn from(a: Activity) -> Self {
        ActivityView {
            kind: ActivityKind::parse(&a.kind).unwrap_or(ActivityKind::Content),
            id: a.id,
            url: a.url,
            account_id: a.account_id,
            original_url: a.original_url,
            posted_at: a.posted_at.and_utc(),
            title: a.title,
            recorded_by: a.recorded_by,
            agency_id: a.agency_id,
            created_at: a.created_at.and_utc(),
        }
    }
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(create_activity::create_activity)
        .service(list_activities::list_activities);
}
