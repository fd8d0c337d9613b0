//! Where aduan may send requests of its own (webhook deliveries): not to the machine itself
//! nor into private networks, unless `ADUAN_WEBHOOK_ALLOW_NETS` opens them. A receiver is
//! checked when it is registered and again at every delivery, on the addresses its name
//! resolves to then — and the delivery connects to exactly those addresses (no DNS rebinding
//! between the check and the connection).

use std::net::{IpAddr, SocketAddr};
use std::sync::LazyLock;

use ipnet::IpNet;

/// Networks no webhook reaches by default: this host, private and shared networks, link-local
/// (cloud metadata at 169.254.169.254), multicast, broadcast and the unspecified address.
static CLOSED: LazyLock<Vec<IpNet>> = LazyLock::new(|| {
    [
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.168.0.0/16",
        "198.18.0.0/15",
        "224.0.0.0/4",
        "240.0.0.0/4",
        "::/128",
        "::1/128",
        "64:ff9b:1::/48",
        "fc00::/7",
        "fe80::/10",
        "ff00::/8",
    ]
    .iter()
    .filter_map(|n| n.parse().ok())
    .collect()
});

/// The networks webhooks may reach.
#[derive(Debug, Clone, Default)]
pub struct Destinations {
    /// Opened on purpose (on-premises receivers).
    allow: Vec<IpNet>,
}

impl Destinations {
    pub fn new(allow: Vec<IpNet>) -> Destinations {
        Destinations { allow }
    }

    /// Refuses an address in a closed network that was not opened.
    pub fn check(&self, ip: IpAddr) -> Result<(), String> {
        // An IPv4 address written as IPv6 (::ffff:10.0.0.1) is that IPv4 address.
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
            v4 => v4,
        };
        if self.allow.iter().any(|n| n.contains(&ip)) {
            return Ok(());
        }
        match CLOSED.iter().find(|n| n.contains(&ip)) {
            Some(net) => Err(format!(
                "{ip} is in {net}, a private or local network; open it with ADUAN_WEBHOOK_ALLOW_NETS"
            )),
            None => Ok(()),
        }
    }

    /// The addresses `host` resolves to now, every one of them checked.
    pub async fn resolve(&self, host: &str, port: u16) -> Result<Vec<SocketAddr>, String> {
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = host.parse::<IpAddr>() {
            self.check(ip)?;
            return Ok(vec![SocketAddr::new(ip, port)]);
        }
        let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
            .await
            .map_err(|e| format!("{host} cannot be resolved: {e}"))?
            .collect();
        if addrs.is_empty() {
            return Err(format!("{host} has no address"));
        }
        // One closed address is enough to refuse: a name that points inward is not a receiver.
        for a in &addrs {
            self.check(a.ip())
                .map_err(|m| format!("{host} resolves to {m}"))?;
        }
        Ok(addrs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inward_addresses_are_closed_unless_opened() {
        let d = Destinations::default();
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.20.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "224.0.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "ff02::1",
            "::ffff:10.0.0.1",
        ] {
            assert!(d.check(ip.parse().unwrap()).is_err(), "{ip}");
        }
        for ip in ["8.8.8.8", "103.10.20.30", "2001:4860:4860::8888"] {
            assert!(d.check(ip.parse().unwrap()).is_ok(), "{ip}");
        }
        let opened =
            Destinations::new(crate::limits::parse_nets("127.0.0.0/8,10.0.0.0/8").unwrap());
        assert!(opened.check("127.0.0.1".parse().unwrap()).is_ok());
        assert!(opened.check("10.9.9.9".parse().unwrap()).is_ok());
        assert!(opened.check("192.168.1.1".parse().unwrap()).is_err());
    }

    #[tokio::test]
    async fn names_are_checked_on_what_they_resolve_to() {
        let d = Destinations::default();
        assert!(d.resolve("localhost", 80).await.is_err());
        assert!(d.resolve("[::1]", 80).await.is_err());
        let opened = Destinations::new(crate::limits::parse_nets("127.0.0.0/8,::1/128").unwrap());
        assert!(opened.resolve("localhost", 80).await.is_ok());
    }
}
