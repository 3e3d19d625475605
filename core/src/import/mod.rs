//! Import from other authenticators: a file another app wrote becomes
//! accounts in the vault, after a preview, all or nothing.
//!
//! 1. [`read`] recognises the file by its content (never its name),
//!    decrypts it with the password where the format has one, and returns
//!    an [`ImportFile`]: the accounts it holds, and the entries that cannot
//!    be imported and why (a push account to re-enrol, a type Watchword
//!    has no generator for). Each format is one file under `formats/`;
//!    which formats exist and in which order they are tried is
//!    `formats/mod.rs`.
//! 2. [`ImportFile::preview`] compares it with a vault: what would be added,
//!    what is already there (`preview.rs`).
//! 3. [`ImportFile::apply`] stores it in one transaction with the chosen
//!    [`OnDuplicate`]: either every account lands or none does.
//!
//! Errors are [`ImportError`]: an unknown file lists what is supported, a
//! wrong password is its own kind, a damaged file names the entry.

mod error;
mod format;
mod formats;
mod item;
mod preview;

pub use error::ImportError;
pub use format::ImportFormat;
pub use item::{ImportFile, ImportItem, NotImported, NotImportedKind};
pub use preview::{ImportPreview, ImportReport, OnDuplicate, PreviewLine};

use zeroize::Zeroizing;

/// The largest file [`read`] accepts: exports with icons reach a few MB;
/// anything far larger is not an authenticator export.
pub const MAX_IMPORT_BYTES: usize = 64 * 1024 * 1024;

/// Recognises `bytes` as one of the [`ImportFormat`]s and reads it, with
/// `password` for encrypted exports (ignored by plain ones).
pub fn read(bytes: &[u8], password: Option<&Zeroizing<String>>) -> Result<ImportFile, ImportError> {
    if bytes.len() > MAX_IMPORT_BYTES {
        return Err(ImportError::TooLarge { bytes: bytes.len() });
    }
    formats::read(bytes, password.map(|p| p.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_size_limit_is_checked_before_any_reader() {
        // calloc'd zeros: no page of them is touched unless a reader runs.
        let over = vec![0u8; MAX_IMPORT_BYTES + 1];
        let started = std::time::Instant::now();
        assert_eq!(
            read(&over, None).unwrap_err(),
            ImportError::TooLarge {
                bytes: MAX_IMPORT_BYTES + 1
            }
        );
        assert!(started.elapsed() < std::time::Duration::from_millis(100));
        // At the limit the readers run (and find no export in zeros).
        assert_eq!(
            read(&over[..MAX_IMPORT_BYTES], None).unwrap_err(),
            ImportError::UnknownFormat
        );
    }
}
