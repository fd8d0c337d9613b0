//! Trend cells — counts per bucket and group — from the rollups (fast) or from the raw tickets
//! and events (the definition the rollups are kept equal to; used until the rollups are built).

use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use diesel::QueryResult;

use crate::db::models::analytics;
use crate::db::DbConnection;
use crate::domain::analytics::{bucket_of_day, bucket_start, Bucket, GroupBy, Metric};
use crate::service::{projections, rollups};

/// Where the counts come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Rollups,
    Raw,
}

/// `(bucket start, group code)` → count; the code is none for tickets without the group.
pub type Cells = BTreeMap<(NaiveDate, Option<String>), i64>;

/// Code and name of each group, by id.
pub type Names = HashMap<String, (String, String)>;

/// What a trend asks.
#[derive(Debug, Clone, Copy)]
pub struct Question {
    pub metric: Metric,
    pub group_by: GroupBy,
    pub bucket: Bucket,
    /// Local days, inclusive.
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The same period in UTC, `[start, end)`.
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
}

pub fn names(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    group_by: GroupBy,
) -> QueryResult<Names> {
    match group_by {
        GroupBy::Category => analytics::category_names(conn, jurisdiction_id),
        GroupBy::Region => analytics::kecamatan_names(conn, jurisdiction_id),
        GroupBy::Agency => analytics::agency_names(conn, jurisdiction_id),
    }
}

/// The rollups when they are complete for `tz`, else the raw tables.
pub fn best_source(conn: &mut DbConnection, jurisdiction_id: &str, tz: Tz) -> QueryResult<Source> {
    Ok(if projections::ready(conn, jurisdiction_id, tz)? {
        Source::Rollups
    } else {
        Source::Raw
    })
}

/// The trend `q` of a jurisdiction, counted from the rollups when they are complete, with the
/// code and name of each group.
pub fn trend(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    tz: Tz,
    q: &Question,
) -> QueryResult<(Cells, Names)> {
    let names = names(conn, jurisdiction_id, q.group_by)?;
    let source = best_source(conn, jurisdiction_id, tz)?;
    let cells = cells(conn, jurisdiction_id, tz, q, &names, source)?;
    Ok((cells, names))
}

/// Counts the trend `q` from `source`.
pub fn cells(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    tz: Tz,
    q: &Question,
    names: &Names,
    source: Source,
) -> QueryResult<Cells> {
    let code = |id: Option<&str>| id.and_then(|k| names.get(k).map(|(c, _)| c.clone()));
    let mut cells = Cells::new();
    match source {
        Source::Rollups => {
            for (day, key, n) in
                rollups::day_counts(conn, jurisdiction_id, q.metric, q.group_by, q.from, q.to)?
            {
                let id = (!key.is_empty()).then_some(key.as_str());
                *cells
                    .entry((bucket_of_day(day, q.bucket), code(id)))
                    .or_default() += n;
            }
        }
        Source::Raw => {
            for (at, category, region, agency) in
                analytics::facts(conn, jurisdiction_id, q.metric, q.start, q.end)?
            {
                let id = match q.group_by {
                    GroupBy::Category => category,
                    GroupBy::Region => region,
                    GroupBy::Agency => agency,
                };
                *cells
                    .entry((
                        bucket_start(at.and_utc(), tz, q.bucket),
                        code(id.as_deref()),
                    ))
                    .or_default() += 1;
            }
        }
    }
    Ok(cells)
}
