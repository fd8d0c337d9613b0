//! Delivering the outbox: every pending delivery whose time has come is POSTed to its webhook
//! as JSON, signed with the webhook's secret; a 2xx answer delivers it, anything else (or no
//! answer) schedules a retry with exponential backoff until the retry period runs out.
//!
//! Deliveries are claimed with a lease (their next attempt moved past the send timeout) in a
//! transaction of their own, so an instance that dies mid-send leaves them to be taken again
//! when the lease ends: at least once, never lost. Receivers de-duplicate by
//! `X-Aduan-Delivery`.

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

/// `sha256=<hex HMAC-SHA256 of body with secret>`: the `X-Aduan-Signature` header.
pub fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any size");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
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
    let client = awc::Client::builder()
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
        async move {
            let outcome = match &hook {
                Some(w) if w.active => send(client, w, &d).await,
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

async fn send(client: &awc::Client, w: &Webhook, d: &Delivery) -> Outcome {
    let body = d.payload.clone().into_bytes();
    let request = client
        .post(&w.url)
        .insert_header(("Content-Type", "application/json"))
        .insert_header(("X-Aduan-Event", d.event.as_str()))
        .insert_header(("X-Aduan-Delivery", d.id.as_str()))
        .insert_header(("X-Aduan-Signature", signature(&w.secret, &body)));
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
    fn signature_is_hmac_sha256_hex() {
        // RFC 4231 test case 2.
        assert_eq!(
            signature("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
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
