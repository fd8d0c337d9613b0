use actix_web::{get, web, web::Json};
use serde::Deserialize;
use utoipa::IntoParams;

use super::CategoryView;
use crate::api::pagination::{self, Paged};
use crate::api::validate::trimmed;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::category::{self, CategoryFilter};
use crate::domain::policy::Permission;
use crate::error::ServiceError;
use crate::ids::AgencyId;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListCategoriesQuery {
    pub group: Option<String>,
    pub default_agency_id: Option<AgencyId>,
    /// Text in the name, code or keywords.
    pub q: Option<String>,
    /// 1 to 200; default 50.
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// List categories by code.
#[utoipa::path(tag = "reference data", security(("bearer" = [])), params(ListCategoriesQuery),
    responses((status = 200, body = Paged<CategoryView>)))]
#[get("/categories")]
pub async fn list_categories(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: web::Query<ListCategoriesQuery>,
) -> Result<Json<Paged<CategoryView>>, ApiError> {
    caller.require(Permission::ReadReferenceData)?;
    let q = query.into_inner();
    let (limit, after) = pagination::params(q.limit, q.cursor.as_deref())?;
    let filter = CategoryFilter {
        group: trimmed(q.group),
        default_agency_id: q.default_agency_id.map(|a| a.db()),
        q: trimmed(q.q),
    };
    let jur = caller.jurisdiction_id.clone();
    let page = state
        .db
        .read(move |c| {
            category::list(c, &jur, &filter, after.as_deref(), limit).map_err(ServiceError::from)
        })
        .await?;
    Ok(Json(Paged::from_page(page, CategoryView::from)))
}
