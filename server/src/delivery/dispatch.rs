//! Delivering a challenge's notifications: in the background (a relying
//! party's `POST /v1/challenges` never waits for a push service), one task
//! per device, transient failures retried with exponential backoff (or the
//! service's `Retry-After`) while the challenge lives and never past it,
//! a token the service calls gone dropped, and every step recorded.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use watchword_core::push::protocol::DeliveryState;

use super::{PushNotification, SendContext, SendError, records};
use crate::PushServer;

/// Longest wait for one send (a service that hangs counts as transient).
const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// First wait before a retry; doubled each time.
const FIRST_BACKOFF: Duration = Duration::from_millis(500);
/// Longest single wait between tries.
const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// Most tries of one notification.
const MAX_ATTEMPTS: u32 = 6;

impl PushServer {
    /// Delivers `notes` in background tasks and returns at once.
    pub fn spawn_delivery(self: &Arc<Self>, notes: Vec<PushNotification>) {
        for note in notes {
            let server = self.clone();
            tokio::spawn(async move { server.deliver_one(note).await });
        }
    }

    /// Delivers `notes` and waits until each is sent, failed or out of
    /// time (the admin `challenge` command).
    pub async fn deliver(&self, notes: Vec<PushNotification>) {
        for note in notes {
            self.deliver_one(note).await;
        }
    }

    /// One notification to one device, until it is sent, refused, or the
    /// challenge expires.
    async fn deliver_one(&self, note: PushNotification) {
        let kind = note.push.as_ref().map(|p| p.kind());
        // The challenge's lifetime on a monotonic clock: the server's clock
        // may be injected, but waiting happens in real time.
        let lifetime =
            Duration::from_secs(u64::try_from(note.seconds_left(self.now())).unwrap_or(0));
        let deadline = Instant::now() + lifetime;
        let mut backoff = FIRST_BACKOFF;
        let mut attempts = 0u32;
        self.note_step(&note, DeliveryState::Sending, attempts, None);
        loop {
            attempts += 1;
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                self.note_step(
                    &note,
                    DeliveryState::Failed,
                    attempts - 1,
                    Some("the challenge expired before the push service took it"),
                );
                return;
            }
            let ctx = SendContext {
                now: self.now(),
                vapid: self.vapid(),
            };
            let sent = tokio::time::timeout(SEND_TIMEOUT.min(left), self.sender().send(&note, ctx))
                .await
                .unwrap_or_else(|_| {
                    Err(SendError::transient(
                        "the push service did not answer in time",
                    ))
                });
            let (wait, reason) = match sent {
                Ok(()) => {
                    let state = if kind.is_some() {
                        DeliveryState::Sent
                    } else {
                        DeliveryState::NoAddress
                    };
                    self.note_step(&note, state, attempts, None);
                    return;
                }
                Err(SendError::TokenGone(reason)) => {
                    self.drop_token(&note);
                    self.note_step(&note, DeliveryState::TokenDropped, attempts, Some(&reason));
                    tracing::warn!(device = %note.payload.device_id, reason = %reason, "push token dropped");
                    return;
                }
                Err(SendError::Refused(reason)) => {
                    tracing::warn!(device = %note.payload.device_id, reason = %reason, "push refused");
                    self.note_step(&note, DeliveryState::Failed, attempts, Some(&reason));
                    return;
                }
                Err(SendError::Transient {
                    reason,
                    retry_after,
                }) => (retry_after.unwrap_or(backoff).min(MAX_BACKOFF), reason),
            };
            if attempts >= MAX_ATTEMPTS || Instant::now() + wait >= deadline {
                let why = format!("{reason}; no time left to retry");
                self.note_step(&note, DeliveryState::Failed, attempts, Some(&why));
                return;
            }
            tracing::info!(device = %note.payload.device_id, reason = %reason, wait_ms = wait.as_millis() as u64, "push retry");
            self.note_step(&note, DeliveryState::Retrying, attempts, Some(&reason));
            tokio::time::sleep(wait).await;
            backoff = (backoff * 2).min(MAX_BACKOFF);
        }
    }

    /// Records a step; a database fault is logged (the delivery itself
    /// goes on).
    fn note_step(
        &self,
        note: &PushNotification,
        state: DeliveryState,
        attempts: u32,
        detail: Option<&str>,
    ) {
        let step = records::Step {
            challenge_id: &note.payload.challenge_id,
            device_id: &note.payload.device_id,
            kind: note.push.as_ref().map(|p| p.kind()),
            state,
            attempts,
            detail,
            now: self.now(),
        };
        self.metrics()
            .delivery(step.kind.map_or("none", |k| k.as_str()), state.as_str());
        let written = self.store().begin().and_then(|tx| {
            records::record(&tx, &step)?;
            tx.commit()
        });
        if let Err(e) = written {
            tracing::error!(error = %e, "delivery record not written");
        }
    }

    /// Forgets the device's push address, unless it changed since this
    /// notification was made (a new token is not dropped for an old one).
    fn drop_token(&self, note: &PushNotification) {
        let Some(push) = &note.push else { return };
        let dropped = self.store().begin().and_then(|tx| {
            tx.execute(
                "UPDATE devices SET push_token = NULL, push_kind = NULL WHERE id = $1 AND push_token = $2",
                crate::params![&note.payload.device_id, push.canonical_json()],
            )?;
            tx.commit()
        });
        if let Err(e) = dropped {
            tracing::error!(error = %e, "push token not dropped");
        }
    }
}
