use actix_web::{get, web, web::Json};

use super::AgencyView;
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::agency;
use crate::domain::policy::Permission;
use crate::error::ServiceError;
use crate::ids::AgencyId;
use crate::state::AppState;

/// One agency.
#[utoipa::path(tag = "reference data", security(("bearer" = [])),
    params(("id" = AgencyId, Path, description = "The agency's id")),
    responses(
        (status = 200, body = AgencyView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/agencies/{id}")]
pub async fn get_agency(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<AgencyId>,
) -> Result<Json<AgencyView>, ApiError> {
    caller.require(Permission::ReadReferenceData)?;
    let (jur, id) = (caller.jurisdiction_id.clone(), id.into_inner().db());
    let row = state
        .db
        .read(move |c| agency::find(c, &jur, &id).map_err(ServiceError::from))
        .await?
        .ok_or_else(|| ServiceError::not_found("no agency with this id"))?;
    Ok(Json(row.into()))
}
