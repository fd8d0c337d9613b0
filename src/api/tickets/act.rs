//! The one way a ticket changes: in one transaction, find it (404 when hidden), ask the policy
//! (403 / 409), check `If-Match` (412), let the action validate its body (422) and say what
//! changes, then update the row at its version and append the event.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, HttpResponse};
use futures_util::future::{ready, Ready};
use serde_json::Value;

use super::{actor, facts_held, load_visible, ticket_ok, view, TicketView};
use crate::auth::AuthUser;
use crate::db::models::event::Event;
use crate::db::models::hold;
use crate::db::models::ticket::{self, Ticket, TicketChanges};
use crate::db::DbConnection;
use crate::domain::lifecycle::{self, Action, Denied};
use crate::api::ApiError;
use crate::error::ServiceError;
use crate::ids::TicketId;
use crate::state::AppState;
use crate::service::{clocks, journal};

/// The `If-Match` header: a ticket version (`"3"`, `W/"3"` or `3`), `*`, or absent.
#[derive(Debug, Clone, Copy, Default)]
pub struct IfMatch(pub Option<i32>);

impl IfMatch {
    pub fn parse(raw: &str) -> Result<IfMatch, ServiceError> {
        let raw = raw.trim();
        if raw == "*" {
            return Ok(IfMatch(None));
        }
        let v = raw.trim_start_matches("W/").trim_matches('"');
        v.parse::<i32>().map(|n| IfMatch(Some(n))).map_err(|_| {
            ServiceError::bad_request(
                "invalid_if_match",
                "If-Match must be a ticket version such as \"3\" (the ETag of the ticket)",
            )
        })
    }
}

impl FromRequest for IfMatch {
    type Error = ServiceError;
    type Future = Ready<Result<IfMatch, ServiceError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(match req.headers().get(header::IF_MATCH) {
            None => Ok(IfMatch(None)),
            Some(v) => v
                .to_str()
                .map_err(|_| ServiceError::bad_request("invalid_if_match", "If-Match is not text"))
                .and_then(IfMatch::parse),
        })
    }
}

/// What an action changes besides status, version and time, and the data of its event.
#[derive(Debug, Default)]
pub struct Change {
    pub changes: TicketChanges,
    pub data: Value,
}

impl Change {
    /// An action that changes only status, version and time.
    pub fn data(data: Value) -> Change {
        Change {
            changes: TicketChanges::default(),
            data,
        }
    }
}

/// [`perform`] for the actions that answer with the updated ticket (every one but `visit`).
pub async fn transition<F>(
    state: &AppState,
    caller: AuthUser,
    id: TicketId,
    if_match: IfMatch,
    action: Action,
    work: F,
) -> Result<HttpResponse, ApiError>
where
    F: FnOnce(&mut DbConnection, &Ticket, &AuthUser) -> Result<Change, ServiceError> + Send + 'static,
{
    let (ticket, ()) = perform(state, caller, id.db(), if_match, action, move |c, t, u| {
        work(c, t, u).map(|change| (change, ()))
    })
    .await?;
    Ok(ticket_ok(ticket))
}

