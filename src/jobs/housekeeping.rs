//! Housekeeping: every minute, rate-limit keys whose allowance is full again are forgotten (so
//! the limits' memory follows the clients active now); every hour, signed-out tokens that have
//! expired anyway and idempotency keys older than a day are forgotten, and uploads nothing uses are swept after their grace period
//! (`service::uploads::sweep`). Safe in every instance: a sweep
//! deletes only what no row names, in one statement.

use std::time::Duration;

use crate::state::AppState;

pub async fn run(state: AppState) {
    let mut every = tokio::time::interval(Duration::from_secs(60));
    let grace = Duration::from_secs(3600 * state.settings.orphan_grace_hours);
    for minute in 0u64.. {
        every.tick().await;
        state.limits.tidy();
        if minute % 60 == 5 {
            let db = state.db.clone();
            let forgotten = db
                .write(|c| {
                    let now = crate::db::now();
                    crate::db::models::revoked_token::forget_expired(c, now)?;
                    crate::db::models::idempotency_key::forget_expired(c, now)
                        .map_err(crate::db::DbError::from)
                })
                .await;
            if let Err(e) = forgotten {
                tracing::warn!(error = %e, "could not forget expired tokens and idempotency keys");
            }
            match crate::service::uploads::sweep(&state, grace).await {
                Ok(s) if s != Default::default() => tracing::info!(
                    staged = s.staged,
                    attachments = s.attachments,
                    blobs = s.blobs,
                    "removed unused uploads"
                ),
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "the upload sweep failed; it runs again in an hour")
                }
            }
        }
    }
}
