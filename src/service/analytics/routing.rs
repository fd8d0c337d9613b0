//! Routing between agencies: who returns tickets as not theirs (bukan kewenangan), where they
//! go next, and which pairs send tickets back and forth (ping-pong). The moves are read from
//! the routing counters (`rollups::routing`) when the projections are complete, else replayed
//! from the route and return events; both count them the same way (`domain::routing`).

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use chrono_tz::Tz;
use diesel::QueryResult;
use serde::Serialize;
use utoipa::ToSchema;

use super::table::{cell, Tabular};
use crate::db::models::analytics;
use crate::db::DbConnection;
use crate::domain::analytics::Period;
use crate::domain::calendar::local_day;
use crate::domain::routing::{agency_of, Move, Pairs, Replay};
use crate::service::projections::{self, Source};
use crate::service::rollups;

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

/// The returns and re-routes between agencies in `p`, most re-routes first: from the routing
/// counters when the projections are complete for `tz`.
pub fn routing(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    tz: Tz,
    p: &Period,
) -> QueryResult<RoutingView> {
    let source = projections::source(conn, jurisdiction_id, tz)?;
    routing_from(conn, jurisdiction_id, tz, p, source)
}

/// The moves made in `p` with how many times, from `source`.
fn moves(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    tz: Tz,
    p: &Period,
    source: Source,
) -> QueryResult<Vec<(Move, i64)>> {
    if source == Source::Projections {
        return rollups::routing::moves(conn, jurisdiction_id, (p.from, p.to));
    }
    let mut replays: HashMap<String, Replay> = HashMap::new();
    let mut moves = Vec::new();
    for (ticket, action, at, data) in analytics::routing_events(conn, jurisdiction_id, p.end)? {
        let day = local_day(at, tz);
        let m = replays
            .entry(ticket)
            .or_default()
            .step(&action, day, agency_of(&data));
        moves.extend(m.filter(|_| day >= p.from).map(|m| (m, 1)));
    }
    Ok(moves)
}

/// `routing` with the moves from `source`.
pub fn routing_from(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    tz: Tz,
    p: &Period,
    source: Source,
) -> QueryResult<RoutingView> {
    let mut pairs = Pairs::since(p.from);
    for (m, n) in moves(conn, jurisdiction_id, tz, p, source)? {
        pairs.add(&m, n);
    }
    let names = analytics::agency_names(conn, jurisdiction_id)?;
    let code = |id: Option<String>| id.and_then(|i| names.get(&i).map(|(c, _)| c.clone()));
    let mut by_code: BTreeMap<(Option<String>, Option<String>), (i64, i64)> = BTreeMap::new();
    for ((f, t), (r, m)) in pairs.counts() {
        let e = by_code.entry((code(f), code(t))).or_default();
        (e.0, e.1) = (e.0 + r, e.1 + m);
    }
    by_code.retain(|_, (r, m)| *r > 0 || *m > 0);
    let mut rows: Vec<RoutingRow> = by_code
        .keys()
        .map(|(f, t)| {
            let (returns, reroutes) = by_code[&(f.clone(), t.clone())];
            RoutingRow {
                ping_pong: t.is_some() && by_code.contains_key(&(t.clone(), f.clone())),
                from_agency: f.clone(),
                to_agency: t.clone(),
                returns,
                reroutes,
            }
        })
        .collect();
    rows.sort_by_key(|a| std::cmp::Reverse(a.reroutes));
    Ok(RoutingView {
        from: p.from,
        to: p.to,
        rows,
    })
}
