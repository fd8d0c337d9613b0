use actix_web::{post, web, web::Json};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::extract::ClientAddr;
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::error::ServiceError;
use crate::service::users;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    #[schema(example = "admin")]
    pub username: String,
    #[schema(example = "correct horse battery staple")]
    pub password: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    #[schema(example = "Bearer")]
    pub token_type: String,
    /// Seconds until the token expires.
    #[schema(example = 28800)]
    pub expires_in: i64,
}

/// Sign in: exchange a username and password for a bearer token.
#[utoipa::path(tag = "sign-in and users", request_body = SignIn, responses(
    (status = 200, body = TokenResponse),
    (status = 401, description = "Wrong username or password, or an inactive user", body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
    (status = 429, description = "Too many failed sign-ins for this username or from this address; see Retry-After", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = u64))),
))]
#[post("/auth/token")]
pub async fn create_token(
    state: web::Data<AppState>,
    from: ClientAddr,
    body: Json<SignIn>,
) -> Result<Json<TokenResponse>, ApiError> {
    let SignIn { username, password } = body.into_inner();
    let u = users::sign_in(&state, &username, password, from.0).await?;
    let (access_token, expires_in) = state
        .jwt
        .issue(&u.id, &u.jurisdiction_id, u.token_version)
        .map_err(ServiceError::internal)?;
    Ok(Json(TokenResponse {
        access_token,
        token_type: "Bearer".into(),
        expires_in,
    }))
}
