use actix_web::{post, web, web::Json};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::password;
use crate::db::models::user;
use crate::error::ServiceError;
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
))]
#[post("/auth/token")]
pub async fn create_token(
    state: web::Data<AppState>,
    body: Json<SignIn>,
) -> Result<Json<TokenResponse>, ApiError> {
    let SignIn { username, password } = body.into_inner();
    let username = username.trim().to_lowercase();
    if username.is_empty() || password.is_empty() {
        return Err(ServiceError::invalid(
            if username.is_empty() {
                "username"
            } else {
                "password"
            },
            "must not be empty",
        )
        .into());
    }
    let found = state
        .db
        .read(move |c| user::find_by_username(c, &username).map_err(ServiceError::from))
        .await?;
    // Hashing is slow by design: keep it off the async executor.
    let verified = tokio::task::spawn_blocking(move || match found {
        Some(u) if password::verify(&password, &u.password_hash) => Some(u),
        Some(_) => None,
        None => {
            password::verify_nothing(&password);
            None
        }
    })
    .await
    .map_err(ServiceError::internal)?;
    let wrong = || ServiceError::unauthorized("invalid_credentials", "wrong username or password");
    let u = verified.ok_or_else(wrong)?;
    if !u.active {
        return Err(ServiceError::unauthorized(
            "inactive_user",
            "this user has been deactivated; ask an admin",
        )
        .into());
    }
    let (access_token, expires_in) = state
        .jwt
        .issue(&u.id, &u.jurisdiction_id, u.token_version)
        .map_err(ServiceError::internal)?;
    let id = u.id.clone();
    state
        .db
        .write(move |c| user::touch_login(c, &id, crate::db::now()).map_err(ServiceError::from))
        .await?;
    Ok(Json(TokenResponse {
        access_token,
        token_type: "Bearer".into(),
        expires_in,
    }))
}
