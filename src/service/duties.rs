//! PIC duties: the jurisdiction's patrol slots, and whose duty records a user may read.

use crate::auth::AuthUser;
use crate::db::models::patrol;
use crate::db::DbConnection;
use crate::domain::duty::{default_slots, Slot};
use crate::domain::policy::Role;
use crate::error::ServiceError;

/// The jurisdiction's slots (the defaults when none were set).
pub fn slots_of(conn: &mut DbConnection, jurisdiction_id: &str) -> Result<Vec<Slot>, ServiceError> {
    let rows = patrol::slots(conn, jurisdiction_id)?;
    if rows.is_empty() {
        return Ok(default_slots());
    }
    Ok(rows
        .into_iter()
        .map(|r| Slot {
            name: r.name,
            at: r.at_time,
            window_minutes: r.window_minutes,
        })
        .collect())
}

/// The agency whose duty records `caller` may read: `None` for jurisdiction-wide roles, their
/// own agency for agency roles (asking for another one is 403).
pub fn duty_scope(
    caller: &AuthUser,
    asked: Option<String>,
) -> Result<Option<String>, ServiceError> {
    match caller.role {
        Role::Admin | Role::Coordinator | Role::Leader => Ok(asked),
        _ => {
            let own = caller
                .agency_id
                .clone()
                .ok_or_else(|| ServiceError::forbidden("you belong to no agency"))?;
            match asked {
                Some(a) if a != own => Err(ServiceError::forbidden(
                    "you may read your own agency's records only",
                )),
                _ => Ok(Some(own)),
            }
        }
    }
}
