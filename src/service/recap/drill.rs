//! The drill-down of a recap line: behind every figure, the complaints, clocks, patrols and
//! posts it counts — the ids the recap keeps, looked up for people to read and open.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};

use super::RecapLine;
use crate::db::models::{activity, patrol, ticket};
use crate::db::DbConnection;
use crate::error::ServiceError;

/// How many items of one figure are listed (the rest are counted).
pub const SHOWN: usize = 100;

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A complaint (with the clock, for a clock figure).
    Ticket {
        code: String,
        title: String,
        clock: Option<String>,
    },
    Patrol {
        day: NaiveDate,
        slot: String,
    },
    Post {
        url: String,
        at: NaiveDateTime,
    },
    /// An id that is no longer there.
    Gone(String),
}

#[derive(Debug, Clone)]
pub struct Figure {
    pub figure: &'static str,
    pub count: usize,
    pub items: Vec<Item>,
    /// Items not listed (beyond `SHOWN`).
    pub more: usize,
}

/// The figures of `line` that count something, each with its first `SHOWN` items; empty when
/// the line was computed without its ids.
pub fn drill(
    c: &mut DbConnection,
    jurisdiction_id: &str,
    line: &RecapLine,
) -> Result<Vec<Figure>, ServiceError> {
    let Some(ev) = &line.evidence else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (figure, ids) in ev.figures() {
        if ids.is_empty() {
            continue;
        }
        let shown: Vec<String> = ids.iter().take(SHOWN).cloned().collect();
        let items = match figure {
            "patrols" => patrols(c, jurisdiction_id, &shown)?,
            "reposts" | "content" => posts(c, jurisdiction_id, &shown)?,
            _ => tickets(c, jurisdiction_id, &shown)?,
        };
        out.push(Figure {
            figure,
            count: ids.len(),
            items,
            more: ids.len().saturating_sub(SHOWN),
        });
    }
    Ok(out)
}

/// Ticket ids, or `ticket:clock` for clock figures.
fn tickets(c: &mut DbConnection, jur: &str, ids: &[String]) -> Result<Vec<Item>, ServiceError> {
    let split: Vec<(String, Option<String>)> = ids
        .iter()
        .map(|id| match id.split_once(':') {
            Some((t, clock)) => (t.to_string(), Some(clock.to_string())),
            None => (id.clone(), None),
        })
        .collect();
    let wanted: Vec<String> = split.iter().map(|(t, _)| t.clone()).collect();
    let found: HashMap<String, (String, String)> = ticket::labels(c, jur, &wanted)?
        .into_iter()
        .map(|(id, code, title)| (id, (code, title)))
        .collect();
    Ok(split
        .into_iter()
        .map(|(id, clock)| match found.get(&id) {
            Some((code, title)) => Item::Ticket {
                code: code.clone(),
                title: title.clone(),
                clock,
            },
            None => Item::Gone(id),
        })
        .collect())
}

fn patrols(c: &mut DbConnection, jur: &str, ids: &[String]) -> Result<Vec<Item>, ServiceError> {
    Ok(patrol::by_ids(c, jur, ids)?
        .into_iter()
        .map(|p| Item::Patrol {
            day: p.day,
            slot: p.slot,
        })
        .collect())
}

fn posts(c: &mut DbConnection, jur: &str, ids: &[String]) -> Result<Vec<Item>, ServiceError> {
    Ok(activity::by_ids(c, jur, ids)?
        .into_iter()
        .map(|a| Item::Post {
            url: a.url,
            at: a.posted_at,
        })
        .collect())
}
