//! The privacyIDEA push error; reaches callers inside
//! [`crate::push::PushError::PrivacyIdea`] and is mapped to `ApiError`
//! only in `crate::error`.

use super::keys::PiKeyError;

/// What can go wrong talking privacyIDEA push.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PiError {
    /// Key or signature trouble on the device.
    #[error(transparent)]
    Key(#[from] PiKeyError),
    /// The server could not be reached.
    #[error("cannot reach the privacyIDEA server: {0}")]
    Network(String),
    /// The server answered with an error.
    #[error("the privacyIDEA server refused (HTTP {status}): {message}")]
    Refused {
        /// HTTP status.
        status: u16,
        /// The server's `result.error.message`.
        message: String,
    },
    /// The reply is not what privacyIDEA 3.x sends.
    #[error("unexpected reply from the privacyIDEA server: {0}")]
    Protocol(String),
    /// The server did not take the answer (`value: false`): the challenge
    /// was answered elsewhere or is gone.
    #[error("the privacyIDEA server did not take the answer{0}")]
    NotTaken(&'static str),
    /// The server did not take the picked option: it is not the one on
    /// the sign-in screen. The challenge stays open for another try.
    #[error("that is not the option shown on the sign-in screen; the request is still open")]
    WrongOption,
    /// The picked option is not one the challenge offers.
    #[error("pick one of the options shown: {0}")]
    NotAnOption(String),
}
