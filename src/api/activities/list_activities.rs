use actix_web::{get, web, web::Json};
use chrono::{DateTime, FixedOffset};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{ActivityKind, ActivityView};
use crate::api::pagination::{self, Paged};
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::activity::{self, ActivityFilter};
use crate::domain::policy::Permission;
use crate::error::ServiceError;
use crate::ids::{AgencyId, UserId};
use crate::service::duties::duty_scope;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActivitiesQuery {
    pub kind: Option<ActivityKind>,
    pub agency_id: Option<AgencyId>,
    pub recorded_by: Option<UserId>,
    /// Posted at or after (RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    pub posted_after: Option<DateTime<FixedOffset>>,
    /// Posted before (RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    pub posted_before: Option<DateTime<FixedOffset>>,
    /// 1 to 200; default 50.
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Recorded reposts and posts, newest record first. Agency roles see their own agency's.
#[utoipa::path(tag = "duties", security(("bearer" = [])), params(ActivitiesQuery), responses(
    (status = 200, body = Paged<ActivityView>),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
))]
#[get("/activities")]
pub async fn list_activities(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: web::Query<ActivitiesQuery>,
) -> Result<Json<Paged<ActivityView>>, ApiError> {
    caller.require(Permission::ReadDuties)?;
    let q = query.into_inner();
    let (limit, after) = pagination::params(q.limit, q.cursor.as_deref())?;
    let filter = ActivityFilter {
        kind: q.kind.map(|k| k.as_str().to_string()),
        agency_id: duty_scope(&caller, q.agency_id.map(|a| a.db()))?,
        recorded_by: q.recorded_by.map(|u| u.db()),
        posted_from: q.posted_after.map(|t| t.naive_utc()),
        posted_before: q.posted_before.map(|t| t.naive_utc()),
    };
    let jur = caller.jurisdiction_id.clone();
    let page = state
        .db
        .read(move |c| {
            activity::list(c, &jur, &filter, after.as_deref(), limit).map_err(ServiceError::from)
        })
        .await?;
    Ok(Json(Paged::from_page(page, ActivityView::from)))
}
