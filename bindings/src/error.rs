//! The error every exported function throws: `WatchwordException` in Kotlin,
//! `WatchwordError` in Swift. One variant per core `ApiError` kind, mapped
//! here and nowhere else.

use watchword_core::ApiError;

/// A flat error with a human message per case: `flat_error` makes each
/// variant an exception whose `message` is the Display text (a `message`
/// field would clash with `Throwable.message` in Kotlin). Messages never
/// hold secrets.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
#[uniffi(flat_error)]
pub enum WatchwordError {
    /// See [`ApiError::InvalidInput`].
    #[error("{message}")]
    InvalidInput {
        /// Human message.
        message: String,
    },
    /// See [`ApiError::InvalidSecret`].
    #[error("{message}")]
    InvalidSecret {
        /// Human message.
        message: String,
    },
    /// See [`ApiError::InvalidLink`].
    #[error("{message}")]
    InvalidLink {
        /// Human message.
        message: String,
    },
    /// See [`ApiError::InvalidImage`].
    #[error("{message}")]
    InvalidImage {
        /// Human message.
        message: String,
    },
    /// See [`ApiError::InvalidFrame`].
    #[error("{message}")]
    InvalidFrame {
        /// Human message.
        message: String,
    },
    /// See [`ApiError::Unsupported`].
    #[error("{message}")]
    Unsupported {
        /// Human message.
        message: String,
    },
    /// See [`ApiError::WrongKey`].
    #[error("{message}")]
    WrongKey {
        /// Human message.
        message: String,
    },
    /// See [`ApiError::CorruptVault`].
    #[error("{message}")]
    CorruptVault {
        /// Human message.
        message: String,
    },
    /// See [`ApiError::VaultMissing`].
    #[error("{message}")]
    VaultMissing {
        /// Human message.
        message: String,
    },
    /// See [`ApiError::VaultExists`].
    #[error("{message}")]
    VaultExists {
        /// Human message.
        message: String,
    },
    /// See [`ApiError::Duplicate`].
    #[error("{message}")]
    Duplicate {
        /// Human message.
        message: String,
    },
    /// See [`ApiError::NotFound`].
    #[error("{message}")]
    NotFound {
        /// Human message.
        message: String,
    },
    /// See [`ApiError::KeyUnavailable`].
    #[error("{message}")]
    KeyUnavailable {
        /// Human message.
        message: String,
    },
    /// See [`ApiError::Network`].
    #[error("{message}")]
    Network {
        /// Human message.
        message: String,
    },
    /// See [`ApiError::Refused`].
    #[error("{message}")]
    Refused {
        /// Human message.
        message: String,
    },
    /// See [`ApiError::Expired`].
    #[error("{message}")]
    Expired {
        /// Human message.
        message: String,
    },
    /// See [`ApiError::WrongNumber`].
    #[error("{message}")]
    WrongNumber {
        /// Human message.
        message: String,
    },
    /// See [`ApiError::CoolDown`].
    #[error("{message}")]
    CoolDown {
        /// Human message.
        message: String,
    },
    /// See [`ApiError::Untrusted`].
    #[error("{message}")]
    Untrusted {
        /// Human message.
        message: String,
    },
    /// See [`ApiError::Storage`].
    #[error("{message}")]
    Storage {
        /// Human message.
        message: String,
    },
    /// See [`ApiError::MicrosoftManaged`].
    #[error("{message}")]
    MicrosoftManaged {
        /// The explanation to show.
        message: String,
    },
    /// The user said no at the shell's [`crate::BiometricGate`], or the
    /// shell cancelled the call (`PushClient.cancel_all`).
    #[error("{message}")]
    Cancelled {
        /// What was not confirmed or cancelled.
        message: String,
    },
    /// A callback into the shell failed, or a panic was caught.
    #[error("{message}")]
    Internal {
        /// Human message.
        message: String,
    },
}

impl From<ApiError> for WatchwordError {
    fn from(e: ApiError) -> Self {
        match e {
            ApiError::InvalidInput { message } => Self::InvalidInput { message },
            ApiError::InvalidSecret { message } => Self::InvalidSecret { message },
            ApiError::InvalidLink { message } => Self::InvalidLink { message },
            ApiError::InvalidImage { message } => Self::InvalidImage { message },
            ApiError::InvalidFrame { message } => Self::InvalidFrame { message },
            ApiError::Unsupported { message } => Self::Unsupported { message },
            ApiError::WrongKey { message } => Self::WrongKey { message },
            ApiError::CorruptVault { message } => Self::CorruptVault { message },
            ApiError::VaultMissing { message } => Self::VaultMissing { message },
            ApiError::VaultExists { message } => Self::VaultExists { message },
            ApiError::Duplicate { message } => Self::Duplicate { message },
            ApiError::NotFound { message } => Self::NotFound { message },
            ApiError::KeyUnavailable { message } => Self::KeyUnavailable { message },
            ApiError::Network { message } => Self::Network { message },
            ApiError::Refused { message } => Self::Refused { message },
            ApiError::Expired { message } => Self::Expired { message },
            ApiError::WrongNumber { message } => Self::WrongNumber { message },
            ApiError::CoolDown { message } => Self::CoolDown { message },
            ApiError::Untrusted { message } => Self::Untrusted { message },
            ApiError::Storage { message } => Self::Storage { message },
            ApiError::MicrosoftManaged { message } => Self::MicrosoftManaged { message },
            ApiError::Cancelled { message } => Self::Cancelled { message },
            ApiError::Internal { message } => Self::Internal { message },
        }
    }
}

impl From<uniffi::UnexpectedUniFFICallbackError> for WatchwordError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        Self::Internal { message: e.reason }
    }
}
