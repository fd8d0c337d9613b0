//! Housekeeping, every minute: rate-limit keys whose allowance is full again are forgotten, so
//! the limits' memory follows the clients that are active now.

use std::time::Duration;

use crate::state::AppState;

pub async fn run(state: AppState) {
    let mut every = tokio::time::interval(Duration::from_secs(60));
    loop {
        every.tick().await;
        state.limits.tidy();
    }
}
