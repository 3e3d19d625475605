//! privacyIDEA push enrolment links: `otpauth://pipush/...` and
//! `pia://pipush/...` (`shared/reference/push-privacyidea.md` section 3).

use std::fmt;

use url::Url;

use super::{
    EnrolError,
    activation::parse_activation_url,
    query::{parse_query, strip_scheme},
};
use crate::sensitive::Sensitive;

/// Everything a privacyIDEA push QR code says. The enrolment credential is
/// a one-time secret and is redacted in `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct PrivacyIdeaPush {
    /// The label (path), by default the serial.
    pub label: String,
    /// Token serial (`PIPU...`); the label when the parameter is absent.
    pub serial: String,
    /// The registration URL (`.../ttype/push`), also used for polling.
    pub url: Url,
    /// Minutes the enrolment stays open, as the QR says (`ttl`).
    pub ttl_minutes: Option<u32>,
    /// Issuer, by default `privacyIDEA`.
    pub issuer: Option<String>,
    /// The 40-hex-character credential sent back in enrolment step 2.
    pub enrollment_credential: Sensitive<String>,
    /// Crypto version (`v`), 1 since privacyIDEA 3.0.
    pub version: u32,
    /// `sslverify`: whether the app should check the server certificate.
    pub sslverify: bool,
    /// `poll_only` (3.11+): no Firebase, the app polls.
    pub poll_only: Option<bool>,
    /// `pin=True`: the server asks the app to lock the token with a PIN.
    pub pin: bool,
    /// `app_force_unlock` (3.13+): `any`, `biometric` or `pin`.
    pub app_force_unlock: Option<String>,
    /// `image`: a logo URL.
    pub image: Option<String>,
    /// Unknown parameters (pre-3.8 Firebase settings and the like), in order.
    pub extra: Vec<(String, String)>,
}

impl fmt::Debug for PrivacyIdeaPush {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivacyIdeaPush")
            .field("serial", &self.serial)
            .field("url", &self.url.as_str())
            .field("issuer", &self.issuer)
            .field("enrollment_credential", &self.enrollment_credential)
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

/// True for the two schemes privacyIDEA uses for push QR codes.
pub(crate) fn is_pipush(text: &str) -> bool {
    let lower = text.get(..16).unwrap_or(text).to_ascii_lowercase();
    lower.starts_with("otpauth://pipush") || lower.starts_with("pia://pipush")
}

/// Parses a pipush link.
pub fn parse_pipush(text: &str) -> Result<PrivacyIdeaPush, EnrolError> {
    let bad = |why: &str| EnrolError::BadPrivacyIdeaLink(why.to_owned());
    let rest = strip_scheme(text, "otpauth://")
        .or_else(|| strip_scheme(text, "pia://"))
        .ok_or_else(|| bad("not a pipush link"))?;
    let rest = strip_scheme(rest, "pipush").ok_or_else(|| bad("not a pipush link"))?;
    let rest = rest.strip_prefix('/').unwrap_or(rest);
    let (label, query) = rest.split_once('?').unwrap_or((rest, ""));
    let label = crate::percent::percent_decode(label, false)
        .ok_or_else(|| bad("bad percent-encoding in the label"))?;
    // privacyIDEA writes values with Python's quote(): `+` does not occur
    // unescaped, so it is safe to read as a space like other otpauth links.
    let pairs = parse_query(query, true).ok_or_else(|| bad("bad percent-encoding"))?;

    let mut url = None;
    let mut credential = None;
    let mut link = PrivacyIdeaPush {
        serial: String::new(),
        label: label.trim().to_owned(),
        // Replaced below; a placeholder that is never used if `url` is missing.
        url: Url::parse("https://invalid.invalid/").map_err(|e| bad(&e.to_string()))?,
        ttl_minutes: None,
        issuer: None,
        enrollment_credential: Sensitive::new(String::new()),
        version: 0,
        sslverify: true,
        poll_only: None,
        pin: false,
        app_force_unlock: None,
        image: None,
        extra: Vec::new(),
    };
    for (key, value) in pairs {
        match key.to_ascii_lowercase().as_str() {
            "url" => url = Some(value),
            "enrollment_credential" => credential = Some(Sensitive::new(value)),
            "serial" => link.serial = value,
            "ttl" => {
                link.ttl_minutes = Some(
                    value
                        .trim()
                        .parse()
                        .map_err(|_| bad("ttl is not a number of minutes"))?,
                )
            }
            "issuer" => link.issuer = Some(value),
            "v" => link.version = value.trim().parse().map_err(|_| bad("v is not a number"))?,
            "sslverify" => {
                link.sslverify =
                    parse_bool(&value).ok_or_else(|| bad("sslverify is not 0/1/True/False"))?
            }
            "poll_only" => {
                link.poll_only =
                    Some(parse_bool(&value).ok_or_else(|| bad("poll_only is not True/False"))?)
            }
            "pin" => link.pin = parse_bool(&value).ok_or_else(|| bad("pin is not True/False"))?,
            "app_force_unlock" => link.app_force_unlock = Some(value),
            "image" => link.image = Some(value),
            _ => link.extra.push((key, value)),
        }
    }
    link.url = parse_activation_url(&url.ok_or_else(|| bad("it has no url"))?)?;
    link.enrollment_credential =
        credential.ok_or_else(|| bad("it has no enrollment_credential"))?;
    // EXPOSE: only its emptiness is looked at.
    if link.enrollment_credential.expose().is_empty() {
        return Err(bad("its enrollment_credential is empty"));
    }
    if link.serial.is_empty() {
        link.serial.clone_from(&link.label);
    }
    if link.serial.is_empty() {
        return Err(bad("it has no serial"));
    }
    if link.version != 1 {
        return Err(bad(
            "only version v=1 exists; this link is from an unknown privacyIDEA version",
        ));
    }
    Ok(link)
}

fn parse_bool(v: &str) -> Option<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" => Some(true),
        "0" | "false" | "no" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINK: &str = "otpauth://pipush/PIPU0000A7ED?url=http%3A//127.0.0.1%3A5001/ttype/push&ttl=10&issuer=privacyIDEA&enrollment_credential=94ba3bf5d1a3fc9e47283d93e570272d2eb64033&v=1&serial=PIPU0000A7ED&sslverify=0&poll_only=True";

