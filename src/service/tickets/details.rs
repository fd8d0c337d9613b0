//! A ticket with what every reader of it needs besides its row: the codes of its category and
//! region, its clocks, its hold and the files it was filed with. Loaded for a whole page in a fixed number of queries.

use std::collections::HashMap;

use crate::auth::AuthUser;
use crate::db::models::attachment::{self, Attachment};
use crate::db::models::clock::{self, ClockRow};
use crate::db::models::hold::{self, Hold};
use crate::db::models::ticket::{self, Ticket};
use crate::db::models::{category, region};
use crate::db::DbConnection;
use crate::domain::lifecycle::{self, Action};
use crate::domain::sla::{Clock, ClockRun};
use crate::error::ServiceError;
use crate::service::clocks;

/// A ticket and what is shown with it.
#[derive(Debug)]
pub struct TicketDetails {
    pub ticket: Ticket,
    /// The category's code.
    pub category: Option<String>,
    /// The region's code.
    pub region: Option<String>,
    pub clocks: Vec<ClockRow>,
    pub hold: Option<Hold>,
    /// The files it was filed with, in their order.
    pub files: Vec<Attachment>,
}

impl TicketDetails {
    /// What `caller` may do to the ticket now.
    pub fn allowed_actions(&self, caller: &AuthUser) -> Vec<Action> {
        lifecycle::allowed_actions(&caller.actor(), &self.ticket.facts(self.hold.is_some()))
    }

    /// The clocks the ticket has run, in `first_response, verify, follow_up, resolve` order.
    pub fn clock_runs(&self) -> Vec<ClockRun> {
        let order = |c: &str| Clock::ALL.iter().position(|k| k.as_str() == c).unwrap_or(9);
        let mut rows: Vec<&ClockRow> = self.clocks.iter().collect();
        rows.sort_by_key(|r| order(&r.clock));
        rows.into_iter().filter_map(clocks::run_of).collect()
    }
}

/// The ticket, if it exists in the caller's jurisdiction and the caller may see it; 404
/// otherwise, so that ids of other agencies' tickets tell nothing.
pub fn load_visible(
    conn: &mut DbConnection,
    caller: &AuthUser,
    id: &str,
) -> Result<Ticket, ServiceError> {
    ticket::find(conn, &caller.jurisdiction_id, id)?
        .filter(|t| lifecycle::can_see(&caller.actor(), &t.facts(false)))
        .ok_or_else(|| ServiceError::not_found("there is no ticket with this id"))
}

/// The ticket with tracking code `code` (any case), if the caller may see it; 404 otherwise.
pub fn load_visible_by_code(
    conn: &mut DbConnection,
    caller: &AuthUser,
    code: &str,
) -> Result<Ticket, ServiceError> {
    let code = code.trim().to_ascii_uppercase();
    ticket::find_by_code(conn, &caller.jurisdiction_id, &code)?
        .filter(|t| lifecycle::can_see(&caller.actor(), &t.facts(false)))
        .ok_or_else(|| ServiceError::not_found("there is no ticket with this code"))
}

/// The details of `rows`, in their order: category and region codes in two queries, clocks,
/// holds and filed files in one each.
pub fn details(
    conn: &mut DbConnection,
    rows: Vec<Ticket>,
) -> Result<Vec<TicketDetails>, ServiceError> {
    let ids = |f: fn(&Ticket) -> Option<&String>| {
        let mut v: Vec<String> = rows.iter().filter_map(f).cloned().collect();
        v.sort();
        v.dedup();
        v
    };
    let categories = category::codes_of(conn, &ids(|t| t.category_id.as_ref()))?;
    let regions = region::codes_of(conn, &ids(|t| t.region_id.as_ref()))?;
    let ticket_ids: Vec<String> = rows.iter().map(|t| t.id.clone()).collect();
    let mut clocks: HashMap<String, Vec<ClockRow>> = HashMap::new();
    for c in clock::for_tickets(conn, &ticket_ids)? {
        clocks.entry(c.ticket_id.clone()).or_default().push(c);
    }
    let mut holds: HashMap<String, Hold> = hold::for_tickets(conn, &ticket_ids)?
        .into_iter()
        .map(|h| (h.ticket_id.clone(), h))
        .collect();
    let mut files: HashMap<String, Vec<Attachment>> = HashMap::new();
    for (ticket_id, a) in attachment::of_tickets(conn, &ticket_ids)? {
        files.entry(ticket_id).or_default().push(a);
    }
    Ok(rows
        .into_iter()
        .map(|t| TicketDetails {
            files: files.remove(&t.id).unwrap_or_default(),
            category: t
                .category_id
                .as_ref()
                .and_then(|c| categories.get(c).cloned()),
            region: t.region_id.as_ref().and_then(|r| regions.get(r).cloned()),
            clocks: clocks.remove(&t.id).unwrap_or_default(),
            hold: holds.remove(&t.id),
            ticket: t,
        })
        .collect())
}

/// The details of one ticket.
pub fn details_of(conn: &mut DbConnection, t: Ticket) -> Result<TicketDetails, ServiceError> {
    details(conn, vec![t])?
        .pop()
        .ok_or_else(|| ServiceError::internal(anyhow::anyhow!("no details")))
}
