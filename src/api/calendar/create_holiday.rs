use crate::api::extract::Body;
use actix_web::http::header;
use actix_web::{post, web, HttpResponse};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;

use super::HolidayView;
use crate::api::extract::ClientAddr;
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::holiday::{self, Holiday};
use crate::domain::calendar::HolidayKind;
use crate::domain::policy::Permission;
use crate::error::required_text;
use crate::error::ServiceError;
use crate::service::audit::{self, Change, Who};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateHoliday {
    #[schema(value_type = String, format = Date, example = "2026-12-05")]
    pub date: NaiveDate,
    pub kind: HolidayKind,
    #[schema(example = "Hari Jadi Kabupaten Subang")]
    pub name: Option<String>,
}

/// Add a day off (admin). Clocks started afterwards count it; running clocks keep their due time.
#[utoipa::path(tag = "calendar", security(("bearer" = [])), request_body = CreateHoliday, responses(
    (status = 201, body = HolidayView),
    (status = 409, description = "A holiday of this name on this date exists (`duplicate_holiday`)", body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[post("/calendar/holidays")]
pub async fn create_holiday(
    state: web::Data<AppState>,
    caller: AuthUser,
    from: ClientAddr,
    body: Body<CreateHoliday>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageCalendar)?;
    let body = body.into_inner();
    let name = required_text("name", body.name, 200)?;
    let jur = caller.jurisdiction_id.clone();
    let row = audit::write(&state, Who::of(&caller, from.0), move |c| {
        let row = Holiday {
            id: crate::db::new_id(),
            jurisdiction_id: jur,
            date: body.date,
            kind: body.kind.as_str().to_string(),
            name,
            source: "manual".to_string(),
            created_at: crate::db::now(),
        };
        holiday::insert(c, &row).map_err(|e| {
            ServiceError::unique_as_conflict(
                e,
                "duplicate_holiday",
                "a holiday of this name is already on this date",
            )
        })?;
        let change = Change::new("holiday.create", "holiday", &row.id)
            .after(&HolidayView::from(row.clone()));
        Ok((row, change))
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/calendar/holidays/{}", row.id),
        ))
        .json(HolidayView::from(row)))
}
