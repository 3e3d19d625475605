//! Errors of enrolment: text that was recognised but cannot be used.
//!
//! Text that is not recognised at all is not an error: it classifies as
//! `Enrolment::Unknown` with a reason. These errors are for a Google export
//! whose data is broken, an activation code of the wrong length, a URL that
//! is not https, and the like. No variant holds a secret or a code.

use crate::otp::OtpError;

/// What is wrong with recognised enrolment text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnrolError {
    /// An `otpauth://` link that is broken.
    #[error(transparent)]
    Otp(#[from] OtpError),
    /// The text is longer than any QR code can hold.
    #[error("the text is too long to be an enrolment link ({0} bytes; at most {max})", max = super::MAX_TEXT_LEN)]
    TooLong(usize),
    /// A Google Authenticator export link whose `data` is not usable.
    #[error("this Google Authenticator export is damaged: {0}. Export again and scan the new code")]
    BadMigration(String),
    /// An activation code that is not the right number of digits.
    #[error(
        "the activation code must be {expected} digits (spaces and dashes are fine); it has {got}"
    )]
    BadCodeLength {
        /// What the server expects, e.g. "9" or "6 to 12".
        expected: &'static str,
        /// How many digits were typed.
        got: usize,
    },
    /// An activation code with characters other than digits and separators.
    #[error("the activation code may only hold digits, spaces, dashes and dots")]
    BadCodeCharacters,
    /// An activation URL that cannot be parsed or is not https.
    #[error("the activation URL is not usable: {0}")]
    BadUrl(String),
    /// A privacyIDEA push link missing a required parameter or with a bad value.
    #[error("this privacyIDEA push link is incomplete: {0}")]
    BadPrivacyIdeaLink(String),
    /// A typed code and URL that point at a server that enrols by QR only.
    #[error("{0}")]
    QrOnly(String),
    /// A line of a pasted list of links that is not a usable link.
    #[error("line {line} of the list: {error}")]
    ListLine {
        /// 1-based line number.
        line: usize,
        /// What is wrong with it.
        error: OtpError,
    },
    /// A privacyIDEA 2-step link whose parameters are missing or out of
    /// range.
    #[error("this privacyIDEA 2-step enrolment link is not usable: {0}")]
    BadTwoStep(String),
    /// Rendering an export QR image failed.
    #[error("cannot render the QR image: {0}")]
    Render(String),
}
