//! Codes from `otpauth://` links, for shells that have no vault yet.

use watchword_core::otp::Code;

use crate::ApiError;

/// A code and its validity, as a shell draws it.
#[derive(Debug, Clone, uniffi::Record)]
pub struct OtpCode {
    /// The code to type.
    pub code: String,
    /// Seconds until it changes (None for HOTP).
    pub valid_for: Option<u32>,
    /// The period in seconds (None for HOTP).
    pub period: Option<u32>,
    /// The next period's code (None for HOTP).
    pub next_code: Option<String>,
    /// The HOTP counter used (None for TOTP/Steam).
    pub counter: Option<u64>,
}

impl From<Code> for OtpCode {
    fn from(c: Code) -> Self {
        match c {
            Code::Timed(t) => Self {
                code: t.code,
                valid_for: Some(t.valid_for),
                period: Some(t.period),
                next_code: Some(t.next_code),
                counter: None,
            },
            Code::Counter(h) => Self {
                code: h.code,
                valid_for: None,
                period: None,
                next_code: None,
                counter: Some(h.counter),
            },
        }
    }
}

/// The code of an `otpauth://` link at `unix_ms`.
#[uniffi::export]
pub fn code_for_link(link: String, unix_ms: i64) -> Result<OtpCode, ApiError> {
    Ok(watchword_core::otp::code_for_link(&link, unix_ms)?.into())
}
