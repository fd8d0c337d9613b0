//! The recap's facts, materialised per ticket (`recap_facts`): what `recap::compute` would
//! count for a ticket, on the local day it counts for and for whom, so that a recap of a period
//! is one index range scan (`recap::compute_from_facts`) instead of joining a fortnight of
//! events and clocks to the tickets.
//!
//! `facts_of` is the definition, written against the same rules as `recap::compute` reads the
//! raw tables; `refresh` rewrites a ticket's facts at the end of every transaction that writes
//! the ticket, its events or its clocks; `rollups::rebuild` makes them all. The two recaps are
//! tested equal on random data.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use diesel::prelude::*;

use crate::db::models::clock::ClockRow;
use crate::db::models::event::Event;
use crate::db::models::ticket::Ticket;
use crate::db::schema::{recap_facts, ticket_clocks, ticket_events, tickets};
use crate::db::DbConnection;
use crate::service::rollups::local_day;

/// One counted thing.
#[derive(Debug, Clone, PartialEq, Eq, Insertable)]
#[diesel(table_name = recap_facts)]
pub struct Fact {
    pub jurisdiction_id: String,
    pub day: NaiveDate,
    /// `user` or `agency`.
    pub kind: &'static str,
    pub subject: String,
    pub figure: &'static str,
    pub ticket_id: String,
    pub detail: String,
    pub minutes: Option<i64>,
}

/// What `facts_of` needs of a ticket.
pub struct TicketFacts<'a> {
    pub id: &'a str,
    pub jurisdiction_id: &'a str,
    pub status: &'a str,
    pub filed_by: &'a str,
    pub created_at: NaiveDateTime,
    pub agency_id: Option<&'a str>,
}

/// An event: `(action, actor_id, at, data)`.
pub type EventFacts = (String, Option<String>, NaiveDateTime, String);

/// A clock: `(clock, state, due_at, stopped_at)`.
pub type ClockFacts = (String, String, NaiveDateTime, Option<NaiveDateTime>);

/// The facts of one ticket with its events and clocks.
pub fn facts_of(
    tz: Tz,
    t: &TicketFacts,
    events: &[EventFacts],
    clocks: &[ClockFacts],
) -> Vec<Fact> {
    let mut out = Vec::new();
    let fact = |day: NaiveDate, kind: &'static str, subject: &str, figure: &'static str| Fact {
        jurisdiction_id: t.jurisdiction_id.to_string(),
        day,
        kind,
        subject: subject.to_string(),
        figure,
        ticket_id: t.id.to_string(),
        detail: String::new(),
        minutes: None,
    };
    if t.status != "rejected" && t.status != "merged" {
        let day = local_day(t.created_at, tz);
        out.push(fact(day, "user", t.filed_by, "filed"));
        if clocks
            .iter()
            .any(|c| c.0 == "first_response" && c.1 == "met")
        {
            out.push(fact(day, "user", t.filed_by, "replied_in_time"));
        }
        let first = events
            .iter()
            .filter(|e| e.0 == "reply" || e.0 == "close")
            .map(|e| e.2)
            .min();
        if let Some(r) = first {
            let mut f = fact(day, "user", t.filed_by, "first_reply");
            f.minutes = Some((r - t.created_at).num_minutes());
            out.push(f);
        }
    }
    for (action, actor, at, data) in events {
        let day = local_day(*at, tz);
        let named = || {
            serde_json::from_str::<serde_json::Value>(data)
                .ok()
                .and_then(|v| v.get("agency_id")?.as_str().map(str::to_string))
        };
        match action.as_str() {
            "route" | "return" => {
                if let Some(a) = named() {
                    let figure = if action == "route" {
                        "received"
                    } else {
                        "returned"
                    };
                    out.push(fact(day, "agency", &a, figure));
                }
            }
            "resolve" | "close" => {
                if let Some(u) = actor {
                    let figure = if action == "resolve" {
                        "resolved"
                    } else {
                        "closed_with_reply"
                    };
                    out.push(fact(day, "user", u, figure));
                }
            }
            "reopen" => {
                if let Some(a) = t.agency_id {
                    out.push(fact(day, "agency", a, "reopens"));
                }
            }
            _ => {}
        }
    }
    for (clock, state, due_at, stopped_at) in clocks {
        if clock == "verify" {
            continue;
        }
        let figure = match state.as_str() {
            "met" => "clocks_met",
            "breached" => "clocks_breached",
            _ => continue,
        };
        let day = match stopped_at {
            Some(s) => local_day(*s, tz),
            None if state == "breached" => local_day(*due_at, tz),
            None => continue,
        };
        let mut f = if clock == "first_response" {
            fact(day, "user", t.filed_by, figure)
        } else if let Some(a) = t.agency_id {
            fact(day, "agency", a, figure)
        } else {
            continue;
        };
        f.detail = clock.clone();
        out.push(f);
    }
    out
}

