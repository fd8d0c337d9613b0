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
use crate::service::analytics::hotspots::{self as gather, HotspotsView};
use crate::service::analytics::period;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HotspotsQuery {
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<NaiveDate>,
    #[param(value_type = Option<String>, format = Date)]
    pub to: Option<NaiveDate>,
    /// How many areas (1 to 200; default 20).
    pub limit: Option<usize>,
    /// `json` (default), `csv` or `xlsx`.
    #[param(value_type = Option<ExportFormat>)]
    pub format: Option<String>,
    /// For CSV and XLSX: `areas` (default) or `repeated`.
    pub table: Option<String>,
}

/// Where complaints gather: kecamatan × category, and repeated complaints at the same place.
#[utoipa::path(tag = "analytics", security(("bearer" = [])), params(HotspotsQuery), responses(
    (status = 200, description = "The answer as JSON, or its rows as a CSV or XLSX download (`format`)", content(
        (HotspotsView = "application/json"),
        ("text/csv"),
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
))]
#[get("/analytics/hotspots")]
pub async fn hotspots(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: web::Query<HotspotsQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ReadAnalytics)?;
    let q = query.into_inner();
    let fmt = format_of(q.format.as_deref())?;
    let repeated_table = match q.table.as_deref().map(str::trim) {
        None | Some("") | Some("areas") => false,
        Some("repeated") => true,
        Some(_) => {
            return Err(ServiceError::bad_request(
                "invalid_query",
                "table must be areas or repeated",
            )
            .into())
        }
    };
    let limit = q.limit.unwrap_or(20);
    if !(1..=200).contains(&limit) {
        return Err(
            ServiceError::bad_request("invalid_query", "limit must be from 1 to 200").into(),
        );
    }
    let p = period(caller.timezone(), q.from, q.to)?;
    let (jur, tz) = (caller.jurisdiction_id.clone(), caller.timezone());
    let view = state
        .db
        .read_lagging(move |c| gather::hotspots(c, &jur, tz, &p, limit).map_err(ServiceError::from))
        .await?;
    let (from, to) = (p.from, p.to);
    if repeated_table {
        respond(
            fmt,
            &format!("hotspots-repeated-{from}-{to}"),
            &view,
            &view.repeated,
        )
    } else {
        respond(fmt, &format!("hotspots-{from}-{to}"), &view, &view.areas)
    }
}
