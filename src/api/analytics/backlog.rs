use actix_web::{get, web, HttpResponse};
use chrono::Utc;
use serde::Deserialize;
use utoipa::IntoParams;

use super::export::{format_of, respond, ExportFormat};
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::domain::policy::Permission;
use crate::error::ServiceError;
use crate::service::analytics::backlog::{self as open_work, BacklogView};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FormatQuery {
    /// `json` (default), `csv` or `xlsx`.
    #[param(value_type = Option<ExportFormat>)]
    pub format: Option<String>,
}

/// Open tickets now, by age band and current agency.
#[utoipa::path(tag = "analytics", security(("bearer" = [])), params(FormatQuery), responses(
    (status = 200, description = "The answer as JSON, or its rows as a CSV or XLSX download (`format`)", content(
        (BacklogView = "application/json"),
        ("text/csv"),
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )),
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
    let (jur, tz) = (caller.jurisdiction_id.clone(), caller.timezone());
    let view = state
        .db
        .read_lagging(move |c| {
            open_work::backlog(c, &jur, tz, Utc::now()).map_err(ServiceError::from)
        })
        .await?;
    respond(fmt, "backlog", &view, &view.rows)
}
