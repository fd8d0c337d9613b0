use actix_web::{patch, web, web::Json};
use serde::Deserialize;
use utoipa::ToSchema;

use super::CalendarView;
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::jurisdiction;
use crate::domain::calendar::WorkWeek;
use crate::domain::policy::Permission;
use crate::error::ServiceError;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCalendar {
    pub work_week: Option<WorkWeek>,
    /// 1 to 365 days.
    pub hold_limit_days: Option<i32>,
}

/// Change the working week or the hold limit (admin). Clocks already running keep their due
/// times; new clocks use the new week.
#[utoipa::path(tag = "calendar", security(("bearer" = [])), request_body = UpdateCalendar, responses(
    (status = 200, body = CalendarView),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[patch("/calendar")]
pub async fn update_calendar(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: web::Json<UpdateCalendar>,
) -> Result<Json<CalendarView>, ApiError> {
    caller.require(Permission::ManageCalendar)?;
    let body = body.into_inner();
    if let Some(d) = body.hold_limit_days {
        if !(1..=365).contains(&d) {
            return Err(ServiceError::invalid("hold_limit_days", "must be from 1 to 365").into());
        }
    }
    let mut j = caller.jurisdiction.clone();
    if let Some(w) = body.work_week {
        j.work_week = w.as_str().to_string();
    }
    if let Some(d) = body.hold_limit_days {
        j.hold_limit_days = d;
    }
    let saved = j.clone();
    state
        .db
        .write(move |c| {
            jurisdiction::set_calendar(c, &saved.id, &saved.work_week, saved.hold_limit_days)
                .map_err(ServiceError::from)
        })
        .await?;
    Ok(Json(CalendarView::from(&j)))
}
