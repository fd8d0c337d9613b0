use actix_web::{get, web, HttpResponse};
use chrono::Datelike;
use serde::Deserialize;
use utoipa::IntoParams;

use super::export::{format_of, respond, ExportFormat};
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::domain::policy::Permission;
use crate::service::analytics::planning::{self as renja, PlanningView};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlanningQuery {
    /// The agency's code.
    pub agency: String,
    /// Default: this year.
    pub year: Option<i32>,
    /// `json` (default), `csv` or `xlsx`.
    #[param(value_type = Option<ExportFormat>)]
    pub format: Option<String>,
}

/// "Bahan perencanaan": a year of the complaints an agency holds, by kecamatan and category —
/// how many, the share fixed, the median days to fix, repeated places — the table an OPD brings
/// to its Renja/RKPD planning.
#[utoipa::path(tag = "analytics", security(("bearer" = [])), params(PlanningQuery), responses(
    (status = 200, description = "The answer as JSON, or its rows as a CSV or XLSX download (`format`)", content(
        (PlanningView = "application/json"),
        ("text/csv"),
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
))]
#[get("/analytics/planning")]
pub async fn planning(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: web::Query<PlanningQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ReadAnalytics)?;
    let q = query.into_inner();
    let fmt = format_of(q.format.as_deref())?;
    let tz = caller.timezone();
    let year = q
        .year
        .unwrap_or_else(|| chrono::Utc::now().with_timezone(&tz).year());
    let jur = caller.jurisdiction_id.clone();
    let view = state
        .db
        .read_lagging(move |c| renja::planning(c, &jur, tz, q.agency.trim(), year))
        .await?;
    respond(fmt, &view.file_name(), &view, &view.rows)
}
