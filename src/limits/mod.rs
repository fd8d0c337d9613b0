//! How much one client may ask of aduan in a while: failed sign-ins per username and per
//! address, password hashes at once, public reads per address, Open311 reports per API key —
//! which address a request comes from, behind trusted proxies, and where aduan's own requests
//! (webhooks) may go. The limits are kept in this
//! instance's memory (several instances each count their own; see docs/security.md).

pub mod client;
pub mod outbound;
mod rate;
mod sign_in;

use std::net::IpAddr;
use std::time::Duration;

pub use client::{parse_nets, TrustedProxies};
pub use outbound::Destinations;
pub use rate::Rate;
pub use sign_in::SignInGuard;

use crate::config::Settings;

/// Every limit of the instance.
pub struct Limits {
    pub sign_in: SignInGuard,
    /// The public tracking page and every Open311 GET, per client address.
    pub public_reads: Rate<IpAddr>,
    /// Open311 reports (POST), per API key.
    pub open311_posts: Rate<String>,
    pub proxies: TrustedProxies,
    /// Where webhooks may be delivered.
    pub webhooks: Destinations,
}

impl Limits {
    pub fn new(s: &Settings) -> Limits {
        let minute = Duration::from_secs(60);
        Limits {
            sign_in: SignInGuard::new(s),
            public_reads: Rate::per(s.public_reads_per_minute, minute, "public reads"),
            open311_posts: Rate::per(s.open311_posts_per_minute, minute, "Open311 reports"),
            proxies: TrustedProxies::new(s.trusted_proxies.clone()),
            webhooks: Destinations::new(s.webhook_allow_nets.clone()),
        }
    }

    /// Forgets keys whose allowance is full again, so memory follows the active clients only.
    pub fn tidy(&self) {
        self.sign_in.tidy();
        self.public_reads.tidy();
        self.open311_posts.tidy();
    }
}
