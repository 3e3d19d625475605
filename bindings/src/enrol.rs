//! What scanned or pasted text is, described without its secrets.

use watchword_core::{ApiError, enrol};

use crate::OtpType;

/// The kind of an enrolment text; never carries a secret or an activation
/// code.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum EnrolmentKind {
    /// An OTP account (`draft`: a bare secret that still needs issuer and
    /// name).
    Otp {
        /// Issuer.
        issuer: Option<String>,
        /// Account name.
        name: String,
        /// TOTP, HOTP or Steam.
        kind: OtpType,
        /// Issuer and name still to be asked for.
        draft: bool,
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
    /// A Watchword push activation: `PushClient.activate`.
    WatchwordActivation {
        /// The activation URL.
        url: String,
    },
    /// A privacyIDEA push enrolment: `PushClient.activate_link`.
    PrivacyIdeaPush {
        /// Token serial.
        serial: String,
    },
    /// A Microsoft activation only Microsoft's app can complete.
    MicrosoftActivation {
        /// What to tell the user.
        explanation: String,
    },
    /// Not enrollable; `reason` says what it looked like.
    Unknown {
        /// What was recognised and what to do.
        reason: String,
    },
}

impl From<enrol::Enrolment> for EnrolmentKind {
    fn from(e: enrol::Enrolment) -> Self {
        use enrol::Enrolment as E;
        match e {
            E::Otp { account, draft } => Self::Otp {
                issuer: account.issuer().map(str::to_owned),
                name: account.name.clone(),
                kind: account.params.kind.into(),
                draft,
            },
            E::GoogleMigration(m) => Self::GoogleMigration {
                accounts: u32::try_from(m.accounts.len()).unwrap_or(u32::MAX),
                batch_index: m.batch_index,
                batch_size: m.batch_size,
            },
            E::WatchwordActivation { url, .. } => Self::WatchwordActivation {
                url: url.to_string(),
            },
            E::PrivacyIdeaPush(p) => Self::PrivacyIdeaPush { serial: p.serial },
            E::MicrosoftActivation { explanation, .. } => Self::MicrosoftActivation {
                explanation: explanation.text,
            },
            E::Unknown { reason } => Self::Unknown { reason },
        }
    }
}

/// Classifies scanned, pasted or typed text.
#[uniffi::export]
pub fn classify(text: String) -> Result<EnrolmentKind, ApiError> {
    Ok(enrol::classify(&text)?.into())
}
