//! The one public error type, and the one place internal errors map to it.
//!
//! Each module has its own rich `thiserror` error (`OtpError`, ...). What a
//! user or a shell sees is [`ApiError`]: a small, flat enum whose variant is
//! a stable snake_case `kind` (the CLI's `{"error":{"kind":...}}` and the
//! bindings' exception class) and whose message says what happened and what
//! to do. Messages never contain secrets: internal errors are written not to
//! hold any, and the mapping below adds none.

use crate::{
    enrol::EnrolError,
    import::ImportError,
    otp::OtpError,
    push::{ErrorCode, PushError, privacyidea::PiError},
    qr::QrError,
    vault::VaultError,
};

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
    /// A server could not be reached (after retries).
    #[error("{message}")]
    Network {
        /// What failed.
        message: String,
    },
    /// A server refused the request (the message carries its error code).
    #[error("{message}")]
    Refused {
        /// What the server said.
        message: String,
    },
    /// A sign-in request or activation code whose time ran out.
    #[error("{message}")]
    Expired {
        /// What expired.
        message: String,
    },
    /// A wrong number was typed for a sign-in; it can be tried again while
    /// tries are left.
    #[error("{message}")]
    WrongNumber {
        /// How many tries are left.
        message: String,
    },
    /// New sign-in requests are paused for this user for a while.
    #[error("{message}")]
    CoolDown {
        /// How long.
        message: String,
    },
    /// Something a server sent failed verification (a forged or tampered
    /// sign-in request, an unsigned activation reply) and was not shown.
    #[error("{message}")]
    Untrusted {
        /// What failed.
        message: String,
    },
    /// The passphrase or platform key does not unlock the vault; nothing
    /// was changed.
    #[error("{message}")]
    WrongKey {
        /// What happened and what to do.
        message: String,
    },
    /// The vault file is damaged, altered or not a Watchword vault; it
    /// was left untouched.
    #[error("{message}")]
    CorruptVault {
        /// What happened and what to do.
        message: String,
    },
    /// There is no vault at the path; `watchword init` creates one.
    #[error("{message}")]
    VaultMissing {
        /// What happened and what to do.
        message: String,
    },
    /// Creating a vault where a file already exists (it was not touched).
    #[error("{message}")]
    VaultExists {
        /// What happened and what to do.
        message: String,
    },
    /// The account is already stored (same secret, issuer and name).
    #[error("{message}")]
    Duplicate {
        /// What happened and what to do.
        message: String,
    },
    /// An encrypted file (an export, a backup) and no password was given.
    #[error("{message}")]
    PasswordNeeded {
        /// Which file and what to do.
        message: String,
    },
    /// The password does not open the file; nothing was changed.
    #[error("{message}")]
    WrongPassword {
        /// What happened and what to do.
        message: String,
    },
    /// A file (an export, a backup) that is recognised but damaged; the
    /// message names the entry when one is at fault. Nothing was changed.
    #[error("{message}")]
    DamagedFile {
        /// What is damaged and where.
        message: String,
    },
    /// No account with the given id.
    #[error("{message}")]
    NotFound {
        /// What happened and what to do.
        message: String,
    },
    /// The platform key store failed or is locked.
    #[error("{message}")]
    KeyUnavailable {
        /// What happened and what to do.
        message: String,
    },
    /// The file system or SQLite failed (disk full, locked too long).
    #[error("{message}")]
    Storage {
        /// What happened and what to do.
        message: String,
    },
    /// A Microsoft Authenticator account: only Microsoft's app can activate
    /// it; the message says how to get a standard code instead.
    #[error("{message}")]
    MicrosoftManaged {
        /// The explanation to show.
        message: String,
    },
    /// The person did not confirm (a no, a platform error or no answer at
    /// the biometric check, or a check required and missing), or the shell
    /// cancelled the call. Nothing was done.
    #[error("{message}")]
    Cancelled {
        /// What was not confirmed or cancelled.
        message: String,
    },
    /// Something that should not happen (a failed render, a broken
    /// platform call); the message is safe to show.
    #[error("{message}")]
    Internal {
        /// What failed.
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
            ApiError::Network { .. } => "network",
            ApiError::Refused { .. } => "refused",
            ApiError::Expired { .. } => "expired",
            ApiError::WrongNumber { .. } => "wrong_number",
            ApiError::CoolDown { .. } => "cool_down",
            ApiError::Untrusted { .. } => "untrusted",
            ApiError::WrongKey { .. } => "wrong_key",
            ApiError::CorruptVault { .. } => "corrupt_vault",
            ApiError::VaultMissing { .. } => "vault_missing",
            ApiError::VaultExists { .. } => "vault_exists",
            ApiError::Duplicate { .. } => "duplicate",
            ApiError::PasswordNeeded { .. } => "password_needed",
            ApiError::WrongPassword { .. } => "wrong_password",
            ApiError::DamagedFile { .. } => "damaged_file",
            ApiError::NotFound { .. } => "not_found",
            ApiError::KeyUnavailable { .. } => "key_unavailable",
            ApiError::Storage { .. } => "storage",
            ApiError::MicrosoftManaged { .. } => "microsoft_managed",
            ApiError::Cancelled { .. } => "cancelled",
            ApiError::Internal { .. } => "internal",
        }
    }

    /// The human message.
    pub fn message(&self) -> &str {
        match self {
            ApiError::InvalidInput { message }
            | ApiError::InvalidSecret { message }
            | ApiError::InvalidLink { message }
            | ApiError::Unsupported { message }
            | ApiError::InvalidImage { message }
            | ApiError::InvalidFrame { message }
            | ApiError::Network { message }
            | ApiError::Refused { message }
            | ApiError::Expired { message }
            | ApiError::WrongNumber { message }
            | ApiError::CoolDown { message }
            | ApiError::Untrusted { message }
            | ApiError::WrongKey { message }
            | ApiError::CorruptVault { message }
            | ApiError::VaultMissing { message }
            | ApiError::VaultExists { message }
            | ApiError::Duplicate { message }
            | ApiError::PasswordNeeded { message }
            | ApiError::WrongPassword { message }
            | ApiError::DamagedFile { message }
            | ApiError::NotFound { message }
            | ApiError::KeyUnavailable { message }
            | ApiError::Storage { message }
            | ApiError::MicrosoftManaged { message }
            | ApiError::Cancelled { message }
            | ApiError::Internal { message } => message,
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

impl From<crate::clock_sync::ClockSyncError> for ApiError {
    fn from(e: crate::clock_sync::ClockSyncError) -> Self {
        use crate::clock_sync::ClockSyncError as E;
        let message = e.to_string();
        match e {
            E::BadUrl(_) | E::InsecureUrl(_) => ApiError::InvalidLink { message },
            E::Network(_) | E::NoDate => ApiError::Network { message },
            E::Vault(v) => v.into(),
        }
    }
}

impl From<PushError> for ApiError {
    fn from(e: PushError) -> Self {
        let message = e.to_string();
        match e {
            PushError::Field(_) | PushError::NumberRequired => ApiError::InvalidInput { message },
            PushError::BadActivation(_) | PushError::InsecureUrl(_) => {
                ApiError::InvalidLink { message }
            }
            PushError::Key(_) | PushError::Store(_) => ApiError::Storage { message },
            PushError::Network(_) => ApiError::Network { message },
            PushError::Protocol(_) | PushError::BadServerSignature(_) => {
                ApiError::Untrusted { message }
            }
            PushError::Expired(_) => ApiError::Expired { message },
            PushError::NotFound(_) => ApiError::NotFound { message },
            PushError::PrivacyIdea(pi) => match pi {
                PiError::Key(_) => ApiError::Storage { message },
                PiError::Network(_) => ApiError::Network { message },
                PiError::Refused { .. } | PiError::NotTaken(_) => ApiError::Refused { message },
                PiError::Protocol(_) => ApiError::Untrusted { message },
                PiError::NotAnOption(_) | PiError::WrongOption => ApiError::WrongNumber { message },
            },
            PushError::AlreadyFinal(_) => ApiError::Refused { message },
            PushError::Refused {
                code,
                tries_left,
                retry_after,
                status,
                ..
            } => match code {
                ErrorCode::WrongNumber => ApiError::WrongNumber {
                    message: match tries_left {
                        Some(n) => format!("wrong number; {n} tries left"),
                        None => message,
                    },
                },
                ErrorCode::CoolDown => ApiError::CoolDown {
                    message: match retry_after {
                        Some(s) => format!("{message}; try again in {s} s"),
                        None => message,
                    },
                },
                ErrorCode::ActivationWrongCode => ApiError::Refused {
                    message: match tries_left {
                        Some(0) => {
                            "wrong activation code; no tries left: ask for a new activation code"
                                .to_owned()
                        }
                        Some(1) => "wrong activation code; 1 try left".to_owned(),
                        Some(n) => format!("wrong activation code; {n} tries left"),
                        None => message,
                    },
                },
                ErrorCode::AlreadyAnswered => ApiError::Refused {
                    message: match status {
                        Some(s) => {
                            format!("this sign-in request was already answered: {}", s.as_str())
                        }
                        None => message,
                    },
                },
                ErrorCode::ChallengeExpired | ErrorCode::ActivationExpired => {
                    ApiError::Expired { message }
                }
                ErrorCode::ChallengeNotFound | ErrorCode::ActivationNotFound => {
                    ApiError::NotFound { message }
                }
                _ => ApiError::Refused { message },
            },
        }
    }
}

impl From<VaultError> for ApiError {
    fn from(e: VaultError) -> Self {
        let message = e.to_string();
        match e {
            VaultError::WrongKey => ApiError::WrongKey { message },
            VaultError::Corrupt(_) => ApiError::CorruptVault { message },
            VaultError::Missing(_) => ApiError::VaultMissing { message },
            VaultError::AlreadyExists(_) => ApiError::VaultExists { message },
            VaultError::TooNew { .. } => ApiError::Unsupported { message },
            VaultError::Duplicate { .. } => ApiError::Duplicate { message },
            VaultError::NotFound { .. } => ApiError::NotFound { message },
            VaultError::Otp(e) => ApiError::from(e),
            VaultError::Invalid(_) => ApiError::InvalidInput { message },
            VaultError::KeyProvider(_) => ApiError::KeyUnavailable { message },
            VaultError::Storage(_) => ApiError::Storage { message },
        }
    }
}

impl From<EnrolError> for ApiError {
    fn from(e: EnrolError) -> Self {
        let message = e.to_string();
        match e {
            EnrolError::Otp(e) => e.into(),
            EnrolError::TooLong(_)
            | EnrolError::ListLine { .. }
            | EnrolError::BadTwoStep(_)
            | EnrolError::BadMigration(_)
            | EnrolError::BadPrivacyIdeaLink(_) => ApiError::InvalidLink { message },
            EnrolError::BadCodeLength { .. }
            | EnrolError::BadCodeCharacters
            | EnrolError::BadUrl(_) => ApiError::InvalidInput { message },
            EnrolError::QrOnly(_) => ApiError::Unsupported { message },
            EnrolError::Render(_) => ApiError::Internal { message },
        }
    }
}

impl From<ImportError> for ApiError {
    fn from(e: ImportError) -> Self {
        let message = e.to_string();
        match e {
            ImportError::UnknownFormat => ApiError::Unsupported { message },
            ImportError::TooLarge { .. } => ApiError::InvalidInput { message },
            ImportError::PasswordNeeded { .. } => ApiError::PasswordNeeded { message },
            ImportError::WrongPassword { .. } => ApiError::WrongPassword { message },
            ImportError::Damaged { .. } => ApiError::DamagedFile { message },
        }
    }
}

impl From<crate::backup::BackupError> for ApiError {
    fn from(e: crate::backup::BackupError) -> Self {
        use crate::backup::BackupError as B;
        let message = e.to_string();
        match e {
            B::WrongPassword => ApiError::WrongPassword { message },
            B::Damaged(_) => ApiError::DamagedFile { message },
            B::TooNew(_) => ApiError::Unsupported { message },
            B::Write(_) | B::Verify(_) => ApiError::Storage { message },
            B::WeakPassword(_) => ApiError::InvalidInput { message },
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
    fn privacyidea_errors_map_to_kinds() {
        let kind = |e: PiError| ApiError::from(PushError::from(e)).kind();
        assert_eq!(kind(PiError::WrongOption), "wrong_number");
        assert_eq!(kind(PiError::NotAnOption("D, A".into())), "wrong_number");
        assert_eq!(kind(PiError::Network("x".into())), "network");
        assert_eq!(
            kind(PiError::Refused {
                status: 400,
                message: "m".into()
            }),
            "refused"
        );
        assert_eq!(kind(PiError::NotTaken("")), "refused");
        assert_eq!(kind(PiError::Protocol("p".into())), "untrusted");
    }

    #[test]
    fn push_errors_map_to_distinct_kinds() {
        let refused = |code| PushError::Refused {
            code,
            message: "m".into(),
            tries_left: Some(2),
            retry_after: Some(900),
            status: None,
        };
        let e = ApiError::from(refused(ErrorCode::WrongNumber));
        assert_eq!(
            (e.kind(), e.message()),
            ("wrong_number", "wrong number; 2 tries left")
        );
        assert_eq!(
            ApiError::from(refused(ErrorCode::CoolDown)).kind(),
            "cool_down"
        );
        assert_eq!(
            ApiError::from(refused(ErrorCode::ChallengeExpired)).kind(),
            "expired"
        );
        assert_eq!(
            ApiError::from(refused(ErrorCode::BadSignature)).kind(),
            "refused"
        );
        assert_eq!(
            ApiError::from(PushError::Network("x".into())).kind(),
            "network"
        );
        assert_eq!(
            ApiError::from(PushError::BadServerSignature("c".into())).kind(),
            "untrusted"
        );
    }

    #[test]
    fn vault_errors_have_their_own_kinds() {
        assert_eq!(ApiError::from(VaultError::WrongKey).kind(), "wrong_key");
        assert_eq!(
            ApiError::from(VaultError::Corrupt("x".into())).kind(),
            "corrupt_vault"
        );
        let missing = ApiError::from(VaultError::Missing("/v".into()));
        assert_eq!(missing.kind(), "vault_missing");
        assert!(missing.message().contains("watchword init"));
        assert_eq!(
            ApiError::from(VaultError::Duplicate { existing: 3 }).kind(),
            "duplicate"
        );
        assert_eq!(
            ApiError::from(VaultError::NotFound {
                what: "account",
                id: 9
            })
            .kind(),
            "not_found"
        );
        assert_eq!(
            ApiError::from(VaultError::Storage("disk full".into())).kind(),
            "storage"
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
