//! How the server wakes a device: a trait, a log sender (default) and a
//! webhook sender (POSTs the payload to a gateway that speaks FCM/APNs).
//! The notification carries ids only; the device fetches the content with
//! a signed request, so a push provider learns nothing about the sign-in.

use std::{future::Future, pin::Pin, sync::Mutex, time::Duration};

use serde::Serialize;
use watchword_core::push::protocol::PushPayload;

/// One notification for one device.
#[derive(Clone, Serialize)]
pub struct PushNotification {
    /// The device's push token, if it registered one.
    pub push_token: Option<String>,
    /// What the device receives.
    pub payload: PushPayload,
}

impl std::fmt::Debug for PushNotification {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Push tokens identify a phone to the push provider: keep them out
        // of logs.
        f.debug_struct("PushNotification")
            .field("has_push_token", &self.push_token.is_some())
            .field("payload", &self.payload)
            .finish()
    }
}

/// A boxed send future.
pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>>;

/// Delivers notifications.
pub trait PushSender: Send + Sync {
    /// Sends one notification.
    fn send<'a>(&'a self, note: &'a PushNotification) -> SendFuture<'a>;
}

/// Logs each notification and keeps the last ones in memory (for the
/// demo and tests); devices poll.
#[derive(Debug, Default)]
pub struct LogSender {
    sent: Mutex<Vec<PushNotification>>,
}

impl LogSender {
    /// The notifications sent so far (at most the last 1000).
    pub fn sent(&self) -> Vec<PushNotification> {
        self.sent.lock().map(|v| v.clone()).unwrap_or_default()
    }
}

impl PushSender for LogSender {
    fn send<'a>(&'a self, note: &'a PushNotification) -> SendFuture<'a> {
        Box::pin(async move {
            tracing::info!(device = %note.payload.device_id, challenge = %note.payload.challenge_id, "push");
            let mut sent = self.sent.lock().map_err(|_| "lock poisoned".to_owned())?;
            if sent.len() >= 1000 {
                sent.remove(0);
            }
            sent.push(note.clone());
            Ok(())
        })
    }
}

/// POSTs each notification as JSON to a URL.
#[derive(Debug, Clone)]
pub struct WebhookSender {
    url: String,
    client: reqwest::Client,
}

impl WebhookSender {
    /// A sender posting to `url` (5 s timeout).
    pub fn new(url: impl Into<String>) -> Result<Self, String> {
        watchword_core::push::client::install_ring_provider();
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Self {
            url: url.into(),
            client,
        })
    }
}

impl PushSender for WebhookSender {
    fn send<'a>(&'a self, note: &'a PushNotification) -> SendFuture<'a> {
        Box::pin(async move {
            let response = self
                .client
                .post(&self.url)
                .json(note)
                .send()
                .await
                .map_err(|e| e.without_url().to_string())?;
            if response.status().is_success() {
                Ok(())
            } else {
                Err(format!("webhook answered HTTP {}", response.status()))
            }
        })
    }
}
