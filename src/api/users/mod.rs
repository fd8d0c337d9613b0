//! User administration (admin only): `/api/v1/users`.

mod create_user;
mod end_sessions;
mod get_user;
mod list_users;
mod update_user;

pub use create_user::CreateUser;
pub use list_users::ListUsersQuery;
pub use update_user::UpdateUser;

pub use crate::service::users::UserView;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_users::list_users)
        .service(create_user::create_user)
        .service(get_user::get_user)
        .service(update_user::update_user)
        .service(end_sessions::end_sessions);
}
