//! `POST /api/v1/auth/token`: sign in with a username and password; `POST /api/v1/auth/logout`:
//! sign the token out.

mod create_token;
mod logout;

pub use create_token::{SignIn, TokenResponse};

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(create_token::create_token)
        .service(logout::logout);
}
