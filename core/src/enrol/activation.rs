//! Activation codes and URLs, scanned (`watchword://activate?...`) or typed
//! by hand when the scan fails (`010 911 395` and the URL beside it): the
//! one parser of both forms. What a Watchword activation must hold is
//! checked once, by [`Activation`](crate::push::Activation).

use std::fmt;

use url::Url;

use super::{
    EnrolError, Enrolment,
    microsoft::{MicrosoftKind, is_microsoft_host, microsoft},
    query::{get, parse_query, strip_scheme},
};
use crate::{http::secure_url, push::Activation, sensitive::Sensitive};

/// An activation code: digits only, redacted in `Debug` and logs (whoever
/// has it within its ten minutes can enrol a device as the user).
#[derive(Clone, PartialEq, Eq)]
pub struct ActivationCode(Sensitive<String>);

impl ActivationCode {
    /// Normalises a typed code: spaces, dashes and dots are dropped; any
    /// other non-digit is refused. The length is checked by the caller,
    /// which knows the server.
    pub fn parse(typed: &str) -> Result<Self, EnrolError> {
        let mut digits = String::with_capacity(typed.len());
        for c in typed.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '.' | '\t' | '\u{a0}' => {}
                _ => return Err(EnrolError::BadCodeCharacters),
            }
        }
        Ok(Self(Sensitive::new(digits)))
    }

    /// Number of digits.
    pub fn len(&self) -> usize {
        // EXPOSE: only the length is read.
        self.0.expose().len()
    }

    /// True when no digit was typed.
    pub fn is_empty(&self) -> bool {
        // EXPOSE: only its emptiness is read.
        self.0.expose().is_empty()
    }

    /// The digits, for the one request that sends them.
    pub fn expose(&self) -> &str {
        // EXPOSE: the caller sends the digits in the one activation request.
        self.0.expose()
    }

    fn require_len(
        self,
        ok: impl Fn(usize) -> bool,
        expected: &'static str,
    ) -> Result<Self, EnrolError> {
        if ok(self.len()) {
            Ok(self)
        } else {
            Err(EnrolError::BadCodeLength {
                expected,
                got: self.len(),
            })
        }
    }
}

impl fmt::Debug for ActivationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ActivationCode([REDACTED])")
    }
}

/// Parses a typed or scanned activation URL: whitespace trimmed, `https://`
/// added when no scheme was typed, https required except for loopback
/// addresses (a local test server).
pub fn parse_activation_url(typed: &str) -> Result<Url, EnrolError> {
    let trimmed = typed.trim();
    if trimmed.is_empty() {
        return Err(EnrolError::BadUrl("it is empty".into()));
    }
    let with_scheme = if trimmed.contains("://") {
        trimmed.to_owned()
    } else {
        format!("https://{trimmed}")
    };
    let url = Url::parse(&with_scheme).map_err(|e| EnrolError::BadUrl(e.to_string()))?;
    secure_url::check(&url).map_err(|refusal| EnrolError::BadUrl(refusal.to_string()))?;
    Ok(url)
}

/// The typed path: a code and the URL shown beside it, routed by what the
/// URL is. Microsoft's hosts give a `MicrosoftActivation` (which explains
/// what to do instead); a privacyIDEA push URL is refused with the way to
/// enrol there; anything else is a Watchword server.
pub fn activation_from_typed(code: &str, url: &str) -> Result<Enrolment, EnrolError> {
    let code = ActivationCode::parse(code)?;
    let url = parse_activation_url(url)?;
    let host = url.host_str().unwrap_or_default();
    if is_microsoft_host(host) {
        let code = code.require_len(|n| (6..=12).contains(&n), "6 to 12")?;
        return Ok(microsoft(
            Some(code),
            url.to_string(),
            MicrosoftKind::TypedCode,
        ));
    }
    if url.path().contains("/ttype/push") {
        return Err(EnrolError::QrOnly(
            "this is a privacyIDEA server, which enrols push tokens by QR code only: scan the QR code on its enrolment page (or paste its pipush link)".into(),
        ));
    }
    Ok(Enrolment::WatchwordActivation(Box::new(Activation::new(
        code, url,
    )?)))
}

