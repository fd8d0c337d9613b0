//! SLA compliance: the clocks started in a period, by clock, agency and category, counted by
//! how they stand — met, breached, still running or paused. Counted from the SLA counters
//! (`service::sla_counts`) when they are complete, else from the clocks themselves.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use chrono_tz::Tz;
use diesel::QueryResult;
use serde::Serialize;
use utoipa::ToSchema;

use super::code_of;
use super::table::{cell, Tabular};
use crate::db::models::analytics;
use crate::db::DbConnection;
use crate::domain::analytics::Period;
use crate::domain::sla::Clock;
use crate::service::projections::{self, Source};
use crate::service::sla_counts;

/// Clocks started in the period, by clock, the ticket's agency and category, by state now.
/// Columns: `clock, agency, category, met, breached, running, paused`.
#[derive(Debug, Serialize, ToSchema, Default)]
pub struct SlaRow {
    #[schema(example = "follow_up")]
    pub clock: String,
    pub agency: Option<String>,
    pub category: Option<String>,
    pub met: i64,
    pub breached: i64,
    pub running: i64,
    pub paused: i64,
}

impl SlaRow {
    /// Of the clocks that ended, the share met (none when none ended).
    pub fn met_share(&self) -> Option<f64> {
        let ended = self.met + self.breached;
        (ended > 0).then(|| self.met as f64 / ended as f64)
    }
}

impl Tabular for SlaRow {
    const COLUMNS: &'static [&'static str] = &[
        "clock", "agency", "category", "met", "breached", "running", "paused",
    ];
    fn cells(&self) -> Vec<String> {
        vec![
            self.clock.clone(),
            cell(&self.agency),
            cell(&self.category),
            self.met.to_string(),
            self.breached.to_string(),
            self.running.to_string(),
            self.paused.to_string(),
        ]
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SlaView {
    #[schema(value_type = String, format = Date)]
    pub from: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub to: NaiveDate,
    pub rows: Vec<SlaRow>,
}

/// How the clocks started in `p` (local days of `tz`) stand, by clock (in lifecycle order),
/// agency and category: from the counters when they are complete for `tz`.
pub fn sla(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    tz: Tz,
    p: &Period,
) -> QueryResult<SlaView> {
    let source = projections::source(conn, jurisdiction_id, tz)?;
    sla_from(conn, jurisdiction_id, p, source)
}

/// `sla` from `source`.
pub fn sla_from(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    p: &Period,
    source: Source,
) -> QueryResult<SlaView> {
    let clocks = match source {
        Source::Projections => sla_counts::started(conn, jurisdiction_id, p.from, p.to)?,
        Source::Raw => analytics::clocks_started(conn, jurisdiction_id, p.start, p.end)?,
    };
    let agencies = analytics::agency_names(conn, jurisdiction_id)?;
    let categories = analytics::category_names(conn, jurisdiction_id)?;
    let order = |c: &str| Clock::ALL.iter().position(|k| k.as_str() == c).unwrap_or(9);
    let mut cells: BTreeMap<(usize, Option<String>, Option<String>), SlaRow> = BTreeMap::new();
    for ((clock, st, agency, category), n) in clocks {
        let agency = code_of(&agencies, agency.as_deref());
        let category = code_of(&categories, category.as_deref());
        let row = cells
            .entry((order(&clock), agency.clone(), category.clone()))
            .or_insert_with(|| SlaRow {
                clock: clock.clone(),
                agency,
                category,
                ..Default::default()
            });
        match st.as_str() {
            "met" => row.met += n,
            "breached" => row.breached += n,
            "paused" => row.paused += n,
            _ => row.running += n,
        }
    }
    Ok(SlaView {
        from: p.from,
        to: p.to,
        rows: cells.into_values().collect(),
    })
}
