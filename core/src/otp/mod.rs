//! One-time codes: HOTP (RFC 4226), TOTP (RFC 6238) and Steam Guard.
//!
//! - [`secret`]: the key bytes ([`Secret`]) and lenient base32 input.
//! - [`algorithm`]: the HMAC hash ([`Algorithm`]).
//! - [`hotp`], [`totp`], [`steam`]: the three generators.
//! - [`params`]: everything needed to make a code ([`OtpParams`]).
//! - [`generator`]: an account's key absorbed once, for many codes ([`CodeGenerator`]).
//! - [`keyed_hmac`]: the HMAC with precomputed key blocks ([`KeyedHmac`]).
//! - [`code`]: a code with its validity ([`Code`]).
//! - [`clock`]: injectable time with a learned offset ([`Clock`]).
//! - [`uri`]: `otpauth://` links ([`OtpAuthUri`]).
//! - [`error`]: what can go wrong here ([`OtpError`]).

pub mod algorithm;
pub mod clock;
pub mod code;
pub mod error;
pub mod generator;
pub mod hotp;
pub mod keyed_hmac;
pub mod params;
pub mod secret;
pub mod steam;
pub mod totp;
pub mod typed;
pub mod uri;

pub use algorithm::Algorithm;
pub use clock::{Clock, FixedClock, OffsetClock, SystemClock};
pub use code::{Code, CounterCode, TimedCode};
pub use error::OtpError;
pub use generator::CodeGenerator;
pub use keyed_hmac::KeyedHmac;
pub use params::{Digits, OtpKind, OtpParams};
pub use secret::Secret;
pub use typed::TypedSettings;
pub use uri::OtpAuthUri;

/// The code of an `otpauth://` link at `unix_ms`: what `watchword code`
/// and the bindings' `code_for_link` do. HOTP links give the code for the
/// counter in the link, which is not incremented.
pub fn code_for_link(link: &str, unix_ms: i64) -> crate::ApiResult<Code> {
    Ok(OtpAuthUri::parse(link)?.params.code_at(unix_ms)?)
}
