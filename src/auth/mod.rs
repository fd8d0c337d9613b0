//! Who is acting: password hashing, tokens, API keys, and [`AuthUser`], the signed-in user that
//! every service takes. [`authenticate`] turns a token into that user, checked against the
//! database on every request, so a deactivated user or a changed password stops old tokens at
//! once. (The fronts extract the token: `api::extract` reads the bearer header.)

pub mod jwt;
pub mod keys;
pub mod password;

use crate::db::models::jurisdiction::Jurisdiction;
use crate::db::models::user::{self, User};
use crate::domain::lifecycle::Actor;
use crate::domain::policy::{may, Permission, Role};
use crate::error::ServiceError;
use crate::state::AppState;

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

/// The user a token was given to, if the token is valid and the user still may sign in: active,
/// with the same password (token version) and jurisdiction as when it was issued.
pub async fn authenticate(state: &AppState, token: &str) -> Result<AuthUser, ServiceError> {
    let claims = state
        .jwt
        .verify(token)
        .map_err(|e| ServiceError::unauthorized("invalid_token", e.to_string()))?;
    let id = claims.sub.clone();
    let row = state
        .db
        .read(move |c| user::find_with_jurisdiction(c, &id).map_err(ServiceError::from))
        .await?;
    let revoked = || {
        ServiceError::unauthorized(
            "token_revoked",
            "the token is no longer valid; sign in again",
        )
    };
    let (row, jurisdiction) = row.ok_or_else(revoked)?;
    if !row.active || row.token_version != claims.ver || row.jurisdiction_id != claims.jur {
        return Err(revoked());
    }
    let role = Role::parse(&row.role)
        .ok_or_else(|| ServiceError::internal(anyhow::anyhow!("unknown role {}", row.role)))?;
    if !role.signs_in() {
        return Err(revoked());
    }
    Ok(AuthUser::of(row, role, jurisdiction))
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
        }
    }
}
