//! A refusal with its protocol code; the HTTP layer turns it into the
//! `{"error": {...}, "server_time": T}` body.

use watchword_core::push::protocol::{ChallengeStatus, ErrorCode, ErrorDetail};

/// A refusal or a fault, as the protocol reports it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} ({})", code.as_str())]
pub struct ServerError {
    /// The protocol code.
    pub code: ErrorCode,
    /// A human message (never a secret).
    pub message: String,
    /// Tries left, for wrong codes and numbers.
    pub tries_left: Option<u32>,
    /// Seconds until a cool-down ends.
    pub retry_after: Option<i64>,
    /// Current status, with `already_answered`.
    pub status: Option<ChallengeStatus>,
}

impl ServerError {
    /// A refusal with `code` and `message`.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            tries_left: None,
            retry_after: None,
            status: None,
        }
    }

    /// A malformed request.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::BadRequest, message)
    }

    /// A server fault (details go to the log, not to the client).
    pub fn internal(context: &str, e: impl std::fmt::Display) -> Self {
        tracing::error!(context, error = %e, "internal error");
        Self::new(ErrorCode::Internal, "internal server error")
    }

    /// Adds tries left.
    pub fn with_tries_left(mut self, n: u32) -> Self {
        self.tries_left = Some(n);
        self
    }

    /// The wire detail.
    pub fn detail(&self) -> ErrorDetail {
        ErrorDetail {
            code: self.code,
            message: self.message.clone(),
            tries_left: self.tries_left,
            retry_after: self.retry_after,
            status: self.status,
        }
    }
}

impl From<rusqlite::Error> for ServerError {
    fn from(e: rusqlite::Error) -> Self {
        Self::internal("database", e)
    }
}

/// Result with a [`ServerError`].
pub type ServerResult<T> = Result<T, ServerError>;
