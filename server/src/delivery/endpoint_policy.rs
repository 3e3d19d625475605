//! Which Web Push endpoints the server may contact. A device chooses its
//! endpoint, so without a rule it could make the server POST into the
//! server's own network (cloud metadata at 169.254.169.254, internal
//! services, the server's loopback). The rule is applied twice: to the
//! endpoint as written ([`check_endpoint`], before any connection) and to
//! every address its name resolves to ([`PublicOnlyResolver`], the Web Push
//! client's resolver), so a name pointing at a private address is refused
//! too. The client follows no redirects ([`super::http_client`]).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use super::SendError;

/// True for an address in a private, shared (CGNAT), link-local,
/// unspecified or broadcast range, or an IPv4 address written as IPv6
/// whose IPv4 form is one of those or loopback. Loopback itself is decided
/// separately (`IpAddr::is_loopback`).
pub fn private_ip(ip: IpAddr) -> bool {
    let private_v4 = |ip: Ipv4Addr| {
        let [a, b, ..] = ip.octets();
        ip.is_private()
            || ip.is_link_local()
            || ip.is_unspecified()
            || ip.is_broadcast()
            // 100.64.0.0/10, shared address space (carrier-grade NAT).
            || (a == 100 && (b & 0xc0) == 64)
    };
    match ip {
        IpAddr::V4(v4) => private_v4(v4),
        IpAddr::V6(v6) => {
            // An IPv4 address written as IPv6 (::ffff:10.0.0.1) is that
            // address; its loopback counts too, since it would slip past
            // the loopback rule.
            if let Some(v4) = v6.to_ipv4_mapped() {
                return private_v4(v4) || v4.is_loopback();
            }
            let first = v6.segments()[0];
            // fc00::/7 unique local, fe80::/10 link-local.
            v6.is_unspecified() || (first & 0xfe00) == 0xfc00 || (first & 0xffc0) == 0xfe80
        }
    }
}

/// True for an endpoint whose host is written as a private address
/// ([`private_ip`]).
pub fn private_network(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => private_ip(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => private_ip(IpAddr::V6(ip)),
        _ => false,
    }
}

/// Whether the server may POST to a device's endpoint as written: never
/// into a private network, and onto its own loopback only when allowed
/// (tests and the demo). Checked before any connection is made.
pub fn check_endpoint(url: &url::Url, allow_loopback: bool) -> Result<(), SendError> {
    if private_network(url) {
        return Err(SendError::Refused(
            "Web Push endpoints in a private network are not allowed".into(),
        ));
    }
    if !allow_loopback && watchword_core::http::secure_url::is_loopback(url) {
        return Err(SendError::Refused(
            "Web Push endpoints on the server's own loopback are not allowed \
             (serve --web-push-allow-loopback, for tests)"
                .into(),
        ));
    }
    Ok(())
}

/// The Web Push client's name resolver: the system's answer, without the
/// addresses [`check_endpoint`] would refuse. A name with nothing else left
/// fails to resolve, so no connection is made.
#[derive(Debug, Clone, Copy)]
pub struct PublicOnlyResolver {
    /// Whether loopback addresses are kept (tests and the demo).
    pub allow_loopback: bool,
}

impl PublicOnlyResolver {
    /// The addresses of `addrs` a Web Push request may go to.
    pub fn allowed(&self, addrs: impl IntoIterator<Item = SocketAddr>) -> Vec<SocketAddr> {
        addrs
            .into_iter()
            .filter(|a| !private_ip(a.ip()) && (self.allow_loopback || !a.ip().is_loopback()))
            .collect()
    }
}

