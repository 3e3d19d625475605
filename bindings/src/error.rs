//! The error every exported function throws: `WatchwordException` in Kotlin,
//! `WatchwordError` in Swift. One variant per core `ApiError` kind, mapped
//! here and nowhere else.

use watchword_core::ApiError;

/// A flat error with a human message per case. Fields never hold secrets
/// (Kotlin puts field values into the exception message).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
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
        }
    }
}

impl From<uniffi::UnexpectedUniFFICallbackError> for WatchwordError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        Self::Internal { message: e.reason }
    }
}
