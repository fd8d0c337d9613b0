//! Trends: counts per bucket and group — category, kecamatan or agency — optionally within one
//! value of a second dimension (the categories of one kecamatan, say). Counted from the rollups
//! (fast) or from the raw tickets and events (the definition the rollups are kept equal to; used
//! until the rollups are built).

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use diesel::QueryResult;
use serde::Serialize;
use utoipa::ToSchema;

use super::table::{cell, Tabular};
pub use super::Names;
use super::{by_code, code_of};
use crate::db::models::analytics;
use crate::db::DbConnection;
use crate::domain::analytics::{
    bucket_label, bucket_of_day, bucket_start, Bucket, GroupBy, Metric, Period,
};
use crate::error::ServiceError;
use crate::service::projections::{self, Source};
use crate::service::rollups;

/// `(bucket start, group code)` → count; the code is none for tickets without the group.
pub type Cells = BTreeMap<(NaiveDate, Option<String>), i64>;

/// One value of a dimension: the tickets of category `jalan`, of kecamatan `jalancagak`, …
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Within {
    pub dim: GroupBy,
    /// Its code.
    pub code: String,
}

/// What a trend asks.
#[derive(Debug, Clone)]
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
    /// Only the tickets with this value of a dimension.
    pub within: Option<Within>,
}

impl Question {
    pub fn of(metric: Metric, group_by: GroupBy, bucket: Bucket, p: &Period) -> Question {
        Question {
            metric,
            group_by,
            bucket,
            from: p.from,
            to: p.to,
            start: p.start,
            end: p.end,
            within: None,
        }
    }
}

/// One cell of a trend. Stable column names: `bucket, group, group_name, count`.
#[derive(Debug, Serialize, ToSchema, PartialEq, Eq)]
pub struct TrendRow {
    /// `2026-01-31`, `2026-W05` or `2026-01`.
    #[schema(example = "2026-01")]
    pub bucket: String,
    /// The category, kecamatan or agency code; null for tickets without one.
    #[schema(example = "jalan")]
    pub group: Option<String>,
    pub group_name: Option<String>,
    pub count: i64,
}

impl Tabular for TrendRow {
    const COLUMNS: &'static [&'static str] = &["bucket", "group", "group_name", "count"];
    fn cells(&self) -> Vec<String> {
        vec![
            self.bucket.clone(),
            cell(&self.group),
            cell(&self.group_name),
            self.count.to_string(),
        ]
    }
}

