//! Enrolment: everything a user can scan, paste or type, classified into a
//! typed request, so no user ever sees a bare "invalid QR code".
//!
//! - [`classify`]: the one entry point for scanned or pasted text.
//! - [`activation_from_typed`]: the activation code + URL typed by hand.
//! - [`google_migration`]: Google Authenticator export links, both ways.
//! - [`migration_batches`]: "2 of 3 scanned" across a multi-QR export.
//! - [`microsoft`]: Microsoft's closed activation forms, and what to do.
//! - [`privacyidea`]: privacyIDEA push enrolment links.
//! - [`two_step`]: privacyIDEA 2-step enrolment (the phone's half of the
//!   seed, and what the person types back).
//! - [`qr_image`]: rendering links as QR images (PNG).
//! - [`kind`]: what a text is, without its secrets ([`EnrolmentKind`]).
//! - [`intake`]: the one entry point that does what a text asks for
//!   (stores accounts, activates a push account, or says what is missing).

pub mod activation;
mod error;
pub mod google_migration;
pub mod intake;
pub mod kind;
pub mod microsoft;
pub mod migration_batches;
pub mod privacyidea;
pub mod qr_image;
mod query;
pub mod two_step;
mod unknown;
pub mod vault_export;

use serde_json::{Value, json};
use url::Url;

pub use activation::{ActivationCode, activation_from_typed};
pub use error::EnrolError;
pub use google_migration::{
    GoogleExport, GoogleMigration, export_google_migration, parse_migration,
};
pub use intake::{
    DeviceIdentity, EnrolChoices, EnrolInput, EnrolOutcome, ExportPart, Prepared, enrol,
};
pub use kind::{EnrolmentKind, describe};
pub use microsoft::{Explanation, MicrosoftKind};
pub use migration_batches::{BatchProgress, MigrationBatches};
pub use privacyidea::PrivacyIdeaPush;

use crate::{
    otp::{OtpAuthUri, OtpParams, Secret},
    push::Activation,
};

/// Longest text classified. The largest QR code holds under 3 KiB of bytes
/// (about 7 KiB of digits); anything longer is hostile or corrupt.
pub const MAX_TEXT_LEN: usize = 16 * 1024;

/// What a piece of scanned, pasted or typed text asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Enrolment {
    /// An OTP account. `draft` when it came from a bare secret and still
    /// needs an issuer and a name from the user.
    Otp {
        /// The account.
        account: Box<OtpAuthUri>,
        /// True when issuer and name are still to be asked for.
        draft: bool,
    },
    /// Several `otpauth://` links, one a line (pasted from an export of
    /// Ente or a text file).
    OtpList(Vec<OtpAuthUri>),
    /// One QR code of a Google Authenticator export.
    GoogleMigration(GoogleMigration),
    /// Activation on a Watchword push server, checked.
    WatchwordActivation(Box<Activation>),
    /// A privacyIDEA push token enrolment.
    PrivacyIdeaPush(Box<PrivacyIdeaPush>),
    /// A Microsoft Authenticator activation, which only Microsoft's app can
    /// complete: carries the explanation of what to do instead.
    MicrosoftActivation {
        /// The code, when the link had a readable one.
        code: Option<ActivationCode>,
        /// The activation URL as given (may be empty).
        url: String,
        /// Which form it was.
        kind: MicrosoftKind,
        /// What to tell the user.
        explanation: Explanation,
    },
    /// Not something Watchword can enrol; `reason` says what it looked like
    /// and what the user can do.
    Unknown {
        /// What was recognised and the next step.
        reason: String,
    },
}

/// The first line that is not blank or a `#` comment, lower-cased (its
/// first 32 bytes: enough to see a scheme).
fn first_line(text: &str) -> String {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .unwrap_or("");
    line.get(..32).unwrap_or(line).to_ascii_lowercase()
}

/// Several links, one a line; blank lines and `#` comments are skipped. A
/// line that is not a usable link refuses the whole list, naming the line.
fn otp_list(text: &str) -> Result<Enrolment, EnrolError> {
    let mut links = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        links.push(
            OtpAuthUri::parse(line).map_err(|error| EnrolError::ListLine { line: i + 1, error })?,
        );
    }
    Ok(match links.len() {
        1 => Enrolment::Otp {
            account: Box::new(links.remove(0)),
            draft: false,
        },
        _ => Enrolment::OtpList(links),
    })
}

