//! Sign-in throttling: failed attempts are counted per username and per client address; when
//! either has used its allowance, attempts are refused (429) without checking the password until
//! it refills. Password hashes (argon2id, 19 MiB each) run a few at a time, so a flood can
//! neither exhaust memory nor take the blocking threads other requests need.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tokio::sync::{Semaphore, SemaphorePermit};

use super::Rate;
use crate::config::Settings;
use crate::error::ServiceError;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Who {
    User(String),
    Address(IpAddr),
}

pub struct SignInGuard {
    per_user: Rate<String>,
    per_address: Rate<IpAddr>,
    /// Keys that used their allowance, and until when.
    blocked: Mutex<HashMap<Who, Instant>>,
    hashes: Semaphore,
}

impl SignInGuard {
    pub fn new(s: &Settings) -> SignInGuard {
        let window = Duration::from_secs(60 * s.sign_in_window_minutes);
        SignInGuard {
            per_user: Rate::failures(s.sign_in_failures_per_user, window, "failed sign-ins"),
            per_address: Rate::failures(s.sign_in_failures_per_address, window, "failed sign-ins"),
            blocked: Mutex::new(HashMap::new()),
            hashes: Semaphore::new(s.password_hashes),
        }
    }

    fn keys(username: &str, address: Option<IpAddr>) -> impl Iterator<Item = Who> {
        std::iter::once(Who::User(username.to_string())).chain(address.map(Who::Address))
    }

    /// Refuses an attempt while the username or the address is blocked.
    pub fn admit(&self, username: &str, address: Option<IpAddr>) -> Result<(), ServiceError> {
        let now = Instant::now();
        let blocked = self.blocked.lock().unwrap_or_else(|p| p.into_inner());
        let until = Self::keys(username, address)
            .filter_map(|k| blocked.get(&k).copied())
            .filter(|t| *t > now)
            .max();
        match until {
            Some(t) => Err(ServiceError::too_many(
                "too many failed sign-ins; wait before trying again",
                t - now,
            )),
            None => Ok(()),
        }
    }

    /// Counts a failed attempt against the username and the address; the one that uses up an
    /// allowance (the N-th in the window) blocks its key until the allowance has room again.
    pub fn failed(&self, username: &str, address: Option<IpAddr>) {
        let now = Instant::now();
        let mut blocked = self.blocked.lock().unwrap_or_else(|p| p.into_inner());
        for key in Self::keys(username, address) {
            let taken = match &key {
                Who::User(u) => self.per_user.take(u),
                Who::Address(a) => self.per_address.take(a),
            };
            if let Err(wait) = taken {
                blocked.insert(key, now + wait);
            }
        }
    }

    /// A turn to hash a password: waits while the most allowed run at once.
    pub async fn hashing(&self) -> Result<SemaphorePermit<'_>, ServiceError> {
        self.hashes
            .acquire()
            .await
            .map_err(|_| ServiceError::Unavailable("the server is shutting down".into()))
    }

    pub fn tidy(&self) {
        let now = Instant::now();
        self.blocked
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|_, until| *until > now);
        self.per_user.tidy();
        self.per_address.tidy();
    }
}
