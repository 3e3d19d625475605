//! The one public error type, and the one place internal errors map to it.
//!
//! Each module has its own rich `thiserror` error (`OtpError`, ...). What a
//! user or a shell sees is [`ApiError`]: a small, flat enum whose variant is
//! a stable snake_case `kind` (the CLI's `{"error":{"kind":...}}` and the
//! bindings' exception class) and whose message says what happened and what
//! to do. Messages never contain secrets: internal errors are written not to
//! hold any, and the mapping below adds none.

use crate::{otp::OtpError, qr::QrError};

/// Result with the public error.
pub type ApiResult<T> = Result<T, ApiError>;

/// What went wrong, as shown to people and shells.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// Input that cannot be used as given (a parameter out of range, bad
    /// encoding, a malformed request).
    #[error("{message}")]
    InvalidInput {
        /// What is wrong and how to fix it.
        message: String,
    },
    /// A secret that is not valid base32 or is empty.
    #[error("{message}")]
    InvalidSecret {
        /// What is wrong (never the secret itself).
        message: String,
    },
    /// A link or scanned text that is not something Watchword can enrol.
    #[error("{message}")]
    InvalidLink {
        /// What was recognised and what the user can do.
        message: String,
    },
    /// Bytes that are not a readable PNG or JPEG image.
    #[error("{message}")]
    InvalidImage {
        /// What is wrong with the file.
        message: String,
    },
    /// A camera frame whose size, stride or buffer do not fit together.
    #[error("{message}")]
    InvalidFrame {
        /// Which dimension is wrong.
        message: String,
    },
    /// A feature or variant Watchword does not support (an algorithm, a type).
    #[error("{message}")]
    Unsupported {
        /// What is not supported.
        message: String,
    },
}

impl ApiError {
    /// The stable snake_case name of the variant.
    pub fn kind(&self) -> &'static str {
        match self {
            ApiError::InvalidInput { .. } => "invalid_input",
            ApiError::InvalidSecret { .. } => "invalid_secret",
            ApiError::InvalidLink { .. } => "invalid_link",
            ApiError::InvalidImage { .. } => "invalid_image",
            ApiError::InvalidFrame { .. } => "invalid_frame",
            ApiError::Unsupported { .. } => "unsupported",
        }
    }

    /// The human message.
    pub fn message(&self) -> &str {
        match self {
            ApiError::InvalidInput { message }
            | ApiError::InvalidSecret { message }
            | ApiError::InvalidLink { message }
            | ApiError::InvalidImage { message }
            | ApiError::InvalidFrame { message }
            | ApiError::Unsupported { message } => message,
        }
    }

    /// An [`ApiError::InvalidInput`] with `message`.
    pub fn invalid_input(message: impl Into<String>) -> Self {
        ApiError::InvalidInput {
            message: message.into(),
        }
    }
}

impl From<OtpError> for ApiError {
    fn from(e: OtpError) -> Self {
        let message = e.to_string();
        match e {
            OtpError::EmptySecret
            | OtpError::InvalidSecretCharacter { .. }
            | OtpError::InvalidSecretLength { .. }
            | OtpError::MisplacedPadding => ApiError::InvalidSecret { message },
            OtpError::UnsupportedAlgorithm(_) | OtpError::UnknownType(_) => {
                ApiError::Unsupported { message }
            }
            OtpError::NotOtpAuth
            | OtpError::MissingSecret
            | OtpError::MissingCounter
            | OtpError::DuplicateParameter(_)
            | OtpError::BadPercentEncoding(_)
            | OtpError::LinkTooLong(_) => ApiError::InvalidLink { message },
            OtpError::InvalidDigits(_)
            | OtpError::InvalidPeriod(_)
            | OtpError::InvalidCounter(_)
            | OtpError::TimeBeforeEpoch => ApiError::InvalidInput { message },
        }
    }
}

impl From<QrError> for ApiError {
    fn from(e: QrError) -> Self {
        let message = e.to_string();
        match e {
            QrError::InvalidImage(_) => ApiError::InvalidImage { message },
            QrError::EmptyFrame { .. }
            | QrError::FrameTooLarge { .. }
            | QrError::StrideTooSmall { .. }
            | QrError::BufferTooShort { .. } => ApiError::InvalidFrame { message },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_snake_case_and_messages_carry_through() {
        let e = ApiError::from(OtpError::MissingCounter);
        assert_eq!(e.kind(), "invalid_link");
        assert_eq!(e.message(), "an hotp link needs a counter parameter");
        assert_eq!(
            ApiError::from(OtpError::EmptySecret).kind(),
            "invalid_secret"
        );
        assert_eq!(
            ApiError::from(OtpError::UnknownType("x".into())).kind(),
            "unsupported"
        );
    }

    #[test]
    fn qr_errors_map_to_image_and_frame_kinds() {
        let e = ApiError::from(QrError::InvalidImage("bad header".into()));
        assert_eq!(e.kind(), "invalid_image");
        assert!(e.message().contains("bad header"));
        let e = ApiError::from(QrError::StrideTooSmall {
            stride: 1840,
            width: 1856,
        });
        assert_eq!(e.kind(), "invalid_frame");
        assert_eq!(
            e.message(),
            "the row stride 1840 is smaller than the width 1856"
        );
    }
}
