//! Accountability: every admin action (users, roles, passwords, sessions, webhooks, API keys,
//! SLA policies, calendars, recap weights, patrol slots) is written to the append-only audit
//! log in the transaction that makes the change — who, when, from where, what, and the target
//! before and after (secrets and password hashes left out).

use std::net::IpAddr;

use serde::Serialize;
use serde_json::Value;

use crate::auth::AuthUser;
use crate::db::models::audit::{self, AuditEntry};
use crate::db::DbConnection;
use crate::error::ServiceError;
use crate::state::AppState;

/// Who acts, from where.
#[derive(Debug, Clone)]
pub struct Who {
    pub jurisdiction_id: String,
    pub actor_id: String,
    pub client: Option<IpAddr>,
}

impl Who {
    pub fn of(caller: &AuthUser, client: Option<IpAddr>) -> Who {
        Who {
            jurisdiction_id: caller.jurisdiction_id.clone(),
            actor_id: caller.id.clone(),
            client,
        }
    }
}

/// One change: its action (`user.update`), its target, and the target before and after.
#[derive(Debug, Clone)]
pub struct Change {
    pub action: &'static str,
    pub target_type: &'static str,
    pub target_id: Option<String>,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// Fields never written to the log.
const SECRET_FIELDS: &[&str] = &["secret", "password", "password_hash", "key", "key_hash"];

/// A target as the log keeps it: its JSON without secrets.
pub fn snapshot(target: &impl Serialize) -> Option<Value> {
    let mut v = serde_json::to_value(target).ok()?;
    if let Some(map) = v.as_object_mut() {
        for f in SECRET_FIELDS {
            if map.contains_key(*f) {
                map.insert((*f).to_string(), Value::String("***".into()));
            }
        }
    }
    Some(v)
}

impl Change {
    pub fn new(
        action: &'static str,
        target_type: &'static str,
        target_id: impl Into<String>,
    ) -> Change {
        Change {
            action,
            target_type,
            target_id: Some(target_id.into()),
            before: None,
            after: None,
        }
    }

    pub fn before(mut self, target: &impl Serialize) -> Change {
        self.before = snapshot(target);
        self
    }

    pub fn after(mut self, target: &impl Serialize) -> Change {
        self.after = snapshot(target);
        self
    }
}

/// Writes `change` in the caller's transaction.
pub fn record(c: &mut DbConnection, who: &Who, change: Change) -> Result<(), ServiceError> {
    let text = |v: Option<Value>| v.map(|v| v.to_string());
    audit::insert(
        c,
        &AuditEntry {
            id: crate::db::new_id(),
            jurisdiction_id: who.jurisdiction_id.clone(),
            actor_id: Some(who.actor_id.clone()),
            action: change.action.to_string(),
            target_type: change.target_type.to_string(),
            target_id: change.target_id,
            before: text(change.before),
            after: text(change.after),
            client_ip: who.client.map(|ip| ip.to_string()),
            created_at: crate::db::now(),
        },
    )?;
    Ok(())
}

/// Runs an admin change `f` in one transaction with its audit entry: `f` answers its result
/// and the change it made.
pub async fn write<T, F>(state: &AppState, who: Who, f: F) -> Result<T, ServiceError>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConnection) -> Result<(T, Change), ServiceError> + Send + 'static,
{
    state
        .db
        .write(move |c| {
            let (out, change) = f(c)?;
            record(c, &who, change)?;
            Ok(out)
        })
        .await
}
