use actix_web::{get, web, web::Json};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;

use super::{summary_of, RecapSummary};
use crate::api::pagination::{self, Paged};
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::recap as recap_rows;
use crate::domain::policy::Permission;
use crate::error::ServiceError;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecapsQuery {
    /// Only recaps whose period holds this local day.
    #[param(value_type = Option<String>, format = Date)]
    pub covering: Option<NaiveDate>,
    /// 1 to 200; default 50.
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Frozen recaps, newest first (leader, coordinator, admin).
#[utoipa::path(tag = "recaps", security(("bearer" = [])), params(RecapsQuery), responses(
    (status = 200, body = Paged<RecapSummary>),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
))]
#[get("/recaps")]
pub async fn list_recaps(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: web::Query<RecapsQuery>,
) -> Result<Json<Paged<RecapSummary>>, ApiError> {
    caller.require(Permission::ReadRecaps)?;
    let q = query.into_inner();
    let (limit, after) = pagination::params(q.limit, q.cursor.as_deref())?;
    let jur = caller.jurisdiction_id.clone();
    let tz = caller.timezone();
    let page = state
        .db
        .read(move |c| {
            recap_rows::list(c, &jur, q.covering, after.as_deref(), limit)
                .map_err(ServiceError::from)
        })
        .await?;
    Ok(Json(Paged::from_page(page, |s| summary_of(&s, tz))))
}
