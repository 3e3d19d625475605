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
    /// Why, and what to do (e.g. "a push account: enrol it again on this
    /// phone").
    pub reason: String,
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
