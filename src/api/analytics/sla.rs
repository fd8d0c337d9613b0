use std::collections::BTreeMap;

use actix_web::{get, web, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::export::{cell, format_of, period, respond, Period, Tabular};
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::analytics;
use crate::domain::policy::Permission;
use crate::error::ServiceError;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// First local day (default: a year before `to`).
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<NaiveDate>,
    /// Last local day, inclusive (default: today).
    #[param(value_type = Option<String>, format = Date)]
    pub to: Option<NaiveDate>,
    /// `json` (default), `csv` or `xlsx`.
    pub format: Option<String>,
}

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

/// SLA compliance: clocks started in the period, met and breached, by clock, agency and
/// category.
#[utoipa::path(tag = "analytics", security(("bearer" = [])), params(PeriodQuery), responses(
    (status = 200, body = SlaView),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
))]
#[get("/analytics/sla")]
pub async fn sla(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: web::Query<PeriodQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ReadAnalytics)?;
    let q = query.into_inner();
    let fmt = format_of(q.format.as_deref())?;
    let Period {
        from,
        to,
        start,
        end,
    } = period(caller.timezone(), q.from, q.to)?;
    let jur = caller.jurisdiction_id.clone();
    let (clocks, agencies, categories) = state
        .db
        .read(move |c| {
            Ok::<_, ServiceError>((
                analytics::clocks_started(c, &jur, start, end)?,
                analytics::agency_names(c, &jur)?,
                analytics::category_names(c, &jur)?,
            ))
        })
        .await?;
    let order = |c: &str| {
        crate::domain::sla::Clock::ALL
            .iter()
            .position(|k| k.as_str() == c)
            .unwrap_or(9)
    };
    let mut cells: BTreeMap<(usize, Option<String>, Option<String>), SlaRow> = BTreeMap::new();
    for (clock, st, agency, category) in clocks {
        let agency = agency.and_then(|a| agencies.get(&a).map(|(c, _)| c.clone()));
        let category = category.and_then(|k| categories.get(&k).map(|(c, _)| c.clone()));
        let row = cells
            .entry((order(&clock), agency.clone(), category.clone()))
            .or_insert_with(|| SlaRow {
                clock: clock.clone(),
                agency,
                category,
                ..Default::default()
            });
        match st.as_str() {
            "met" => row.met += 1,
            "breached" => row.breached += 1,
            "paused" => row.paused += 1,
            _ => row.running += 1,
        }
    }
    let view = SlaView {
        from,
        to,
        rows: cells.into_values().collect(),
    };
    respond(fmt, &format!("sla-{from}-{to}"), &view, &view.rows)
}
