//! Delivering the outbox: every pending delivery whose time has come is POSTed to its webhook
//! as JSON, signed the Standard Webhooks way (`webhook-id`, `webhook-timestamp`,
//! `webhook-signature`) with the webhook's secret; a 2xx answer delivers it, anything else (or no
//! answer) schedules a retry with exponential backoff until the retry period runs out. Only
//! receivers outside private and local networks are reached (`limits::outbound`), on the
//! addresses checked, and redirects are not followed.
//!
//! Deliveries are claimed with a lease (their next attempt moved past the send timeout) in a
//! transaction of their own, so an instance that dies mid-send leaves them to be taken again
//! when the lease ends: at least once, never lost. Receivers de-duplicate by `webhook-id`
//! and refuse replays by `webhook-timestamp`.

use std::collections::HashMap;
use std::time::Duration;

use chrono::NaiveDateTime;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::db::models::webhook::{self, Delivery, Webhook};
use crate::error::ServiceError;
use crate::state::AppState;

/// Deliveries claimed per round.
const BATCH: i64 = 32;
/// The longest wait between two attempts.
const MAX_DELAY: Duration = Duration::from_secs(6 * 3600);

/// The HMAC key of a secret: a Standard Webhooks secret (`whsec_<base64>`) is its decoded
/// bytes; any other secret is its UTF-8 bytes.
pub fn signing_key(secret: &str) -> Vec<u8> {
    use base64::Engine;
    secret
        .strip_prefix("whsec_")
        .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
        .unwrap_or_else(|| secret.as_bytes().to_vec())
}

/// The `webhook-signature` header of Standard Webhooks: `v1,<base64 HMAC-SHA256 of
/// "id.timestamp.body">`.
pub fn signature(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> String {
    use base64::Engine;
    let mut mac =
        Hmac::<Sha256>::new_from_slice(&signing_key(secret)).expect("HMAC takes a key of any size");
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body);
    let digest = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    format!("v1,{digest}")
}

/// The resolver of webhook deliveries: `Destinations::resolve`, for awc's connector.
pub struct CheckedResolver(pub crate::limits::Destinations);

impl actix_tls::connect::Resolve for CheckedResolver {
    fn lookup<'a>(
        &'a self,
        host: &'a str,
        port: u16,
    ) -> futures_util::future::LocalBoxFuture<
        'a,
        Result<Vec<std::net::SocketAddr>, Box<dyn std::error::Error>>,
    > {
        Box::pin(async move { self.0.resolve(host, port).await.map_err(Into::into) })
    }
}

/// The wait after the `attempts`-th failed attempt: `base`, then doubling, at most six hours.
pub fn retry_delay(base: Duration, attempts: i32) -> Duration {
    let doublings = attempts.clamp(1, 30) as u32 - 1;
    base.saturating_mul(2u32.saturating_pow(doublings))
        .min(MAX_DELAY)
}

/// Runs the sender until the process ends: a round whenever a request wrote to the outbox, or
/// every `webhook_poll_ms` (for rows written by other instances, and retries).
pub async fn run(state: AppState) {
    let poll = Duration::from_millis(state.settings.webhook_poll_ms);
    loop {
        match deliver_due(&state).await {
            // A full batch: more may be waiting.
            Ok(n) if n as i64 == BATCH => continue,
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "webhook round failed; it will be repeated"),
        }
        let _ = tokio::time::timeout(poll, state.outbox.notified()).await;
    }
}

/// The outcome of one attempt.
struct Outcome {
    status: Option<u16>,
    error: Option<String>,
}

/// One round: claims the deliveries due now and sends them side by side. Gives how many were
/// claimed.
pub async fn deliver_due(state: &AppState) -> Result<usize, ServiceError> {
    let timeout = Duration::from_millis(state.settings.webhook_timeout_ms);
    let now = crate::db::now();
    // The lease: longer than an attempt can take, so no two senders hold a row at once.
    let lease_until = now + chrono::Duration::from_std(timeout * 2).unwrap_or_default();
    let (claimed, hooks) = state
        .db
        .write(move |c| {
            let claimed = webhook::claim_due(c, now, lease_until, BATCH)?;
            let mut hooks: HashMap<String, Webhook> = HashMap::new();
            for d in &claimed {
                if !hooks.contains_key(&d.webhook_id) {
                    if let Some(w) = webhook::find_any(c, &d.webhook_id)? {
                        hooks.insert(w.id.clone(), w);
                    }
                }
            }
            Ok::<_, ServiceError>((claimed, hooks))
        })
        .await?;
    let n = claimed.len();
    if n == 0 {
        return Ok(0);
    }
    let resolver =
        actix_tls::connect::Resolver::custom(CheckedResolver(state.limits.webhooks.clone()));
    let connector =
        awc::Connector::new().connector(actix_tls::connect::Connector::new(resolver).service());
    let client = awc::Client::builder()
        .connector(connector)
        .timeout(timeout)
        .disable_redirects()
        .add_default_header((
            "User-Agent",
            concat!("aduan-webhooks/", env!("CARGO_PKG_VERSION")),
        ))
        .finish();
    let sends = claimed.into_iter().map(|d| {
        let hook = hooks.get(&d.webhook_id).cloned();
        let client = &client;
        let destinations = &state.limits.webhooks;
        async move {
            let outcome = match &hook {
                Some(w) if w.active => send(client, destinations, w, &d).await,
                Some(_) => Outcome {
                    status: None,
                    error: Some("the webhook is paused".into()),
                },
                None => Outcome {
                    status: None,
                    error: Some("the webhook was deleted".into()),
                },
            };
            (d, outcome)
        }
    });
    let results = futures_util::future::join_all(sends).await;
    let base = Duration::from_millis(state.settings.webhook_retry_base_ms);
    let give_up_after = chrono::Duration::hours(state.settings.webhook_retry_hours as i64);
    state
        .db
        .write(move |c| {
            let at = crate::db::now();
            for (d, o) in results {
                record(c, &d, o, at, base, give_up_after)?;
            }
            Ok::<_, ServiceError>(())
        })
        .await?;
    Ok(n)
}