/// The filter of a trend, as answered.
#[derive(Debug, Serialize, ToSchema)]
pub struct WithinView {
    /// `category`, `region` or `agency`.
    #[schema(value_type = String, example = "region")]
    pub dim: GroupBy,
    #[schema(example = "jalancagak")]
    pub code: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TrendsView {
    #[schema(value_type = String, format = Date)]
    pub from: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub to: NaiveDate,
    pub bucket: Bucket,
    pub group_by: GroupBy,
    pub metric: Metric,
    /// Only tickets with this value of a second dimension; null for all.
    pub within: Option<WithinView>,
    /// The zone the buckets are in.
    #[schema(example = "Asia/Jakarta")]
    pub timezone: String,
    /// Non-empty cells, by bucket then group.
    pub rows: Vec<TrendRow>,
}

impl TrendsView {
    /// The file name of its table: `trends-filed-category-month[-region-jalancagak]-{from}-{to}`.
    pub fn file_name(&self) -> String {
        let within = self
            .within
            .as_ref()
            .map(|w| format!("-{}-{}", w.dim.as_str(), w.code))
            .unwrap_or_default();
        format!(
            "trends-{}-{}-{}{within}-{}-{}",
            self.metric.as_str(),
            self.group_by.as_str(),
            self.bucket.as_str(),
            self.from,
            self.to
        )
    }
}

/// The trend `q` as rows with names.
/// Fails with `invalid_query` when the question is filtered by a code the jurisdiction does
/// not have.
pub fn trends(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    tz: Tz,
    q: &Question,
) -> Result<TrendsView, ServiceError> {
    if let Some(w) = &q.within {
        if !known(conn, jurisdiction_id, w.dim, &w.code)? {
            return Err(ServiceError::bad_request(
                "invalid_query",
                format!("no {} has the code {}", w.dim.as_str(), w.code),
            ));
        }
    }
    let (cells, names) = trend(conn, jurisdiction_id, tz, q)?;
    let by_code = by_code(&names);
    let rows = cells
        .into_iter()
        .map(|((b, group), count)| TrendRow {
            bucket: bucket_label(b, q.bucket),
            group_name: group
                .as_deref()
                .and_then(|g| by_code.get(g).map(|n| n.to_string())),
            group,
            count,
        })
        .collect();
    Ok(TrendsView {
        from: q.from,
        to: q.to,
        bucket: q.bucket,
        group_by: q.group_by,
        metric: q.metric,
        within: q.within.as_ref().map(|w| WithinView {
            dim: w.dim,
            code: w.code.clone(),
        }),
        timezone: tz.name().to_string(),
        rows,
    })
}

/// Whether `code` is a value of `dim` in the jurisdiction.
fn known(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    dim: GroupBy,
    code: &str,
) -> QueryResult<bool> {
    Ok(names(conn, jurisdiction_id, dim)?
        .values()
        .any(|(c, _)| c == code))
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

/// The trend `q` of a jurisdiction, counted from the rollups when they are complete, with the
/// code and name of each group.
pub fn trend(
    conn: &mut DbConnection,
    jurisdiction_id: &str,
    tz: Tz,
    q: &Question,
) -> QueryResult<(Cells, Names)> {
    let names = names(conn, jurisdiction_id, q.group_by)?;
    let source = projections::source(conn, jurisdiction_id, tz)?;
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
    let code = |id: &str| code_of(names, (!id.is_empty()).then_some(id));
    // The filter's codes, by id: a kecamatan is matched by its desa too.
    let filter = match &q.within {
        Some(w) => Some((w, self::names(conn, jurisdiction_id, w.dim)?)),
        None => None,
    };
    let kept = |id: &str| match &filter {
        Some((w, by_id)) => code_of(by_id, Some(id)).as_deref() == Some(w.code.as_str()),
        None => true,
    };
    let mut cells = Cells::new();
    match source {
        Source::Projections => {
            let dims = rollups::Dims::of(q.group_by, q.within.as_ref().map(|w| w.dim));
            let within: Vec<String> = match &filter {
                Some((w, by_id)) => by_id
                    .iter()
                    .filter(|(_, (c, _))| *c == w.code)
                    .map(|(id, _)| id.clone())
                    .collect(),
                None => Vec::new(),
            };
            let span = (q.from, q.to);
            let counts = if q.bucket == Bucket::Month {
                rollups::month_counts(conn, jurisdiction_id, q.metric, dims, span, &within)?
            } else {
                rollups::day_counts(conn, jurisdiction_id, q.metric, dims, span, &within)?
            };
            for (day, key, n) in counts {
                let (group, other) = dims.split(&key);
                if kept(other) {
                    *cells
                        .entry((bucket_of_day(day, q.bucket), code(group)))
                        .or_default() += n;
                }
            }
        }
        Source::Raw => {
            for fact in analytics::facts(conn, jurisdiction_id, q.metric, q.start, q.end)? {
                let id_of = |dim: GroupBy| {
                    match dim {
                        GroupBy::Category => &fact.1,
                        GroupBy::Region => &fact.2,
                        GroupBy::Agency => &fact.3,
                    }
                    .as_deref()
                    .unwrap_or_default()
                };
                if q.within.as_ref().is_none_or(|w| kept(id_of(w.dim))) {
                    *cells
                        .entry((
                            bucket_start(fact.0.and_utc(), tz, q.bucket),
                            code(id_of(q.group_by)),
                        ))
                        .or_default() += 1;
                }
            }
        }
    }
    Ok(cells)
}
