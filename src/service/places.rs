//! The hotspots' repeated places: places (~100 m cells, `domain::analytics::place_key`) where
//! two or more complaints of one category were filed in a period, the most first.
//!
//! Counting every located ticket of a long period is what a year of hotspots cost; instead, every
//! ticket write keeps where the ticket was filed (`ticket_places`) and how many tickets each
//! category × cell has had in all (`place_totals`). A place's count in a period is never more
//! than its total, so the top places of a period are found by walking the totals from the
//! largest down — a band of equal totals at a time, each band's places counted in the period in
//! one statement — and stopping at the first total below the smallest count still in the top:
//! exact, with ties broken as the raw count breaks them.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDateTime;
use diesel::QueryResult;

use crate::db::models::place::{self, PlaceTotal, TicketPlace};
use crate::db::models::ticket::{Ticket, TicketStub};
use crate::db::DbConnection;
use crate::domain::analytics::{key_id, parse_place_cell, place_cell, place_key, Period};

/// `(category_id or '', cell)` of a located ticket.
fn place_of(t: &TicketStub) -> Option<(String, String)> {
    Some((
        t.category_id.clone().unwrap_or_default(),
        place_cell(place_key(t.lat?, t.lng?)),
    ))
}

/// Keeps the places and totals equal to the tickets for one ticket write (`before` none for a
/// filing).
pub fn on_write(
    conn: &mut DbConnection,
    before: Option<&Ticket>,
    after: &Ticket,
) -> QueryResult<()> {
    let old = before.and_then(|b| place_of(&b.into()));
    let new = place_of(&after.into());
    if old == new {
        return Ok(());
    }
    let jurisdiction_id = after.jurisdiction_id.as_str();
    // The ticket's old place goes first, so that its old total's span is read without it.
    if before.is_some() {
        place::remove(conn, &after.id)?;
    }
    // Totals in key order, so that two writers never wait on each other crosswise.
    let mut totals: Vec<(&(String, String), bool)> = old
        .iter()
        .map(|k| (k, false))
        .chain(new.iter().map(|k| (k, true)))
        .collect();
    totals.sort();
    for ((category_id, cell), added) in totals {
        let key = (category_id.as_str(), cell.as_str());
        if added {
            place::add_one(conn, jurisdiction_id, key, after.created_at)?;
        } else {
            place::remove_one(conn, jurisdiction_id, key)?;
        }
    }
    if let Some((category_id, cell)) = new {
        place::insert(
            conn,
            &TicketPlace {
                ticket_id: after.id.clone(),
                jurisdiction_id: jurisdiction_id.to_string(),
                category_id,
                cell,
                created_at: after.created_at,
            },
        )?;
    }
    Ok(())
}

/// The places and totals (count, first and last filing time) of a rebuild, page by page.
#[derive(Default)]
pub struct Totals(HashMap<(String, String), (i64, NaiveDateTime, NaiveDateTime)>);

impl Totals {
    /// Writes a page's places and counts them.
    pub fn write_page(
        &mut self,
        conn: &mut DbConnection,
        tickets: &[TicketStub],
    ) -> QueryResult<()> {
        let mut rows = Vec::new();
        for t in tickets {
            if let Some((category_id, cell)) = place_of(t) {
                let at = t.created_at;
                let total = self
                    .0
                    .entry((category_id.clone(), cell.clone()))
                    .or_insert((0, at, at));
                *total = (total.0 + 1, total.1.min(at), total.2.max(at));
                rows.push(TicketPlace {
                    ticket_id: t.id.clone(),
                    jurisdiction_id: t.jurisdiction_id.clone(),
                    category_id,
                    cell,
                    created_at: t.created_at,
                });
            }
        }
        place::insert_all(conn, &rows)
    }

    pub fn write(self, conn: &mut DbConnection, jurisdiction_id: &str) -> QueryResult<()> {
        let rows: Vec<PlaceTotal> = self
            .0
            .into_iter()
            .map(|((category_id, cell), (count, first, last))| PlaceTotal {
                jurisdiction_id: jurisdiction_id.to_string(),
                category_id,
                cell,
                count,
                first_at: Some(first),
                last_at: Some(last),
            })
            .collect();
        place::insert_totals(conn, &rows)
    }
}

/// `(category_id, place)` → complaints filed there in a period; category none for none.
pub type Spots = BTreeMap<(Option<String>, (i64, i64)), i64>;

/// The `limit` places with the most complaints of one category filed in `p` (two or more
/// each), as the totals find them; with the places tied with the last of them, so that the
/// caller breaks ties as it would over all places. The totals are walked from the largest down
/// in bands of equal totals, each band counted in the period in one statement, until no place
/// left can reach the top: a place's count in a period is at most its total. Once the top is
/// full at a band's own total, only that band's places with all their tickets in the period
/// can still tie, and those are read from the totals' spans.
pub fn repeated(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    p: &Period,
    limit: usize,
) -> QueryResult<Spots> {
    let mut found = Spots::new();
    // The counts in the top so far, largest first.
    let mut top: Vec<i64> = Vec::new();
    let mut band = place::next_total(conn, jurisdiction_id, None)?;
    while let Some(total) = band {
        // The smallest count in the top, once it is full.
        let least = limit.checked_sub(1).and_then(|i| top.get(i)).copied();
        if least.is_some_and(|m| m > total) {
            break;
        }
        let whole = least == Some(total);
        for (category, cell, n) in
            place::band_filed_in(conn, jurisdiction_id, total, (p.start, p.end), whole)?
        {
            let Some(cell) = parse_place_cell(&cell).filter(|_| n >= 2) else {
                continue;
            };
            found.insert((key_id(&category), cell), n);
            let at = top.partition_point(|m| *m >= n);
            top.insert(at, n);
        }
        band = place::next_total(conn, jurisdiction_id, Some(total))?;
    }
    Ok(found)
}
