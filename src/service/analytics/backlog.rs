//! The backlog: open tickets now, by the agency that holds them and how long ago they were
//! filed. Counted from the rollups' open tickets by filing day when they are complete.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;
use diesel::QueryResult;
use serde::Serialize;
use utoipa::ToSchema;

use super::table::{cell, Tabular};
use super::{by_code, code_of};
use crate::db::models::analytics;
use crate::db::DbConnection;
use crate::domain::analytics::{key_id, AGE_BANDS};
use crate::domain::calendar::{local_day, local_day_bounds};
use crate::service::projections::{self, Source};
use crate::service::rollups;

/// Open tickets of one agency (null: not routed yet) in one age band. Columns:
/// `agency, agency_name, age_band, count`.
#[derive(Debug, Serialize, ToSchema)]
pub struct BacklogRow {
    pub agency: Option<String>,
    pub agency_name: Option<String>,
    /// Whole days since filing: `0-3`, `4-7`, `8-14`, `15-30`, `31-60`, `61+`.
    #[schema(example = "4-7")]
    pub age_band: String,
    pub count: i64,
}

impl Tabular for BacklogRow {
    const COLUMNS: &'static [&'static str] = &["agency", "agency_name", "age_band", "count"];
    fn cells(&self) -> Vec<String> {
        vec![
            cell(&self.agency),
            cell(&self.agency_name),
            self.age_band.clone(),
            self.count.to_string(),
        ]
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BacklogView {
    pub as_of: DateTime<Utc>,
    /// By agency code (unrouted first), then age band from youngest.
    pub rows: Vec<BacklogRow>,
}

/// The jurisdiction's backlog at `now`: from the counters when the projections are complete
/// for `tz`.
pub fn backlog(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    tz: Tz,
    now: DateTime<Utc>,
) -> QueryResult<BacklogView> {
    let source = projections::source(conn, jurisdiction_id, tz)?;
    backlog_from(conn, jurisdiction_id, tz, now, source)
}

/// `backlog` from `source`.
pub fn backlog_from(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    tz: Tz,
    now: DateTime<Utc>,
    source: Source,
) -> QueryResult<BacklogView> {
    // A ticket `days` whole days old is in the first band whose bound is at least `days`: it
    // was filed after `now - (bound + 1) days`.
    let after: Vec<_> = AGE_BANDS
        .iter()
        .take(AGE_BANDS.len() - 1)
        .map(|(_, bound)| now.naive_utc() - chrono::Duration::days(bound + 1))
        .collect();
    let counts = match source {
        Source::Projections => counted(conn, jurisdiction_id, tz, &after)?,
        Source::Raw => analytics::open_by_age(conn, jurisdiction_id, &after)?,
    };
    let names = analytics::agency_names(conn, jurisdiction_id)?;
    let mut cells: BTreeMap<(Option<String>, usize), i64> = BTreeMap::new();
    for (agency, band, n) in counts {
        let code = code_of(&names, agency.as_deref());
        *cells.entry((code, band.max(0) as usize)).or_default() += n;
    }
    let by_code = by_code(&names);
    let rows = cells
        .into_iter()
        .map(|((agency, band), count)| BacklogRow {
            agency_name: agency
                .as_deref()
                .and_then(|a| by_code.get(a).map(|n| n.to_string())),
            agency,
            age_band: AGE_BANDS[band.min(AGE_BANDS.len() - 1)].0.to_string(),
            count,
        })
        .collect();
    Ok(BacklogView { as_of: now, rows })
}

/// The open tickets by agency and band from the counters: a filing day no bound falls in is
/// in one band whole; the tickets of a day a bound splits are read and banded one by one.
fn counted(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    tz: Tz,
    after: &[NaiveDateTime],
) -> QueryResult<Vec<(Option<String>, i32, i64)>> {
    let band_of =
        |at: NaiveDateTime| after.iter().position(|b| at > *b).unwrap_or(after.len()) as i32;
    let mut out = Vec::new();
    for (day, agency_id, n) in rollups::open_by_day(conn, jurisdiction_id)? {
        let Some((start, end)) = local_day_bounds(day, tz) else {
            continue;
        };
        if after.iter().any(|b| start <= *b && *b < end) {
            continue;
        }
        out.push((key_id(&agency_id), band_of(start), n));
    }
    let split: BTreeSet<NaiveDate> = after.iter().map(|b| local_day(*b, tz)).collect();
    for day in split {
        let Some((start, end)) = local_day_bounds(day, tz) else {
            continue;
        };
        for (agency_id, at) in analytics::open_filed_between(conn, jurisdiction_id, start, end)? {
            out.push((agency_id, band_of(at), 1));
        }
    }
    Ok(out)
}
