use actix_web::{get, web, web::Json};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::divisions::DivisionView;
use crate::api::pagination::{self, Paged};
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::{agency, division};
use crate::domain::policy::Permission;
use crate::error::ServiceError;
use crate::ids::AgencyId;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListDivisionsQuery {
    /// 1 to 200; default 50.
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// List an agency's divisions by code.
#[utoipa::path(tag = "reference data", security(("bearer" = [])),
    params(("id" = AgencyId, Path, description = "The agency's id"), ListDivisionsQuery),
    responses(
        (status = 200, body = Paged<DivisionView>),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/agencies/{id}/divisions")]
pub async fn list_divisions(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<AgencyId>,
    query: web::Query<ListDivisionsQuery>,
) -> Result<Json<Paged<DivisionView>>, ApiError> {
    caller.require(Permission::ReadReferenceData)?;
    let (limit, after) = pagination::params(query.limit, query.cursor.as_deref())?;
    let (jur, id) = (caller.jurisdiction_id.clone(), id.into_inner().db());
    let page = state
        .db
        .read(move |c| {
            agency::find(c, &jur, &id)?
                .ok_or_else(|| ServiceError::not_found("no agency with this id"))?;
            division::list_for_agency(c, &jur, &id, after.as_deref(), limit)
                .map_err(ServiceError::from)
        })
        .await?;
    Ok(Json(Paged::from_page(page, DivisionView::from)))
}
