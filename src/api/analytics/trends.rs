use actix_web::{get, web, HttpResponse};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;

use super::export::{format_of, respond, ExportFormat};
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::domain::analytics::{Bucket, GroupBy, Metric};
use crate::domain::policy::Permission;
use crate::error::ServiceError;
use crate::service::analytics::period;
use crate::service::analytics::trends::{self as trend_cells, Question, TrendsView, Within};
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
    /// Only tickets of this category (its code).
    pub category: Option<String>,
    /// Only tickets of this kecamatan (its code; its desa included).
    pub region: Option<String>,
    /// Only tickets of this agency (its code).
    pub agency: Option<String>,
    /// `json` (default), `csv` or `xlsx`.
    #[param(value_type = Option<ExportFormat>)]
    pub format: Option<String>,
}

impl TrendsQuery {
    /// The one filter asked (`category`, `region` or `agency`), if any.
    fn within(&self) -> Result<Option<Within>, ServiceError> {
        let asked: Vec<Within> = [
            (GroupBy::Category, &self.category),
            (GroupBy::Region, &self.region),
            (GroupBy::Agency, &self.agency),
        ]
        .into_iter()
        .filter_map(|(dim, code)| {
            let code = code.as_deref().map(str::trim).filter(|c| !c.is_empty())?;
            Some(Within {
                dim,
                code: code.to_string(),
            })
        })
        .collect();
        match <[Within; 1]>::try_from(asked) {
            Ok([w]) => Ok(Some(w)),
            Err(v) if v.is_empty() => Ok(None),
            Err(_) => Err(ServiceError::bad_request(
                "invalid_query",
                "filter by at most one of category, region and agency",
            )),
        }
    }
}

/// Counts of filed, resolved or closed tickets per bucket and category, kecamatan or agency
/// (planner, leader, coordinator, admin), optionally only within one category, kecamatan or
/// agency (`category`, `region`, `agency`: one of them). Buckets are in the jurisdiction's time
/// zone.
#[utoipa::path(tag = "analytics", security(("bearer" = [])), params(TrendsQuery), responses(
    (status = 200, description = "The answer as JSON, or its rows as a CSV or XLSX download (`format`)", content(
        (TrendsView = "application/json"),
        ("text/csv"),
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )),
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
    let p = period(tz, q.from, q.to)?;
    let mut question = Question::of(
        q.metric.unwrap_or(Metric::Filed),
        q.group_by.unwrap_or(GroupBy::Category),
        q.bucket.unwrap_or(Bucket::Month),
        &p,
    );
    question.within = q.within()?;
    let jur = caller.jurisdiction_id.clone();
    let view = state
        .db
        .read_lagging(move |c| trend_cells::trends(c, &jur, tz, &question))
        .await?;
    respond(fmt, &view.file_name(), &view, &view.rows)
}
