use actix_web::{get, web, web::Json};

use super::AccountView;
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::account;
use crate::domain::policy::Permission;
use crate::error::ServiceError;
use crate::ids::AccountId;
use crate::state::AppState;

/// One official account.
#[utoipa::path(tag = "reference data", security(("bearer" = [])),
    params(("id" = AccountId, Path, description = "The account's id")),
    responses(
        (status = 200, body = AccountView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/accounts/{id}")]
pub async fn get_account(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<AccountId>,
) -> Result<Json<AccountView>, ApiError> {
    caller.require(Permission::ReadReferenceData)?;
    let (jur, id) = (caller.jurisdiction_id.clone(), id.into_inner().db());
    let row = state
        .db
        .read(move |c| account::find(c, &jur, &id).map_err(ServiceError::from))
        .await?
        .ok_or_else(|| ServiceError::not_found("no account with this id"))?;
    Ok(Json(row.into()))
}
