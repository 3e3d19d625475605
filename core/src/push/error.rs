//! The push module's own error; mapped to `ApiError` in `crate::error` only.

use super::{
    keys::KeyError,
    protocol::{ChallengeStatus, ErrorCode, FieldError},
    state::ChallengeState,
};

/// What can go wrong on the device side of push approvals.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PushError {
    /// A field cannot be signed (line break, too long).
    #[error(transparent)]
    Field(#[from] FieldError),
    /// Key or signature trouble.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The activation link or URL is not usable.
    #[error("activation link: {0}")]
    BadActivation(String),
    /// A plain-http URL to a host that is not loopback.
    #[error("the server URL must use https (plain http only on loopback): {0}")]
    InsecureUrl(String),
    /// The server could not be reached (after retries).
    #[error("cannot reach the push server: {0}")]
    Network(String),
    /// The server refused the request.
    #[error("the server refused: {message} ({})", code.as_str())]
    Refused {
        /// The server's error code.
        code: ErrorCode,
        /// The server's message.
        message: String,
        /// Tries left, for wrong codes or numbers.
        tries_left: Option<u32>,
        /// Seconds of cool-down left.
        retry_after: Option<i64>,
        /// The challenge's status, with `already_answered`.
        status: Option<ChallengeStatus>,
    },
    /// The server's reply is not what the protocol says.
    #[error("unexpected reply from the push server: {0}")]
    Protocol(String),
    /// A challenge whose server signature does not verify: never shown.
    #[error("challenge {0} is not signed by the account's server; it was not shown")]
    BadServerSignature(String),
    /// The challenge expired (by the device's corrected clock).
    #[error("sign-in request {0} has expired")]
    Expired(String),
    /// No such challenge or account.
    #[error("{0} not found")]
    NotFound(String),
    /// Approve needs the number shown on the sign-in screen.
    #[error("this sign-in needs the number shown on the sign-in screen")]
    NumberRequired,
    /// The challenge already reached a final state on this device.
    #[error("this sign-in request was already {}", .0.as_str())]
    AlreadyFinal(ChallengeState),
    /// The device store failed.
    #[error("device store: {0}")]
    Store(String),
    /// privacyIDEA push trouble.
    #[error(transparent)]
    PrivacyIdea(#[from] super::privacyidea::PiError),
}

impl PushError {
    /// The server's refusal code, if this is a refusal.
    pub fn refusal_code(&self) -> Option<ErrorCode> {
        match self {
            PushError::Refused { code, .. } => Some(*code),
            _ => None,
        }
    }
}
