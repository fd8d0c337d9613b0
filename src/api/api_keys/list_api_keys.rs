use actix_web::{get, web, web::Json};
use serde::Deserialize;
use utoipa::IntoParams;

use super::ApiKeyView;
use crate::api::pagination::{self, Paged};
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::api_key;
use crate::domain::policy::Permission;
use crate::error::ServiceError;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListApiKeysQuery {
    /// Include revoked keys (default: live keys only).
    #[serde(default)]
    pub include_revoked: bool,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// The jurisdiction's API keys, newest first (admin). Keys themselves are never shown again.
#[utoipa::path(tag = "api keys", security(("bearer" = [])), params(ListApiKeysQuery), responses(
    (status = 200, body = Paged<ApiKeyView>),
    (status = 403, body = Problem, content_type = "application/problem+json"),
))]
#[get("/api-keys")]
pub async fn list_api_keys(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: web::Query<ListApiKeysQuery>,
) -> Result<Json<Paged<ApiKeyView>>, ApiError> {
    caller.require(Permission::ManageApiKeys)?;
    let q = query.into_inner();
    let (limit, before) = pagination::params(q.limit, q.cursor.as_deref())?;
    let jur = caller.jurisdiction_id.clone();
    let page = state
        .db
        .read(move |c| {
            api_key::list(c, &jur, q.include_revoked, before.as_deref(), limit)
                .map_err(ServiceError::from)
        })
        .await?;
    Ok(Json(Paged::from_page(page, ApiKeyView::from)))
}

/// One API key (admin).
#[utoipa::path(tag = "api keys", security(("bearer" = [])), params(("id" = String, Path, format = Uuid)), responses(
    (status = 200, body = ApiKeyView),
    (status = 404, body = Problem, content_type = "application/problem+json"),
))]
#[get("/api-keys/{id}")]
pub async fn get_api_key(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<uuid::Uuid>,
) -> Result<Json<ApiKeyView>, ApiError> {
    caller.require(Permission::ManageApiKeys)?;
    let jur = caller.jurisdiction_id.clone();
    let id = id.into_inner().to_string();
    let row = state
        .db
        .read(move |c| api_key::find(c, &jur, &id).map_err(ServiceError::from))
        .await?
        .ok_or_else(|| ServiceError::not_found("there is no API key with this id"))?;
    Ok(Json(row.into()))
}
