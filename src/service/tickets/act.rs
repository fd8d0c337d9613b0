//! The one way a ticket changes: in one transaction, find it (404 when hidden), ask the policy
//! (403 / 409), check the version the caller saw (412), let the action validate its input (422)
//! and say what changes, then update the row at its version and append the event.

use chrono::NaiveDateTime;
use serde_json::Value;

use super::details::{details_of, load_visible, TicketDetails};
use crate::auth::AuthUser;
use crate::db::models::event::Event;
use crate::db::models::hold;
use crate::db::models::jurisdiction::Jurisdiction;
use crate::db::models::ticket::{self, Ticket, TicketChanges};
use crate::db::DbConnection;
use crate::domain::lifecycle::{self, Action, Actor, Denied, Status, TicketFacts};
use crate::error::ServiceError;
use crate::service::{clocks, journal};
use crate::state::AppState;

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

/// Runs `action` on ticket `id` for `caller`, if the ticket is still at `version` (when given);
/// `work` validates the input against the ticket and says what changes (it may write rows of its
/// own, such as a field visit, in the same transaction). Gives the updated ticket and whatever
/// `work` returned.
pub async fn perform<R, F>(
    state: &AppState,
    caller: AuthUser,
    id: String,
    version: Option<i32>,
    action: Action,
    work: F,
) -> Result<(TicketDetails, R), ServiceError>
where
    F: FnOnce(&mut DbConnection, &Ticket, &AuthUser) -> Result<(Change, R), ServiceError>
        + Send
        + 'static,
    R: Send + 'static,
{
    let done = state
        .db
        .write(move |c| {
            let t = load_visible(c, &caller, &id)?;
            let on_hold = hold::find(c, &t.id)?.is_some();
            let to = decide(&caller, action, &t, on_hold)?;
            if let Some(v) = version.filter(|v| *v != t.version) {
                return Err(ServiceError::PreconditionFailed(format!(
                    "the ticket is at version {}, not {v}; reload it and try again",
                    t.version
                )));
            }
            let (change, extra) = work(c, &t, &caller)?;
            if on_hold && !to.is_open() {
                // Ended while waiting (rejected, merged): nothing is waited for any more.
                hold::delete(c, &t.id)?;
            }
            let updated = commit(
                c,
                &caller.jurisdiction,
                &t,
                action,
                to,
                Some(&caller.id),
                change,
                crate::db::now(),
            )?
            .ok_or_else(|| {
                ServiceError::conflict(
                    "edit_conflict",
                    "the ticket was changed by another request at the same moment; reload it and try again",
                )
            })?;
            Ok((details_of(c, updated)?, extra))
        })
        .await?;
    state.outbox.notify_one();
    Ok(done)
}

/// The status `action` leads to, or why it may not be done (403, or 409 with what may be done).
fn decide(
    caller: &AuthUser,
    action: Action,
    t: &Ticket,
    on_hold: bool,
) -> Result<Status, ServiceError> {
    let me = caller.actor();
    let before = t.facts(on_hold);
    lifecycle::decide(&me, action, &before).map_err(|d| match d {
        Denied::Forbidden => ServiceError::forbidden(format!(
            "a {} may not {} this ticket",
            caller.role.as_str(),
            action.as_str()
        )),
        Denied::InvalidTransition => ServiceError::InvalidTransition {
            detail: refusal(action, t, on_hold),
            allowed_actions: allowed(&me, &before),
        },
    })
}

fn refusal(action: Action, t: &Ticket, on_hold: bool) -> String {
    if on_hold && !lifecycle::WHILE_ON_HOLD.contains(&action) {
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
    }
}

fn allowed(me: &Actor, before: &TicketFacts) -> Vec<String> {
    lifecycle::allowed_actions(me, before)
        .into_iter()
        .map(|a| a.as_str().to_string())
        .collect()
}

/// Writes an action that has been decided: plans its clocks (so that `next_due_at` goes into
/// the one UPDATE), updates the row at the version it was read at, and appends the event by
/// `actor_id` (none for aduan's own events) through the journal. `None` when the ticket changed
/// under us and nothing was written.
#[allow(clippy::too_many_arguments)]
pub fn commit(
    c: &mut DbConnection,
    jur: &Jurisdiction,
    t: &Ticket,
    action: Action,
    to: Status,
    actor_id: Option<&str>,
    change: Change,
    now: NaiveDateTime,
) -> Result<Option<Ticket>, ServiceError> {
    let Change { mut changes, data } = change;
    let plan = clocks::plan(c, jur, &t.id, t.category_id.as_deref(), action, now)?;
    if !plan.is_empty() {
        changes.next_due_at = Some(plan.next_due());
    }
    changes.status = Some(to.as_str().to_string());
    changes.version = Some(t.version + 1);
    changes.updated_at = Some(now);
    if ticket::update_at_version(c, &t.jurisdiction_id, &t.id, t.version, &changes)? == 0 {
        return Ok(None);
    }
    // Final already: next_due_at went into the UPDATE, the clock rows are not the ticket's.
    let updated = ticket::find(c, &t.jurisdiction_id, &t.id)?
        .ok_or_else(|| ServiceError::internal(anyhow::anyhow!("ticket vanished")))?;
    let event = Event {
        ticket_id: t.id.clone(),
        seq: t.version + 1,
        jurisdiction_id: t.jurisdiction_id.clone(),
        action: action.as_str().to_string(),
        actor_id: actor_id.map(str::to_string),
        at: now,
        from_status: Some(t.status.clone()),
        to_status: to.as_str().to_string(),
        data: journal::data_text(data),
    };
    journal::record(c, jur, Some(t), &updated, action, &event, &plan)?;
    Ok(Some(updated))
}
