use actix_web::{get, web, web::Json};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{views, RegionView};
use crate::api::pagination::{self, Paged};
use crate::api::validate::trimmed;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::region::{self, RegionFilter};
use crate::domain::policy::Permission;
use crate::domain::reference::RegionLevel;
use crate::error::ServiceError;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListRegionsQuery {
    pub level: Option<RegionLevel>,
    /// Only the desa of this kecamatan.
    pub parent_code: Option<String>,
    /// Text in the name or code.
    pub q: Option<String>,
    /// 1 to 200; default 50.
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// List regions by code.
#[utoipa::path(tag = "reference data", security(("bearer" = [])), params(ListRegionsQuery),
    responses((status = 200, body = Paged<RegionView>)))]
#[get("/regions")]
pub async fn list_regions(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: web::Query<ListRegionsQuery>,
) -> Result<Json<Paged<RegionView>>, ApiError> {
    caller.require(Permission::ReadReferenceData)?;
    let q = query.into_inner();
    let (limit, after) = pagination::params(q.limit, q.cursor.as_deref())?;
    let jur = caller.jurisdiction_id.clone();
    let paged = state
        .db
        .read(move |c| {
            let parent_id = match trimmed(q.parent_code) {
                Some(code) => match region::find_by_code(c, &jur, &code)? {
                    Some(p) => Some(p.id),
                    None => {
                        return Err(ServiceError::bad_request(
                            "invalid_query",
                            format!("no region with the code '{code}'"),
                        ))
                    }
                },
                None => None,
            };
            let filter = RegionFilter {
                level: q.level.map(|l| l.as_str().to_string()),
                parent_id,
                q: trimmed(q.q),
            };
            let page = region::list(c, &jur, &filter, after.as_deref(), limit)?;
            let next_cursor = page.next_after.as_deref().map(pagination::encode);
            Ok(Paged {
                items: views(c, page.items)?,
                next_cursor,
            })
        })
        .await?;
    Ok(Json(paged))
}
