use actix_web::{get, web, web::Json};

use super::{views, RegionView};
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::region;
use crate::domain::policy::Permission;
use crate::error::ServiceError;
use crate::ids::RegionId;
use crate::state::AppState;

/// One region.
#[utoipa::path(tag = "reference data", security(("bearer" = [])),
    params(("id" = RegionId, Path, description = "The region's id")),
    responses(
        (status = 200, body = RegionView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/regions/{id}")]
pub async fn get_region(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<RegionId>,
) -> Result<Json<RegionView>, ApiError> {
    caller.require(Permission::ReadReferenceData)?;
    let (jur, id) = (caller.jurisdiction_id.clone(), id.into_inner().db());
    let view = state
        .db
        .read(move |c| {
            let row = region::find(c, &jur, &id)?
                .ok_or_else(|| ServiceError::not_found("no region with this id"))?;
            Ok::<_, ServiceError>(views(c, vec![row])?.remove(0))
        })
        .await?;
    Ok(Json(view))
}
