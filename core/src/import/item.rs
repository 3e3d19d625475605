//! What a reader returns: the accounts of one export, and what it could
//! not import.

use serde::Serialize;

use super::ImportFormat;
use crate::account::Account;

/// One entry of an export.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)] // Few entries per file; readers build accounts by value.
pub enum ImportItem {
    /// An account Watchword can generate codes for.
    Account(Account),
    /// An entry that cannot be imported; the export report lists it.
    NotImported(NotImported),
}

/// An entry left out of an import, and why: shown to the person so that
/// nothing is lost silently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotImported {
    /// What the entry is called (issuer and name, as the app showed it).
    pub label: String,
    /// Why, as a kind the shells word in the user's language.
    pub kind: NotImportedKind,
    /// Why, and what to do, in English (the CLI and logs; e.g. "a push
    /// account: enrol it again on this phone").
    pub reason: String,
}

impl NotImported {
    /// `label` left out for `kind`, with the kind's English reason.
    pub fn new(label: impl Into<String>, kind: NotImportedKind) -> Self {
        let reason = kind.reason();
        NotImported {
            label: label.into(),
            kind,
            reason,
        }
    }
}

/// Why an entry could not come along, and so what the person should do.
/// The shells have one text per kind in each language; the English is
/// [`NotImportedKind::reason`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum NotImportedKind {
    /// Codes Watchword has no generator for (`what`: "mOTP", "Yandex").
    NoGenerator {
        /// The kind of code, as the other app names it.
        what: String,
    },
    /// An entry type Watchword does not know (`name` as the file has it,
    /// at most 20 characters).
    UnknownType {
        /// The type, as the file names it.
        name: String,
    },
    /// Google Authenticator sealed the secret with a key on the old
    /// phone: move it with that app's "Transfer accounts" QR code.
    MoveWithTransferQr,
    /// The old app sealed the secret with a key on the old phone: add
    /// the account again from the service's security page.
    AddAgainFromService,
    /// A Microsoft work or school account that signs in by push only:
    /// add it again in Microsoft Authenticator, or ask the organisation to
    /// allow an authenticator app.
    MicrosoftPushOnly,
    /// A push account, or one provisioned not to leave its phone: enrol it
    /// again on the new phone.
    EnrolAgain,
    /// Read from a backup written before these kinds existed: only the
    /// English reason says why.
    Other,
}

impl NotImportedKind {
    /// An unknown type, named as the file names it (cut to 20 characters:
    /// the name comes from the file and ends up on screen).
    pub fn unknown_type(name: &str) -> Self {
        NotImportedKind::UnknownType {
            name: name.chars().take(20).collect(),
        }
    }

    /// No generator for `what`.
    pub fn no_generator(what: impl std::fmt::Display) -> Self {
        NotImportedKind::NoGenerator {
            what: what.to_string(),
        }
    }

    /// The English reason (the CLI shows it; the shells their own text).
    pub fn reason(&self) -> String {
        match self {
            NotImportedKind::NoGenerator { what } => {
                format!("Watchword has no generator for {what} codes")
            }
            NotImportedKind::UnknownType { name } => {
                format!("its type {name:?} is not one Watchword knows")
            }
            NotImportedKind::MoveWithTransferQr => "Google Authenticator encrypted its secret \
                with a key that stays on the phone: move it with the app's \"Transfer accounts\" \
                QR code instead"
                .to_owned(),
            NotImportedKind::AddAgainFromService => "the app sealed its secret with a key that \
                stays on the phone: add the account again (from the service's or your \
                organisation's security page)"
                .to_owned(),
            NotImportedKind::MicrosoftPushOnly => "a work or school account that signs in by \
                push approval, without a code secret: add it again in Microsoft Authenticator, \
                or ask your organisation to register Watchword as an authenticator app"
                .to_owned(),
            NotImportedKind::EnrolAgain => {
                "its key stays on the old phone: enrol it again on the new one".to_owned()
            }
            NotImportedKind::Other => "it could not be imported".to_owned(),
        }
    }
}

/// A read export: which format it was and its entries, in the file's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportFile {
    /// The recognised format.
    pub format: ImportFormat,
    /// The entries, in the file's order.
    pub items: Vec<ImportItem>,
}

impl ImportFile {
    /// The accounts, in the file's order.
    pub fn accounts(&self) -> impl Iterator<Item = &Account> {
        self.items.iter().filter_map(|i| match i {
            ImportItem::Account(a) => Some(a),
            ImportItem::NotImported(_) => None,
        })
    }

    /// The entries that cannot be imported.
    pub fn not_imported(&self) -> impl Iterator<Item = &NotImported> {
        self.items.iter().filter_map(|i| match i {
            ImportItem::NotImported(n) => Some(n),
            ImportItem::Account(_) => None,
        })
    }
}
