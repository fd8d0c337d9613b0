use actix_web::{get, web, web::Json};
use serde::Deserialize;
use utoipa::IntoParams;

use super::AccountView;
use crate::api::pagination::{self, Paged};
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::account::{self, AccountFilter};
use crate::domain::policy::Permission;
use crate::domain::reference::SocialPlatform;
use crate::error::ServiceError;
use crate::ids::AgencyId;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListAccountsQuery {
    pub platform: Option<SocialPlatform>,
    pub agency_id: Option<AgencyId>,
    pub leadership: Option<bool>,
    /// 1 to 200; default 50.
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// List official accounts in the order they were added.
#[utoipa::path(tag = "reference data", security(("bearer" = [])), params(ListAccountsQuery),
    responses((status = 200, body = Paged<AccountView>)))]
#[get("/accounts")]
pub async fn list_accounts(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: web::Query<ListAccountsQuery>,
) -> Result<Json<Paged<AccountView>>, ApiError> {
    caller.require(Permission::ReadReferenceData)?;
    let q = query.into_inner();
    let (limit, after) = pagination::params(q.limit, q.cursor.as_deref())?;
    let filter = AccountFilter {
        platform: q.platform.map(|p| p.as_str().to_string()),
        agency_id: q.agency_id.map(|a| a.db()),
        leadership: q.leadership,
    };
    let jur = caller.jurisdiction_id.clone();
    let page = state
        .db
        .read(move |c| {
            account::list(c, &jur, &filter, after.as_deref(), limit).map_err(ServiceError::from)
        })
        .await?;
    Ok(Json(Paged::from_page(page, AccountView::from)))
}
