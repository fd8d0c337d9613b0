//! The recap's facts, materialised per ticket (`recap_facts`): what the raw recap (`recap::raw`) would
//! count for a ticket, on the local day it counts for and for whom, so that a recap of a period
//! is one index range scan (`recap::facts`) instead of joining a fortnight of
//! events and clocks to the tickets.
//!
//! `facts_of` is the definition, written against the same rules as `recap` reads the raw
//! tables; `refresh` rewrites a ticket's facts at the end of every transaction that writes the
//! ticket, its events or its clocks; `build_page` makes them for a rebuild (`projections`). The
//! two recaps are tested equal on random data.

use std::collections::HashMap;

use chrono::NaiveDate;
use chrono_tz::Tz;
use diesel::QueryResult;

use crate::db::models::clock::{self, ClockFacts, ClockRow};
use crate::db::models::event::{self, Event, EventFacts};
use crate::db::models::recap_fact::{self, Fact};
use crate::db::models::ticket::{self, Ticket, TicketStub};
use crate::db::DbConnection;
use crate::domain::calendar::local_day;

/// The facts of one ticket with its events and clocks.
pub fn facts_of(tz: Tz, t: &TicketStub, events: &[EventFacts], clocks: &[ClockFacts]) -> Vec<Fact> {
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
        out.push(fact(day, "user", &t.filed_by, "filed"));
        if clocks
            .iter()
            .any(|c| c.0 == "first_response" && c.1 == "met")
        {
            out.push(fact(day, "user", &t.filed_by, "replied_in_time"));
        }
        let first = events
            .iter()
            .filter(|e| e.0 == "reply" || e.0 == "close")
            .map(|e| e.2)
            .min();
        if let Some(r) = first {
            let mut f = fact(day, "user", &t.filed_by, "first_reply");
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
                if let Some(a) = &t.agency_id {
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
            fact(day, "user", &t.filed_by, figure)
        } else if let Some(a) = &t.agency_id {
            fact(day, "agency", a, figure)
        } else {
            continue;
        };
        f.detail = clock.clone();
        out.push(f);
    }
    out
}

/// Rewrites one ticket's facts from what is stored now (call it last in a transaction that
/// wrote the ticket, its events or its clocks).
pub fn refresh(conn: &mut DbConnection, tz: Tz, ticket_id: &str) -> QueryResult<()> {
    match ticket::stub(conn, ticket_id)? {
        Some(t) => refresh_ticket(conn, tz, &t),
        None => recap_fact::clear_ticket(conn, ticket_id),
    }
}

/// `refresh` for a ticket at hand (as written).
pub fn refresh_of(conn: &mut DbConnection, tz: Tz, t: &Ticket) -> QueryResult<()> {
    refresh_ticket(conn, tz, &TicketStub::from(t))
}

fn refresh_ticket(conn: &mut DbConnection, tz: Tz, t: &TicketStub) -> QueryResult<()> {
    recap_fact::clear_ticket(conn, &t.id)?;
    let events = event::facts_of_ticket(conn, &t.id)?;
    let clocks = clock::facts_of_ticket(conn, &t.id)?;
    recap_fact::insert_all(conn, &facts_of(tz, t, &events, &clocks))
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
    let clocks: Vec<ClockFacts> = clocks.iter().map(clock_facts).collect();
    recap_fact::insert_all(conn, &facts_of(tz, &TicketStub::from(t), &events, &clocks))
}

fn clock_facts(c: &ClockRow) -> ClockFacts {
    (c.clock.clone(), c.state.clone(), c.due_at, c.stopped_at)
}

/// Makes the facts of one page of a rebuild: `tickets` in id order, with their events and
/// clocks (read once by the rebuild, which counts the same for the rollups and SLA counters).
pub fn build_page(
    conn: &mut DbConnection,
    tz: Tz,
    tickets: &[TicketStub],
    events: &HashMap<String, Vec<EventFacts>>,
    clocks: &HashMap<String, Vec<ClockRow>>,
) -> QueryResult<usize> {
    let mut facts = Vec::new();
    for t in tickets {
        let of_ticket: Vec<ClockFacts> = clocks
            .get(&t.id)
            .map(|cs| cs.iter().map(clock_facts).collect())
            .unwrap_or_default();
        facts.extend(facts_of(
            tz,
            t,
            events.get(&t.id).map(Vec::as_slice).unwrap_or(&[]),
            &of_ticket,
        ));
    }
    recap_fact::insert_all(conn, &facts)?;
    Ok(facts.len())
}
