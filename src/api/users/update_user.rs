use crate::api::extract::Body;
use actix_web::{patch, web, web::Json};
use serde::Deserialize;
use utoipa::ToSchema;

use super::UserView;
use crate::api::extract::ClientAddr;
use crate::api::problem::Problem;
use crate::api::validate::double_option;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::domain::policy::Role;
use crate::ids::{AgencyId, DivisionId, UserId};
use crate::service::users;
use crate::state::AppState;

/// Fields to change; absent fields stay as they are, `null` clears agency or division.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUser {
    #[schema(min_length = 1, pattern = r"\S")]
    pub display_name: Option<String>,
    pub role: Option<Role>,
    #[serde(default, deserialize_with = "double_option")]
    pub agency_id: Option<Option<AgencyId>>,
    #[serde(default, deserialize_with = "double_option")]
    pub division_id: Option<Option<DivisionId>>,
    /// `false` deactivates the user: its tokens stop working at once.
    pub active: Option<bool>,
    /// A new password (at least 10 characters); the user's existing tokens stop working.
    pub password: Option<String>,
}

/// Edit a user (admin).
#[utoipa::path(tag = "sign-in and users", request_body = UpdateUser, security(("bearer" = [])),
    params(("id" = UserId, Path, description = "The user's id")),
    responses(
        (status = 200, body = UserView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The change would leave the jurisdiction without an active admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
#[patch("/users/{id}")]
pub async fn update_user(
    state: web::Data<AppState>,
    caller: AuthUser,
    from: ClientAddr,
    id: web::Path<UserId>,
    body: Body<UpdateUser>,
) -> Result<Json<UserView>, ApiError> {
    let b = body.into_inner();
    let input = users::UserUpdate {
        display_name: b.display_name,
        role: b.role,
        agency_id: b.agency_id.map(|a| a.map(|a| a.db())),
        division_id: b.division_id.map(|d| d.map(|d| d.db())),
        active: b.active,
        password: b.password,
    };
    let row = users::change(&state, &caller, from.0, id.into_inner().db(), input).await?;
    Ok(Json(row.into()))
}
