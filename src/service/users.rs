//! Users: who signs in, with which role and scope — making one, signing in, knowing who a
//! token belongs to (checked against the database on every request, so a deactivated user or
//! a changed password stops old tokens at once), changing a password.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::{password, AuthUser};
use crate::db::models::user::{self, User, UserChanges};
use crate::db::models::{agency, division, jurisdiction, revoked_token};
use crate::db::DbConnection;
use crate::domain::policy::{Permission, Role, Scope};
use crate::domain::reference::check_name;
use crate::error::{Checks, ServiceError};
use crate::service::audit::{self, Change, Who};
use crate::state::AppState;

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

/// The user a token was given to, if the token is valid and the user still may sign in: active,
/// with the same password (token version) and jurisdiction as when it was issued.
pub async fn authenticate(state: &AppState, token: &str) -> Result<AuthUser, ServiceError> {
    let claims = state
        .jwt
        .verify(token)
        .map_err(|e| ServiceError::unauthorized("invalid_token", e.to_string()))?;
    let (id, jti) = (claims.sub.clone(), claims.jti.clone());
    let (row, signed_out) = state
        .db
        .read(move |c| {
            let row = user::find_with_jurisdiction(c, &id)?;
            let out = match &jti {
                Some(j) => revoked_token::is_revoked(c, j)?,
                None => false,
            };
            Ok::<_, ServiceError>((row, out))
        })
        .await?;
    let revoked = || {
        ServiceError::unauthorized(
            "token_revoked",
            "the token is no longer valid; sign in again",
        )
    };
    let (row, jurisdiction) = row.ok_or_else(revoked)?;
    if signed_out
        || !row.active
        || row.token_version != claims.ver
        || row.jurisdiction_id != claims.jur
    {
        return Err(revoked());
    }
    let role = Role::parse(&row.role)
        .ok_or_else(|| ServiceError::internal(anyhow::anyhow!("unknown role {}", row.role)))?;
    if !role.signs_in() {
        return Err(revoked());
    }
    let mut user = AuthUser::of(row, role, jurisdiction);
    user.token = claims.jti.map(|jti| crate::auth::TokenId {
        jti,
        expires_at: chrono::DateTime::from_timestamp(claims.exp, 0)
            .unwrap_or_default()
            .naive_utc(),
    });
    Ok(user)
}

/// Signs the caller's token out: it stops working at once (a token made before tokens had ids
/// can only be ended with all of the user's sessions).
pub async fn sign_out(state: &AppState, caller: &AuthUser) -> Result<(), ServiceError> {
    let (user_id, token) = (caller.id.clone(), caller.token.clone());
    state
        .db
        .write(move |c| {
            match token {
                Some(t) => revoked_token::insert(c, &t.jti, &user_id, t.expires_at)?,
                None => user::bump_token_version(c, &user_id).map(|_| ())?,
            }
            Ok::<_, ServiceError>(())
        })
        .await
}

/// A user to make: everything but the checks of its scope, which `create` makes.
pub struct NewUser {
    pub username: String,
    pub password_hash: String,
    pub display_name: String,
    pub role: Role,
    pub agency_id: Option<String>,
    pub division_id: Option<String>,
}

/// Makes a user of jurisdiction `jurisdiction_id` in the caller's transaction, once its agency
/// and division are checked against its role (`resolve_scope`); a taken username is a 409.
pub fn create(
    c: &mut DbConnection,
    jurisdiction_id: &str,
    new: NewUser,
) -> Result<User, ServiceError> {
    let (agency_id, division_id) =
        resolve_scope(c, jurisdiction_id, new.role, new.agency_id, new.division_id)?;
    let now = crate::db::now();
    let row = User {
        id: crate::db::new_id(),
        jurisdiction_id: jurisdiction_id.to_string(),
        username: new.username,
        password_hash: new.password_hash,
        display_name: new.display_name,
        role: new.role.as_str().to_string(),
        agency_id,
        division_id,
        active: true,
        token_version: 0,
        last_login_at: None,
        created_at: now,
        updated_at: now,
    };
    user::insert(c, &row).map_err(|e| {
        ServiceError::unique_as_conflict(
            e,
            "username_taken",
            format!("the username '{}' is taken", row.username),
        )
    })?;
    Ok(row)
}

