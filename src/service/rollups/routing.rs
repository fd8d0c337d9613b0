//! The routing counters (metric `routing`): the moves between agencies (`domain::routing`) by
//! local day — dim `return`, key the agency that returned a ticket; dim `reroute`, key
//! `from|to|returned_on` ('' for none). A route or return event adds its move; a rebuild
//! replays every ticket's events.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use diesel::QueryResult;

use super::Key;
use crate::db::models::event::{self, Event};
use crate::db::models::rollup;
use crate::db::DbConnection;
use crate::domain::analytics::key_id;
use crate::domain::calendar::local_day;
use crate::domain::routing::{agency_of, Move, Replay};

pub const METRIC: &str = "routing";
const RETURN: &str = "return";
const REROUTE: &str = "reroute";

fn is_routing(action: &str) -> bool {
    matches!(action, "route" | "return")
}

/// The counter of move `m` made on `day`.
fn key_of(day: NaiveDate, m: &Move) -> Key {
    match m {
        Move::Return { from } => (METRIC, RETURN, day, from.clone().unwrap_or_default()),
        Move::Reroute {
            from,
            to,
            returned_on,
        } => {
            let on = returned_on.map(|d| d.to_string()).unwrap_or_default();
            let to = to.as_deref().unwrap_or_default();
            (METRIC, REROUTE, day, format!("{from}|{to}|{on}"))
        }
    }
}

/// The move a counter of `dim` and `key` counts.
fn move_of(dim: &str, key: &str) -> Option<Move> {
    match dim {
        RETURN => Some(Move::Return { from: key_id(key) }),
        _ => {
            let mut parts = key.splitn(3, '|');
            let (from, to, on) = (parts.next()?, parts.next()?, parts.next()?);
            Some(Move::Reroute {
                from: from.to_string(),
                to: key_id(to),
                returned_on: on.parse().ok(),
            })
        }
    }
}

/// The counter a route or return event `e`, about to be appended, adds (none for other
/// actions and for routes that move nothing).
pub(super) fn of_event(conn: &mut DbConnection, tz: Tz, e: &Event) -> QueryResult<Option<Key>> {
    if !is_routing(&e.action) {
        return Ok(None);
    }
    let mut replay = Replay::default();
    for (action, at, data) in event::routing_of(conn, &e.ticket_id)? {
        replay.step(&action, local_day(at, tz), agency_of(&data));
    }
    let day = local_day(e.at, tz);
    Ok(replay
        .step(&e.action, day, agency_of(&e.data))
        .map(|m| key_of(day, &m)))
}

/// The counters of a rebuild's events (`(ticket_id, action, at, data)`, in order per
/// ticket), one per move, each with its ticket.
pub(super) fn of_events<'a>(
    tz: Tz,
    events: impl Iterator<Item = (&'a str, &'a str, NaiveDateTime, &'a str)>,
) -> Vec<(&'a str, Key)> {
    let mut replays: HashMap<&str, Replay> = HashMap::new();
    let mut keys = Vec::new();
    for (ticket, action, at, data) in events.filter(|e| is_routing(e.1)) {
        let day = local_day(at, tz);
        let replay = replays.entry(ticket).or_default();
        if let Some(m) = replay.step(action, day, agency_of(data)) {
            keys.push((ticket, key_of(day, &m)));
        }
    }
    keys
}

/// The moves made on the local days `[from, to]`, each with how many times. A re-route's
/// return day comes back as `from` when it is on or after `from` and as none before it: all
/// that a period's count asks of it (`domain::routing::Pairs`), so the database sums the
/// re-routes by pair rather than by pair and return day.
pub fn moves(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    (from, to): (NaiveDate, NaiveDate),
) -> QueryResult<Vec<(Move, i64)>> {
    let returns = rollup::key_counts(conn, jurisdiction_id, METRIC, RETURN, from, to)?;
    let reroutes =
        rollup::key_counts_since(conn, jurisdiction_id, (METRIC, REROUTE), (from, to), from)?;
    let counted = returns
        .into_iter()
        .map(|c| (RETURN, c))
        .chain(reroutes.into_iter().map(|c| (REROUTE, c)));
    Ok(counted
        .filter_map(|(dim, (key, n))| move_of(dim, &key).map(|m| (m, n)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_move_survives_its_key() {
        let day = NaiveDate::from_ymd_opt(2026, 5, 1).unwrap();
        for m in [
            Move::Return { from: None },
            Move::Return {
                from: Some("a".into()),
            },
            Move::Reroute {
                from: "a".into(),
                to: Some("b".into()),
                returned_on: Some(day),
            },
            Move::Reroute {
                from: "a".into(),
                to: None,
                returned_on: None,
            },
        ] {
            let (_, dim, _, key) = key_of(day, &m);
            assert_eq!(move_of(dim, &key), Some(m));
        }
    }
}
