//! What the user scans or types to activate a push account: the
//! `watchword://activate?code=...&url=...` link, or the 9-digit code and
//! the URL typed by hand.

use url::Url;

use super::{PushError, protocol::ACTIVATE_PATH};
use crate::sensitive::Sensitive;

/// The scheme and host of an activation link.
pub const LINK_PREFIX: &str = "watchword://activate";

/// A checked activation: code (secret), activation URL, and what the URL
/// tells (server base URL and enrolment id).
#[derive(Debug, Clone)]
pub struct Activation {
    code: Sensitive<String>,
    url: String,
    base_url: String,
    enrolment_id: String,
}

impl Activation {
    /// Parses a scanned `watchword://activate?code=...&url=...` link.
    pub fn from_link(link: &str) -> Result<Self, PushError> {
        let trimmed = link.trim();
        if !trimmed
            .get(..LINK_PREFIX.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(LINK_PREFIX))
        {
            return Err(PushError::BadActivation(
                "not a watchword://activate link".into(),
            ));
        }
        let parsed =
            Url::parse(trimmed).map_err(|_| PushError::BadActivation("malformed link".into()))?;
        let mut code = None;
        let mut url = None;
        for (k, v) in parsed.query_pairs() {
            let slot = match k.as_ref() {
                "code" => &mut code,
                "url" => &mut url,
                _ => continue,
            };
            if slot.is_some() {
                return Err(PushError::BadActivation(format!("{k} given twice")));
            }
            *slot = Some(v.into_owned());
        }
        let code = code.ok_or_else(|| PushError::BadActivation("missing code".into()))?;
        let url = url.ok_or_else(|| PushError::BadActivation("missing url".into()))?;
        Self::from_code_and_url(&code, &url)
    }

    /// Checks a code and URL typed by hand. Spaces and dashes in the code
    /// are ignored (`123 456 789`).
    pub fn from_code_and_url(code: &str, url: &str) -> Result<Self, PushError> {
        let digits: String = code.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        let digits = Sensitive::new(digits);
        // EXPOSE: only the length and the kind of characters are checked.
        if digits.expose().len() != super::protocol::ACTIVATION_CODE_DIGITS
            || !digits.expose().bytes().all(|b| b.is_ascii_digit())
        {
            return Err(PushError::BadActivationCode);
        }
        let parsed = Url::parse(url.trim())
            .map_err(|_| PushError::BadActivation("the URL is not valid".into()))?;
        check_transport(&parsed)?;
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(PushError::BadActivation(
                "the activation URL has no query or fragment".into(),
            ));
        }
        let path = parsed.path();
        let at = path
            .rfind(ACTIVATE_PATH)
            .ok_or_else(|| PushError::BadActivation("not a Watchword activation URL".into()))?;
        let enrolment_id = &path[at + ACTIVATE_PATH.len()..];
        if enrolment_id.is_empty()
            || !enrolment_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return Err(PushError::BadActivation(
                "bad enrolment id in the URL".into(),
            ));
        }
        let mut base = parsed.clone();
        base.set_path(&path[..at]);
        let base_url = base.as_str().trim_end_matches('/').to_owned();
        Ok(Self {
            code: digits,
            url: parsed.as_str().to_owned(),
            base_url,
            enrolment_id: enrolment_id.to_owned(),
        })
    }

    /// The push activation behind a classified enrolment
    /// ([`crate::enrol::classify`] / [`crate::enrol::activation_from_typed`]);
    /// `None` when the enrolment is not a Watchword activation.
    pub fn from_enrolment(e: &crate::enrol::Enrolment) -> Option<Result<Self, PushError>> {
        match e {
            crate::enrol::Enrolment::WatchwordActivation { code, url } => {
                // EXPOSE: the code moves into the Activation, sealed again there.
                Some(Self::from_code_and_url(code.expose(), url.as_str()))
            }
            _ => None,
        }
    }

    /// The activation code (secret: send it, never print it).
    pub fn code(&self) -> &Sensitive<String> {
        &self.code
    }

    /// The activation URL the device posts to.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The server's base URL (the activation URL without `/v1/activate/<id>`).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The enrolment id from the URL.
    pub fn enrolment_id(&self) -> &str {
        &self.enrolment_id
    }
}