fn insert_all(conn: &mut DbConnection, facts: &[Fact]) -> QueryResult<()> {
    for chunk in facts.chunks(2000) {
        match conn {
            DbConnection::Postgres(pg) => diesel::insert_into(recap_facts::table)
                .values(chunk)
                .execute(pg)?,
            DbConnection::Sqlite(lite) => diesel::insert_into(recap_facts::table)
                .values(chunk)
                .execute(lite)?,
        };
    }
    Ok(())
}

/// Rewrites one ticket's facts from what is stored now (call it last in a transaction that
/// wrote the ticket, its events or its clocks).
pub fn refresh(conn: &mut DbConnection, tz: Tz, ticket_id: &str) -> QueryResult<()> {
    type Row = (
        String,
        String,
        String,
        String,
        NaiveDateTime,
        Option<String>,
    );
    let t: Option<Row> = tickets::table
        .filter(tickets::id.eq(ticket_id))
        .select((
            tickets::id,
            tickets::jurisdiction_id,
            tickets::status,
            tickets::filed_by,
            tickets::created_at,
            tickets::agency_id,
        ))
        .first(conn)
        .optional()?;
    match t {
        Some(t) => refresh_ticket(
            conn,
            tz,
            &TicketFacts {
                id: &t.0,
                jurisdiction_id: &t.1,
                status: &t.2,
                filed_by: &t.3,
                created_at: t.4,
                agency_id: t.5.as_deref(),
            },
        ),
        None => diesel::delete(recap_facts::table.filter(recap_facts::ticket_id.eq(ticket_id)))
            .execute(conn)
            .map(|_| ()),
    }
}

/// `refresh` for a ticket at hand (as written).
pub fn refresh_of(conn: &mut DbConnection, tz: Tz, t: &Ticket) -> QueryResult<()> {
    refresh_ticket(conn, tz, &TicketFacts::of(t))
}

fn refresh_ticket(conn: &mut DbConnection, tz: Tz, t: &TicketFacts) -> QueryResult<()> {
    diesel::delete(recap_facts::table.filter(recap_facts::ticket_id.eq(t.id))).execute(conn)?;
    let events: Vec<EventFacts> = ticket_events::table
        .filter(ticket_events::ticket_id.eq(t.id))
        .select((
            ticket_events::action,
            ticket_events::actor_id,
            ticket_events::at,
            ticket_events::data,
        ))
        .load(conn)?;
    let clocks: Vec<ClockFacts> = ticket_clocks::table
        .filter(ticket_clocks::ticket_id.eq(t.id))
        .select((
            ticket_clocks::clock,
            ticket_clocks::state,
            ticket_clocks::due_at,
            ticket_clocks::stopped_at,
        ))
        .load(conn)?;
    insert_all(conn, &facts_of(tz, t, &events, &clocks))
}

