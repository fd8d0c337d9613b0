//! User administration (admin only): `/api/v1/users`.

mod create_user;
mod end_sessions;
mod get_user;
mod list_users;
mod update_user;

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

pub use create_user::CreateUser;
pub use list_users::ListUsersQuery;
pub use update_user::UpdateUser;

use crate::db::models::user::User;
use crate::domain::policy::Role;

/// A user, as admins and the user see it (never the password hash).
#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(example = "pic.dinkes")]
    pub username: String,
    #[schema(example = "Siti Nurhaliza")]
    pub display_name: String,
    pub role: Role,
    #[schema(format = Uuid)]
    pub agency_id: Option<String>,
    #[schema(format = Uuid)]
    pub division_id: Option<String>,
    pub active: bool,
    pub last_login_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<User> for UserView {
    fn from(u: User) -> Self {
        UserView {
            role: Role::parse(&u.role).unwrap_or(Role::Planner),
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            agency_id: u.agency_id,
            division_id: u.division_id,
            active: u.active,
            last_login_at: u.last_login_at.map(|t| t.and_utc()),
            created_at: u.created_at.and_utc(),
        }
    }
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_users::list_users)
        .service(create_user::create_user)
        .service(get_user::get_user)
        .service(update_user::update_user)
        .service(end_sessions::end_sessions);
}
