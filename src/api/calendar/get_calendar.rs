use actix_web::{get, web::Json};

use super::CalendarView;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::domain::policy::Permission;

/// The jurisdiction's time zone, working week and hold limit.
#[utoipa::path(tag = "calendar", security(("bearer" = [])), responses((status = 200, body = CalendarView)))]
#[get("/calendar")]
pub async fn get_calendar(caller: AuthUser) -> Result<Json<CalendarView>, ApiError> {
    caller.require(Permission::ReadReferenceData)?;
    Ok(Json(CalendarView::from(&caller.jurisdiction)))
}