impl Resolve for PublicOnlyResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let this = *self;
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let found = tokio::net::lookup_host((host.as_str(), 0)).await?;
            let allowed = this.allowed(found);
            if allowed.is_empty() {
                return Err(format!(
                    "{host} resolves only to private or loopback addresses: not a Web Push endpoint"
                )
                .into());
            }
            let addrs: Addrs = Box::new(allowed.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_endpoints_are_always_refused_and_loopback_only_when_allowed() {
        let url = |s: &str| url::Url::parse(s).unwrap();
        for allow_loopback in [false, true] {
            let r = check_endpoint(&url("https://10.0.0.7/push"), allow_loopback);
            assert!(
                matches!(&r, Err(SendError::Refused(why)) if why.contains("private network")),
                "{r:?}"
            );
            assert!(check_endpoint(&url("https://push.example.org/up"), allow_loopback).is_ok());
        }
        let r = check_endpoint(&url("http://127.0.0.1:8080/push"), false);
        assert!(
            matches!(&r, Err(SendError::Refused(why)) if why.contains("loopback")),
            "{r:?}"
        );
        assert!(check_endpoint(&url("http://127.0.0.1:8080/push"), true).is_ok());
    }

    #[test]
    fn endpoints_in_private_networks_are_recognised() {
        for private in [
            "https://10.1.2.3/up",
            "https://192.168.1.1/up",
            "https://172.16.0.9/up",
            "https://100.100.1.1/up",
            "https://169.254.169.254/latest/meta-data",
            "https://0.0.0.0/x",
            "https://[fd00::1]/up",
            "https://[fe80::1]/up",
            "https://[::ffff:10.0.0.1]/up",
            "https://[::ffff:127.0.0.1]/up",
        ] {
            assert!(
                private_network(&url::Url::parse(private).unwrap()),
                "{private}"
            );
        }
        for public in [
            "https://push.example.org/up",
            "https://203.0.113.7/up",
            "https://100.128.0.1/up",
            "https://[2001:db8::1]/up",
            "http://127.0.0.1:8080/push",
        ] {
            assert!(
                !private_network(&url::Url::parse(public).unwrap()),
                "{public}"
            );
        }
    }

    #[test]
    fn resolved_addresses_are_filtered_like_written_ones() {
        let addrs: Vec<SocketAddr> = [
            "10.0.0.1:443",
            "127.0.0.1:443",
            "[::1]:443",
            "203.0.113.7:443",
            "[fe80::1]:443",
        ]
        .iter()
        .map(|a| a.parse().unwrap())
        .collect();
        let strict = PublicOnlyResolver {
            allow_loopback: false,
        };
        assert_eq!(
            strict.allowed(addrs.clone()),
            vec!["203.0.113.7:443".parse::<SocketAddr>().unwrap()]
        );
        let loopback = PublicOnlyResolver {
            allow_loopback: true,
        };
        assert_eq!(loopback.allowed(addrs).len(), 3);
    }

    /// The Web Push client itself (below the written check) resolves a
    /// name to loopback and refuses it: no connection is made.
    #[tokio::test]
    async fn a_name_resolving_to_loopback_is_not_contacted() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let url = format!("http://localhost:{port}/push");
        let client = super::super::web_push_client(None, false).unwrap();
        let e = client.post(&url).send().await.unwrap_err();
        let mut chain = String::new();
        let mut source: Option<&dyn std::error::Error> = Some(&e);
        while let Some(s) = source {
            chain.push_str(&format!("{s}; "));
            source = s.source();
        }
        assert!(chain.contains("private or loopback"), "{chain}");
        // Nothing connected.
        let accepted =
            tokio::time::timeout(std::time::Duration::from_millis(200), listener.accept()).await;
        assert!(accepted.is_err(), "the server connected to its loopback");
        // Allowed (tests, the demo): the same name reaches the listener.
        let client = super::super::web_push_client(None, true).unwrap();
        let sent = tokio::spawn(async move { client.post(&url).send().await });
        let accepted =
            tokio::time::timeout(std::time::Duration::from_secs(5), listener.accept()).await;
        assert!(matches!(accepted, Ok(Ok(_))), "{accepted:?}");
        sent.abort();
    }
}