/// The user `username` signs in as, if `password` is theirs and they are active (401
/// otherwise); their last sign-in is recorded. Hashing is slow by design, so it runs off the
/// async executor.
pub async fn sign_in(
    state: &AppState,
    username: &str,
    password: String,
    from: Option<std::net::IpAddr>,
) -> Result<User, ServiceError> {
    let username = username.trim().to_lowercase();
    if username.is_empty() || password.is_empty() {
        return Err(ServiceError::invalid(
            if username.is_empty() {
                "username"
            } else {
                "password"
            },
            "must not be empty",
        ));
    }
    let guard = &state.limits.sign_in;
    guard.admit(&username, from)?;
    let place = guard.enter()?;
    let name = username.clone();
    let found = state
        .db
        .read(move |c| user::find_by_username(c, &name).map_err(ServiceError::from))
        .await?;
    // When its turn comes, look again: the attempts ahead may have used the allowance.
    let (limits, who) = (state.limits.clone(), username.clone());
    let verified = guard
        .hash(&place, move || {
            limits.sign_in.admit(&who, from)?;
            Ok::<_, ServiceError>(match found {
                Some(u) if password::verify(&password, &u.password_hash) => Some(u),
                Some(_) => None,
                None => {
                    password::verify_nothing(&password);
                    None
                }
            })
        })
        .await??;
    let Some(u) = verified else {
        guard.failed(&username, from);
        return Err(ServiceError::unauthorized(
            "invalid_credentials",
            "wrong username or password",
        ));
    };
    if !u.active {
        return Err(ServiceError::unauthorized(
            "inactive_user",
            "this user has been deactivated; ask an admin",
        ));
    }
    let id = u.id.clone();
    state
        .db
        .write(move |c| user::touch_login(c, &id, crate::db::now()).map_err(ServiceError::from))
        .await?;
    Ok(u)
}

/// Changes the caller's password, if `current` is it; every token and session made before
/// stops working. Gives the user's new token version.
pub async fn change_password(
    state: &AppState,
    caller: &AuthUser,
    current: String,
    new: String,
) -> Result<i32, ServiceError> {
    password::check_strength(&new).map_err(|m| ServiceError::invalid("new_password", m))?;
    let stored = caller.user.password_hash.clone();
    let hash = tokio::task::spawn_blocking(move || {
        if password::verify(&current, &stored) {
            password::hash(&new).map(Some)
        } else {
            Ok(None)
        }
    })
    .await
    .map_err(ServiceError::internal)?
    .map_err(ServiceError::internal)?
    .ok_or_else(|| ServiceError::invalid("current_password", "is not the current password"))?;
    let (id, version) = (caller.id.clone(), caller.user.token_version + 1);
    state
        .db
        .write(move |c| {
            let changes = UserChanges {
                password_hash: Some(hash),
                token_version: Some(version),
                updated_at: Some(crate::db::now()),
                ..Default::default()
            };
            user::update(c, &id, &changes).map_err(ServiceError::from)
        })
        .await?;
    Ok(version)
}

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

/// A user to add, as an admin gives it.
pub struct AddUser {
    pub username: String,
    pub password: String,
    pub display_name: String,
    pub role: Role,
    pub agency_id: Option<String>,
    pub division_id: Option<String>,
}

/// Adds a user to the caller's jurisdiction (admins only), with the audit log entry.
pub async fn add(
    state: &AppState,
    caller: &AuthUser,
    from: Option<std::net::IpAddr>,
    input: AddUser,
) -> Result<User, ServiceError> {
    caller.require(Permission::ManageUsers)?;
    let mut checks = Checks::new();
    let username = checks.check("username", normalise_username(&input.username));
    checks.check("password", password::check_strength(&input.password));
    checks.check("display_name", check_name(&input.display_name));
    checks.finish()?;
    let username = username.unwrap_or_default();

    let pw = input.password;
    let hash = tokio::task::spawn_blocking(move || password::hash(&pw))
        .await
        .map_err(ServiceError::internal)?
        .map_err(ServiceError::internal)?;

    let jur = caller.jurisdiction_id.clone();
    let new = NewUser {
        username,
        password_hash: hash,
        display_name: input.display_name.trim().to_string(),
        role: input.role,
        agency_id: input.agency_id,
        division_id: input.division_id,
    };
    audit::write(state, Who::of(caller, from), move |c| {
        let row = create(c, &jur, new)?;
        let change =
            Change::new("user.create", "user", &row.id).after(&UserView::from(row.clone()));
        Ok((row, change))
    })
    .await
}

