//! What a scanned or pasted text is, without its secrets: what a shell
//! shows before the person confirms the enrolment
//! ([`intake::enrol`](super::intake::enrol)).

use super::{Enrolment, classify};
use crate::{ApiError, otp::OtpKind};

/// The kind of an enrolment text; never carries a secret or an activation
/// code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnrolmentKind {
    /// An OTP account (`draft`: a bare secret that still needs issuer and
    /// name).
    Otp {
        /// Issuer.
        issuer: Option<String>,
        /// Account name.
        name: String,
        /// TOTP, HOTP or Steam.
        kind: OtpKind,
        /// Issuer and name still to be asked for.
        draft: bool,
    },
    /// Several OTP accounts, one link a line.
    OtpList {
        /// How many.
        accounts: u32,
    },
    /// One QR code of a Google Authenticator export.
    GoogleMigration {
        /// Accounts in this QR code.
        accounts: u32,
        /// 0-based position in the export.
        batch_index: u32,
        /// QR codes in the export.
        batch_size: u32,
    },
    /// A Watchword push activation.
    WatchwordActivation {
        /// The activation URL.
        url: String,
    },
    /// A privacyIDEA push enrolment.
    PrivacyIdeaPush {
        /// Token serial.
        serial: String,
    },
    /// A Microsoft activation only Microsoft's app can complete.
    MicrosoftActivation {
        /// What to tell the user (English).
        explanation: String,
        /// A stable id of that text (`microsoft_managed`, ...), for a shell
        /// to show it in the user's language.
        message_id: String,
    },
    /// Not enrollable; `reason` says what it looked like.
    Unknown {
        /// What was recognised and what to do.
        reason: String,
    },
}

impl From<Enrolment> for EnrolmentKind {
    fn from(e: Enrolment) -> Self {
        match e {
            Enrolment::Otp { account, draft } => EnrolmentKind::Otp {
                issuer: account.issuer().map(str::to_owned),
                name: account.name.clone(),
                kind: account.params.kind,
                draft,
            },
            Enrolment::OtpList(links) => EnrolmentKind::OtpList {
                accounts: u32::try_from(links.len()).unwrap_or(u32::MAX),
            },
            Enrolment::GoogleMigration(m) => EnrolmentKind::GoogleMigration {
                accounts: u32::try_from(m.accounts.len()).unwrap_or(u32::MAX),
                batch_index: m.batch_index,
                batch_size: m.batch_size,
            },
            Enrolment::WatchwordActivation(a) => EnrolmentKind::WatchwordActivation {
                url: a.url().to_owned(),
            },
            Enrolment::PrivacyIdeaPush(p) => EnrolmentKind::PrivacyIdeaPush { serial: p.serial },
            Enrolment::MicrosoftActivation { explanation, .. } => {
                EnrolmentKind::MicrosoftActivation {
                    explanation: explanation.text,
                    message_id: explanation.id.to_owned(),
                }
            }
            Enrolment::Unknown { reason } => EnrolmentKind::Unknown { reason },
        }
    }
}

/// Describes scanned or pasted text without its secrets.
pub fn describe(text: &str) -> Result<EnrolmentKind, ApiError> {
    Ok(classify(text)?.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_description_never_carries_the_secret_or_the_code() {
        let otp = describe("otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP").unwrap();
        assert_eq!(
            otp,
            EnrolmentKind::Otp {
                issuer: Some("ACME".into()),
                name: "alice".into(),
                kind: OtpKind::Totp,
                draft: false,
            }
        );
        let ms = describe("phonefactor://activate_account?code=123456789&url=https%3A%2F%2Fx.phonefactor.net%2Fpad%2F9").unwrap();
        assert!(
            matches!(&ms, EnrolmentKind::MicrosoftActivation { message_id, .. } if !message_id.is_empty()),
            "{ms:?}"
        );
        let link = "watchword://activate?code=010911395&url=https%3A%2F%2Fpush.example.org%2Fv1%2Factivate%2Fe1";
        let shown = format!("{:?}", describe(link).unwrap());
        assert!(
            shown.contains("push.example.org") && !shown.contains("010911395"),
            "{shown}"
        );
    }
}
