use actix_web::{get, web::Json};

use crate::api::problem::Problem;
use crate::api::users::UserView;
use crate::auth::AuthUser;

/// The signed-in user.
#[utoipa::path(tag = "sign-in and users", security(("bearer" = [])), responses(
    (status = 200, body = UserView),
    (status = 401, body = Problem, content_type = "application/problem+json"),
))]
#[get("/me")]
pub async fn get_me(caller: AuthUser) -> Json<UserView> {
    Json(caller.user.into())
}
