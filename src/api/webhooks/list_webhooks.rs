use actix_web::{get, web, web::Json};

use super::WebhookView;
use crate::api::pagination::Paged;
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::webhook;
use crate::domain::policy::Permission;
use crate::error::ServiceError;
use crate::state::AppState;

/// The jurisdiction's webhooks (admin).
#[utoipa::path(tag = "webhooks", security(("bearer" = [])), responses((status = 200, body = Paged<WebhookView>)))]
#[get("/webhooks")]
pub async fn list_webhooks(
    state: web::Data<AppState>,
    caller: AuthUser,
) -> Result<Json<Paged<WebhookView>>, ApiError> {
    caller.require(Permission::ManageWebhooks)?;
    let jur = caller.jurisdiction_id.clone();
    let rows = state
        .db
        .read(move |c| webhook::list(c, &jur).map_err(ServiceError::from))
        .await?;
    Ok(Json(Paged {
        items: rows.into_iter().map(WebhookView::from).collect(),
        next_cursor: None,
    }))
}

/// One webhook (admin).
#[utoipa::path(tag = "webhooks", security(("bearer" = [])), params(("id" = String, Path, format = Uuid)), responses(
    (status = 200, body = WebhookView),
    (status = 404, body = Problem, content_type = "application/problem+json"),
))]
#[get("/webhooks/{id}")]
pub async fn get_webhook(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<uuid::Uuid>,
) -> Result<Json<WebhookView>, ApiError> {
    caller.require(Permission::ManageWebhooks)?;
    let jur = caller.jurisdiction_id.clone();
    let id = id.into_inner().to_string();
    let row = state
        .db
        .read(move |c| webhook::find(c, &jur, &id).map_err(ServiceError::from))
        .await?
        .ok_or_else(|| ServiceError::not_found("there is no webhook with this id"))?;
    Ok(Json(WebhookView::from(row)))
}