/// Builds the QR link for `code` and `url` (the server's side).
pub fn activation_link(code: &str, url: &str) -> String {
    use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
    // Everything but RFC 3986 unreserved characters.
    const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    format!(
        "{LINK_PREFIX}?code={}&url={}",
        utf8_percent_encode(code, QUERY_VALUE),
        utf8_percent_encode(url, QUERY_VALUE)
    )
}

/// https everywhere; plain http only to a loopback host (tests, the demo).
pub(crate) fn check_transport(url: &Url) -> Result<(), PushError> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        "http" => Err(PushError::InsecureUrl(url.as_str().to_owned())),
        other => Err(PushError::BadActivation(format!(
            "unsupported URL scheme {other}"
        ))),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_round_trip() {
        let link = activation_link("123456789", "http://127.0.0.1:8080/v1/activate/e_ab12");
        assert!(link.starts_with("watchword://activate?code=123456789&url=http%3A%2F%2F"));
        let a = Activation::from_link(&link).unwrap();
        assert_eq!(a.code().expose(), "123456789");
        assert_eq!(a.base_url(), "http://127.0.0.1:8080");
        assert_eq!(a.enrolment_id(), "e_ab12");
        assert_eq!(a.url(), "http://127.0.0.1:8080/v1/activate/e_ab12");
        assert!(!format!("{a:?}").contains("123456789"));
    }

    #[test]
    fn typed_code_with_spaces_and_prefix_path() {
        let a =
            Activation::from_code_and_url("123 456 789", "https://example.org/mfa/v1/activate/e_1")
                .unwrap();
        assert_eq!(a.base_url(), "https://example.org/mfa");
    }

    #[test]
    fn from_a_classified_enrolment() {
        let link = activation_link("123456789", "https://mfa.example.org/v1/activate/e1");
        let e = crate::enrol::classify(&link).unwrap();
        let a = Activation::from_enrolment(&e).unwrap().unwrap();
        assert_eq!(a.base_url(), "https://mfa.example.org");
        let otp = crate::enrol::classify("otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP").unwrap();
        assert!(Activation::from_enrolment(&otp).is_none());
    }

    #[test]
    fn bad_inputs_are_refused() {
        let url = "https://example.org/v1/activate/e_1";
        assert_eq!(
            Activation::from_code_and_url("12345678", url).unwrap_err(),
            PushError::BadActivationCode
        );
        assert_eq!(
            Activation::from_code_and_url("12345678x", url).unwrap_err(),
            PushError::BadActivationCode
        );
        assert!(matches!(
            Activation::from_code_and_url("123456789", "http://example.org/v1/activate/e_1"),
            Err(PushError::InsecureUrl(_))
        ));
        assert!(matches!(
            Activation::from_code_and_url("123456789", "https://example.org/other"),
            Err(PushError::BadActivation(_))
        ));
        assert!(matches!(
            Activation::from_code_and_url("123456789", "ftp://example.org/v1/activate/e"),
            Err(PushError::BadActivation(_))
        ));
        assert!(matches!(
            Activation::from_link("otpauth://totp/x?secret=AA"),
            Err(PushError::BadActivation(_))
        ));
        assert!(matches!(
            Activation::from_link("watchword://activate?code=123456789"),
            Err(PushError::BadActivation(_))
        ));
        assert!(matches!(
            Activation::from_link(
                "watchword://activate?code=1&code=2&url=https%3A%2F%2Fa%2Fv1%2Factivate%2Fe"
            ),
            Err(PushError::BadActivation(_))
        ));
    }
}