/// Classifies scanned or pasted text. `Err` is for text that was recognised
/// but is broken (a damaged export, an otpauth link without secret);
/// unrecognised text is `Ok(Enrolment::Unknown { reason })`.
pub fn classify(text: &str) -> Result<Enrolment, EnrolError> {
    let text = text.trim();
    if text.len() > MAX_TEXT_LEN {
        return Err(EnrolError::TooLong(text.len()));
    }
    let lower = text.get(..32).unwrap_or(text).to_ascii_lowercase();
    if privacyidea::is_pipush(text) {
        return Ok(Enrolment::PrivacyIdeaPush(Box::new(
            privacyidea::parse_pipush(text)?,
        )));
    }
    if text.contains('\n') && first_line(text).starts_with("otpauth://") {
        return otp_list(text);
    }
    if lower.starts_with("otpauth://") {
        return Ok(Enrolment::Otp {
            account: Box::new(OtpAuthUri::parse(text)?),
            draft: false,
        });
    }
    if lower.starts_with("otpauth-migration://") {
        return Ok(Enrolment::GoogleMigration(parse_migration(text)?));
    }
    if lower.starts_with("watchword://") {
        return activation::parse_watchword_link(text);
    }
    if let Some(rest) = query::strip_scheme(text, "phonefactor://") {
        return Ok(microsoft::parse_phonefactor(
            rest.split_once('?').map_or("", |(_, q)| q),
        ));
    }
    if lower.starts_with("microsoft-authenticator://") {
        return Ok(microsoft::broker_link());
    }
    if lower.starts_with("https://")
        && let Some(e) = Url::parse(text)
            .ok()
            .and_then(|u| microsoft::parse_app_link(&u))
    {
        return Ok(e);
    }
    if let Some(secret) = query::strip_scheme(text, "steam://") {
        // Bitwarden stores Steam accounts as `steam://<base32 secret>`.
        return Ok(draft(OtpParams::steam(Secret::from_base32(secret)?)));
    }
    if let Some(secret) = bare_secret(text) {
        return Ok(draft(OtpParams::totp(secret)));
    }
    Ok(Enrolment::Unknown {
        reason: unknown::reason(text),
    })
}

fn draft(params: OtpParams) -> Enrolment {
    Enrolment::Otp {
        account: Box::new(OtpAuthUri::new(params, None, String::new())),
        draft: true,
    }
}

/// A secret typed by hand: at least 16 base32 characters (80 bits) that
/// decode, and either a digit 2-7 or no lower case and no spaces, so that
/// ordinary words and sentences are not mistaken for a key.
fn bare_secret(text: &str) -> Option<Secret> {
    let cleaned: String = text.chars().filter(|c| !" -\t".contains(*c)).collect();
    let core = cleaned.trim_end_matches('=');
    if core.len() < 16
        || !core
            .chars()
            .all(|c| c.is_ascii_alphabetic() || ('2'..='7').contains(&c))
    {
        return None;
    }
    let has_digit = core.chars().any(|c| c.is_ascii_digit());
    let shouted = !text.chars().any(|c| c.is_ascii_lowercase() || c == ' ');
    if !(has_digit || shouted) {
        return None;
    }
    Secret::from_base32(text).ok()
}

