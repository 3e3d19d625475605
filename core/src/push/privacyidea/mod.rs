//! privacyIDEA push (`pipush`), device side, poll-only
//! (`shared/reference/push-privacyidea.md`, privacyIDEA 3.14).
//!
//! Accounts live in the same [`crate::push::PushStore`] as Watchword's own
//! protocol with provider [`crate::push::Provider::PrivacyIdea`], and their challenges
//! come out of the same [`crate::push::PushService::pending`] and are
//! answered through the same [`crate::push::PushService::respond`].
//!
//! - [`keys`]: the device's RSA key (SPKI out), the server's PKCS#1 key in,
//!   PKCS#1 v1.5 SHA-256 signatures as padded base32.
//! - [`messages`]: the signed strings and the polled challenge.
//! - [`time`]: ISO 8601 timestamps for polls.
//! - [`http`]: the JSON envelope and the server's `Date`.
//! - [`device`]: enrolment, polling, verifying and answering on
//!   [`crate::push::PushService`].

pub mod device;
mod error;
pub mod http;
pub mod keys;
pub mod messages;
pub mod time;

pub use error::PiError;
pub use keys::{DEFAULT_KEY_BITS, DeviceKey, PiKeyError, ServerKey};
pub use messages::DeclineReason;

/// What the app sends as `fbtoken` in poll-only mode (the official app's
/// value); the server only needs the field present.
pub const NO_FIREBASE_TOKEN: &str = "no_firebase_token";

/// Local lifetime of a privacyIDEA challenge, seconds: the server's
/// default validity (120 s) and the official app's local expiry.
pub const CHALLENGE_LIFETIME_SECS: i64 = 120;
