//! The sender for devices without a push address: it logs the
//! notification (ids only) and keeps the last ones in memory, which the
//! demo and the tests read. The device finds the request by polling.

use std::sync::Mutex;

use super::{PushNotification, PushSender, SendContext, SendFuture};

/// Logs each notification and keeps the last 1000.
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
    fn send<'a>(&'a self, note: &'a PushNotification, _ctx: SendContext<'a>) -> SendFuture<'a> {
        Box::pin(async move {
            tracing::info!(device = %note.payload.device_id, challenge = %note.payload.challenge_id, "push (logged; the device polls)");
            if let Ok(mut sent) = self.sent.lock() {
                if sent.len() >= 1000 {
                    sent.remove(0);
                }
                sent.push(note.clone());
            }
            Ok(())
        })
    }
}