/// The facts of a ticket just filed: its one event and its first clocks are at hand, so
/// nothing is read back.
pub fn write_new(
    conn: &mut DbConnection,
    tz: Tz,
    t: &Ticket,
    event: &Event,
    clocks: &[ClockRow],
) -> QueryResult<()> {
    let events = [(
        event.action.clone(),
        event.actor_id.clone(),
        event.at,
        event.data.clone(),
    )];
    let clocks: Vec<ClockFacts> = clocks
        .iter()
        .map(|c| (c.clock.clone(), c.state.clone(), c.due_at, c.stopped_at))
        .collect();
    insert_all(conn, &facts_of(tz, &TicketFacts::of(t), &events, &clocks))
}

impl<'a> TicketFacts<'a> {
    pub fn of(t: &'a Ticket) -> TicketFacts<'a> {
        TicketFacts {
            id: &t.id,
            jurisdiction_id: &t.jurisdiction_id,
            status: &t.status,
            filed_by: &t.filed_by,
            created_at: t.created_at,
            agency_id: t.agency_id.as_deref(),
        }
    }
}

/// Makes the facts of one page of the rebuild: `tickets` in id order, with their events (read
/// once by the rebuild, which counts the same events for the trend rollups).
pub fn build_page(
    conn: &mut DbConnection,
    tz: Tz,
    tickets: &[TicketFacts],
    events: &HashMap<&str, Vec<EventFacts>>,
) -> QueryResult<usize> {
    let (Some(first), Some(last)) = (tickets.first(), tickets.last()) else {
        return Ok(0);
    };
    let mut clocks: HashMap<String, Vec<ClockFacts>> = HashMap::new();
    let rows: Vec<ClockRow> = ticket_clocks::table
        .filter(ticket_clocks::ticket_id.ge(first.id))
        .filter(ticket_clocks::ticket_id.le(last.id))
        .select(ClockRow::as_select())
        .load(conn)?;
    for c in rows {
        clocks
            .entry(c.ticket_id)
            .or_default()
            .push((c.clock, c.state, c.due_at, c.stopped_at));
    }
    let mut facts = Vec::new();
    for t in tickets {
        facts.extend(facts_of(
            tz,
            t,
            events.get(t.id).map(Vec::as_slice).unwrap_or(&[]),
            clocks.get(t.id).map(Vec::as_slice).unwrap_or(&[]),
        ));
    }
    insert_all(conn, &facts)?;
    Ok(facts.len())
}

/// `(kind, subject, figure, count)` of the local days `[from, to]`, first replies left out.
pub type Count = (String, String, String, i64);

pub fn counts(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<Count>> {
    use diesel::dsl::count_star;
    recap_facts::table
        .filter(recap_facts::jurisdiction_id.eq(jurisdiction_id))
        .filter(recap_facts::day.ge(from))
        .filter(recap_facts::day.le(to))
        .filter(recap_facts::figure.ne("first_reply"))
        .group_by((recap_facts::kind, recap_facts::subject, recap_facts::figure))
        .select((
            recap_facts::kind,
            recap_facts::subject,
            recap_facts::figure,
            count_star(),
        ))
        .load(conn)
}

/// `(filer, minutes)` of the first replies to tickets filed on the local days `[from, to]`.
pub fn first_replies(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<(String, Option<i64>)>> {
    recap_facts::table
        .filter(recap_facts::jurisdiction_id.eq(jurisdiction_id))
        .filter(recap_facts::day.ge(from))
        .filter(recap_facts::day.le(to))
        .filter(recap_facts::figure.eq("first_reply"))
        .select((recap_facts::subject, recap_facts::minutes))
        .load(conn)
}

/// A fact with its id: `(kind, subject, figure, ticket_id, detail)`.
pub type Listed = (String, String, String, String, String);

/// Every fact of the local days `[from, to]` (for the ids behind the figures).
pub fn all(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<Listed>> {
    recap_facts::table
        .filter(recap_facts::jurisdiction_id.eq(jurisdiction_id))
        .filter(recap_facts::day.ge(from))
        .filter(recap_facts::day.le(to))
        .filter(recap_facts::figure.ne("first_reply"))
        .select((
            recap_facts::kind,
            recap_facts::subject,
            recap_facts::figure,
            recap_facts::ticket_id,
            recap_facts::detail,
        ))
        .load(conn)
}
