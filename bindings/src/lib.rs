//! `watchword-ffi`: the UniFFI surface of `watchword-core`.
//!
//! Every exported function or method is a one-line call into the core. The
//! records, enums and the error are the core's own types, named here in
//! UniFFI remote declarations (no conversions); what is bindings-only is the
//! platform contract: the traits a shell implements (`shell.rs`, `http.rs`,
//! `logger.rs`) and their adapters to the core's traits. Logic that starts
//! to grow in a wrapper belongs in `watchword-core`.

uniffi::setup_scaffolding!();

mod changing_phones;
mod enrol;
mod error;
mod http;
mod logger;
mod otp;
// Only in test builds: the shipped library has no way to panic on purpose.
#[cfg(any(test, feature = "self-test"))]
mod panic;
mod push;
mod qr;
mod secret;
mod shell;
mod vault;

pub use enrol::*;
pub use http::{HttpError, HttpHeader, HttpMethod, HttpRequest, HttpResponse, HttpTransport};
pub use logger::*;
pub use otp::*;
#[cfg(any(test, feature = "self-test"))]
pub use panic::*;
pub use push::*;
pub use qr::*;
pub use secret::{SecretBytes, SecretText};
pub use shell::{BiometricGate, KeyProvider, PushTokenSource, ShellError};
pub use vault::*;
pub use watchword_core::ApiError;