/// What an admin changes of a user (`None`: unchanged; `Some(None)`: cleared).
#[derive(Default)]
pub struct UserUpdate {
    pub display_name: Option<String>,
    pub role: Option<Role>,
    pub agency_id: Option<Option<String>>,
    pub division_id: Option<Option<String>>,
    pub active: Option<bool>,
    pub password: Option<String>,
}

/// Changes user `id` of the caller's jurisdiction (admins only), with the audit log entry. A new
/// password or deactivation ends all of the user's sessions; the last active admin stays one.
pub async fn change(
    state: &AppState,
    caller: &AuthUser,
    from: Option<std::net::IpAddr>,
    id: String,
    input: UserUpdate,
) -> Result<User, ServiceError> {
    caller.require(Permission::ManageUsers)?;
    let mut checks = Checks::new();
    if let Some(name) = &input.display_name {
        checks.check("display_name", check_name(name));
    }
    if let Some(pw) = &input.password {
        checks.check("password", password::check_strength(pw));
    }
    checks.finish()?;
    let new_hash = match input.password.clone() {
        Some(pw) => Some(
            tokio::task::spawn_blocking(move || password::hash(&pw))
                .await
                .map_err(ServiceError::internal)?
                .map_err(ServiceError::internal)?,
        ),
        None => None,
    };

    let jur = caller.jurisdiction_id.clone();
    let changed_password = new_hash.is_some();
    audit::write(state, Who::of(caller, from), move |c| {
        // Two admins demoting each other at once must not both see the other one left.
        jurisdiction::lock(c, &jur)?;
        let current = user::find(c, &jur, &id)?
            .ok_or_else(|| ServiceError::not_found("no user with this id"))?;
        if Role::parse(&current.role).is_some_and(|r| !r.assignable()) {
            return Err(ServiceError::conflict(
                "managed_by_api_key",
                "this user stands for an API key; revoke the key at /api/v1/api-keys instead",
            ));
        }
        let role = input
            .role
            .or_else(|| Role::parse(&current.role))
            .unwrap_or(Role::Planner);
        let agency = match input.agency_id.clone() {
            Some(a) => a,
            None => current.agency_id.clone(),
        };
        let division = match input.division_id.clone() {
            Some(d) => d,
            None => current.division_id.clone(),
        };
        // Clearing the agency of a user with a division clears the division too.
        let division = match (&input.agency_id, &input.division_id) {
            (Some(None), None) => None,
            _ => division,
        };
        let (agency, division) = resolve_scope(c, &jur, role, agency, division)?;
        let active = input.active.unwrap_or(current.active);

        let was_admin = current.active && current.role == Role::Admin.as_str();
        let stays_admin = active && role == Role::Admin;
        if was_admin && !stays_admin && user::count_active_admins(c, &jur)? <= 1 {
            return Err(ServiceError::conflict(
                "last_admin",
                "this is the last active admin; make another admin first",
            ));
        }
        let revoke = new_hash.is_some() || (current.active && !active);
        let changes = UserChanges {
            display_name: input.display_name.map(|n| n.trim().to_string()),
            role: Some(role.as_str().to_string()),
            agency_id: Some(agency),
            division_id: Some(division),
            active: Some(active),
            password_hash: new_hash,
            token_version: revoke.then_some(current.token_version + 1),
            updated_at: Some(crate::db::now()),
        };
        user::update(c, &id, &changes)?;
        let row = user::find(c, &jur, &id)?
            .ok_or_else(|| ServiceError::not_found("no user with this id"))?;
        let mut change = Change::new("user.update", "user", &id)
            .before(&UserView::from(current))
            .after(&UserView::from(row.clone()));
        if let Some(after) = change.after.as_mut().and_then(|a| a.as_object_mut()) {
            after.insert("password_changed".into(), changed_password.into());
        }
        Ok((row, change))
    })
    .await
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
