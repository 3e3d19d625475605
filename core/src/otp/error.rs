//! Errors of the OTP engine and the `otpauth://` parser.
//!
//! Messages describe what is wrong without echoing secret material: a bad
//! base32 character is reported by position, never by value.

/// Everything that can be wrong with OTP parameters or an `otpauth://` link.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OtpError {
    /// The secret is empty after removing spaces, dashes and padding.
    #[error("the secret is empty")]
    EmptySecret,
    /// The secret holds a character that is not base32.
    #[error("the secret is not valid base32: character {position} is not A-Z or 2-7")]
    InvalidSecretCharacter {
        /// 1-based position in the cleaned-up secret.
        position: usize,
    },
    /// The secret's length cannot come from base32-encoding whole bytes.
    #[error("the secret is not valid base32: {length} characters cannot encode whole bytes")]
    InvalidSecretLength {
        /// Number of base32 characters after clean-up.
        length: usize,
    },
    /// `=` padding in the middle of the secret.
    #[error("the secret is not valid base32: padding '=' is only allowed at the end")]
    MisplacedPadding,
    /// Digits outside 1..=10.
    #[error("digits must be between 1 and 10, not {0}")]
    InvalidDigits(String),
    /// Period zero, negative, not a number, or longer than a day.
    #[error("period must be between 1 and 86400 seconds, not {0}")]
    InvalidPeriod(String),
    /// A counter that is not a non-negative 64-bit number.
    #[error("counter must be a whole number from 0 to 18446744073709551615, not {0}")]
    InvalidCounter(String),
    /// A hash other than SHA1, SHA256 or SHA512.
    #[error("unsupported algorithm {0:?}: use SHA1, SHA256 or SHA512")]
    UnsupportedAlgorithm(String),
    /// The time is before the TOTP epoch T0.
    #[error("the time is before the start of the code's time steps")]
    TimeBeforeEpoch,
    /// The text is not an `otpauth://` link at all.
    #[error("not an otpauth:// link")]
    NotOtpAuth,
    /// An `otpauth://` link of a type this engine does not generate.
    #[error("unknown otpauth type {0:?}: expected totp, hotp or steam")]
    UnknownType(String),
    /// The link has no `secret` parameter.
    #[error("the link has no secret parameter")]
    MissingSecret,
    /// An HOTP link without `counter`.
    #[error("an hotp link needs a counter parameter")]
    MissingCounter,
    /// A known parameter given twice (ambiguous: which one would an app use?).
    #[error("parameter {0:?} appears more than once")]
    DuplicateParameter(String),
    /// A link longer than any real enrolment link (hostile or corrupt).
    #[error("the link is too long ({0} bytes; at most 8192)")]
    LinkTooLong(usize),
    /// Percent-encoding that does not decode to UTF-8 text.
    #[error("bad percent-encoding in the {0}")]
    BadPercentEncoding(&'static str),
}
