//! What the app is told and asked around push calls: a listener told when
//! a sign-in request changes, and the platform push token asked for at
//! activation. Both are app code (a phone shell's callbacks), so neither
//! may change or hold up the operation around it: each call runs on a
//! blocking thread and is waited for a bounded time; a failure or a hang is
//! logged and ignored.

use std::{
    sync::{Arc, Mutex, PoisonError},
    time::Duration,
};

use super::{ChallengeState, StateChanges, TrackedChallenge};

/// Longest wait for one call of the challenge observer.
pub const OBSERVER_WAIT: Duration = Duration::from_secs(1);

/// Longest wait for the push token at activation.
pub const TOKEN_WAIT: Duration = Duration::from_secs(2);

/// Told when a sign-in request this device has seen changes: first seen
/// (pending), a wrong number (tries left), approved, denied, expired...
/// Fetching the same unchanged request again does not call it.
pub trait ChallengeObserver: Send + Sync {
    /// `id` moved to `state`; `Err` is what went wrong in the app (logged).
    fn on_change(&self, id: String, state: ChallengeState, seconds_left: i64)
    -> Result<(), String>;
}

/// The platform push token (APNs, FCM, a UnifiedPush endpoint) sent to the
/// server at activation.
pub trait TokenSource: Send + Sync {
    /// The current token, if the platform has one; `Err` is what went
    /// wrong in the app (logged; the activation goes ahead without one).
    fn token(&self) -> Result<Option<super::PlatformPushToken>, String>;
}

/// Asks `source` for the token, waiting at most [`TOKEN_WAIT`]: a source
/// that fails or hangs means enrolling without a token (the app still
/// fetches requests itself), never a failed or stuck activation.
pub async fn ask_token(source: Option<&Arc<dyn TokenSource>>) -> Option<super::PlatformPushToken> {
    let source = source?.clone();
    observe("the push token source", TOKEN_WAIT, move || source.token())
        .await
        .flatten()
}

/// Calls app code on a blocking thread and waits at most `wait`: a failure
/// or a hang is logged as `what` and gives `None`.
async fn observe<T: Send + 'static>(
    what: &'static str,
    wait: Duration,
    call: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Option<T> {
    match tokio::time::timeout(wait, tokio::task::spawn_blocking(call)).await {
        Ok(Ok(Ok(value))) => Some(value),
        Ok(Ok(Err(e))) => {
            tracing::warn!(error = %e, "{what} failed; ignored");
            None
        }
        Ok(Err(_)) | Err(_) => {
            tracing::warn!("{what} did not return in time; not waiting for it");
            None
        }
    }
}

/// The observer a push service tells, and what it was already told.
#[derive(Default)]
pub(crate) struct Observers {
    observer: Mutex<Option<Arc<dyn ChallengeObserver>>>,
    changes: StateChanges,
}

impl Observers {
    /// Sets (or clears) the observer.
    pub(crate) fn set(&self, observer: Option<Arc<dyn ChallengeObserver>>) {
        *self.observer.lock().unwrap_or_else(PoisonError::into_inner) = observer;
    }

    /// Tells the observer about `tracked` when its state changed since it
    /// was last told (an observer set later still hears each request's
    /// current state once).
    pub(crate) async fn tell(&self, tracked: &TrackedChallenge, now: i64) {
        let observer = self
            .observer
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let Some(observer) = observer else {
            return;
        };
        if !self.changes.changed(tracked) {
            return;
        }
        let (id, state, left) = (
            tracked.challenge.id.clone(),
            tracked.state,
            tracked.seconds_left(now),
        );
        observe("the challenge observer", OBSERVER_WAIT, move || {
            observer.on_change(id, state, left)
        })
        .await;
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::push::state::{ChallengeEvent, sample};

    /// An app listener that counts its calls and then misbehaves as told.
    struct Listener {
        calls: AtomicUsize,
        fails: bool,
        hangs: bool,
    }

    impl ChallengeObserver for Listener {
        fn on_change(&self, _: String, _: ChallengeState, _: i64) -> Result<(), String> {
            self.calls.fetch_add(1, Ordering::SeqCst);
            if self.hangs {
                // Longer than OBSERVER_WAIT (the test runtime waits for it
                // at its end).
                std::thread::sleep(OBSERVER_WAIT * 2);
            }
            if self.fails {
                Err("boom".into())
            } else {
                Ok(())
            }
        }
    }

    fn listener(fails: bool, hangs: bool) -> Arc<Listener> {
        Arc::new(Listener {
            calls: AtomicUsize::new(0),
            fails,
            hangs,
        })
    }

    #[tokio::test]
    async fn told_once_per_change_and_a_failing_or_hanging_listener_changes_nothing() {
        let observers = Observers::default();
        let mut t = TrackedChallenge::new(sample("c"));
        observers.tell(&t, 1000).await; // no observer: nothing to tell
        let quiet = listener(false, false);
        observers.set(Some(quiet.clone()));
        observers.tell(&t, 1000).await;
        observers.tell(&t, 1001).await;
        assert_eq!(
            quiet.calls.load(Ordering::SeqCst),
            1,
            "unchanged: told once"
        );
        t.apply(ChallengeEvent::TimedOut).unwrap();

        let failing = listener(true, false);
        observers.set(Some(failing.clone()));
        observers.tell(&t, 1000).await;
        assert_eq!(failing.calls.load(Ordering::SeqCst), 1);

        let hanging = listener(false, true);
        observers.set(Some(hanging.clone()));
        let started = std::time::Instant::now();
        observers
            .tell(&TrackedChallenge::new(sample("d")), 1000)
            .await;
        assert!(started.elapsed() < OBSERVER_WAIT + Duration::from_millis(500));
        assert_eq!(hanging.calls.load(Ordering::SeqCst), 1);
    }

    struct Tokens(Result<Option<super::super::PlatformPushToken>, String>);

    impl TokenSource for Tokens {
        fn token(&self) -> Result<Option<super::super::PlatformPushToken>, String> {
            self.0.clone()
        }
    }

    #[tokio::test]
    async fn a_failing_token_source_means_no_token() {
        let tok = super::super::PlatformPushToken::Fcm {
            token: "tok".into(),
        };
        let ok: Arc<dyn TokenSource> = Arc::new(Tokens(Ok(Some(tok.clone()))));
        assert_eq!(ask_token(Some(&ok)).await, Some(tok));
        let failing: Arc<dyn TokenSource> = Arc::new(Tokens(Err("no play services".into())));
        assert_eq!(ask_token(Some(&failing)).await, None);
        assert_eq!(ask_token(None).await, None);
    }
}
