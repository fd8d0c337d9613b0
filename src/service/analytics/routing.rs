//! Routing between agencies: who returns tickets as not theirs (bukan kewenangan), where they
//! go next, and which pairs send tickets back and forth (ping-pong).

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use diesel::QueryResult;
use serde::Serialize;
use utoipa::ToSchema;

use super::table::{cell, Tabular};
use crate::db::models::analytics;
use crate::db::DbConnection;
use crate::domain::analytics::Period;

/// Tickets that went from one agency to another in the period: returned by `from_agency`
/// (bukan kewenangan) and then routed to `to_agency`, or routed on directly. Columns:
/// `from_agency, to_agency, returns, reroutes`.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoutingRow {
    pub from_agency: Option<String>,
    /// Null for returns not (yet) routed elsewhere.
    pub to_agency: Option<String>,
    /// Returns by `from_agency` counted in this pair.
    pub returns: i64,
    /// Routings to `to_agency` of tickets that `from_agency` had.
    pub reroutes: i64,
    /// Both directions of this pair happened in the period (ping-pong).
    pub ping_pong: bool,
}

impl Tabular for RoutingRow {
    const COLUMNS: &'static [&'static str] = &[
        "from_agency",
        "to_agency",
        "returns",
        "reroutes",
        "ping_pong",
    ];
    fn cells(&self) -> Vec<String> {
        vec![
            cell(&self.from_agency),
            cell(&self.to_agency),
            self.returns.to_string(),
            self.reroutes.to_string(),
            self.ping_pong.to_string(),
        ]
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RoutingView {
    #[schema(value_type = String, format = Date)]
    pub from: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub to: NaiveDate,
    /// Most re-routes first.
    pub rows: Vec<RoutingRow>,
}

fn agency_of(data: &str) -> Option<String> {
    serde_json::from_str::<serde_json::Value>(data)
        .ok()?
        .get("agency_id")?
        .as_str()
        .map(str::to_string)
}

/// The returns and re-routes between agencies in `p`, most re-routes first.
pub fn routing(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    p: &Period,
) -> QueryResult<RoutingView> {
    let (start, end) = (p.start, p.end);
    let events = analytics::routing_events(conn, jurisdiction_id, end)?;
    let names = analytics::agency_names(conn, jurisdiction_id)?;
    let code = |id: &Option<String>| {
        id.as_ref()
            .and_then(|i| names.get(i).map(|(c, _)| c.clone()))
    };
    // (from, to) → (returns, reroutes)
    let mut pairs: BTreeMap<(Option<String>, Option<String>), (i64, i64)> = BTreeMap::new();
    // Per ticket: the agency it was last routed to, and whether that agency returned it
    // within the period (and the return is not yet paired with a routing).
    let mut last: HashMap<String, (Option<String>, bool)> = HashMap::new();
    for (ticket, action, at, data) in events {
        let in_period = at >= start;
        let agency = agency_of(&data);
        let state = last.entry(ticket).or_insert((None, false));
        match action.as_str() {
            "return" => {
                if in_period {
                    pairs.entry((code(&agency), None)).or_default().0 += 1;
                    state.1 = true;
                }
            }
            _ => {
                let before = state.0.clone();
                if in_period && before.is_some() && before != agency {
                    let (f, t) = (code(&before), code(&agency));
                    if state.1 {
                        // The return is now paired with where the ticket went.
                        if let Some(e) = pairs.get_mut(&(f.clone(), None)) {
                            e.0 -= 1;
                        }
                        pairs.entry((f.clone(), t.clone())).or_default().0 += 1;
                    }
                    pairs.entry((f, t)).or_default().1 += 1;
                }
                *state = (agency, false);
            }
        }
    }
    let keys: Vec<(Option<String>, Option<String>)> = pairs
        .iter()
        .filter(|(_, (r, m))| *r > 0 || *m > 0)
        .map(|(k, _)| k.clone())
        .collect();
    let mut rows: Vec<RoutingRow> = pairs
        .into_iter()
        .filter(|(_, (r, m))| *r > 0 || *m > 0)
        .map(|((f, t), (returns, reroutes))| RoutingRow {
            ping_pong: t.is_some() && keys.contains(&(t.clone(), f.clone())),
            from_agency: f,
            to_agency: t,
            returns,
            reroutes,
        })
        .collect();
    rows.sort_by_key(|a| std::cmp::Reverse(a.reroutes));
    Ok(RoutingView {
        from: p.from,
        to: p.to,
        rows,
    })
}
