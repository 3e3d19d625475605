//! Push sign-in approvals: activation, pending requests, answers and the
//! state of each request. Everything that touches the network is `async`
//! (Kotlin `suspend`, Swift `async throws`) on UniFFI's tokio runtime.

use std::sync::{Arc, Mutex};

use watchword_core::{
    ApiError, enrol,
    otp::SystemClock,
    push::{Activation, ChallengeState, Decision, PendingChallenge, PushService, VaultPushStore},
};

use crate::{
    Vault, WatchwordError,
    shell::{PushTokenSource, ask},
};

/// An answer to a sign-in request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum PushDecision {
    /// It was me.
    Approve,
    /// It was not me.
    Deny,
    /// It was not me, and report it.
    Fraud,
}

impl From<PushDecision> for Decision {
    fn from(d: PushDecision) -> Self {
        match d {
            PushDecision::Approve => Decision::Approve,
            PushDecision::Deny => Decision::Deny,
            PushDecision::Fraud => Decision::Fraud,
        }
    }
}

/// Where a sign-in request stands on this device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ChallengeStatus {
    /// Waiting for the user.
    Pending,
    /// Approved.
    Approved,
    /// Denied.
    Denied,
    /// Reported as fraud.
    Reported,
    /// Time ran out.
    Expired,
    /// Refused for good.
    Failed,
}

impl From<ChallengeState> for ChallengeStatus {
    fn from(s: ChallengeState) -> Self {
        match s {
            ChallengeState::Pending => Self::Pending,
            ChallengeState::Approved => Self::Approved,
            ChallengeState::Denied => Self::Denied,
            ChallengeState::Reported => Self::Reported,
            ChallengeState::Expired => Self::Expired,
            ChallengeState::Failed => Self::Failed,
        }
    }
}

/// A verified sign-in request, ready to show.
#[derive(Debug, Clone, uniffi::Record)]
pub struct Challenge {
    /// Challenge id.
    pub id: String,
    /// "user @ organisation".
    pub account: String,
    /// Application signed in to.
    pub app: String,
    /// Where the sign-in comes from.
    pub location: String,
    /// IP of the sign-in.
    pub ip: String,
    /// Unix seconds (server time).
    pub expires_at: i64,
    /// Seconds left on the server-corrected clock.
    pub seconds_left: i64,
    /// Approving needs the number shown on the sign-in screen.
    pub needs_number: bool,
}

/// A challenge's state on this device.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ChallengeProgress {
    /// Where it stands.
    pub status: ChallengeStatus,
    /// Seconds left (0 once final).
    pub seconds_left: i64,
    /// Wrong-number tries left, once the server said.
    pub tries_left: Option<u32>,
}

/// A push account activated on this device (no key material).
#[derive(Debug, Clone, uniffi::Record)]
pub struct PushActivation {
    /// The device id the server gave.
    pub device_id: String,
    /// "user @ organisation".
    pub account: String,
    /// The server's base URL.
    pub server: String,
    /// Server-minus-device clock offset, seconds.
    pub clock_offset: i64,
}

/// Told a sign-in request's state each time this client touches it: when
/// `pending`/`handle_push` return it and after every `respond`.
#[uniffi::export(foreign)]
pub trait ChallengeListener: Send + Sync {
    /// `id` moved to `state`.
    fn on_change(&self, id: String, state: ChallengeStatus, seconds_left: i64);
}

/// The device side of push approvals, over the vault's push accounts.
#[derive(uniffi::Object)]
pub struct PushClient {
    service: PushService<VaultPushStore>,
    vault: Arc<Vault>,
    tokens: Option<Arc<dyn PushTokenSource>>,
    listener: Mutex<Option<Arc<dyn ChallengeListener>>>,
}

impl std::fmt::Debug for PushClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PushClient").finish_non_exhaustive()
    }
}

