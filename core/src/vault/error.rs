//! What can go wrong with the vault.
//!
//! Messages never hold secrets or decrypted fields: they name ids, paths
//! and what to do. Mapped to the public [`crate::ApiError`] only in
//! `core/src/error.rs`.

use std::path::PathBuf;

use super::key_provider::KeyProviderError;
use crate::otp::OtpError;

/// Result of vault operations.
pub type VaultResult<T> = Result<T, VaultError>;

/// Everything a vault operation can fail with.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    /// The passphrase or platform key does not open this vault. Nothing
    /// was written.
    #[error("wrong passphrase or key: this vault cannot be unlocked with it")]
    WrongKey,
    /// The file is not a Watchword vault, or its contents are damaged or
    /// were altered. It is left exactly as it is.
    #[error("the vault is damaged or not a Watchword vault ({0}); it was left untouched")]
    Corrupt(String),
    /// No vault file at the path.
    #[error("no vault at {}: create one with `watchword init`", .0.display())]
    Missing(PathBuf),
    /// `create` on a path that already holds a file.
    #[error("a file already exists at {}; it was not touched", .0.display())]
    AlreadyExists(PathBuf),
    /// The vault was written by a newer Watchword.
    #[error("the vault has format version {found}; this Watchword reads up to {supported}")]
    TooNew {
        /// `user_version` in the file.
        found: i64,
        /// Newest version this build knows.
        supported: i64,
    },
    /// Adding an account that is already stored (same secret, issuer and
    /// name) without `force`.
    #[error(
        "this account is already in the vault (id {existing}); add it with force (`--force`) to keep both"
    )]
    Duplicate {
        /// Id of the stored copy.
        existing: i64,
    },
    /// No account or push account with this id.
    #[error("no {what} with id {id}")]
    NotFound {
        /// `account` or `push account`.
        what: &'static str,
        /// The id asked for.
        id: i64,
    },
    /// Bad OTP parameters in an account.
    #[error(transparent)]
    Otp(#[from] OtpError),
    /// Any other unusable input (empty provider name, counter overflow).
    #[error("{0}")]
    Invalid(String),
    /// The platform key manager failed.
    #[error(transparent)]
    KeyProvider(KeyProviderError),
    /// SQLite or the file system failed (disk full, locked too long,
    /// permissions).
    #[error("vault storage error: {0}")]
    Storage(String),
}

impl From<rusqlite::Error> for VaultError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        match e.sqlite_error_code() {
            Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => {
                VaultError::Corrupt(e.to_string())
            }
            _ => VaultError::Storage(e.to_string()),
        }
    }
}

impl From<std::io::Error> for VaultError {
    fn from(e: std::io::Error) -> Self {
        VaultError::Storage(e.to_string())
    }
}

impl From<KeyProviderError> for VaultError {
    fn from(e: KeyProviderError) -> Self {
        match e {
            KeyProviderError::WrongKey => VaultError::WrongKey,
            KeyProviderError::Malformed { message } => VaultError::Corrupt(message),
            other => VaultError::KeyProvider(other),
        }
    }
}
