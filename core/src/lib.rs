//! Watchword's core: everything the authenticator does, in plain Rust.
//!
//! The shells (CLI, Android, iOS through `watchword-ffi`) only move bytes and
//! show screens; every rule lives here. Start with:
//!
//! - [`otp`]: HOTP, TOTP and Steam codes, the `Secret` type, clocks, and
//!   `otpauth://` links.
//! - [`enrol`]: everything a user scans, pastes or types, classified into a
//!   typed request ([`enrol::classify`]), and Google Authenticator export.
//! - [`qr`]: QR decoding from camera frames, image files and live scanner
//!   sessions.
//! - [`error`]: the one public error type ([`ApiError`]) every shell shows,
//!   and the single place internal errors are mapped to it.
//! - [`push`]: push sign-in approvals, device side (open protocol).
//! - [`sensitive`]: the `Sensitive<T>` wrapper that keeps secrets out of
//!   `Debug`, logs and error text.
//! - [`account`]: the account model shared by the vault, enrolment and
//!   export.
//! - [`vault`]: the encrypted SQLite store of every account.
//! - [`backup`]: Watchword's own encrypted backup, written verified.
//! - [`import`]: other authenticators' exports read, previewed and stored
//!   all or nothing.
//! - [`listing`]: every account, code or push, in one list.
//! - [`clock_sync`]: the device clock's offset learned from a server's `Date`.

pub mod account;
pub mod backup;
pub mod calendar;
pub mod clock_sync;
pub mod enrol;
pub mod error;
pub mod export;
pub mod http;
pub mod import;
pub mod listing;
pub mod otp;
mod percent;
pub mod push;
pub mod qr;
pub mod sensitive;
pub mod vault;

pub use error::{ApiError, ApiResult};
