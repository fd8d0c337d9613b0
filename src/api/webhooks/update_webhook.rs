use crate::api::extract::Body;
use actix_web::{patch, web, web::Json};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{check_destination, check_events, check_secret, check_url, WebhookView};
use crate::api::extract::ClientAddr;
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::webhook::{self, WebhookChanges};
use crate::domain::policy::Permission;
use crate::error::ServiceError;
use crate::service::audit::{self, Change, Who};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateWebhook {
    pub url: Option<String>,
    pub secret: Option<String>,
    pub events: Option<Vec<String>>,
    /// A paused webhook gets no new deliveries; pending ones wait until it is active again.
    pub active: Option<bool>,
}

/// Change a webhook (admin).
#[utoipa::path(tag = "webhooks", security(("bearer" = [])), params(("id" = String, Path, format = Uuid)), request_body = UpdateWebhook, responses(
    (status = 200, body = WebhookView),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[patch("/webhooks/{id}")]
pub async fn update_webhook(
    state: web::Data<AppState>,
    caller: AuthUser,
    from: ClientAddr,
    id: web::Path<uuid::Uuid>,
    body: Body<UpdateWebhook>,
) -> Result<Json<WebhookView>, ApiError> {
    caller.require(Permission::ManageWebhooks)?;
    let b = body.into_inner();
    if let Some(url) = &b.url {
        check_destination(&state, &check_url(url)?).await?;
    }
    let changes = WebhookChanges {
        url: b.url.as_deref().map(check_url).transpose()?,
        secret: b.secret.as_deref().map(check_secret).transpose()?,
        events: b.events.as_deref().map(check_events).transpose()?,
        active: b.active,
        updated_at: Some(crate::db::now()),
    };
    let jur = caller.jurisdiction_id.clone();
    let id = id.into_inner().to_string();
    let secret_changed = changes.secret.is_some();
    let row = audit::write(&state, Who::of(&caller, from.0), move |c| {
        let missing = || ServiceError::not_found("there is no webhook with this id");
        let before = webhook::find(c, &jur, &id)?.ok_or_else(missing)?;
        webhook::update(c, &id, &changes)?;
        let row = webhook::find(c, &jur, &id)?.ok_or_else(missing)?;
        let mut change = Change::new("webhook.update", "webhook", &id)
            .before(&WebhookView::from(before))
            .after(&WebhookView::from(row.clone()));
        if let Some(after) = change.after.as_mut().and_then(|a| a.as_object_mut()) {
            after.insert("secret_changed".into(), secret_changed.into());
        }
        Ok((row, change))
    })
    .await?;
    Ok(Json(WebhookView::from(row)))
}
