use actix_web::{get, web, HttpResponse};

use super::export::{format_of, respond};
use super::sla::PeriodQuery;
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::domain::policy::Permission;
use crate::error::ServiceError;
use crate::service::analytics::period;
use crate::service::analytics::routing::{self as moves, RoutingView};
use crate::state::AppState;

/// Returns and re-routes between agencies in the period (who sends tickets back and forth).
#[utoipa::path(tag = "analytics", security(("bearer" = [])), params(PeriodQuery), responses(
    (status = 200, description = "The answer as JSON, or its rows as a CSV or XLSX download (`format`)", content(
        (RoutingView = "application/json"),
        ("text/csv"),
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
))]
#[get("/analytics/routing")]
pub async fn routing(
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
        .read_lagging(move |c| moves::routing(c, &jur, tz, &p).map_err(ServiceError::from))
        .await?;
    respond(
        fmt,
        &format!("routing-{}-{}", p.from, p.to),
        &view,
        &view.rows,
    )
}
