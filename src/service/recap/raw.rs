//! A recap's ticket figures from the tickets, events and clocks themselves: the definition the
//! materialised facts are tested against, and what is read until they are built.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use diesel::QueryResult;

use super::{Acc, Evidence, Lines, Period};
use crate::db::models::recap_source::{self as source, ActionFact, ClockFact, Filed};
use crate::db::DbConnection;

/// Picks the evidence list a fact adds to.
type Pick = fn(&mut Evidence) -> &mut Vec<String>;

/// Adds the period's filings, actions and clocks to the lines.
pub(super) fn add_tickets(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    p: &Period,
    lines: &mut Lines,
) -> QueryResult<()> {
    let filed = source::filed(conn, jurisdiction_id, p.start, p.end)?;
    let replies = source::replies_to_filed(conn, p.start, p.end)?;
    let in_time: HashSet<String> = source::answered_in_time(conn, p.start, p.end)?
        .into_iter()
        .collect();
    add_filings(lines, &filed, replies, &in_time);
    for act in source::actions(conn, jurisdiction_id, p.start, p.end)? {
        add_action(lines, act);
    }
    for clock in source::clocks(conn, jurisdiction_id, p.start, p.end)? {
        add_clock(lines, clock);
    }
    Ok(())
}

/// Tickets filed in the period count for their filer and the filer's agency (unless rejected
/// or merged), with whether they were answered in time and how soon.
fn add_filings(
    lines: &mut Lines,
    filed: &[Filed],
    replies: Vec<(String, NaiveDateTime)>,
    in_time: &HashSet<String>,
) {
    let mut first_reply: HashMap<String, NaiveDateTime> = HashMap::new();
    for (t, at) in replies {
        let e = first_reply.entry(t).or_insert(at);
        *e = (*e).min(at);
    }
    for (id, filer, status, created) in filed {
        if status == "rejected" || status == "merged" {
            continue;
        }
        let minutes = first_reply.get(id).map(|r| (*r - *created).num_minutes());
        let add = |acc: &mut Acc| {
            acc.ev.filed.push(id.clone());
            if in_time.contains(id) {
                acc.ev.replied_in_time.push(id.clone());
            }
            acc.first_reply.extend(minutes);
        };
        add(lines.pic_line(filer.clone()));
        if let Some(a) = lines.agency(filer) {
            add(lines.agency_line(a));
        }
    }
}

/// Route and return count for the agency the event names, resolve and close for the actor's
/// agency (a close also for the PIC, when it has a line), a reopen for the ticket's agency.
fn add_action(lines: &mut Lines, (ticket, action, actor, data, current): ActionFact) {
    let named = || {
        serde_json::from_str::<serde_json::Value>(&data)
            .ok()
            .and_then(|v| v.get("agency_id")?.as_str().map(str::to_string))
    };
    let actor_agency = actor.as_deref().and_then(|a| lines.agency(a));
    let (agency, list): (Option<String>, Pick) = match action.as_str() {
        "route" => (named(), |e| &mut e.received),
        "return" => (named(), |e| &mut e.returned),
        "resolve" => (actor_agency, |e| &mut e.resolved),
        "close" => (actor_agency, |e| &mut e.closed_with_reply),
        _ => (current, |e| &mut e.reopens),
    };
    if let Some(a) = agency {
        list(&mut lines.agency_line(a).ev).push(ticket.clone());
    }
    if action == "close" {
        if let Some(acc) = actor.as_deref().and_then(|u| lines.existing_pic_line(u)) {
            list(&mut acc.ev).push(ticket);
        }
    }
}

/// A clock met or breached in the period: first_response counts for the filer (and the
/// filer's agency), follow_up and resolve for the ticket's agency.
fn add_clock(lines: &mut Lines, (ticket, clock, state, filer, agency): ClockFact) {
    let list: Pick = match state.as_str() {
        "met" => |e| &mut e.clocks_met,
        "breached" => |e| &mut e.clocks_breached,
        _ => return,
    };
    let key = format!("{ticket}:{clock}");
    if clock == "first_response" {
        if let Some(a) = lines.agency(&filer) {
            list(&mut lines.agency_line(a).ev).push(key.clone());
        }
        if let Some(acc) = lines.existing_pic_line(&filer) {
            list(&mut acc.ev).push(key);
        }
    } else if let Some(a) = agency {
        list(&mut lines.agency_line(a).ev).push(key);
    }
}
