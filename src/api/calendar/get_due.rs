use actix_web::{get, web, web::Json};
use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::domain::calendar::{DueError, TargetUnit};
use crate::domain::policy::Permission;
use crate::error::ServiceError;
use crate::service::clocks;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DueQuery {
    /// When the clock starts (RFC 3339); default now.
    #[param(example = "2025-08-15T10:00:00+07:00")]
    pub start: Option<String>,
    #[param(example = 3)]
    pub target: i64,
    pub unit: TargetUnit,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DueView {
    /// In the jurisdiction's offset.
    #[schema(value_type = String, format = DateTime, example = "2025-08-21T23:59:59+07:00")]
    pub due_at: DateTime<FixedOffset>,
    pub start: DateTime<Utc>,
    pub target: i64,
    pub unit: TargetUnit,
}

/// The due time of a target from a start, by the jurisdiction's calendar: the one function
/// every SLA clock uses. A working-day target ends at 23:59:59 local time of the n-th working
/// day after the start day; a calendar-day target at 23:59:59 of the n-th day after it; hours
/// and minutes are elapsed time.
#[utoipa::path(tag = "calendar", security(("bearer" = [])), params(DueQuery), responses(
    (status = 200, body = DueView),
    (status = 400, body = Problem, content_type = "application/problem+json"),
))]
#[get("/calendar/due")]
pub async fn get_due(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: web::Query<DueQuery>,
) -> Result<Json<DueView>, ApiError> {
    caller.require(Permission::ReadReferenceData)?;
    let q = query.into_inner();
    let bad = |d: &str| ServiceError::bad_request("invalid_query", d.to_string());
    let start = match q.start.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Utc::now(),
        Some(s) => DateTime::parse_from_rfc3339(s)
            .map_err(|_| bad("start must be an RFC 3339 time such as 2025-08-15T10:00:00+07:00"))?
            .to_utc(),
    };
    let jur = caller.jurisdiction.clone();
    let cal = state
        .db
        .read(move |c| clocks::calendar(c, &jur, start))
        .await?;
    let due = cal.due_at(start, q.target, q.unit).map_err(|e| match e {
        DueError::TargetOutOfRange => bad("target must be from 0 to ten years"),
        DueError::NoWorkingDay => bad("no working day within ten years of the start"),
    })?;
    Ok(Json(DueView {
        due_at: due.fixed_offset(),
        start,
        target: q.target,
        unit: q.unit,
    }))
}
