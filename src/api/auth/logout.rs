use actix_web::{post, web, HttpResponse};

use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::service::users;
use crate::state::AppState;

/// Sign out: the token of this request stops working at once (other sessions go on).
#[utoipa::path(tag = "sign-in and users", security(("bearer" = [])), responses(
    (status = 204, description = "Signed out"),
    (status = 401, body = Problem, content_type = "application/problem+json"),
))]
#[post("/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    caller: AuthUser,
) -> Result<HttpResponse, ApiError> {
    users::sign_out(&state, &caller).await?;
    Ok(HttpResponse::NoContent().finish())
}