/// `watchword://activate?code=...&url=...`: the QR form of the same pair.
pub(crate) fn parse_watchword_link(text: &str) -> Result<Enrolment, EnrolError> {
    let rest = strip_scheme(text, "watchword://").unwrap_or(text);
    let (action, query) = rest.split_once('?').unwrap_or((rest, ""));
    if !action
        .trim_end_matches('/')
        .eq_ignore_ascii_case("activate")
    {
        return Err(EnrolError::BadUrl(format!(
            "watchword://{action} is not an activation link"
        )));
    }
    let pairs = parse_query(query, true)
        .ok_or_else(|| EnrolError::BadUrl("bad percent-encoding".into()))?;
    let only = |key: &str| -> Result<&str, EnrolError> {
        // A link with two codes or two URLs is ambiguous: refused, not guessed.
        if pairs
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(key))
            .count()
            > 1
        {
            return Err(EnrolError::BadUrl(format!("the link gives {key} twice")));
        }
        get(&pairs, key).ok_or_else(|| EnrolError::BadUrl(format!("the link has no {key}")))
    };
    let code = ActivationCode::parse(only("code")?)?;
    let url = parse_activation_url(only("url")?)?;
    Ok(Enrolment::WatchwordActivation(Box::new(Activation::new(
        code, url,
    )?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_typed_with_separators() {
        for typed in [
            "010 911 395",
            "010-911-395",
            "010.911.395",
            "010911395",
            " 010 911 395 ",
        ] {
            assert_eq!(ActivationCode::parse(typed).unwrap().expose(), "010911395");
        }
        assert_eq!(
            ActivationCode::parse("01O 911"),
            Err(EnrolError::BadCodeCharacters)
        );
        let c = ActivationCode::parse("010 911 395").unwrap();
        assert_eq!(format!("{c:?}"), "ActivationCode([REDACTED])");
    }

    #[test]
    fn urls_need_https_except_loopback() {
        assert_eq!(
            parse_activation_url(" example.org/pad ").unwrap().as_str(),
            "https://example.org/pad"
        );
        assert!(parse_activation_url("http://127.0.0.1:8080/x").is_ok());
        assert!(parse_activation_url("http://[::1]:8080/x").is_ok());
        assert!(parse_activation_url("http://localhost:1/x").is_ok());
        for (typed, why) in [
            (
                "http://example.org",
                secure_url::UrlRefusal::PlainHttp.to_string(),
            ),
            ("ftp://example.org", "ftp:// is not a web address".into()),
            ("", "it is empty".into()),
            ("https://", url::ParseError::EmptyHost.to_string()),
        ] {
            assert_eq!(
                parse_activation_url(typed),
                Err(EnrolError::BadUrl(why)),
                "{typed:?}"
            );
        }
    }

    #[test]
    fn typed_pairs_route_by_host() {
        let e = activation_from_typed("010 911 395", "https://push.example.org/v1/activate/e1")
            .unwrap();
        assert!(matches!(e, Enrolment::WatchwordActivation { .. }));
        let e = activation_from_typed("010 911 395", "https://xx.phonefactor.net/pad/123456789")
            .unwrap();
        assert!(matches!(e, Enrolment::MicrosoftActivation { .. }));
        assert!(matches!(
            activation_from_typed("12345", "https://push.example.org/v1/activate/e1"),
            Err(EnrolError::BadCodeLength { got: 5, .. })
        ));
        assert!(matches!(
            activation_from_typed("123456789", "https://pi.example.org/ttype/push"),
            Err(EnrolError::QrOnly(_))
        ));
    }

    #[test]
    fn errors_never_hold_the_code() {
        let e = activation_from_typed("010 911 39", "https://push.example.org/").unwrap_err();
        assert!(!e.to_string().contains("01091139"), "{e}");
    }
}
