use actix_web::{get, web, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::export::{cell, format_of, period, respond, Period, Tabular};
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::domain::analytics::{bucket_label, Bucket, GroupBy, Metric};
use crate::domain::policy::Permission;
use crate::error::ServiceError;
use crate::service::trends::{self as trend_cells, Question};
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
    /// `json` (default), `csv` or `xlsx`.
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
    let fmt = format_of(q.format.as_deref())?;
    let tz = caller.timezone();
    let Period {
        from,
        to,
        start,
        end,
    } = period(tz, q.from, q.to)?;
    let (bucket, group_by, metric) = (
        q.bucket.unwrap_or(Bucket::Month),
        q.group_by.unwrap_or(GroupBy::Category),
        q.metric.unwrap_or(Metric::Filed),
    );
    let jur = caller.jurisdiction_id.clone();
    let question = Question {
        metric,
        group_by,
        bucket,
        from,
        to,
        start,
        end,
    };
    let (cells, names) = state
        .db
        .read(move |c| trend_cells::trend(c, &jur, tz, &question).map_err(ServiceError::from))
        .await?;
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
    let name = format!(
        "trends-{}-{}-{}-{from}-{to}",
        metric.as_str(),
        group_by.as_str(),
        bucket.as_str()
    );
    let view = TrendsView {
        from,
        to,
        bucket,
        group_by,
        metric,
        timezone: tz.name().to_string(),
        rows,
    };
    respond(fmt, &name, &view, &view.rows)
}