/// Runs `action` on ticket `id` for `caller`; `work` validates the body against the ticket and
/// says what changes (it may write rows of its own, such as a field visit, in the same
/// transaction). Gives the updated ticket and whatever `work` returned.
pub async fn perform<R, F>(
    state: &AppState,
    caller: AuthUser,
    id: String,
    if_match: IfMatch,
    action: Action,
    work: F,
) -> Result<(TicketView, R), ApiError>
where
    F: FnOnce(&mut DbConnection, &Ticket, &AuthUser) -> Result<(Change, R), ServiceError>
        + Send
        + 'static,
    R: Send + 'static,
{
    let outbox = state.outbox.clone();
    let done = state
        .db
        .write(move |c| {
            let t = load_visible(c, &caller, &id)?;
            let me = actor(&caller);
            let on_hold = hold::find(c, &t.id)?.is_some();
            let before = facts_held(&t, on_hold);
            let to = lifecycle::decide(&me, action, &before).map_err(|d| match d {
                Denied::Forbidden => ServiceError::forbidden(format!(
                    "a {} may not {} this ticket",
                    caller.role.as_str(),
                    action.as_str()
                )),
                Denied::InvalidTransition => ServiceError::InvalidTransition {
                    detail: if on_hold && !lifecycle::WHILE_ON_HOLD.contains(&action) {
                        format!(
                            "the ticket is on hold; resume it before it can be {}",
                            action.past_tense()
                        )
                    } else if action == Action::Resume {
                        "the ticket is not on hold".to_string()
                    } else {
                        format!(
                            "a ticket that is {} cannot be {}",
                            t.status,
                            action.past_tense()
                        )
                    },
                    allowed_actions: lifecycle::allowed_actions(&me, &before)
                        .into_iter()
                        .map(|a| a.as_str().to_string())
                        .collect(),
                },
            })?;
            if let IfMatch(Some(v)) = if_match {
                if v != t.version {
                    return Err(ServiceError::PreconditionFailed(format!(
                        "the ticket is at version {}, not {v}; reload it and try again",
                        t.version
                    )));
                }
            }
            let (Change { mut changes, data }, extra) = work(c, &t, &caller)?;
            if on_hold && !to.is_open() {
                // Ended while waiting (rejected, merged): nothing is waited for any more.
                hold::delete(c, &t.id)?;
            }
            let now = crate::db::now();
            let plan = clocks::plan(
                c,
                &caller.jurisdiction,
                &t.id,
                t.category_id.as_deref(),
                action,
                now,
            )?;
            if !plan.is_empty() {
                changes.next_due_at = Some(plan.next_due());
            }
            changes.status = Some(to.as_str().to_string());
            changes.version = Some(t.version + 1);
            changes.updated_at = Some(now);
            let changed = ticket::update_at_version(c, &caller.jurisdiction_id, &t.id, t.version, &changes)?;
            if changed == 0 {
                return Err(ServiceError::conflict(
                    "edit_conflict",
                    "the ticket was changed by another request at the same moment; reload it and try again",
                ));
            }
            // Final already: next_due_at went into the UPDATE, the clock rows are not the ticket's.
            let updated = ticket::find(c, &caller.jurisdiction_id, &t.id)?
                .ok_or_else(|| ServiceError::internal(anyhow::anyhow!("ticket vanished")))?;
            journal::record(
                c,
                &caller.jurisdiction,
                Some(&t),
                &updated,
                action,
                &Event {
                    ticket_id: t.id.clone(),
                    seq: t.version + 1,
                    jurisdiction_id: t.jurisdiction_id.clone(),
                    action: action.as_str().to_string(),
                    actor_id: Some(caller.id.clone()),
                    at: now,
                    from_status: Some(t.status.clone()),
                    to_status: to.as_str().to_string(),
                    data: data_text(data),
                },
                &plan,
            )?;
            Ok((view(c, &caller, updated)?, extra))
        })
        .await?;
    outbox.notify_one();
    Ok(done)
}

/// An event's data as stored: a JSON object without null members.
pub fn data_text(data: Value) -> String {
    match data {
        Value::Object(mut m) => {
            m.retain(|_, v| !v.is_null());
            Value::Object(m).to_string()
        }
        Value::Null => "{}".to_string(),
        other => serde_json::json!({ "value": other }).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_match_forms() {
        assert_eq!(IfMatch::parse("\"3\"").unwrap().0, Some(3));
        assert_eq!(IfMatch::parse("W/\"12\"").unwrap().0, Some(12));
        assert_eq!(IfMatch::parse("7").unwrap().0, Some(7));
        assert_eq!(IfMatch::parse("*").unwrap().0, None);
        assert!(IfMatch::parse("\"abc\"").is_err());
    }

    #[test]
    fn event_data_drops_nulls() {
        let d = data_text(serde_json::json!({"reason": "x", "note": null}));
        assert_eq!(d, r#"{"reason":"x"}"#);
        assert_eq!(data_text(Value::Null), "{}");
    }
}
