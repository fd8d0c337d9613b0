use actix_web::{get, web, web::Json};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;

use super::PatrolView;
use crate::api::pagination::{self, Paged};
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::patrol::{self, PatrolFilter};
use crate::domain::policy::Permission;
use crate::error::ServiceError;
use crate::ids::{AgencyId, UserId};
use crate::service::duties::duty_scope;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PatrolsQuery {
    /// One local day (`2026-11-28`); or `from`/`to`.
    #[param(value_type = Option<String>, format = Date)]
    pub date: Option<NaiveDate>,
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<NaiveDate>,
    #[param(value_type = Option<String>, format = Date)]
    pub to: Option<NaiveDate>,
    pub agency_id: Option<AgencyId>,
    pub pic_id: Option<UserId>,
    /// 1 to 200; default 50.
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Patrol check-ins, newest first. Agency roles see their own agency's.
#[utoipa::path(tag = "duties", security(("bearer" = [])), params(PatrolsQuery), responses(
    (status = 200, body = Paged<PatrolView>),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
))]
#[get("/patrols")]
pub async fn list_patrols(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: web::Query<PatrolsQuery>,
) -> Result<Json<Paged<PatrolView>>, ApiError> {
    caller.require(Permission::ReadDuties)?;
    let q = query.into_inner();
    let (limit, after) = pagination::params(q.limit, q.cursor.as_deref())?;
    let agency_id = duty_scope(&caller, q.agency_id.map(|a| a.db()))?;
    let filter = PatrolFilter {
        from: q.date.or(q.from),
        to: q.date.or(q.to),
        agency_id,
        pic_id: q.pic_id.map(|p| p.db()),
    };
    let jur = caller.jurisdiction_id.clone();
    let page = state
        .db
        .read(move |c| {
            patrol::list(c, &jur, &filter, after.as_deref(), limit).map_err(ServiceError::from)
        })
        .await?;
    Ok(Json(Paged::from_page(page, PatrolView::from)))
}
