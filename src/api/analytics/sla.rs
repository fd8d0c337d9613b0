use actix_web::{get, web, HttpResponse};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;

use super::export::{format_of, respond, ExportFormat};
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::domain::policy::Permission;
use crate::error::ServiceError;
use crate::service::analytics::period;
use crate::service::analytics::sla::{self as compliance, SlaView};
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
    #[param(value_type = Option<ExportFormat>)]
    pub format: Option<String>,
}

/// SLA compliance: clocks started in the period, met and breached, by clock, agency and
/// category.
#[utoipa::path(tag = "analytics", security(("bearer" = [])), params(PeriodQuery), responses(
    (status = 200, description = "The answer as JSON, or its rows as a CSV or XLSX download (`format`)", content(
        (SlaView = "application/json"),
        ("text/csv"),
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )),
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
    let p = period(caller.timezone(), q.from, q.to)?;
    let (jur, tz) = (caller.jurisdiction_id.clone(), caller.timezone());
    let view = state
        .db
        .read_lagging(move |c| compliance::sla(c, &jur, tz, &p).map_err(ServiceError::from))
        .await?;
    respond(fmt, &format!("sla-{}-{}", p.from, p.to), &view, &view.rows)
}
