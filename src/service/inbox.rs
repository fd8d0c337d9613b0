//! What needs the caller now: the tickets of each of its role's duties
//! ([`crate::domain::inbox::DUTIES`]) that it sees, most urgent first.

use crate::auth::AuthUser;
use crate::db::DbConnection;
use crate::domain::inbox::{duties_of, Duty, Reason};
use crate::domain::sla::Clock;
use crate::error::ServiceError;
use crate::service::tickets::{list, TicketDetails, TicketQuery};

/// A ticket waiting for the caller, and why.
pub struct Task {
    pub ticket: TicketDetails,
    pub reason: Reason,
    /// When this work is due: its duty's clock while it counts, else the ticket's nearest.
    pub due_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// What needs the caller: its tasks, and the duties that have more than were shown.
pub struct Inbox {
    pub tasks: Vec<Task>,
    pub more: Vec<Reason>,
}

/// The caller's tasks, at most `limit` of each duty: those with a clock counting by due time,
/// then those without, newest first.
pub fn needs_me(
    c: &mut DbConnection,
    caller: &AuthUser,
    limit: i64,
) -> Result<Inbox, ServiceError> {
    let mut tasks = vec![];
    let mut more = vec![];
    for duty in duties_of(caller.role) {
        let (found, cut) = of_duty(c, caller, duty, limit)?;
        if cut {
            more.push(duty.reason);
        }
        for ticket in found {
            if !tasks
                .iter()
                .any(|t: &Task| t.ticket.ticket.id == ticket.ticket.id)
            {
                let due_at = due_of(&ticket, duty);
                tasks.push(Task {
                    ticket,
                    reason: duty.reason,
                    due_at,
                });
            }
        }
    }
    // Stable: within a due time (or none), the duties' order, then newest first.
    tasks.sort_by(|a, b| {
        let due = |t: &Task| t.due_at;
        match (due(a), due(b)) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        }
    });
    Ok(Inbox { tasks, more })
}

/// When `duty`'s work on `ticket` is due: its clock while it counts, else the nearest.
fn due_of(ticket: &TicketDetails, duty: &Duty) -> Option<chrono::DateTime<chrono::Utc>> {
    let own = duty.clock.and_then(|clock| {
        ticket
            .clock_runs()
            .into_iter()
            .find(|r| r.clock == clock && r.is_counting())
            .map(|r| r.due_at)
    });
    own.or(ticket.ticket.next_due_at.map(|d| d.and_utc()))
}

/// The tickets of `duty`, at most `limit` with a clock and `limit` without; and whether either
/// was cut there.
fn of_duty(
    c: &mut DbConnection,
    caller: &AuthUser,
    duty: &Duty,
    limit: i64,
) -> Result<(Vec<TicketDetails>, bool), ServiceError> {
    let query = |by_due| TicketQuery {
        statuses: duty.statuses.to_vec(),
        filed_by: duty.filed_by_user.then(|| caller.id.clone()),
        by_due,
        ..Default::default()
    };
    let by_due = list(c, caller, query(true), None, limit)?;
    let newest = list(c, caller, query(false), None, limit)?;
    let cut = by_due.next_after.is_some() || newest.next_after.is_some();
    let (mut found, without_clock) = (by_due.items, newest.items);
    found.extend(
        without_clock
            .into_iter()
            .filter(|t| t.ticket.next_due_at.is_none()),
    );
    if duty.unanswered {
        found.retain(|t| {
            t.clock_runs()
                .iter()
                .any(|r| r.clock == Clock::FirstResponse && r.stopped_at.is_none())
        });
    }
    Ok((found, cut))
}
