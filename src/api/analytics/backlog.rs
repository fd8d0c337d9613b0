use std::collections::BTreeMap;

use actix_web::{get, web, HttpResponse};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::export::{cell, format_of, respond, Tabular};
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::analytics;
use crate::domain::analytics::{age_band, AGE_BANDS};
use crate::domain::policy::Permission;
use crate::error::ServiceError;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FormatQuery {
    /// `json` (default), `csv` or `xlsx`.
    pub format: Option<String>,
}

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
    pub as_of: chrono::DateTime<Utc>,
    /// By agency code (unrouted first), then age band from youngest.
    pub rows: Vec<BacklogRow>,
}

/// Open tickets now, by age band and current agency.
#[utoipa::path(tag = "analytics", security(("bearer" = [])), params(FormatQuery), responses(
    (status = 200, body = BacklogView),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
))]
#[get("/analytics/backlog")]
pub async fn backlog(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: web::Query<FormatQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ReadAnalytics)?;
    let fmt = format_of(query.format.as_deref())?;
    let jur = caller.jurisdiction_id.clone();
    let (open, names) = state
        .db
        .read(move |c| {
            Ok::<_, ServiceError>((
                analytics::open_tickets(c, &jur)?,
                analytics::agency_names(c, &jur)?,
            ))
        })
        .await?;
    let now = Utc::now();
    let band_order = |b: &str| AGE_BANDS.iter().position(|(n, _)| *n == b).unwrap_or(99);
    let mut cells: BTreeMap<(Option<String>, usize), i64> = BTreeMap::new();
    for (created, agency) in open {
        let days = (now.naive_utc() - created).num_days().max(0);
        let code = agency.and_then(|a| names.get(&a).map(|(c, _)| c.clone()));
        *cells.entry((code, band_order(age_band(days)))).or_default() += 1;
    }
    let by_code: std::collections::HashMap<&str, &str> = names
        .values()
        .map(|(c, n)| (c.as_str(), n.as_str()))
        .collect();
    let rows: Vec<BacklogRow> = cells
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
    let view = BacklogView { as_of: now, rows };
    respond(fmt, "backlog", &view, &view.rows)
}
