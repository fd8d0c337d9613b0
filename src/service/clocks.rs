//! Runs the SLA clocks of `domain::sla` against the database: the jurisdiction's calendar, the
//! ticket's policy, and the clock rows, changed in the caller's transaction.

use chrono::{DateTime, NaiveDateTime, Utc};

use crate::db::models::clock::{self, ClockRow};
use crate::db::models::jurisdiction::Jurisdiction;
use crate::db::models::ticket::Ticket;
use crate::db::models::{holiday, sla_target};
use crate::db::DbConnection;
use crate::domain::calendar::{Calendar, TargetUnit, WorkWeek};
use crate::domain::lifecycle::Action;
use crate::domain::sla::{self, Clock, ClockRun, ClockState, ClockTarget, Effect};
use crate::error::ServiceError;

/// The jurisdiction's calendar with the holidays from `from` (UTC) on.
pub fn calendar(
    conn: &mut DbConnection,
    jur: &Jurisdiction,
    from: DateTime<Utc>,
) -> Result<Calendar, ServiceError> {
    let tz: chrono_tz::Tz = jur
        .timezone
        .parse()
        .map_err(|_| ServiceError::internal(anyhow::anyhow!("bad time zone {}", jur.timezone)))?;
    let week = WorkWeek::parse(&jur.work_week).unwrap_or(WorkWeek::MonFri);
    // A day before, so that the local date of `from` is covered in every zone.
    let first = from.with_timezone(&tz).date_naive() - chrono::Days::new(1);
    Ok(Calendar::new(
        tz,
        week,
        holiday::dates_from(conn, &jur.id, first)?,
    ))
}

pub fn target_of(row: &sla_target::SlaTarget) -> Option<ClockTarget> {
    Some(ClockTarget {
        clock: Clock::parse(&row.clock)?,
        enabled: row.enabled,
        target: row.target,
        unit: TargetUnit::parse(&row.unit)?,
    })
}

/// The targets for a ticket of `category_id`: override, else default, else built in.
pub fn policy(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    category_id: Option<&str>,
) -> Result<Vec<ClockTarget>, ServiceError> {
    let rows = sla_target::for_category(conn, jurisdiction_id, category_id)?;
    let pick = |scope: &str| -> Vec<ClockTarget> {
        rows.iter()
            .filter(|r| r.scope == scope)
            .filter_map(target_of)
            .collect()
    };
    let category = category_id.map(pick).unwrap_or_default();
    Ok(sla::effective(&pick(sla_target::DEFAULT_SCOPE), &category))
}

pub fn run_of(row: &ClockRow) -> Option<ClockRun> {
    Some(ClockRun {
        clock: Clock::parse(&row.clock)?,
        state: ClockState::parse(&row.state)?,
        target: row.target,
        unit: TargetUnit::parse(&row.unit)?,
        started_at: row.started_at.and_utc(),
        due_at: row.due_at.and_utc(),
        stopped_at: row.stopped_at.map(|t| t.and_utc()),
        paused_at: row.paused_at.map(|t| t.and_utc()),
    })
}

pub fn row_of(ticket: &Ticket, run: &ClockRun) -> ClockRow {
    let naive = |t: DateTime<Utc>| t.naive_utc();
    ClockRow {
        ticket_id: ticket.id.clone(),
        clock: run.clock.as_str().to_string(),
        jurisdiction_id: ticket.jurisdiction_id.clone(),
        state: run.state.as_str().to_string(),
        target: run.target,
        unit: run.unit.as_str().to_string(),
        started_at: naive(run.started_at),
        due_at: naive(run.due_at),
        stopped_at: run.stopped_at.map(naive),
        paused_at: run.paused_at.map(naive),
    }
}

/// What an action does to a ticket's clocks, worked out before anything is written, so that
/// the ticket's `next_due_at` goes into the action's one UPDATE (or the filing's INSERT).
#[derive(Debug, Default)]
pub struct Plan {
    pub runs: Vec<ClockRun>,
    pub changed: Vec<Clock>,
}

impl Plan {
    /// The ticket's `next_due_at` after the action.
    pub fn next_due(&self) -> Option<NaiveDateTime> {
        sla::next_due(&self.runs).map(|t| t.naive_utc())
    }

    pub fn is_empty(&self) -> bool {
        self.changed.is_empty()
    }
}

/// Plans `action` (done at `now`) on the clocks of ticket `ticket_id` of `category_id`.
pub fn plan(
    conn: &mut DbConnection,
    jur: &Jurisdiction,
    ticket_id: &str,
    category_id: Option<&str>,
    action: Action,
    now: NaiveDateTime,
) -> Result<Plan, ServiceError> {
    let effects = sla::effects(action);
    if effects.is_empty() {
        return Ok(Plan::default());
    }
    let now = now.and_utc();
    let starts = effects
        .iter()
        .any(|e| matches!(e, Effect::Start(_) | Effect::Restart(_)));
    let (policy, cal) = if starts {
        (
            policy(conn, &jur.id, category_id)?,
            calendar(conn, jur, now)?,
        )
    } else {
        (
            Vec::new(),
            Calendar::new(chrono_tz::UTC, WorkWeek::MonFri, []),
        )
    };
    let mut runs: Vec<ClockRun> = if action == Action::File {
        Vec::new()
    } else {
        clock::for_ticket(conn, ticket_id)?
            .iter()
            .filter_map(run_of)
            .collect()
    };
    let changed = sla::apply(action, &mut runs, &policy, &cal, now)
        .map_err(|e| ServiceError::internal(anyhow::anyhow!("due time: {e:?}")))?;
    Ok(Plan { runs, changed })
}

/// Writes the clocks a [`Plan`] changed (the ticket's `next_due_at` is the caller's to write).
pub fn write(
    conn: &mut DbConnection,
    ticket: &Ticket,
    action: Action,
    plan: &Plan,
) -> Result<(), ServiceError> {
    for run in plan.runs.iter().filter(|r| plan.changed.contains(&r.clock)) {
        if action == Action::File {
            clock::insert(conn, &row_of(ticket, run))?;
        } else {
            clock::save(conn, &row_of(ticket, run))?;
        }
    }
    Ok(())
}
