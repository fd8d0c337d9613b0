use actix_web::{get, web, web::Json};

use super::CategoryView;
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::category;
use crate::domain::policy::Permission;
use crate::error::ServiceError;
use crate::ids::CategoryId;
use crate::state::AppState;

/// One category.
#[utoipa::path(tag = "reference data", security(("bearer" = [])),
    params(("id" = CategoryId, Path, description = "The category's id")),
    responses(
        (status = 200, body = CategoryView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/categories/{id}")]
pub async fn get_category(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<CategoryId>,
) -> Result<Json<CategoryView>, ApiError> {
    caller.require(Permission::ReadReferenceData)?;
    let (jur, id) = (caller.jurisdiction_id.clone(), id.into_inner().db());
    let row = state
        .db
        .read(move |c| category::find(c, &jur, &id).map_err(ServiceError::from))
        .await?
        .ok_or_else(|| ServiceError::not_found("no category with this id"))?;
    Ok(Json(row.into()))
}
