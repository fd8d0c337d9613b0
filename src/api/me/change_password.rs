use actix_web::{post, web, web::Json};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::api::auth::TokenResponse;
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::{password, AuthUser};
use crate::db::models::user::{self, UserChanges};
use crate::error::ServiceError;
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
    password::check_strength(&input.new_password)
        .map_err(|m| ServiceError::invalid("new_password", m))?;
    let stored = caller.user.password_hash.clone();
    let hash = tokio::task::spawn_blocking(move || {
        if password::verify(&input.current_password, &stored) {
            password::hash(&input.new_password).map(Some)
        } else {
            Ok(None)
        }
    })
    .await
    .map_err(ServiceError::internal)?
    .map_err(ServiceError::internal)?
    .ok_or_else(|| ServiceError::invalid("current_password", "is not the current password"))?;

    let (id, version) = (caller.id.clone(), caller.user.token_version + 1);
    state
        .db
        .write(move |c| {
            let changes = UserChanges {
                password_hash: Some(hash),
                token_version: Some(version),
                updated_at: Some(crate::db::now()),
                ..Default::default()
            };
            user::update(c, &id, &changes).map_err(ServiceError::from)
        })
        .await?;
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
