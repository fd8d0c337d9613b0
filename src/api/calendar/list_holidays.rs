use actix_web::{get, web, web::Json};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;

use super::HolidayView;
use crate::api::pagination::Paged;
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::holiday;
use crate::domain::calendar::HolidayKind;
use crate::domain::policy::Permission;
use crate::error::ServiceError;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HolidaysQuery {
    /// A year (`2026`); or use `from`/`to`.
    pub year: Option<i32>,
    /// First day (`2026-01-01`), inclusive.
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<NaiveDate>,
    /// Last day, inclusive.
    #[param(value_type = Option<String>, format = Date)]
    pub to: Option<NaiveDate>,
    pub kind: Option<HolidayKind>,
}

/// The jurisdiction's holidays, by date (one page: a calendar has tens of days a year).
#[utoipa::path(tag = "calendar", security(("bearer" = [])), params(HolidaysQuery), responses(
    (status = 200, body = Paged<HolidayView>),
    (status = 400, body = Problem, content_type = "application/problem+json"),
))]
#[get("/calendar/holidays")]
pub async fn list_holidays(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: web::Query<HolidaysQuery>,
) -> Result<Json<Paged<HolidayView>>, ApiError> {
    caller.require(Permission::ReadReferenceData)?;
    let q = query.into_inner();
    let (mut from, mut to) = (q.from, q.to);
    if let Some(y) = q.year {
        let bad = || ServiceError::bad_request("invalid_query", "year must be from 1900 to 2200");
        if !(1900..=2200).contains(&y) {
            return Err(bad().into());
        }
        from = Some(
            from.unwrap_or_default()
                .max(NaiveDate::from_ymd_opt(y, 1, 1).ok_or_else(bad)?),
        );
        let last = NaiveDate::from_ymd_opt(y, 12, 31).ok_or_else(bad)?;
        to = Some(to.map_or(last, |t| t.min(last)));
    }
    let jur = caller.jurisdiction_id.clone();
    let rows = state
        .db
        .read(move |c| holiday::list(c, &jur, from, to).map_err(ServiceError::from))
        .await?;
    let items = rows
        .into_iter()
        .filter(|h| q.kind.is_none_or(|k| k.as_str() == h.kind))
        .map(HolidayView::from)
        .collect();
    Ok(Json(Paged {
        items,
        next_cursor: None,
    }))
}
