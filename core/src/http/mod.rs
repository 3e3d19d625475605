//! HTTP as plain data, sent by whichever transport the host provides.
//!
//! The protocols (push activation, pending requests, answers, privacyIDEA,
//! clock sync) build an [`HttpRequest`], hand it to an [`HttpTransport`] and
//! read the [`HttpResponse`]; they never touch an HTTP library. Two
//! transports exist:
//!
//! - [`ReqwestTransport`] (feature `reqwest`, on by default): reqwest on
//!   rustls with ring, for the CLI, the tests and desktop use.
//! - the phone's own stack, implemented by the shell through the bindings
//!   (`HttpURLConnection` on Android, `URLSession` on iOS), as
//!   application-services' viaduct does. The platform stack checks
//!   certificates against the trust store the user and their employer
//!   manage (user-installed and MDM CAs, Android's network security config,
//!   iOS ATS), goes through the system proxy and VPN, and keeps a TLS stack
//!   out of the phone library (about 1.5 MB: bench/RESULTS.md).
//!
//! Whatever the transport, the core still decides what may be sent where
//! ([`secure_url`]: https, or http to this machine only), signs and verifies every message, and enforces the timeout.

pub mod date;
mod message;
#[cfg(feature = "reqwest")]
mod reqwest_transport;
pub mod secure_url;
mod transport;

pub use message::{HttpRequest, HttpResponse, MAX_RESPONSE_BYTES, Method};
#[cfg(feature = "reqwest")]
pub use reqwest_transport::{ReqwestTransport, install_ring_provider};
#[cfg(test)]
pub(crate) use transport::Silent;
pub use transport::{HttpTransport, TransportError, send_with_timeout};
