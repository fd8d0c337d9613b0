//! The signed-in user: `/api/v1/me`.

mod change_password;
mod get_me;

pub use change_password::ChangePassword;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(get_me::get_me)
        .service(change_password::change_password);
}