fn record(
    c: &mut crate::db::DbConnection,
    d: &Delivery,
    o: Outcome,
    at: NaiveDateTime,
    base: Duration,
    give_up_after: chrono::Duration,
) -> Result<(), ServiceError> {
    let attempts = d.attempts + 1;
    let ok = o.status.is_some_and(|s| (200..300).contains(&s));
    let next = at + chrono::Duration::from_std(retry_delay(base, attempts)).unwrap_or_default();
    let state = if ok {
        "delivered"
    } else if next - d.created_at > give_up_after {
        "failed"
    } else {
        "pending"
    };
    let error = if ok {
        None
    } else {
        o.error
            .or_else(|| o.status.map(|s| format!("the receiver answered {s}")))
    };
    webhook::record_attempt(
        c,
        &d.id,
        state,
        attempts,
        at,
        next,
        o.status.map(i32::from),
        error,
    )?;
    Ok(())
}

async fn send(
    client: &awc::Client,
    destinations: &crate::limits::Destinations,
    w: &Webhook,
    d: &Delivery,
) -> Outcome {
    // A receiver named by its address is checked here (the resolver sees only names).
    if let Ok(url) = url::Url::parse(&w.url) {
        if let Some(url::Host::Ipv4(_) | url::Host::Ipv6(_)) = url.host() {
            let host = url.host_str().unwrap_or_default();
            if let Err(e) = destinations
                .resolve(host, url.port_or_known_default().unwrap_or(80))
                .await
            {
                return Outcome {
                    status: None,
                    error: Some(format!("not sent: {e}")),
                };
            }
        }
    }
    let body = d.payload.clone().into_bytes();
    let timestamp = chrono::Utc::now().timestamp();
    let request = client
        .post(&w.url)
        .insert_header(("Content-Type", "application/json"))
        .insert_header(("X-Aduan-Event", d.event.as_str()))
        .insert_header(("webhook-id", d.id.as_str()))
        .insert_header(("webhook-timestamp", timestamp.to_string()))
        .insert_header((
            "webhook-signature",
            signature(&w.secret, &d.id, timestamp, &body),
        ));
    match request.send_body(body).await {
        Ok(mut response) => {
            // Read (a little of) the answer so the connection can be reused.
            let _ = response.body().limit(64 * 1024).await;
            Outcome {
                status: Some(response.status().as_u16()),
                error: None,
            }
        }
        Err(e) => Outcome {
            status: None,
            error: Some(e.to_string()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_follow_standard_webhooks() {
        // The example of the Standard Webhooks specification.
        assert_eq!(
            signature(
                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                1614265330,
                br#"{"test": 2432232314}"#
            ),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
        // A secret of our own form is its bytes.
        assert_eq!(signing_key("a-shared-secret"), b"a-shared-secret");
    }

    #[test]
    fn retries_double_up_to_six_hours_and_span_a_day() {
        let base = Duration::from_secs(30);
        assert_eq!(retry_delay(base, 1), Duration::from_secs(30));
        assert_eq!(retry_delay(base, 2), Duration::from_secs(60));
        assert_eq!(retry_delay(base, 5), Duration::from_secs(480));
        assert_eq!(retry_delay(base, 12), MAX_DELAY);
        assert_eq!(retry_delay(base, 1000), MAX_DELAY);
        // With the defaults, the attempts within 25 hours reach past 24 hours.
        let mut elapsed = Duration::ZERO;
        let mut attempts = 0;
        while elapsed < Duration::from_secs(25 * 3600) {
            attempts += 1;
            elapsed += retry_delay(base, attempts);
        }
        assert!(attempts >= 12, "{attempts} attempts");
    }
}
