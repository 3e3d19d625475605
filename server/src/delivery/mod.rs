//! How the server wakes a device: one sender per push service, picked by
//! the kind of address the device registered, with retries and a record of
//! each delivery.
//!
//! - [`PushSender`]: the trait every sender implements; [`SendError`] says
//!   whether a failure drops the token, ends the delivery or may be retried.
//! - [`apns`], [`fcm`], [`web_push`]: Apple's provider API (HTTP/2, ES256
//!   provider tokens), Firebase's HTTP v1 API (service-account OAuth2),
//!   Web Push (RFC 8030/8291/8292: UnifiedPush distributors).
//! - [`log`]: the sender for devices without a push address (they poll),
//!   which also keeps the last notifications for the demo and tests.
//! - [`senders`]: [`Senders`], the router over the configured senders.
//! - `dispatch.rs`: delivering a challenge's notifications in the
//!   background, retrying transient failures within the challenge's
//!   lifetime, dropping refused tokens, recording each outcome
//!   (`records.rs`).
//! - [`endpoint_policy`]: which Web Push endpoints may be contacted (no
//!   private networks, loopback only for tests), as written and as resolved.
//! - [`jwt`]: the ES256/RS256 tokens the services want; [`vapid`]: the
//!   server's Web Push identity, sealed in its database.
//!
//! The notification carries ids only; the device fetches what the user
//! sees with a signed request, so a push service learns nothing about the
//! sign-in.

pub mod apns;
mod dispatch;
pub mod endpoint_policy;
pub mod fcm;
pub mod jwt;
pub mod log;
pub(crate) mod records;
pub mod senders;
pub mod vapid;
pub mod web_push;

use std::{future::Future, pin::Pin, time::Duration};

use serde::Serialize;
use watchword_core::push::{PushToken, protocol::PushPayload};

pub use log::LogSender;
pub use senders::Senders;
pub use vapid::Vapid;

/// One notification for one device.
#[derive(Clone, Serialize)]
pub struct PushNotification {
    /// The device's push address, if it registered one.
    pub push: Option<PushToken>,
    /// What the device receives.
    pub payload: PushPayload,
    /// When the challenge expires (Unix seconds): nothing is sent after.
    pub expires_at: i64,
}

impl PushNotification {
    /// Seconds until the challenge expires, at `now` (never negative).
    pub fn seconds_left(&self, now: i64) -> i64 {
        (self.expires_at - now).max(0)
    }
}

impl std::fmt::Debug for PushNotification {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Push tokens identify a phone to the push provider: keep them out
        // of logs (PushToken's Debug prints only the kind).
        f.debug_struct("PushNotification")
            .field("push", &self.push)
            .field("payload", &self.payload)
            .finish()
    }
}

/// Why a notification was not delivered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// The service says this token will never work again (APNs
    /// `Unregistered`/`BadDeviceToken`, FCM `UNREGISTERED`, Web Push
    /// 404/410): the server drops it.
    #[error("the push service no longer knows this device: {0}")]
    TokenGone(String),
    /// Refused for a reason retrying will not fix (configuration, a
    /// rejected payload, no sender for this kind).
    #[error("refused: {0}")]
    Refused(String),
    /// May work later (429, 5xx, connection loss, timeout).
    #[error("{reason}")]
    Transient {
        /// What happened.
        reason: String,
        /// How long the service asked to wait (`Retry-After`).
        retry_after: Option<Duration>,
    },
}

impl SendError {
    /// A transient failure without a requested wait.
    pub fn transient(reason: impl Into<String>) -> Self {
        SendError::Transient {
            reason: reason.into(),
            retry_after: None,
        }
    }

    /// A transport error: timeouts and connection failures may be retried.
    pub(crate) fn from_reqwest(e: reqwest::Error) -> Self {
        SendError::transient(format!("connection: {}", e.without_url()))
    }
}

/// A boxed send future.
pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<(), SendError>> + Send + 'a>>;

/// What a sender gets from the server besides the notification.
#[derive(Debug, Clone, Copy)]
pub struct SendContext<'a> {
    /// The server's time, Unix seconds (TTLs and expirations).
    pub now: i64,
    /// The server's VAPID identity (Web Push).
    pub vapid: &'a Vapid,
}

/// Delivers notifications.
pub trait PushSender: Send + Sync {
    /// Sends one notification.
    fn send<'a>(&'a self, note: &'a PushNotification, ctx: SendContext<'a>) -> SendFuture<'a>;
}

/// `Retry-After` in seconds, when a reply has one.
pub(crate) fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
}

/// The HTTP client senders share: rustls with ring, HTTP/2 where the
/// service offers it, `extra_root` (PEM, one or more) trusted besides the system's
/// roots (a test receiver, a corporate proxy).
pub fn http_client(extra_root: Option<&[u8]>) -> Result<reqwest::Client, String> {
    client_builder(extra_root)?
        .build()
        .map_err(|e| e.to_string())
}

/// The client for Web Push endpoints (devices choose them): like
/// [`http_client`], resolving names through
/// [`endpoint_policy::PublicOnlyResolver`].
pub fn web_push_client(
    extra_root: Option<&[u8]>,
    allow_loopback: bool,
) -> Result<reqwest::Client, String> {
    client_builder(extra_root)?
        .dns_resolver(std::sync::Arc::new(endpoint_policy::PublicOnlyResolver {
            allow_loopback,
        }))
        .build()
        .map_err(|e| e.to_string())
}

fn client_builder(extra_root: Option<&[u8]>) -> Result<reqwest::ClientBuilder, String> {
    watchword_core::push::client::install_ring_provider();
    let mut builder = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(10))
        .pool_idle_timeout(Duration::from_secs(600))
        // Push services answer, they do not redirect; a Web Push endpoint
        // (chosen by a device) must not bounce the server into its own
        // network past `endpoint_policy::check_endpoint`.
        .redirect(reqwest::redirect::Policy::none());
    if let Some(pem) = extra_root {
        let certs = reqwest::Certificate::from_pem_bundle(pem)
            .map_err(|e| format!("the extra CA file is not PEM certificates: {e}"))?;
        if certs.is_empty() {
            return Err("the extra CA file holds no certificate".into());
        }
        for cert in certs {
            builder = builder.add_root_certificate(cert);
        }
    }
    Ok(builder)
}
