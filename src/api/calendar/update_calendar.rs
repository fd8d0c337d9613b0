use crate::api::extract::Body;
use actix_web::{patch, web, web::Json};
use serde::Deserialize;
use utoipa::ToSchema;

use super::CalendarView;
use crate::api::extract::ClientAddr;
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::jurisdiction;
use crate::domain::calendar::WorkWeek;
use crate::domain::policy::Permission;
use crate::error::ServiceError;
use crate::service::audit::{self, Change, Who};
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
    from: ClientAddr,
    body: Body<UpdateCalendar>,
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
    let before = CalendarView::from(&caller.jurisdiction);
    audit::write(&state, Who::of(&caller, from.0), move |c| {
        jurisdiction::set_calendar(c, &saved.id, &saved.work_week, saved.hold_limit_days)?;
        let change = Change::new("calendar.update", "calendar", &saved.id)
            .before(&before)
            .after(&CalendarView::from(&saved));
        Ok(((), change))
    })
    .await?;
    Ok(Json(CalendarView::from(&j)))
}
