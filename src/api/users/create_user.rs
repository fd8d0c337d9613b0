use crate::api::extract::Body;
use actix_web::http::header;
use actix_web::{post, web, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use super::UserView;
use crate::api::extract::ClientAddr;
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::domain::policy::Role;
use crate::ids::{AgencyId, DivisionId};
use crate::service::users;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    #[schema(example = "pic.dinkes")]
    pub username: String,
    /// At least 10 characters.
    #[schema(example = "a long passphrase")]
    pub password: String,
    #[schema(example = "Siti Nurhaliza")]
    pub display_name: String,
    pub role: Role,
    /// Required for `agency_head` and `pic`.
    pub agency_id: Option<AgencyId>,
    /// Required for `division_head`; its agency is taken from it.
    pub division_id: Option<DivisionId>,
}

/// Create a user (admin).
#[utoipa::path(tag = "sign-in and users", request_body = CreateUser, security(("bearer" = [])), responses(
    (status = 201, body = UserView),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "The username is taken", body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[post("/users")]
pub async fn create_user(
    state: web::Data<AppState>,
    caller: AuthUser,
    from: ClientAddr,
    body: Body<CreateUser>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let input = users::AddUser {
        username: b.username,
        password: b.password,
        display_name: b.display_name,
        role: b.role,
        agency_id: b.agency_id.map(|a| a.db()),
        division_id: b.division_id.map(|d| d.db()),
    };
    let row = users::add(&state, &caller, from.0, input).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/users/{}", row.id)))
        .json(UserView::from(row)))
}
