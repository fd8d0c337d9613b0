use actix_web::{delete, web, HttpResponse};

use crate::api::extract::ClientAddr;
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::user;
use crate::domain::policy::Permission;
use crate::error::ServiceError;
use crate::ids::UserId;
use crate::service::audit::{self, Change, Who};
use crate::state::AppState;

/// End all of a user's sessions (admin): every token the user holds stops working at once; the
/// user may sign in again (to keep them out, deactivate them).
#[utoipa::path(tag = "sign-in and users", security(("bearer" = [])),
    params(("id" = UserId, Path, description = "The user's id")),
    responses(
        (status = 204, description = "Every session ended"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
#[delete("/users/{id}/sessions")]
pub async fn end_sessions(
    state: web::Data<AppState>,
    caller: AuthUser,
    from: ClientAddr,
    id: web::Path<UserId>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageUsers)?;
    let (jur, id) = (caller.jurisdiction_id.clone(), id.into_inner().db());
    audit::write(&state, Who::of(&caller, from.0), move |c| {
        user::find(c, &jur, &id)?.ok_or_else(|| ServiceError::not_found("no user with this id"))?;
        user::bump_token_version(c, &id)?;
        Ok(((), Change::new("user.end_sessions", "user", &id)))
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