impl Enrolment {
    /// The stable kind name (`otp`, `google_migration`, ...).
    pub fn kind(&self) -> &'static str {
        match self {
            Enrolment::Otp { .. } => "otp",
            Enrolment::OtpList(_) => "otp_list",
            Enrolment::GoogleMigration(_) => "google_migration",
            Enrolment::WatchwordActivation(_) => "watchword_activation",
            Enrolment::PrivacyIdeaPush(_) => "privacyidea_push",
            Enrolment::MicrosoftActivation { .. } => "microsoft_activation",
            Enrolment::Unknown { .. } => "unknown",
        }
    }

    /// A JSON description with no secret in it (no OTP key, no activation
    /// code, no enrolment credential): what `watchword inspect` prints.
    pub fn describe(&self) -> Value {
        let mut v = match self {
            Enrolment::Otp { account, draft } => {
                let mut v = json!({
                    "account": account.summary(),
                    "draft": draft,
                    "two_step": two_step::is_two_step(account),
                });
                if *draft {
                    v["missing"] = json!(["issuer", "name"]);
                }
                v
            }
            Enrolment::OtpList(links) => json!({
                "accounts": links.iter().map(OtpAuthUri::summary).collect::<Vec<_>>(),
            }),
            Enrolment::GoogleMigration(m) => json!({
                "accounts": m.accounts.iter().map(OtpAuthUri::summary).collect::<Vec<_>>(),
                "batch_index": m.batch_index,
                "batch_size": m.batch_size,
                "batch_id": m.batch_id,
            }),
            Enrolment::WatchwordActivation(a) => json!({
                "url": a.url(),
                "code_digits": a.code().len(),
            }),
            Enrolment::PrivacyIdeaPush(p) => json!({
                "serial": p.serial,
                "label": p.label,
                "url": p.url.as_str(),
                "issuer": p.issuer,
                "ttl_minutes": p.ttl_minutes,
                "version": p.version,
                "sslverify": p.sslverify,
                "poll_only": p.poll_only,
                "pin": p.pin,
                "app_force_unlock": p.app_force_unlock,
            }),
            Enrolment::MicrosoftActivation {
                code,
                url,
                kind,
                explanation,
            } => json!({
                "microsoft_kind": kind,
                "url": url,
                "code_digits": code.as_ref().map(ActivationCode::len),
                "explanation": explanation,
            }),
            Enrolment::Unknown { reason } => json!({ "reason": reason }),
        };
        v["kind"] = json!(self.kind());
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(text: &str) -> &'static str {
        classify(text)
            .unwrap_or_else(|e| panic!("{text}: {e}"))
            .kind()
    }

    #[test]
    fn every_link_shape() {
        assert_eq!(kind("otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP"), "otp");
        assert_eq!(
            kind(
                "otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SGEV4YW1wbGU6YWxpY2VAZ29vZ2xlLmNvbRoHRXhhbXBsZTAC"
            ),
            "google_migration"
        );
        assert_eq!(
            kind(
                "watchword://activate?code=010911395&url=https%3A%2F%2Fpush.example.org%2Fv1%2Factivate%2Fe1"
            ),
            "watchword_activation"
        );
        assert_eq!(
            kind(
                "otpauth://pipush/PIPU0001?url=https%3A//pi.example.org/ttype/push&enrollment_credential=ab&v=1&serial=PIPU0001"
            ),
            "privacyidea_push"
        );
        assert_eq!(
            kind(
                "phonefactor://activate_account?code=123456789&url=https%3A%2F%2Fsomething.phonefactor.net%2Fpad%2F987654321"
            ),
            "microsoft_activation"
        );
        assert_eq!(
            kind(
                "phonefactor://activate_account?code=518227904&url=https%3a%2f%2fmobileappcommunicator.auth.microsoft.com%2factivatev2%2f863602595%2fSASPUBKRCAZ1FD043"
            ),
            "microsoft_activation"
        );
        assert_eq!(
            kind(
                "https://login.microsoftonline.com/authenticatorApp/activateAccount?accountType=mfa&source=qrCode&code=123456789&url=https%3A%2F%2Fmobileappcommunicator.auth.microsoft.com%2Factivatev2%2F1%2Fx"
            ),
            "microsoft_activation"
        );
        assert_eq!(
            kind("microsoft-authenticator://activatemfa"),
            "microsoft_activation"
        );
        assert_eq!(kind("steam://JRZCL47CMXVOQMNPZR2F7J4RGI"), "otp");
        assert_eq!(kind("https://example.org/login"), "unknown");
    }

    #[test]
    fn microsoft_links_carry_code_url_and_explanation() {
        let Enrolment::MicrosoftActivation { code, url, kind, explanation } = classify(
            "https://login.microsoftonline.com/authenticatorApp/activateAccount?accountType=mfa&code=123456789&url=https%3A%2F%2Fmobileappcommunicator.auth.microsoft.com%2Factivatev2%2F1%2Fx",
        )
        .unwrap() else {
            panic!()
        };
        assert_eq!(code.unwrap().expose(), "123456789");
        assert_eq!(
            url,
            "https://mobileappcommunicator.auth.microsoft.com/activatev2/1/x"
        );
        assert_eq!(kind, MicrosoftKind::EntraAppLink);
        assert_eq!(explanation.id, "microsoft_managed");
        let Enrolment::MicrosoftActivation { kind, .. } = classify(
            "https://login.microsoftonline.com/authenticatorapp/activateaccount?accountType=msa&code=M.C548_x",
        )
        .unwrap() else {
            panic!()
        };
        assert_eq!(kind, MicrosoftKind::PersonalAccount);
    }

    #[test]
    fn bare_secrets_become_drafts_and_words_do_not() {
        let Enrolment::Otp { account, draft } = classify("jbsw y3dp ehpk 3pxp").unwrap() else {
            panic!()
        };
        assert!(draft);
        assert_eq!(account.params.secret.expose(), b"Hello!\xDE\xAD\xBE\xEF");
        assert_eq!(kind("7KSQL2JTUDIS5EF65KLMRQIIGY"), "otp");
        assert_eq!(kind("this is just some ordinary text"), "unknown");
        assert_eq!(kind("ABCDEFGHIJKLMNOP"), "otp");
    }

    #[test]
    fn unknown_reasons_say_what_was_seen() {
        let reason = |t: &str| match classify(t).unwrap() {
            Enrolment::Unknown { reason } => reason,
            other => panic!("{t}: {other:?}"),
        };
        assert!(reason("010 911 395").contains("activation code"));
        assert!(reason("https://example.org/x").contains("example.org"));
        assert!(reason("JBSWY3DP").contains("too short"));
        assert!(
            reason("QR-Code:otpauth-migration://offline?data=CjUK").contains("paste only the link")
        );
        assert!(reason("oktaverify://x/?t=1").contains("Okta"));
        assert!(reason("").contains("empty"));
        assert!(reason("Lorem ipsum dolor sit amet").contains("not a QR code or link"));
    }

    #[test]
    fn recognised_but_broken_is_an_error() {
        for (text, want) in [
            (
                "otpauth://totp/x?issuer=a",
                EnrolError::Otp(crate::otp::OtpError::MissingSecret),
            ),
            (
                "otpauth://yaotp/x?secret=JBSWY3DPEHPK3PXP",
                EnrolError::Otp(crate::otp::OtpError::UnknownType("yaotp".into())),
            ),
            (
                "otpauth-migration://offline?data=XXXX",
                EnrolError::BadMigration("the data is not a Google Authenticator export".into()),
            ),
            (
                "watchword://activate?code=1&url=https://x.org",
                EnrolError::BadCodeLength {
                    expected: "9",
                    got: 1,
                },
            ),
        ] {
            let r = classify(text);
            assert_eq!(r.as_ref().err(), Some(&want), "{text}: {r:?}");
        }
        assert!(matches!(
            classify(&"A".repeat(MAX_TEXT_LEN + 1)),
            Err(EnrolError::TooLong(_))
        ));
    }

    #[test]
    fn describe_holds_no_secret() {
        for text in [
            "otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP",
            "watchword://activate?code=010911395&url=https%3A%2F%2Fpush.example.org%2Fv1%2Factivate%2Fe1",
            "otpauth://pipush/PIPU0001?url=https%3A//pi.example.org/ttype/push&enrollment_credential=deadbeefcafe&v=1",
            "phonefactor://activate_account?code=123456789&url=https%3A%2F%2Fx.phonefactor.net%2Fpad%2F9",
        ] {
            let d = classify(text).unwrap().describe().to_string();
            for secret in ["JBSWY3DP", "010911395", "deadbeefcafe", "123456789"] {
                assert!(!d.contains(secret), "{d}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,200}") {
            let _ = classify(&s);
        }

        #[test]
        fn never_panics_on_link_like_text(s in "(otpauth|otpauth-migration|watchword|phonefactor|pia|steam)://[a-z/]{0,10}\\?[a-zA-Z0-9=&%+/]{0,80}") {
            let _ = classify(&s);
        }
    }
}
