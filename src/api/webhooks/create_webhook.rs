use crate::api::extract::Body;
use actix_web::http::header;
use actix_web::{post, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{check_destination, check_events, check_secret, check_url, new_secret, WebhookView};
use crate::api::extract::ClientAddr;
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::webhook::{self, Webhook};
use crate::domain::policy::Permission;
use crate::service::audit::{self, Change, Who};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhook {
    /// http or https.
    #[schema(example = "https://dashboard.subang.go.id/hooks/aduan")]
    pub url: String,
    /// Signs every delivery the Standard Webhooks way (`webhook-signature: v1,<base64 HMAC-SHA256
    /// of "id.timestamp.body">`). A `whsec_<base64>` secret signs with its decoded bytes, any
    /// other with its UTF-8 bytes. Leave it out to have one made: it is then in this answer, and
    /// never shown again.
    #[schema(example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    pub secret: Option<String>,
    /// Event names (`filed`, `routed`, `returned`, `assigned`, `started`, `visited`,
    /// `resolved`, `replied`, `closed`, `reopened`, `rejected`, `referred`, `merged`, `held`,
    /// `resumed`, `sla_breached`), or `["*"]`.
    #[schema(example = json!(["routed", "closed", "sla_breached"]))]
    pub events: Vec<String>,
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

/// A new webhook, with the secret made for it (once, when none was given).
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedWebhook {
    #[serde(flatten)]
    pub webhook: WebhookView,
    /// Only when aduan made the secret; it is never shown again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

/// Register a webhook (admin). Events from now on are delivered to it.
///
/// The receiver must be outside private and local networks (loopback, RFC 1918, link-local,
/// CGNAT, multicast…) unless the server opens them with `ADUAN_WEBHOOK_ALLOW_NETS`.
#[utoipa::path(tag = "webhooks", security(("bearer" = [])), request_body = CreateWebhook, responses(
    (status = 201, body = CreatedWebhook),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[post("/webhooks")]
pub async fn create_webhook(
    state: web::Data<AppState>,
    caller: AuthUser,
    from: ClientAddr,
    body: Body<CreateWebhook>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageWebhooks)?;
    let b = body.into_inner();
    let url = check_url(&b.url)?;
    check_destination(&state, &url).await?;
    let made = b.secret.is_none();
    let secret = match &b.secret {
        Some(s) => check_secret(s)?,
        None => new_secret(),
    };
    let events = check_events(&b.events)?;
    let now = crate::db::now();
    let row = Webhook {
        id: crate::db::new_id(),
        jurisdiction_id: caller.jurisdiction_id.clone(),
        url,
        secret,
        events,
        active: b.active,
        created_by: caller.id.clone(),
        created_at: now,
        updated_at: now,
    };
    let saved = row.clone();
    audit::write(&state, Who::of(&caller, from.0), move |c| {
        webhook::insert(c, &saved)?;
        let change =
            Change::new("webhook.create", "webhook", &saved.id).after(&WebhookView::from(saved));
        Ok(((), change))
    })
    .await?;
    let shown = made.then(|| row.secret.clone());
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/webhooks/{}", row.id)))
        .json(CreatedWebhook {
            webhook: WebhookView::from(row),
            secret: shown,
        }))
}
