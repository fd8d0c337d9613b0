//! The projections of the ticket tables: the rollups (`rollups`: trends, open tickets, routing
//! and planning), the SLA counters (`sla_counts`), the places of the hotspots (`places`) and the
//! recap's facts (`recap_facts`). All are kept in every ticket write's transaction (the journal
//! calls them) and can be rebuilt from the tables here (`rebuild`, at start for a jurisdiction whose
//! projections were never built or were built in another time zone, and after bulk loads).
//! Readers use them only when `ready` says they are complete.

use std::collections::HashMap;

use chrono_tz::Tz;
use diesel::{Connection, QueryResult};

use super::{places, recap_facts, rollups, sla_counts};
use crate::db::models::clock::{self, ClockRow};
use crate::db::models::event::{self, EventFacts};
use crate::db::models::jurisdiction;
use crate::db::models::ticket;
use crate::db::models::{place, recap_fact, rollup};
use crate::db::DbConnection;

/// Where a report counts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The projections kept in every ticket write.
    Projections,
    /// The raw tables.
    Raw,
}

/// The projections when they are complete for `tz`, else the raw tables.
pub fn source(conn: &mut DbConnection, jurisdiction_id: &str, tz: Tz) -> QueryResult<Source> {
    Ok(if ready(conn, jurisdiction_id, tz)? {
        Source::Projections
    } else {
        Source::Raw
    })
}

/// Tickets read per query while rebuilding.
const PAGE: i64 = 20_000;

/// Replaces a jurisdiction's rollups, SLA counters, places and recap facts by what its tickets and their events and
/// clocks give, and marks them complete for `tz`, in one transaction. Gives the rollup rows
/// written.
pub fn rebuild(conn: &mut DbConnection, jurisdiction_id: &str, tz: Tz) -> QueryResult<usize> {
    conn.transaction(|c| {
        crate::db::lift_statement_timeout(c)?;
        rollup::clear_for_rebuild(c, jurisdiction_id)?;
        recap_fact::clear(c, jurisdiction_id)?;
        place::clear(c, jurisdiction_id)?;
        let mut totals = rollups::Totals::of(c, jurisdiction_id)?;
        let mut spots = places::Totals::default();
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
            spots.write_page(c, &page)?;
            recap_facts::build_page(c, tz, &page, &by_ticket, &clocks)?;
            after = last.id.clone();
        }
        let rows = totals.rows(jurisdiction_id);
        rollup::insert_all(c, &rows)?;
        sla_counts::replace(c, jurisdiction_id, sla)?;
        spots.write(c, jurisdiction_id)?;
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

/// Rebuilds, in the background, the projections that are not complete (after a change of
/// reference data they count by, such as the kecamatan of a desa). Readers use the raw tables
/// meanwhile.
pub fn rebuild_soon(state: std::sync::Arc<crate::state::AppState>) {
    actix_web::rt::spawn(async move {
        let built = state
            .db
            .write(|c| ensure_built(c).map_err(crate::error::ServiceError::from))
            .await;
        match built {
            Ok(ids) => tracing::info!(jurisdictions = ids.len(), "projections rebuilt"),
            Err(e) => tracing::error!(error = %e, "projections not rebuilt"),
        }
    });
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
