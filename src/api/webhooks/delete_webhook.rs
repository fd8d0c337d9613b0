use actix_web::{delete, web, HttpResponse};

use super::WebhookView;
use crate::api::extract::ClientAddr;
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::webhook;
use crate::domain::policy::Permission;
use crate::error::ServiceError;
use crate::service::audit::{self, Change, Who};
use crate::state::AppState;

/// Remove a webhook with its delivery log (admin); pending deliveries are dropped.
#[utoipa::path(tag = "webhooks", security(("bearer" = [])), params(("id" = String, Path, format = Uuid)), responses(
    (status = 204, description = "Removed"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
))]
#[delete("/webhooks/{id}")]
pub async fn delete_webhook(
    state: web::Data<AppState>,
    caller: AuthUser,
    from: ClientAddr,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageWebhooks)?;
    let jur = caller.jurisdiction_id.clone();
    let id = id.into_inner().to_string();
    audit::write(&state, Who::of(&caller, from.0), move |c| {
        let before = webhook::find(c, &jur, &id)?
            .ok_or_else(|| ServiceError::not_found("there is no webhook with this id"))?;
        webhook::delete(c, &jur, &id)?;
        let change =
            Change::new("webhook.delete", "webhook", &id).before(&WebhookView::from(before));
        Ok(((), change))
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
