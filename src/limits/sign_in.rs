//! Sign-in throttling: failed attempts are counted per username and per client address; when
//! either has used its allowance, attempts are refused (429) without checking the password until
//! it refills. Password hashes (argon2id, 19 MiB each) run a few at a time, so a flood can
//! neither exhaust memory nor take the blocking threads other requests need.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use std::sync::mpsc;

use super::Rate;
use crate::config::Settings;
use crate::error::ServiceError;

/// Attempts that may wait for a turn, per hash allowed at once.
const WAITING_PER_HASH: usize = 8;

type Job = Box<dyn FnOnce() + Send>;

fn busy() -> ServiceError {
    ServiceError::Unavailable("too many sign-ins at once; try again shortly".into())
}

/// An attempt's place (see [`SignInGuard::enter`]); given up however the attempt ends.
pub struct Place<'a>(&'a AtomicUsize);

impl Drop for Place<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// `n` threads taking hashing jobs from one queue, for the life of the process.
fn hashers(n: usize) -> mpsc::Sender<Job> {
    let (tx, rx) = mpsc::channel::<Job>();
    let rx = std::sync::Arc::new(Mutex::new(rx));
    for i in 0..n.max(1) {
        let rx = rx.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("aduan-hash-{i}"))
            .spawn(move || loop {
                let job = match rx.lock().unwrap_or_else(|p| p.into_inner()).recv() {
                    Ok(job) => job,
                    Err(_) => return,
                };
                job();
            });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "cannot start a password hashing thread");
        }
    }
    tx
}

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
    /// The threads that hash passwords: a few, always the same (so the allocator keeps the
    /// 19 MiB of a hash for a few threads only, not for every thread of the blocking pool).
    hashers: Mutex<mpsc::Sender<Job>>,
    /// Attempts waiting for a turn to hash (or hashing), and how many may.
    waiting: AtomicUsize,
    max_waiting: usize,
}

impl SignInGuard {
    pub fn new(s: &Settings) -> SignInGuard {
        let window = Duration::from_secs(60 * s.sign_in_window_minutes);
        SignInGuard {
            per_user: Rate::failures(s.sign_in_failures_per_user, window, "failed sign-ins"),
            per_address: Rate::failures(s.sign_in_failures_per_address, window, "failed sign-ins"),
            blocked: Mutex::new(HashMap::new()),
            hashers: Mutex::new(hashers(s.password_hashes)),
            waiting: AtomicUsize::new(0),
            max_waiting: s.password_hashes * WAITING_PER_HASH,
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

    /// A place among the attempts being checked: at most `ADUAN_PASSWORD_HASHES` hash at once,
    /// and eight times as many attempts are in the check (hashing or waiting their turn). Past that (a flood from many addresses) an attempt is
    /// refused at once (503, try again shortly), before any work, rather than kept waiting
    /// behind the flood.
    pub fn enter(&self) -> Result<Place<'_>, ServiceError> {
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.max_waiting {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            return Err(busy());
        }
        Ok(Place(&self.waiting))
    }

    /// Runs `hash` (a password check) on the hashing threads, in its turn.
    pub async fn hash<T: Send + 'static>(
        &self,
        _place: &Place<'_>,
        hash: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ServiceError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = tx.send(hash());
        });
        self.hashers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .send(job)
            .map_err(|_| busy())?;
        rx.await.map_err(|_| busy())
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
