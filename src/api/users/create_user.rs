use actix_web::http::header;
use actix_web::{post, web, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use super::UserView;
use crate::api::extract::ClientAddr;
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::{password, AuthUser};
use crate::domain::policy::{Permission, Role};
use crate::domain::reference::check_name;
use crate::error::Checks;
use crate::error::ServiceError;
use crate::ids::{AgencyId, DivisionId};
use crate::service::audit::{self, Change, Who};
use crate::service::users::{self, normalise_username, NewUser};
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
    body: web::Json<CreateUser>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageUsers)?;
    let input = body.into_inner();
    let mut checks = Checks::new();
    let username = checks.check("username", normalise_username(&input.username));
    checks.check("password", password::check_strength(&input.password));
    checks.check("display_name", check_name(&input.display_name));
    checks.finish()?;
    let username = username.unwrap_or_default();

    let pw = input.password;
    let hash = tokio::task::spawn_blocking(move || password::hash(&pw))
        .await
        .map_err(ServiceError::internal)?
        .map_err(ServiceError::internal)?;

    let jur = caller.jurisdiction_id.clone();
    let new = NewUser {
        username,
        password_hash: hash,
        display_name: input.display_name.trim().to_string(),
        role: input.role,
        agency_id: input.agency_id.map(|a| a.db()),
        division_id: input.division_id.map(|d| d.db()),
    };
    let row = audit::write(&state, Who::of(&caller, from.0), move |c| {
        let row = users::create(c, &jur, new)?;
        let change =
            Change::new("user.create", "user", &row.id).after(&UserView::from(row.clone()));
        Ok((row, change))
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/users/{}", row.id)))
        .json(UserView::from(row)))
}
