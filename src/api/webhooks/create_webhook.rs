use actix_web::http::header;
use actix_web::{post, web, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{check_events, check_secret, check_url, WebhookView};
use crate::api::problem::Problem;
use crate::api::ApiError;
use crate::auth::AuthUser;
use crate::db::models::webhook::{self, Webhook};
use crate::domain::policy::Permission;
use crate::error::ServiceError;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhook {
    /// http or https.
    #[schema(example = "https://dashboard.subang.go.id/hooks/aduan")]
    pub url: String,
    /// Signs every delivery: `X-Aduan-Signature: sha256=<hex HMAC-SHA256 of the body>`.
    #[schema(example = "a-long-random-shared-secret")]
    pub secret: String,
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

/// Register a webhook (admin). Events from now on are delivered to it.
#[utoipa::path(tag = "webhooks", security(("bearer" = [])), request_body = CreateWebhook, responses(
    (status = 201, body = WebhookView),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[post("/webhooks")]
pub async fn create_webhook(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: web::Json<CreateWebhook>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ManageWebhooks)?;
    let b = body.into_inner();
    let url = check_url(&b.url)?;
    let secret = check_secret(&b.secret)?;
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
    state
        .db
        .write(move |c| webhook::insert(c, &saved).map_err(ServiceError::from))
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/webhooks/{}", row.id)))
        .json(WebhookView::from(row)))
}
