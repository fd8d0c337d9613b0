//! A keyed rate: so many requests per key in a window, refilled evenly (governor's GCRA).

use std::hash::Hash;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::ServiceError;

/// `count` requests per key in `window`; none when `count` is 0 (the limit is off).
pub struct Rate<K: Hash + Eq + Clone> {
    limiter: Option<DefaultKeyedRateLimiter<K>>,
    what: &'static str,
}

impl<K: Hash + Eq + Clone> Rate<K> {
    pub fn per(count: u32, window: Duration, what: &'static str) -> Rate<K> {
        let limiter = NonZeroU32::new(count).and_then(|n| {
            let quota = Quota::with_period(window / n.get())?.allow_burst(n);
            Some(RateLimiter::keyed(quota))
        });
        Rate { limiter, what }
    }

    /// For counting failures: the `count`-th failure in `window` finds the allowance used up
    /// (the first `count - 1` take it; at least one always does).
    pub fn failures(count: u32, window: Duration, what: &'static str) -> Rate<K> {
        let limiter = NonZeroU32::new(count).and_then(|n| {
            let burst = NonZeroU32::new(n.get() - 1).unwrap_or(NonZeroU32::MIN);
            let quota = Quota::with_period(window / n.get())?.allow_burst(burst);
            Some(RateLimiter::keyed(quota))
        });
        Rate { limiter, what }
    }

    /// Takes one request of `key`'s allowance, or says how long until there is one.
    pub fn take(&self, key: &K) -> Result<(), Duration> {
        match &self.limiter {
            Some(l) => l
                .check_key(key)
                .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now())),
            None => Ok(()),
        }
    }

    /// [`Rate::take`], refused as 429 `too_many_requests`.
    pub fn check(&self, key: &K) -> Result<(), ServiceError> {
        self.take(key)
            .map_err(|wait| ServiceError::too_many(format!("too many {}", self.what), wait))
    }

    pub fn tidy(&self) {
        if let Some(l) = &self.limiter {
            l.retain_recent();
            l.shrink_to_fit();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_allowance_is_per_key_and_says_how_long_to_wait() {
        let rate: Rate<&str> = Rate::per(3, Duration::from_secs(60), "tries");
        for _ in 0..3 {
            assert!(rate.take(&"a").is_ok());
        }
        let wait = rate.take(&"a").unwrap_err();
        assert!(wait > Duration::from_secs(15) && wait <= Duration::from_secs(20));
        assert!(rate.take(&"b").is_ok(), "another key has its own allowance");
        let failures: Rate<&str> = Rate::failures(3, Duration::from_secs(60), "failures");
        assert!(failures.take(&"a").is_ok() && failures.take(&"a").is_ok());
        assert!(
            failures.take(&"a").is_err(),
            "the third failure finds none left"
        );
        let off: Rate<&str> = Rate::per(0, Duration::from_secs(60), "tries");
        assert!((0..1000).all(|_| off.take(&"a").is_ok()));
    }
}
