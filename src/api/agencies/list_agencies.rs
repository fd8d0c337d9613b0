use actix_web::{get, web, web::Json};
use serde::Deserialize;
use utoipa::IntoParams;

use super::AgencyView;
use crate::api::pagination::{self, Paged};
use crate::api::validate::trimmed;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::agency::{self, AgencyFilter};
use crate::domain::policy::Permission;
use crate::domain::reference::AgencyKind;
use crate::error::ServiceError;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListAgenciesQuery {
    pub kind: Option<AgencyKind>,
    /// Text in the name or code.
    pub q: Option<String>,
    /// 1 to 200; default 50.
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// List agencies by code.
#[utoipa::path(tag = "reference data", security(("bearer" = [])), params(ListAgenciesQuery),
    responses((status = 200, body = Paged<AgencyView>)))]
#[get("/agencies")]
pub async fn list_agencies(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: web::Query<ListAgenciesQuery>,
) -> Result<Json<Paged<AgencyView>>, ApiError> {
    caller.require(Permission::ReadReferenceData)?;
    let q = query.into_inner();
    let (limit, after) = pagination::params(q.limit, q.cursor.as_deref())?;
    let filter = AgencyFilter {
        kind: q.kind.map(|k| k.as_str().to_string()),
        q: trimmed(q.q),
    };
    let jur = caller.jurisdiction_id.clone();
    let page = state
        .db
        .read(move |c| {
            agency::list(c, &jur, &filter, after.as_deref(), limit).map_err(ServiceError::from)
        })
        .await?;
    Ok(Json(Paged::from_page(page, AgencyView::from)))
}