    #[test]
    fn parses_every_parameter() {
        let p = parse_pipush(LINK).unwrap();
        assert_eq!(p.serial, "PIPU0000A7ED");
        assert_eq!(p.url.as_str(), "http://127.0.0.1:5001/ttype/push");
        assert_eq!(p.ttl_minutes, Some(10));
        assert_eq!(p.issuer.as_deref(), Some("privacyIDEA"));
        assert_eq!(
            p.enrollment_credential.expose(),
            "94ba3bf5d1a3fc9e47283d93e570272d2eb64033"
        );
        assert_eq!(p.version, 1);
        assert!(!p.sslverify);
        assert_eq!(p.poll_only, Some(true));
        let pia = LINK.replace("otpauth://", "pia://")
            + "&pin=True&app_force_unlock=biometric&projectid=x";
        let p = parse_pipush(&pia).unwrap();
        assert!(p.pin);
        assert_eq!(p.app_force_unlock.as_deref(), Some("biometric"));
        assert_eq!(p.extra, vec![("projectid".to_owned(), "x".to_owned())]);
        assert!(!format!("{p:?}").contains("94ba3bf5"));
    }

    #[test]
    fn incomplete_links_are_refused() {
        let link = |why: &str| EnrolError::BadPrivacyIdeaLink(why.into());
        for (i, (bad, want)) in [
            (
                LINK.replace(
                    "enrollment_credential=94ba3bf5d1a3fc9e47283d93e570272d2eb64033&",
                    "",
                ),
                link("it has no enrollment_credential"),
            ),
            (
                LINK.replace("url=http%3A//127.0.0.1%3A5001/ttype/push&", ""),
                link("it has no url"),
            ),
            (
                LINK.replace("127.0.0.1", "pi.example.org"),
                EnrolError::BadUrl(crate::http::secure_url::UrlRefusal::PlainHttp.to_string()),
            ),
            (
                LINK.replace("v=1", "v=2"),
                link("only version v=1 exists; this link is from an unknown privacyIDEA version"),
            ),
            (
                LINK.replace("sslverify=0", "sslverify=maybe"),
                link("sslverify is not 0/1/True/False"),
            ),
            (
                LINK.replace("ttl=10", "ttl=ten"),
                link("ttl is not a number of minutes"),
            ),
        ]
        .into_iter()
        .enumerate()
        {
            // The case's number, not the link: it holds the credential
            // (the Ok side's Debug redacts it).
            let r = parse_pipush(&bad);
            assert_eq!(r.as_ref().err(), Some(&want), "case {i}: {r:?}");
        }
    }
}
