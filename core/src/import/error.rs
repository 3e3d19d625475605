//! What can go wrong reading an export. None of these messages holds a
//! secret or a password: a reader reports *where* and *what kind* of
//! damage, never the bytes.

use super::ImportFormat;

/// Why a file could not be imported. Nothing was stored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// Not a file any reader recognises.
    #[error(
        "this file is not an export Watchword can read; it reads exports of: {}",
        ImportFormat::supported_list()
    )]
    UnknownFormat,
    /// Larger than any export.
    #[error("the file is {bytes} bytes, too large to be an authenticator export")]
    TooLarge {
        /// The file's size.
        bytes: usize,
    },
    /// An encrypted export and no password was given.
    #[error("this {format} export is encrypted: give the password it was exported with")]
    PasswordNeeded {
        /// The recognised format.
        format: ImportFormat,
    },
    /// The password does not decrypt the export (or the encrypted part was
    /// altered: the formats cannot tell the two apart).
    #[error("the password does not open this {format} export; nothing was imported")]
    WrongPassword {
        /// The recognised format.
        format: ImportFormat,
    },
    /// Recognised, but damaged or not as the format describes.
    #[error("this {format} export is damaged{}: {reason}; nothing was imported", entry.as_ref().map(|e| format!(" at {e}")).unwrap_or_default())]
    Damaged {
        /// The recognised format.
        format: ImportFormat,
        /// Which entry (`entry 3`, `entry 3 (Deno)`), when one entry is at
        /// fault.
        entry: Option<String>,
        /// What is wrong (no secret in it).
        reason: String,
    },
}

impl ImportError {
    /// The whole file is damaged.
    pub fn damaged(format: ImportFormat, reason: impl Into<String>) -> Self {
        ImportError::Damaged {
            format,
            entry: None,
            reason: reason.into(),
        }
    }

    /// One entry (0-based `index`) is damaged; `label` is what the entry
    /// is called, when it could be read (never a secret).
    pub fn entry(
        format: ImportFormat,
        index: usize,
        label: Option<&str>,
        reason: impl Into<String>,
    ) -> Self {
        let entry = match label.filter(|l| !l.is_empty()) {
            Some(l) => format!("entry {} ({l})", index + 1),
            None => format!("entry {}", index + 1),
        };
        ImportError::Damaged {
            format,
            entry: Some(entry),
            reason: reason.into(),
        }
    }
}
