//! Enrolment: whatever was scanned, pasted or typed goes to the core's one
//! entry point (`PushClient.enrol`), which says what it did or what the
//! user must decide; `classify` describes a text without its secrets, for
//! showing before the user confirms.

use watchword_core::enrol::{self, EnrolChoices, EnrolInput, ExportPart};

use crate::{AccountInfo, OtpType, PushActivation};

/// What the user gave, and how it arrived.
#[uniffi::remote(Enum)]
pub enum EnrolInput {
    /// Text read from a QR code (camera or image).
    Scanned { text: String },
    /// Text pasted or typed as a whole (a link, a bare secret).
    Pasted { text: String },
    /// An activation code and the URL beside it, typed by hand.
    Typed { code: String, url: String },
}

/// What the user chose beyond the text (names for a bare secret, a group,
/// keeping a duplicate).
#[uniffi::remote(Record)]
pub struct EnrolChoices {
    #[uniffi(default = None)]
    pub issuer: Option<String>,
    #[uniffi(default = None)]
    pub name: Option<String>,
    #[uniffi(default = None)]
    pub group: Option<String>,
    #[uniffi(default = None)]
    pub icon: Option<String>,
    #[uniffi(default = None)]
    pub notes: Option<String>,
    #[uniffi(default = false)]
    pub force: bool,
}

/// Where one QR code sits in a multi-QR export.
#[uniffi::remote(Record)]
pub struct ExportPart {
    pub index: u32,
    pub size: u32,
    pub id: i32,
}

/// What an enrolment did, or what the user must decide before it can.
#[derive(Debug, Clone, uniffi::Enum)]
pub enum EnrolOutcome {
    /// The account of an OTP link was stored.
    Added {
        /// The account.
        account: AccountInfo,
    },
    /// The accounts of one QR code of an export were stored.
    Imported {
        /// Stored now.
        added: Vec<AccountInfo>,
        /// Ids of accounts already stored (not added again).
        already_present: Vec<i64>,
        /// Which QR code of the export this was.
        part: ExportPart,
    },
    /// The account is already stored: ask, and enrol again with `force`
    /// to keep both.
    AlreadyPresent {
        /// Id of the stored account.
        existing: i64,
    },
    /// A bare secret: ask for issuer and name, and enrol again with them.
    NeedsDetails {
        /// The code type the secret was read as.
        kind: OtpType,
    },
    /// A push account was activated on this device.
    Activated {
        /// The new push account.
        activation: PushActivation,
    },
}

impl From<enrol::EnrolOutcome> for EnrolOutcome {
    fn from(o: enrol::EnrolOutcome) -> Self {
        use enrol::EnrolOutcome as O;
        match o {
            O::Added(stored) => Self::Added {
                account: (*stored).into(),
            },
            O::Imported {
                added,
                already_present,
                part,
            } => Self::Imported {
                added: added.into_iter().map(Into::into).collect(),
                already_present,
                part,
            },
            O::AlreadyPresent { existing } => Self::AlreadyPresent { existing },
            O::NeedsDetails { kind } => Self::NeedsDetails { kind: kind.into() },
            O::Activated(a) => Self::Activated {
                activation: a.into(),
            },
        }
    }
}

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
            E::WatchwordActivation(a) => Self::WatchwordActivation {
                url: a.url().to_owned(),
            },
            E::PrivacyIdeaPush(p) => Self::PrivacyIdeaPush { serial: p.serial },
            E::MicrosoftActivation { explanation, .. } => Self::MicrosoftActivation {
                explanation: explanation.text,
            },
            E::Unknown { reason } => Self::Unknown { reason },
        }
    }
}

/// Describes scanned or pasted text (without its secret), for showing
/// before the user confirms `PushClient.enrol`.
#[uniffi::export]
pub fn classify(text: String) -> Result<EnrolmentKind, watchword_core::ApiError> {
    Ok(enrol::classify(&text)?.into())
}
