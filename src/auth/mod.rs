//! Who is acting: password hashing, tokens, API keys, and [`AuthUser`], the signed-in user that
//! every service takes (`service::users::authenticate` makes it of a token, on every request).

pub mod jwt;
pub mod keys;
pub mod password;

use crate::db::models::jurisdiction::Jurisdiction;
use crate::db::models::user::User;
use crate::domain::lifecycle::Actor;
use crate::domain::policy::{may, Permission, Role};
use crate::error::ServiceError;

/// The signed-in user of a request.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub id: String,
    pub jurisdiction_id: String,
    pub username: String,
    pub role: Role,
    pub agency_id: Option<String>,
    pub division_id: Option<String>,
    pub user: User,
    /// The user's jurisdiction (loaded with the user, so handlers need not ask again).
    pub jurisdiction: Jurisdiction,
    /// The token of this request (none for an API key's user): signing out revokes it.
    pub token: Option<TokenId>,
}

/// A token's id (`jti`) and expiry, for signing it out.
#[derive(Debug, Clone)]
pub struct TokenId {
    pub jti: String,
    pub expires_at: chrono::NaiveDateTime,
}

impl AuthUser {
    /// The jurisdiction's time zone (for calendars, tracking-code years, photo times).
    pub fn timezone(&self) -> chrono_tz::Tz {
        self.jurisdiction.tz()
    }

    /// The user as the ticket policy sees it.
    pub fn actor(&self) -> Actor<'_> {
        Actor {
            id: &self.id,
            role: self.role,
            agency_id: self.agency_id.as_deref(),
            division_id: self.division_id.as_deref(),
        }
    }

    /// 403 unless the policy grants `permission` to this user's role.
    pub fn require(&self, permission: Permission) -> Result<(), ServiceError> {
        if may(self.role, permission) {
            Ok(())
        } else {
            Err(ServiceError::forbidden(format!(
                "the role {} may not do this",
                self.role.as_str()
            )))
        }
    }
}

impl AuthUser {
    /// The acting user made of its row (whose role is `role`) and jurisdiction.
    pub fn of(row: User, role: Role, jurisdiction: Jurisdiction) -> AuthUser {
        AuthUser {
            id: row.id.clone(),
            jurisdiction_id: row.jurisdiction_id.clone(),
            username: row.username.clone(),
            role,
            agency_id: row.agency_id.clone(),
            division_id: row.division_id.clone(),
            user: row,
            jurisdiction,
            token: None,
        }
    }
}
