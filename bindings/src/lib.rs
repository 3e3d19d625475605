//! `watchword-ffi`: the UniFFI surface of `watchword-core`.
//!
//! Every exported function or method is a one-line call into the core; the
//! only code here converts types and errors. Logic that starts to grow in a
//! wrapper belongs in `watchword-core`.

uniffi::setup_scaffolding!();

mod error;
mod otp;
mod qr;

pub use error::WatchwordError;
pub use otp::*;
pub use qr::*;
