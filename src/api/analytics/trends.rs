use std::collections::BTreeMap;

use actix_web::http::header;
use actix_web::{get, web, HttpResponse};
use chrono::{Days, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::AuthUser;
use crate::db::models::analytics;
use crate::domain::analytics::{bucket_label, bucket_start, Bucket, GroupBy, Metric};
use crate::domain::policy::Permission;
use crate::error::{ApiError, Problem};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TrendsQuery {
    /// First local day (default: a year before `to`).
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<NaiveDate>,
    /// Last local day, inclusive (default: today).
    #[param(value_type = Option<String>, format = Date)]
    pub to: Option<NaiveDate>,
    /// Default `month`.
    pub bucket: Option<Bucket>,
    /// Default `category`.
    pub group_by: Option<GroupBy>,
    /// Default `filed`.
    pub metric: Option<Metric>,
    /// `json` (default) or `csv`.
    pub format: Option<String>,
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

#[derive(Debug, Serialize, ToSchema)]
pub struct TrendsView {
    #[schema(value_type = String, format = Date)]
    pub from: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub to: NaiveDate,
    pub bucket: Bucket,
    pub group_by: GroupBy,
    pub metric: Metric,
    /// The zone the buckets are in.
    #[schema(example = "Asia/Jakarta")]
    pub timezone: String,
    /// Non-empty cells, by bucket then group.
    pub rows: Vec<TrendRow>,
}

/// Counts of filed, resolved or closed tickets per bucket and category, kecamatan or agency
/// (planner, leader, coordinator, admin). Buckets are in the jurisdiction's time zone.
#[utoipa::path(tag = "analytics", security(("bearer" = [])), params(TrendsQuery), responses(
    (status = 200, body = TrendsView),
    (status = 200, description = "With `format=csv`", content_type = "text/csv", body = String),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
))]
#[get("/analytics/trends")]
pub async fn trends(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: web::Query<TrendsQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ReadAnalytics)?;
    let q = query.into_inner();
    let bad = |d: &str| ApiError::bad_request("invalid_query", d.to_string());
    let csv = match q.format.as_deref().map(str::trim) {
        None | Some("") | Some("json") => false,
        Some("csv") => true,
        Some(_) => return Err(bad("format must be json or csv")),
    };
    let tz = caller.timezone();
    let today = Utc::now().with_timezone(&tz).date_naive();
    let to = q.to.unwrap_or(today);
    let from = q.from.unwrap_or_else(|| to - Days::new(364));
    if from > to {
        return Err(bad("from must not be after to"));
    }
    if (to - from).num_days() > 5 * 366 {
        return Err(bad("a trend spans at most five years"));
    }
    let (bucket, group_by, metric) = (
        q.bucket.unwrap_or(Bucket::Month),
        q.group_by.unwrap_or(GroupBy::Category),
        q.metric.unwrap_or(Metric::Filed),
    );
    let local_midnight = |d: NaiveDate| {
        tz.from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default())
            .earliest()
            .map(|t| t.with_timezone(&Utc).naive_utc())
            .ok_or_else(|| bad("a day without a midnight in this time zone"))
    };
    let (start, end) = (local_midnight(from)?, local_midnight(to + Days::new(1))?);
    let jur = caller.jurisdiction_id.clone();
    let (facts, names) = state
        .db
        .read(move |c| {
            let facts = analytics::facts(c, &jur, metric, start, end)?;
            let names = match group_by {
                GroupBy::Category => analytics::category_names(c, &jur)?,
                GroupBy::Region => analytics::kecamatan_names(c, &jur)?,
                GroupBy::Agency => analytics::agency_names(c, &jur)?,
            };
            Ok::<_, ApiError>((facts, names))
        })
        .await?;
    let mut cells: BTreeMap<(NaiveDate, Option<String>), i64> = BTreeMap::new();
    for (at, category, region, agency) in facts {
        let key = match group_by {
            GroupBy::Category => category,
            GroupBy::Region => region,
            GroupBy::Agency => agency,
        };
        let code = key.and_then(|k| names.get(&k).map(|(c, _)| c.clone()));
        *cells
            .entry((bucket_start(at.and_utc(), tz, bucket), code))
            .or_default() += 1;
    }
    let by_code: std::collections::HashMap<&str, &str> = names
        .values()
        .map(|(c, n)| (c.as_str(), n.as_str()))
        .collect();
    let rows: Vec<TrendRow> = cells
        .into_iter()
        .map(|((b, group), count)| TrendRow {
            bucket: bucket_label(b, bucket),
            group_name: group
                .as_deref()
                .and_then(|g| by_code.get(g).map(|n| n.to_string())),
            group,
            count,
        })
        .collect();
    if csv {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(["bucket", "group", "group_name", "count"])
            .map_err(ApiError::internal)?;
        for r in &rows {
            w.write_record([
                r.bucket.as_str(),
                r.group.as_deref().unwrap_or(""),
                r.group_name.as_deref().unwrap_or(""),
                &r.count.to_string(),
            ])
            .map_err(ApiError::internal)?;
        }
        let bytes = w
            .into_inner()
            .map_err(|e| ApiError::internal(anyhow::anyhow!("{e}")))?;
        return Ok(HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8"))
            .insert_header((
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"trends-{}-{}-{}-{from}-{to}.csv\"",
                    metric.as_str(),
                    group_by.as_str(),
                    bucket.as_str()
                ),
            ))
            .body(bytes));
    }
    Ok(HttpResponse::Ok().json(TrendsView {
        from,
        to,
        bucket,
        group_by,
        metric,
        timezone: tz.name().to_string(),
        rows,
    }))
}
