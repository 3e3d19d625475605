//! Codes, as the core makes them: a time-based code with its countdown, or
//! a counter-based one.

use watchword_core::otp::{Code, CounterCode, TimedCode};

use crate::ApiError;

/// A code from a time-based account (TOTP or Steam), with what a shell
/// needs to draw a countdown and pre-show the next code.
#[uniffi::remote(Record)]
pub struct TimedCode {
    pub code: String,
    pub valid_for: u32,
    pub valid_for_ms: u64,
    pub period: u32,
    pub next_code: String,
}

/// A code from a counter-based account (HOTP).
#[uniffi::remote(Record)]
pub struct CounterCode {
    pub code: String,
    pub counter: u64,
}

/// Any generated code.
#[uniffi::remote(Enum)]
pub enum Code {
    Timed(TimedCode),
    Counter(CounterCode),
}

/// The code of an `otpauth://` link at `unix_ms`.
#[uniffi::export]
pub fn code_for_link(link: String, unix_ms: i64) -> Result<Code, ApiError> {
    watchword_core::otp::code_for_link(&link, unix_ms)
}
