use actix_web::{get, web, web::Json};

use super::DivisionView;
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::division;
use crate::domain::policy::Permission;
use crate::error::ServiceError;
use crate::ids::DivisionId;
use crate::state::AppState;

/// One division.
#[utoipa::path(tag = "reference data", security(("bearer" = [])),
    params(("id" = DivisionId, Path, description = "The division's id")),
    responses(
        (status = 200, body = DivisionView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/divisions/{id}")]
pub async fn get_division(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<DivisionId>,
) -> Result<Json<DivisionView>, ApiError> {
    caller.require(Permission::ReadReferenceData)?;
    let (jur, id) = (caller.jurisdiction_id.clone(), id.into_inner().db());
    let row = state
        .db
        .read(move |c| division::find(c, &jur, &id).map_err(ServiceError::from))
        .await?
        .ok_or_else(|| ServiceError::not_found("no division with this id"))?;
    Ok(Json(row.into()))
}
