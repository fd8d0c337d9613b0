use actix_web::{get, web, web::Json};

use super::UserView;
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::user;
use crate::domain::policy::Permission;
use crate::error::ServiceError;
use crate::ids::UserId;
use crate::state::AppState;

/// One user (admin).
#[utoipa::path(tag = "sign-in and users", security(("bearer" = [])),
    params(("id" = UserId, Path, description = "The user's id")),
    responses(
        (status = 200, body = UserView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/users/{id}")]
pub async fn get_user(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<UserId>,
) -> Result<Json<UserView>, ApiError> {
    caller.require(Permission::ManageUsers)?;
    let (jur, id) = (caller.jurisdiction_id.clone(), id.into_inner().db());
    let row = state
        .db
        .read(move |c| user::find(c, &jur, &id).map_err(ServiceError::from))
        .await?
        .ok_or_else(|| ServiceError::not_found("no user with this id"))?;
    Ok(Json(row.into()))
}
