//! The SLA counters: per local day and per local month a clock started, how many clocks of each kind stand in each
//! state (met, breached, running, paused), by the ticket's agency and category. They answer a
//! year of SLA compliance from a few thousand rows instead of joining every clock to its ticket.
//!
//! A ticket's clocks count under the ticket's agency and category. Every transaction that
//! writes a ticket's clocks, or moves the ticket to another agency or category, does it inside
//! `around`, which takes away what the ticket's clocks counted before and adds what they count
//! after; `Totals` counts them from scratch for a rebuild (`projections`). The SLA report reads
//! them only when the projections are complete, and is tested equal to the raw count.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use chrono_tz::Tz;
use diesel::QueryResult;

use crate::db::models::analytics::ClockFact;
use crate::db::models::clock::{self, ClockRow};
use crate::db::models::sla_count::{self, SlaCountRow};
use crate::db::models::ticket::TicketStub;
use crate::db::DbConnection;
use crate::domain::calendar::{local_day, split_months};

/// `(span, start day or month, clock, state, agency_id, category_id)`, '' for none.
type Key = (&'static str, NaiveDate, String, String, String, String);

/// Where a ticket's clocks count: its agency and category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    pub agency_id: Option<String>,
    pub category_id: Option<String>,
}

impl Owner {
    pub fn of(agency_id: &Option<String>, category_id: &Option<String>) -> Owner {
        Owner {
            agency_id: agency_id.clone(),
            category_id: category_id.clone(),
        }
    }
}

fn count(tz: Tz, owner: &Owner, clocks: &[ClockRow], n: i64, into: &mut BTreeMap<Key, i64>) {
    for c in clocks {
        let day = local_day(c.started_at, tz);
        for (span, day) in [("day", day), ("month", day.with_day(1).unwrap_or(day))] {
            let key = (
                span,
                day,
                c.clock.clone(),
                c.state.clone(),
                owner.agency_id.clone().unwrap_or_default(),
                owner.category_id.clone().unwrap_or_default(),
            );
            *into.entry(key).or_default() += n;
        }
    }
}

fn row(
    jurisdiction_id: &str,
    (span, day, clock, state, agency_id, category_id): Key,
    n: i64,
) -> SlaCountRow {
    SlaCountRow {
        jurisdiction_id: jurisdiction_id.to_string(),
        span,
        day,
        clock,
        state,
        agency_id,
        category_id,
        count: n,
    }
}

/// Runs `write`, which writes the clocks of ticket `ticket_id` or moves the ticket from
/// `before` to `after`, and moves the counters from what its clocks counted to what they count
/// now. Deltas are applied in key order, so two writers never deadlock.
pub fn around<T, E: From<diesel::result::Error>>(
    conn: &mut DbConnection,
    tz: Tz,
    jurisdiction_id: &str,
    ticket_id: &str,
    (before, after): (&Owner, &Owner),
    write: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E> {
    let mut delta = BTreeMap::new();
    count(
        tz,
        before,
        &clock::for_ticket(conn, ticket_id)?,
        -1,
        &mut delta,
    );
    let done = write(conn)?;
    count(
        tz,
        after,
        &clock::for_ticket(conn, ticket_id)?,
        1,
        &mut delta,
    );
    for (key, n) in delta {
        if n != 0 {
            sla_count::add(conn, &row(jurisdiction_id, key, n))?;
        }
    }
    Ok(done)
}

/// The counters of a rebuild, counted page by page.
#[derive(Default)]
pub struct Totals(BTreeMap<Key, i64>);

impl Totals {
    /// Counts a page of tickets with their clocks (by ticket id).
    pub fn count_page(
        &mut self,
        tz: Tz,
        tickets: &[TicketStub],
        clocks: &HashMap<String, Vec<ClockRow>>,
    ) {
        for t in tickets {
            if let Some(cs) = clocks.get(&t.id) {
                count(
                    tz,
                    &Owner::of(&t.agency_id, &t.category_id),
                    cs,
                    1,
                    &mut self.0,
                );
            }
        }
    }

    /// The counter rows of jurisdiction `jurisdiction_id`.
    pub fn rows(self, jurisdiction_id: &str) -> Vec<SlaCountRow> {
        self.0
            .into_iter()
            .filter(|(_, n)| *n != 0)
            .map(|(k, n)| row(jurisdiction_id, k, n))
            .collect()
    }
}

/// Writes a rebuild's counters in place of the jurisdiction's.
pub fn replace(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    totals: Totals,
) -> QueryResult<usize> {
    sla_count::clear(conn, jurisdiction_id)?;
    let rows = totals.rows(jurisdiction_id);
    sla_count::insert_all(conn, &rows)?;
    Ok(rows.len())
}

/// The clocks started on the local days `[from, to]`, counted by `(clock, state, agency_id,
/// category_id)`: the whole months inside from the month rows, the days around them from
/// the day rows.
pub fn started(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<(ClockFact, i64)>> {
    let (days, months) = split_months(from, to);
    let mut out = Vec::new();
    if let Some((first, last)) = months {
        out.extend(sla_count::started(
            conn,
            jurisdiction_id,
            "month",
            first,
            last,
        )?);
    }
    for (a, b) in days {
        out.extend(sla_count::started(conn, jurisdiction_id, "day", a, b)?);
    }
    Ok(out)
}
