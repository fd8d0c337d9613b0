//! User administration (admin only): `/api/v1/users`.

mod create_user;
mod get_user;
mod list_users;
mod update_user;

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

pub use create_user::CreateUser;
pub use list_users::ListUsersQuery;
pub use update_user::UpdateUser;

use crate::db::models::{agency, division, user::User};
use crate::db::DbConnection;
use crate::domain::policy::{Role, Scope};
use crate::error::ServiceError;

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

/// Usernames: 3 to 64 lowercase letters, digits, '.', '_' or '-'.
pub fn normalise_username(raw: &str) -> Result<String, &'static str> {
    let u = raw.trim().to_lowercase();
    if !(3..=64).contains(&u.chars().count()) {
        return Err("must have 3 to 64 characters");
    }
    if !u
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c))
    {
        return Err("may hold only letters, digits, '.', '_' and '-'");
    }
    Ok(u)
}

/// Checks that the agency and division exist in the jurisdiction, agree with each other, and
/// satisfy the role's scope; a division implies its agency. Gives the (agency, division) to store.
pub fn resolve_scope(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    role: Role,
    agency_id: Option<String>,
    division_id: Option<String>,
) -> Result<(Option<String>, Option<String>), ServiceError> {
    if !role.assignable() {
        return Err(ServiceError::invalid(
            "role",
            format!(
                "{} users come with their API key: create one at /api/v1/api-keys",
                role.as_str()
            ),
        ));
    }
    let mut agency_id = match agency_id {
        Some(id) => match agency::find(conn, jurisdiction_id, &id)? {
            Some(a) => Some(a.id),
            None => return Err(ServiceError::invalid("agency_id", "no agency with this id")),
        },
        None => None,
    };
    if let Some(id) = &division_id {
        let d = division::find(conn, jurisdiction_id, id)?
            .ok_or_else(|| ServiceError::invalid("division_id", "no division with this id"))?;
        match &agency_id {
            Some(a) if *a != d.agency_id => {
                return Err(ServiceError::invalid(
                    "division_id",
                    "the division belongs to another agency",
                ))
            }
            _ => agency_id = Some(d.agency_id),
        }
    }
    match role.scope() {
        Scope::Agency if agency_id.is_none() => Err(ServiceError::invalid(
            "agency_id",
            format!("a {} needs an agency", role.as_str()),
        )),
        Scope::Division if division_id.is_none() => Err(ServiceError::invalid(
            "division_id",
            format!("a {} needs a division", role.as_str()),
        )),
        _ => Ok((agency_id, division_id)),
    }
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_users::list_users)
        .service(create_user::create_user)
        .service(get_user::get_user)
        .service(update_user::update_user);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert_eq!(normalise_username(" PIC.Dinkes ").unwrap(), "pic.dinkes");
        assert!(normalise_username("ab").is_err());
        assert!(normalise_username("a b c").is_err());
        assert!(normalise_username("siti@subang").is_err());
    }
}
