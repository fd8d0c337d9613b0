//! The projections of the ticket tables: the daily trend rollups (`rollups`), the SLA counters
//! (`sla_counts`) and the recap's facts (`recap_facts`). All are kept in every ticket write's transaction (the journal calls
//! them) and can be rebuilt from the tables here (`rebuild`, at start for a jurisdiction whose
//! projections were never built or were built in another time zone, and after bulk loads).
//! Readers use them only when `ready` says they are complete.

use std::collections::HashMap;

use chrono_tz::Tz;
use diesel::{Connection, QueryResult};

use super::{recap_facts, rollups, sla_counts};
use crate::db::models::clock::{self, ClockRow};
use crate::db::models::event::{self, EventFacts};
use crate::db::models::jurisdiction;
use crate::db::models::ticket;
use crate::db::models::{recap_fact, rollup};
use crate::db::DbConnection;

/// Tickets read per query while rebuilding.
const PAGE: i64 = 20_000;

/// Replaces a jurisdiction's rollups, SLA counters and recap facts by what its tickets and their events and
/// clocks give, and marks them complete for `tz`, in one transaction. Gives the rollup rows
/// written.
pub fn rebuild(conn: &mut DbConnection, jurisdiction_id: &str, tz: Tz) -> QueryResult<usize> {
    conn.transaction(|c| {
        crate::db::lift_statement_timeout(c)?;
        rollup::clear_for_rebuild(c, jurisdiction_id)?;
        recap_fact::clear(c, jurisdiction_id)?;
        let mut totals = rollups::Totals::default();
        let mut sla = sla_counts::Totals::default();
        let mut after = String::new();
        loop {
            let page = ticket::stubs_after(c, jurisdiction_id, &after, PAGE)?;
            let (Some(first), Some(last)) = (page.first(), page.last()) else {
                break;
            };
            // Every event of the page, once: resolve and close for the rollups, all of them
            // for the recap facts.
            let events = event::in_ticket_range(c, &first.id, &last.id)?;
            totals.count_page(tz, &page, events.iter().map(|(t, e)| (t.as_str(), e)));
            let mut by_ticket: HashMap<String, Vec<EventFacts>> = HashMap::new();
            for (t, e) in events {
                by_ticket.entry(t).or_default().push(e);
            }
            let mut clocks: HashMap<String, Vec<ClockRow>> = HashMap::new();
            for k in clock::in_ticket_range(c, &first.id, &last.id)? {
                clocks.entry(k.ticket_id.clone()).or_default().push(k);
            }
            sla.count_page(tz, &page, &clocks);
            recap_facts::build_page(c, tz, &page, &by_ticket, &clocks)?;
            after = last.id.clone();
        }
        let rows = totals.rows(jurisdiction_id);
        rollup::insert_all(c, &rows)?;
        sla_counts::replace(c, jurisdiction_id, sla)?;
        rollup::mark_built(c, jurisdiction_id, tz.name(), crate::db::now())?;
        Ok(rows.len())
    })
}

/// Marks a jurisdiction's projections incomplete (before rows are written around the journal,
/// as a bulk load does); readers use the raw tables until `rebuild`.
pub fn invalidate(conn: &mut DbConnection, jurisdiction_id: &str) -> QueryResult<()> {
    rollup::mark_incomplete(conn, jurisdiction_id)
}

/// Whether the jurisdiction's projections are complete for `tz`.
pub fn ready(conn: &mut DbConnection, jurisdiction_id: &str, tz: Tz) -> QueryResult<bool> {
    Ok(rollup::built_for(conn, jurisdiction_id)?.as_deref() == Some(tz.name()))
}

/// After a rebuild: refreshes the database's statistics of the rebuilt tables. Outside any
/// transaction.
pub fn tidy(conn: &mut DbConnection) -> QueryResult<()> {
    rollup::analyse(conn)
}

/// Builds the projections of every jurisdiction that has none (or has them in another time
/// zone). Gives the jurisdictions rebuilt.
pub fn ensure_built(conn: &mut DbConnection) -> QueryResult<Vec<String>> {
    let mut built = Vec::new();
    for j in jurisdiction::all(conn)? {
        let tz = j.tz();
        if !ready(conn, &j.id, tz)? {
            rebuild(conn, &j.id, tz)?;
            built.push(j.id);
        }
    }
    Ok(built)
}
