use actix_web::{post, web, web::Json};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::api::auth::TokenResponse;
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::error::ServiceError;
use crate::service::users;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePassword {
    pub current_password: String,
    /// At least 10 characters.
    pub new_password: String,
}

/// Change one's own password. Every earlier token stops working; a fresh one is returned.
#[utoipa::path(tag = "sign-in and users", request_body = ChangePassword, security(("bearer" = [])), responses(
    (status = 200, body = TokenResponse),
    (status = 422, description = "Wrong current password, or a weak new one", body = Problem, content_type = "application/problem+json"),
))]
#[post("/me/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: Json<ChangePassword>,
) -> Result<Json<TokenResponse>, ApiError> {
    let input = body.into_inner();
    let version =
        users::change_password(&state, &caller, input.current_password, input.new_password).await?;
    let (access_token, expires_in) = state
        .jwt
        .issue(&caller.id, &caller.jurisdiction_id, version)
        .map_err(ServiceError::internal)?;
    Ok(Json(TokenResponse {
        access_token,
        token_type: "Bearer".into(),
        expires_in,
    }))
}
