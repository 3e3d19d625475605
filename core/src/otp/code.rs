//! A generated code together with how long it stays valid.

use serde::Serialize;

/// A code from a time-based account (TOTP or Steam), with what a shell
/// needs to draw a countdown and pre-show the next code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimedCode {
    /// The code to type.
    pub code: String,
    /// Whole seconds until it changes, rounded up (1 ..= period).
    pub valid_for: u32,
    /// Milliseconds until it changes, for a smooth countdown.
    pub valid_for_ms: u64,
    /// The account's period in seconds.
    pub period: u32,
    /// The code of the following period.
    pub next_code: String,
}

/// A code from a counter-based account (HOTP).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CounterCode {
    /// The code to type.
    pub code: String,
    /// The counter it was made from.
    pub counter: u64,
}

/// Any generated code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Code {
    /// TOTP or Steam.
    Timed(TimedCode),
    /// HOTP.
    Counter(CounterCode),
}

impl Code {
    /// The code to type, whatever its kind.
    pub fn code(&self) -> &str {
        match self {
            Code::Timed(c) => &c.code,
            Code::Counter(c) => &c.code,
        }
    }
}
