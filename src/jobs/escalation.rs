//! The escalation task: marks running clocks whose due time has passed as breached (one
//! `sla_breached` event each, which webhooks carry), and withdraws tickets left on hold past the
//! jurisdiction's limit.
//!
//! Every change is made in a transaction that also appends the event, and a clock is claimed
//! only while it is still `running` (rows read `FOR UPDATE SKIP LOCKED` on PostgreSQL), so a
//! breach is recorded exactly once however many instances run the task and however often they
//! restart: a second instance skips the rows the first holds, and finds them no longer
//! `running` afterwards. A tick that fails changes nothing and is simply repeated.

use std::collections::HashMap;
use std::time::Duration;

use chrono::NaiveDateTime;
use serde_json::json;

use crate::db::models::jurisdiction::{self, Jurisdiction};
use crate::db::models::ticket::{self, Ticket};
use crate::db::models::{clock, hold};
use crate::db::DbConnection;
use crate::domain::lifecycle::{self, Action, Status};
use crate::error::ServiceError;
use crate::service::sla_counts;
use crate::service::tickets::{self, Change};
use crate::state::AppState;

/// Clocks (or holds) handled per transaction.
const BATCH: i64 = 100;

/// What one tick did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tick {
    pub breached: usize,
    pub withdrawn: usize,
}

/// Runs the task every `escalation_interval_ms` until the process ends.
pub async fn run(state: AppState) {
    let every = Duration::from_millis(state.settings.escalation_interval_ms);
    loop {
        match tick(&state).await {
            Ok(t) if t != Tick::default() => {
                tracing::info!(breached = t.breached, withdrawn = t.withdrawn, "escalation")
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "escalation tick failed; it will be repeated"),
        }
        tokio::time::sleep(every).await;
    }
}

/// One pass over everything due now.
pub async fn tick(state: &AppState) -> Result<Tick, ServiceError> {
    let mut total = Tick::default();
    loop {
        let now = crate::db::now();
        let n = state.db.write(move |c| breach_batch(c, now)).await?;
        total.breached += n.0;
        if n.1 < BATCH as usize {
            break;
        }
    }
    loop {
        let now = crate::db::now();
        let n = state.db.write(move |c| withdraw_batch(c, now)).await?;
        total.withdrawn += n.0;
        if n.1 < BATCH as usize {
            break;
        }
    }
    if total != Tick::default() {
        state.outbox.notify_one();
    }
    Ok(total)
}

fn jurisdiction_of<'a>(
    conn: &mut DbConnection,
    cache: &'a mut HashMap<String, Jurisdiction>,
    id: &str,
) -> Result<&'a Jurisdiction, ServiceError> {
    if !cache.contains_key(id) {
        cache.insert(id.to_string(), jurisdiction::find(conn, id)?);
    }
    cache
        .get(id)
        .ok_or_else(|| ServiceError::internal(anyhow::anyhow!("jurisdiction {id} vanished")))
}

/// Appends a system event (no actor) to `t`, moving it to `to` at version + 1; `false` when
/// the ticket changed under us (the next tick tries again).
fn system_event(
    conn: &mut DbConnection,
    jur: &Jurisdiction,
    t: &Ticket,
    action: Action,
    to: Status,
    now: NaiveDateTime,
    data: serde_json::Value,
) -> Result<bool, ServiceError> {
    let written = tickets::commit(conn, jur, t, action, to, None, Change::data(data), now)?;
    Ok(written.is_some())
}

/// Marks up to [`BATCH`] breached clocks; gives (marked, claimed).
fn breach_batch(
    conn: &mut DbConnection,
    now: NaiveDateTime,
) -> Result<(usize, usize), ServiceError> {
    let claimed = clock::claim_breaching(conn, now, BATCH)?;
    let mut cache = HashMap::new();
    let mut marked = 0;
    for (ticket_id, clock_name, jid, due) in &claimed {
        let jur = jurisdiction_of(conn, &mut cache, jid)?.clone();
        let Some(t) = ticket::find(conn, jid, ticket_id)? else {
            continue;
        };
        let on_hold = hold::find(conn, &t.id)?.is_some();
        if lifecycle::system_transition(Action::SlaBreached, &t.facts(on_hold)).is_none() {
            // A clock left running on an ended ticket: stop it without an event.
            counted(conn, &jur, &t, |c| {
                clock::mark_breached(c, ticket_id, clock_name, Some(now))
            })?;
            crate::service::recap_facts::refresh(conn, jur.tz(), ticket_id)?;
            continue;
        }
        let status = t.status();
        let data = json!({
            "clock": clock_name,
            "due_at": due.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        });
        if !system_event(conn, &jur, &t, Action::SlaBreached, status, now, data)? {
            continue;
        }
        let n = counted(conn, &jur, &t, |c| {
            clock::mark_breached(c, ticket_id, clock_name, None)
        })?;
        if n != 1 {
            // Claimed while running, so this cannot happen inside the transaction; refuse to
            // leave an event without its breach.
            return Err(ServiceError::internal(anyhow::anyhow!(
                "clock {clock_name} of {ticket_id} was no longer running"
            )));
        }
        // The breach is a recap fact too (the event's refresh ran before the flip).
        crate::service::recap_facts::refresh(conn, jur.tz(), ticket_id)?;
        marked += 1;
    }
    Ok((marked, claimed.len()))
}

/// Runs `write` on ticket `t`'s clocks, keeping the SLA counters.
fn counted<T>(
    conn: &mut DbConnection,
    jur: &Jurisdiction,
    t: &Ticket,
    write: impl FnOnce(&mut DbConnection) -> diesel::QueryResult<T>,
) -> Result<T, ServiceError> {
    let owner = sla_counts::Owner::of(&t.agency_id, &t.category_id);
    Ok(sla_counts::around(
        conn,
        jur.tz(),
        &jur.id,
        &t.id,
        (&owner, &owner),
        write,
    )?)
}

/// Withdraws up to [`BATCH`] tickets per jurisdiction held past its limit; gives (withdrawn,
/// claimed).
fn withdraw_batch(
    conn: &mut DbConnection,
    now: NaiveDateTime,
) -> Result<(usize, usize), ServiceError> {
    let mut withdrawn = 0;
    let mut claimed_all = 0;
    for jur in jurisdiction::all(conn)? {
        let before = now - chrono::Duration::days(jur.hold_limit_days as i64);
        let claimed = hold::claim_expired(conn, &jur.id, before, BATCH)?;
        claimed_all = claimed_all.max(claimed.len());
        for ticket_id in claimed {
            let Some(h) = hold::find(conn, &ticket_id)? else {
                continue;
            };
            let Some(t) = ticket::find(conn, &jur.id, &ticket_id)? else {
                continue;
            };
            let Some(to) = lifecycle::system_transition(Action::Withdraw, &t.facts(true)) else {
                // Ended some other way: the hold is stale.
                hold::delete(conn, &ticket_id)?;
                continue;
            };
            let data = json!({
                "withdrawn": true,
                "reason": format!(
                    "withdrawn: no information from the complainant after {} days on hold",
                    jur.hold_limit_days
                ),
                "held_since": h.held_at.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                "hold_reason": h.reason,
            });
            hold::delete(conn, &ticket_id)?;
            if system_event(conn, &jur, &t, Action::Withdraw, to, now, data)? {
                withdrawn += 1;
            } else {
                return Err(ServiceError::conflict(
                    "edit_conflict",
                    "a held ticket changed during withdrawal; the next tick retries",
                ));
            }
        }
    }
    Ok((withdrawn, claimed_all))
}
