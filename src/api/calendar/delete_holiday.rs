use actix_web::{delete, web, HttpResponse};

use crate::api::extract::ClientAddr;
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::holiday;
use crate::domain::policy::Permission;
use crate::error::ServiceError;
use crate::service::audit::{self, Change, Who};
use crate::state::AppState;

/// Remove a day off (admin).
#[utoipa::path(tag = "calendar", security(("bearer" = [])), params(("id" = String, Path, format = Uuid)), responses(
    (status = 204, description = "Removed"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
))]
#[delete("/calendar/holidays/{id}")]
pub async fn delete_holiday(
    state: web::Data<AppState>,
    caller: AuthUser,
    from: ClientAddr,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageCalendar)?;
    let jur = caller.jurisdiction_id.clone();
    let id = id.into_inner().to_string();
    audit::write(&state, Who::of(&caller, from.0), move |c| {
        if holiday::delete(c, &jur, &id)? == 0 {
            return Err(ServiceError::not_found("there is no holiday with this id"));
        }
        Ok(((), Change::new("holiday.delete", "holiday", id)))
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