impl PushClient {
    fn challenge(&self, c: PendingChallenge) -> Challenge {
        let now = self.service.now_for_challenge(&c.id);
        self.notify(&c.id);
        Challenge {
            seconds_left: c.seconds_left(now),
            id: c.id,
            account: c.account,
            app: c.app,
            location: c.location,
            ip: c.ip,
            expires_at: c.expires_at,
            needs_number: c.needs_number,
        }
    }

    fn notify(&self, id: &str) {
        let listener = self.listener.lock().ok().and_then(|l| l.clone());
        if let (Some(l), Some(s)) = (listener, self.state(id.to_owned())) {
            l.on_change(id.to_owned(), s.status, s.seconds_left);
        }
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl PushClient {
    /// A client over `vault`'s push accounts; `tokens` gives the platform
    /// push token sent at activation.
    #[uniffi::constructor]
    pub fn new(
        vault: Arc<Vault>,
        tokens: Option<Arc<dyn PushTokenSource>>,
    ) -> Result<Arc<Self>, WatchwordError> {
        let store = VaultPushStore::new(vault.inner.clone());
        let service = PushService::new(store, Arc::new(SystemClock)).map_err(ApiError::from)?;
        Ok(Arc::new(Self {
            service,
            vault,
            tokens,
            listener: Mutex::new(None),
        }))
    }

    /// Activates a push account with the code and URL the user typed or
    /// scanned, naming this device `device_name`.
    pub async fn activate(
        &self,
        code: String,
        url: String,
        device_name: String,
    ) -> Result<PushActivation, WatchwordError> {
        let enrolment = enrol::activation_from_typed(&code, &url).map_err(ApiError::from)?;
        let activation = Activation::from_enrolment(&enrolment)
            .ok_or_else(|| ApiError::invalid_input("not a Watchword activation"))?
            .map_err(ApiError::from)?;
        let token = self.tokens.as_ref().and_then(|t| t.token());
        let a = self
            .service
            .activate(&activation, &device_name, token)
            .await
            .map_err(ApiError::from)?;
        Ok(PushActivation {
            device_id: a.device_id,
            account: a.account,
            server: a.server,
            clock_offset: a.clock_offset,
        })
    }

    /// The verified, unexpired sign-in requests of every push account.
    pub async fn pending(&self) -> Result<Vec<Challenge>, WatchwordError> {
        let list = self.service.pending().await.map_err(ApiError::from)?;
        Ok(list.into_iter().map(|c| self.challenge(c)).collect())
    }

    /// Handles a push notification's payload (ids only): fetches and
    /// verifies the request it announces.
    pub async fn handle_push(&self, payload: String) -> Result<Challenge, WatchwordError> {
        Ok(self.challenge(
            self.service
                .handle_push(&payload)
                .await
                .map_err(ApiError::from)?,
        ))
    }

    /// Answers request `id`; approving asks the vault's biometric gate
    /// first and needs `number` when the request shows one.
    pub async fn respond(
        &self,
        id: String,
        decision: PushDecision,
        number: Option<u8>,
    ) -> Result<ChallengeStatus, WatchwordError> {
        if decision == PushDecision::Approve {
            ask(self.vault.gate().as_ref(), "approve the sign-in")?;
        }
        let result = self.service.respond(&id, decision.into(), number).await;
        self.notify(&id);
        Ok(result.map_err(ApiError::from)?.into())
    }

    /// The state of a request this device has seen, with `seconds_left`.
    pub fn state(&self, id: String) -> Option<ChallengeProgress> {
        let t = self.service.tracked(&id)?;
        let now = self.service.now_for_challenge(&id);
        Some(ChallengeProgress {
            status: t.state.into(),
            seconds_left: t.seconds_left(now),
            tries_left: t.tries_left,
        })
    }

    /// Sets (or clears) the listener told about state changes.
    pub fn set_listener(&self, listener: Option<Arc<dyn ChallengeListener>>) {
        if let Ok(mut l) = self.listener.lock() {
            *l = listener;
        }
    }
}
