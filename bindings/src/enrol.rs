//! Enrolment: whatever was scanned, pasted or typed goes to the core's one
//! entry point (`PushClient.enrol`), which says what it did or what the
//! user must decide; `classify` describes a text without its secrets, for
//! showing before the user confirms.

use watchword_core::{
    ApiError,
    account::AccountSummary,
    enrol::{self, EnrolChoices, EnrolInput, EnrolOutcome, EnrolmentKind, ExportPart},
    otp::OtpKind,
    push::ActivatedAccount,
};

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
    pub scanned: u32,
    pub missing: Vec<u32>,
}

/// What an enrolment did, or what the user must decide before it can.
#[uniffi::remote(Enum)]
pub enum EnrolOutcome {
    Added {
        account: AccountSummary,
    },
    AddedTwoStep {
        account: AccountSummary,
        client_part: String,
    },
    AddedList {
        added: Vec<AccountSummary>,
        already_present: Vec<i64>,
    },
    Imported {
        added: Vec<AccountSummary>,
        already_present: Vec<i64>,
        part: ExportPart,
    },
    AlreadyPresent {
        existing: i64,
    },
    NeedsDetails {
        kind: OtpKind,
    },
    Activated {
        activation: ActivatedAccount,
    },
}

/// The kind of an enrolment text; never carries a secret or an activation
/// code.
#[uniffi::remote(Enum)]
pub enum EnrolmentKind {
    Otp {
        issuer: Option<String>,
        name: String,
        kind: OtpKind,
        draft: bool,
    },
    OtpList {
        accounts: u32,
    },
    GoogleMigration {
        accounts: u32,
        batch_index: u32,
        batch_size: u32,
    },
    WatchwordActivation {
        url: String,
    },
    PrivacyIdeaPush {
        serial: String,
    },
    MicrosoftActivation {
        explanation: String,
        message_id: String,
    },
    Unknown {
        reason: String,
    },
}

/// Describes scanned or pasted text (without its secret), for showing
/// before the user confirms `PushClient.enrol`.
#[uniffi::export]
pub fn classify(text: String) -> Result<EnrolmentKind, ApiError> {
    enrol::describe(&text)
}
