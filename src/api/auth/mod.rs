//! `POST /api/v1/auth/token`: sign in with a username and password.

mod create_token;

pub use create_token::{SignIn, TokenResponse};

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(create_token::create_token);
}
