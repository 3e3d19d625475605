//! A checked Watchword push activation: the code and activation URL of a
//! scanned `watchword://activate?code=...&url=...` link or of a code and
//! URL typed by hand, both read by one parser ([`crate::enrol::activation`])
//! and checked here, once, into what the device needs (base URL and
//! enrolment id). Also the server's side: building the QR link.

use url::Url;

use super::protocol::{ACTIVATE_PATH, ACTIVATION_CODE_DIGITS};
use crate::{
    ApiError,
    enrol::{ActivationCode, EnrolError, EnrolInput, Prepared},
};

/// The scheme and host of an activation link.
pub const LINK_PREFIX: &str = "watchword://activate";

/// A checked activation: code (secret), activation URL, and what the URL
/// tells (server base URL and enrolment id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activation {
    code: ActivationCode,
    url: Url,
    base_url: String,
    enrolment_id: String,
}

impl Activation {
    /// Checks a code and URL the enrolment parser has read: nine digits,
    /// https (or loopback http), and a path ending in
    /// `/v1/activate/<enrolment id>` with no query or fragment.
    pub(crate) fn new(code: ActivationCode, url: Url) -> Result<Self, EnrolError> {
        if code.len() != ACTIVATION_CODE_DIGITS {
            return Err(EnrolError::BadCodeLength {
                expected: "9",
                got: code.len(),
            });
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(EnrolError::BadUrl(
                "an activation URL has no query or fragment".into(),
            ));
        }
        let path = url.path();
        let not_ours = || {
            EnrolError::BadUrl(format!(
                "this is not a Watchword activation URL (it ends in {ACTIVATE_PATH}<id>)"
            ))
        };
        let at = path.rfind(ACTIVATE_PATH).ok_or_else(not_ours)?;
        let enrolment_id = &path[at + ACTIVATE_PATH.len()..];
        if enrolment_id.is_empty()
            || !enrolment_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return Err(not_ours());
        }
        let mut base = url.clone();
        base.set_path(&path[..at]);
        let base_url = base.as_str().trim_end_matches('/').to_owned();
        Ok(Self {
            enrolment_id: enrolment_id.to_owned(),
            code,
            url,
            base_url,
        })
    }

    /// Parses a scanned `watchword://activate?code=...&url=...` link.
    pub fn from_link(link: &str) -> Result<Self, ApiError> {
        Prepared::new(&EnrolInput::Pasted {
            text: link.to_owned(),
        })?
        .into_activation()
    }

    /// Checks a code and URL typed by hand (`010 911 395`; spaces, dashes
    /// and dots are fine). A Microsoft URL is `MicrosoftManaged`.
    pub fn from_code_and_url(code: &str, url: &str) -> Result<Self, ApiError> {
        Prepared::new(&EnrolInput::Typed {
            code: code.to_owned(),
            url: url.to_owned(),
        })?
        .into_activation()
    }

    /// The activation code (secret: send it, never print it).
    pub fn code(&self) -> &ActivationCode {
        &self.code
    }

    /// The activation URL the device posts to.
    pub fn url(&self) -> &str {
        self.url.as_str()
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
        let a =
            Activation::from_code_and_url("123-456-789", "example.org/v1/activate/e_1").unwrap();
        assert_eq!(a.url(), "https://example.org/v1/activate/e_1");
    }

    #[test]
    fn bad_inputs_are_refused() {
        let url = "https://example.org/v1/activate/e_1";
        let kind = |r: Result<Activation, ApiError>| r.unwrap_err().kind();
        assert_eq!(
            kind(Activation::from_code_and_url("12345678", url)),
            "invalid_input"
        );
        assert_eq!(
            kind(Activation::from_code_and_url("12345678x", url)),
            "invalid_input"
        );
        for bad in [
            "http://example.org/v1/activate/e_1",
            "https://example.org/other",
            "https://example.org/v1/activate/",
            "https://example.org/v1/activate/e?x=1",
            "ftp://example.org/v1/activate/e",
        ] {
            assert_eq!(
                kind(Activation::from_code_and_url("123456789", bad)),
                "invalid_input",
                "{bad}"
            );
        }
        assert_eq!(
            kind(Activation::from_code_and_url(
                "123456789",
                "https://x.phonefactor.net/pad/123456789"
            )),
            "microsoft_managed"
        );
        let bad_url = |why: &str| ApiError::from(EnrolError::BadUrl(why.into()));
        for (bad, want) in [
            (
                "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP",
                ApiError::InvalidLink {
                    message: "this is not a Watchword activation (watchword://activate, or a code and its URL)".into(),
                },
            ),
            (
                "watchword://activate?code=123456789",
                bad_url("the link has no url"),
            ),
            (
                "watchword://activate?code=1&code=2&url=https%3A%2F%2Fa%2Fv1%2Factivate%2Fe",
                bad_url("the link gives code twice"),
            ),
        ] {
            // The Ok side's Debug redacts the code.
            let r = Activation::from_link(bad);
            assert_eq!(r.as_ref().err(), Some(&want), "{bad}: {r:?}");
        }
    }
}
