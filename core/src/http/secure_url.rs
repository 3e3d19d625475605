//! The one rule for where the core sends anything: https everywhere, plain
//! http only to this device's own loopback address (a local test server,
//! the demo). Activation URLs, privacyIDEA URLs and clock-sync URLs are all
//! checked here.

use url::{Host, Url};

/// Why a URL may not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlRefusal {
    /// Plain http to another machine.
    PlainHttp,
    /// Not a web address at all (`ftp://`, `mailto:`); the scheme.
    NotWeb(String),
    /// No host (`https://`).
    NoHost,
}

impl std::fmt::Display for UrlRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UrlRefusal::PlainHttp => f.write_str(
                "it must start with https:// (plain http is only allowed on this device's own loopback address)",
            ),
            UrlRefusal::NotWeb(scheme) => write!(f, "{scheme}:// is not a web address"),
            UrlRefusal::NoHost => f.write_str("it has no host"),
        }
    }
}

/// True for `localhost`, 127.0.0.0/8 and `::1`.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// Checks `url` against the rule.
pub fn check(url: &Url) -> Result<(), UrlRefusal> {
    if url.host().is_none() {
        return Err(UrlRefusal::NoHost);
    }
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        "http" => Err(UrlRefusal::PlainHttp),
        other => Err(UrlRefusal::NotWeb(other.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checked(s: &str) -> Result<(), UrlRefusal> {
        check(&Url::parse(s).unwrap())
    }

    #[test]
    fn https_anywhere_http_only_home() {
        assert_eq!(checked("https://example.org/x"), Ok(()));
        for home in [
            "http://127.0.0.1:8080/",
            "http://[::1]:1/",
            "http://LOCALHOST/",
        ] {
            assert_eq!(checked(home), Ok(()), "{home}");
        }
        assert_eq!(checked("http://example.org"), Err(UrlRefusal::PlainHttp));
        assert_eq!(checked("http://10.0.2.2"), Err(UrlRefusal::PlainHttp));
        assert_eq!(
            checked("ftp://example.org"),
            Err(UrlRefusal::NotWeb("ftp".into()))
        );
        assert_eq!(checked("mailto:a@b"), Err(UrlRefusal::NoHost));
    }
}
