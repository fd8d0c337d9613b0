//! Webhooks: `/api/v1/webhooks` — admins register receivers of ticket events and read each
//! one's delivery log. Deliveries are signed with the webhook's secret (see `crate::jobs::webhooks`).
//!
//! SSRF caveat: aduan POSTs to whatever http(s) URL an admin registers, from inside the
//! network it runs in. Only admins may register, and the URL must be http or https; put aduan
//! behind an egress proxy or firewall if internal addresses must be out of reach.

mod create_webhook;
mod delete_webhook;
mod list_deliveries;
mod list_webhooks;
mod retry_delivery;
mod update_webhook;

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

pub use create_webhook::CreateWebhook;
pub use list_deliveries::DeliveriesQuery;
pub use update_webhook::UpdateWebhook;

use crate::db::models::webhook::{Delivery, Webhook};
use crate::domain::reference::check_http_url;
use crate::error::ServiceError;
use crate::state::AppState;

/// A registered receiver (its secret is never shown again).
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookView {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(example = "https://dashboard.subang.go.id/hooks/aduan")]
    pub url: String,
    /// Event names, or `["*"]` for all.
    #[schema(example = json!(["routed", "closed", "sla_breached"]))]
    pub events: Vec<String>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Webhook> for WebhookView {
    fn from(w: Webhook) -> Self {
        WebhookView {
            id: w.id,
            url: w.url,
            events: w.events.split(',').map(str::to_string).collect(),
            active: w.active,
            created_at: w.created_at.and_utc(),
            updated_at: w.updated_at.and_utc(),
        }
    }
}

/// One event sent (or to be sent) to one webhook.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryView {
    /// Also the `X-Aduan-Delivery` header: receivers de-duplicate by it.
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(example = "routed")]
    pub event: String,
    #[schema(format = Uuid)]
    pub ticket_id: String,
    /// `pending` (waiting for its next attempt), `delivered`, or `failed` (retried for the
    /// whole retry period without a 2xx answer).
    #[schema(example = "delivered")]
    pub state: String,
    pub attempts: i32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// The receiver's last HTTP status.
    pub response_status: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    /// The JSON body as sent.
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
}

impl From<Delivery> for DeliveryView {
    fn from(d: Delivery) -> Self {
        DeliveryView {
            next_attempt_at: (d.state == "pending").then(|| d.next_attempt_at.and_utc()),
            id: d.id,
            event: d.event,
            ticket_id: d.ticket_id,
            state: d.state,
            attempts: d.attempts,
            last_attempt_at: d.last_attempt_at.map(|t| t.and_utc()),
            response_status: d.response_status,
            last_error: d.last_error,
            created_at: d.created_at.and_utc(),
            delivered_at: d.delivered_at.map(|t| t.and_utc()),
            payload: serde_json::from_str(&d.payload).unwrap_or_default(),
        }
    }
}

/// A webhook URL: http or https only.
pub fn check_url(raw: &str) -> Result<String, ServiceError> {
    let url = check_http_url(raw.trim()).map_err(|m| ServiceError::invalid("url", m))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(ServiceError::invalid(
            "url",
            "must not carry a user name or password; use the secret to authenticate",
        ));
    }
    Ok(url.to_string())
}

/// A receiver aduan may reach: its host (an address, or a name resolved now) is outside
/// private and local networks, unless `ADUAN_WEBHOOK_ALLOW_NETS` opens them.
pub async fn check_destination(state: &AppState, url: &str) -> Result<(), ServiceError> {
    let parsed = url::Url::parse(url).map_err(|e| ServiceError::invalid("url", e.to_string()))?;
    let host = parsed.host_str().unwrap_or_default();
    let port = parsed.port_or_known_default().unwrap_or(80);
    state
        .limits
        .webhooks
        .resolve(host, port)
        .await
        .map(|_| ())
        .map_err(|m| ServiceError::invalid("url", m))
}

/// A new Standard Webhooks secret: `whsec_` and 24 random bytes in base64.
pub fn new_secret() -> String {
    use base64::Engine;
    let bytes: [u8; 24] = rand::random();
    format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

/// A signing secret: 16 to 256 characters.
pub fn check_secret(raw: &str) -> Result<String, ServiceError> {
    let n = raw.chars().count();
    if !(16..=256).contains(&n) {
        return Err(ServiceError::invalid(
            "secret",
            "must have 16 to 256 characters",
        ));
    }
    Ok(raw.to_string())
}

/// Event names: known ones, or `*` alone.
pub fn check_events(events: &[String]) -> Result<String, ServiceError> {
    if events.is_empty() {
        return Err(ServiceError::invalid(
            "events",
            "must name at least one event, or \"*\"",
        ));
    }
    if events.iter().any(|e| e == "*") {
        if events.len() > 1 {
            return Err(ServiceError::invalid("events", "\"*\" stands alone"));
        }
        return Ok("*".to_string());
    }
    let known = crate::service::journal::events();
    let mut out: Vec<&str> = Vec::new();
    for e in events {
        match known.iter().find(|k| **k == e.as_str()) {
            Some(k) if !out.contains(k) => out.push(k),
            Some(_) => {}
            None => {
                return Err(ServiceError::invalid(
                    "events",
                    format!("'{e}' is not an event; events are {}", known.join(", ")),
                ))
            }
        }
    }
    Ok(out.join(","))
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_webhooks::list_webhooks)
        .service(create_webhook::create_webhook)
        .service(list_webhooks::get_webhook)
        .service(update_webhook::update_webhook)
        .service(delete_webhook::delete_webhook)
        .service(list_deliveries::list_deliveries)
        .service(retry_delivery::retry_delivery);
}
