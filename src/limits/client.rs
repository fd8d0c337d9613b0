//! Which address a request comes from. The direct peer, unless it is a trusted proxy
//! (`ADUAN_TRUSTED_PROXIES`): then the nearest address in `X-Forwarded-For` that is not one of
//! the proxies — the one the outermost trusted proxy saw. A client cannot choose its address by
//! sending the header itself.

use std::net::IpAddr;

use ipnet::IpNet;

/// The networks whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    pub fn new(nets: Vec<IpNet>) -> TrustedProxies {
        TrustedProxies(nets)
    }

    fn trusts(&self, ip: &IpAddr) -> bool {
        self.0.iter().any(|n| n.contains(ip))
    }

    /// The client's address, from the peer and its `X-Forwarded-For` headers (all of them, in
    /// order). `None` when there is no peer (an in-process test request).
    pub fn client(&self, peer: Option<IpAddr>, forwarded: &[&str]) -> Option<IpAddr> {
        let peer = peer.map(canonical)?;
        if !self.trusts(&peer) {
            return Some(peer);
        }
        let hops: Vec<&str> = forwarded.iter().flat_map(|h| h.split(',')).collect();
        let mut client = peer;
        for hop in hops.iter().rev() {
            match hop.trim().parse::<IpAddr>().map(canonical) {
                Ok(ip) => {
                    client = ip;
                    if !self.trusts(&ip) {
                        break;
                    }
                }
                // Garbage in the chain: stop believing it here.
                Err(_) => break,
            }
        }
        Some(client)
    }
}

/// IPv4 addresses seen through IPv6 sockets (`::ffff:1.2.3.4`) as plain IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    }
}

/// Parses a comma-separated CIDR list (a bare address is a /32 or /128).
pub fn parse_nets(raw: &str) -> Result<Vec<IpNet>, String> {
    raw.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<IpNet>()
                .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| format!("'{s}' is not a network such as 10.0.0.0/8"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let none = TrustedProxies::default();
        assert_eq!(
            none.client(Some(ip("203.0.113.9")), &["1.2.3.4"]),
            Some(ip("203.0.113.9")),
            "no proxy trusted: the header is ignored"
        );
        let proxies = TrustedProxies::new(parse_nets("10.0.0.0/8, 127.0.0.1").unwrap());
        assert_eq!(
            proxies.client(Some(ip("10.0.0.2")), &["198.51.100.7, 10.0.0.5"]),
            Some(ip("198.51.100.7"))
        );
        // A client that sends its own header gets the address its proxy saw, not the forged one.
        assert_eq!(
            proxies.client(Some(ip("127.0.0.1")), &["6.6.6.6", "198.51.100.7"]),
            Some(ip("198.51.100.7"))
        );
        assert_eq!(
            proxies.client(Some(ip("203.0.113.9")), &["1.2.3.4"]),
            Some(ip("203.0.113.9")),
            "an untrusted peer's header is ignored"
        );
        assert_eq!(
            proxies.client(Some(ip("::ffff:10.0.0.2")), &["garbage, 198.51.100.7"]),
            Some(ip("198.51.100.7"))
        );
        assert_eq!(
            proxies.client(Some(ip("10.0.0.2")), &[]),
            Some(ip("10.0.0.2"))
        );
        assert!(parse_nets("10.0.0.0/33").is_err());
        assert!(parse_nets("").unwrap().is_empty());
    }
}
