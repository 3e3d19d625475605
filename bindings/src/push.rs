//! Push sign-in approvals, Watchword's own protocol and privacyIDEA push:
//! activation/enrolment, pending requests, answers and the state of each
//! request. Everything that touches the network is `async` (Kotlin
//! `suspend`, Swift `async throws`) on UniFFI's tokio runtime.
//!
//! Cancelling: UniFFI cannot cancel a Rust future on its own, so
//! `PushClient.cancel_all()` ends every network call in flight with
//! `Cancelled`. A cancelled Kotlin coroutine (or Swift task) also ends the
//! call: the generated code frees the Rust future, which drops the request.

use std::{future::Future, sync::Arc};

use tokio::sync::Notify;
use watchword_core::{
    ApiError,
    enrol::{DeviceIdentity, EnrolChoices, EnrolInput, EnrolOutcome, enrol},
    otp::SystemClock,
    push::{
        ActivatedAccount, Answer, Challenge, ChallengeObserver, ChallengeProgress, ChallengeState,
        Decision, PlatformPushToken, Provider, PushService, PushTokenReport, Shown, TokenSource,
        VaultPushStore,
    },
};

use crate::{
    Vault,
    http::{ForeignHttp, HttpTransport},
    shell::{ForeignTokens, PushTokenSource, ShellError},
};

/// An answer to a sign-in request (the core's type).
#[uniffi::remote(Enum)]
pub enum Decision {
    Approve,
    Deny,
    Fraud,
}

/// What the platform gave the app to be woken by (the core's type): the
/// shells pass it on unchanged; the core adds Web Push keys itself.
#[uniffi::remote(Enum)]
pub enum PlatformPushToken {
    /// iOS: the APNs device token, hex.
    Apns { device_token: String, sandbox: bool },
    /// Android with Google Play services: the FCM registration token.
    Fcm { token: String },
    /// Android through a UnifiedPush distributor: its endpoint URL.
    UnifiedPush { endpoint: String },
}

/// What a push-token change reached (the core's type).
#[uniffi::remote(Record)]
pub struct PushTokenReport {
    /// Accounts whose server took the new address.
    pub updated: u32,
    /// Accounts whose server cannot use this kind of token.
    pub not_applicable: u32,
    /// Accounts whose server could not be told, and why.
    pub failed: Vec<String>,
}

/// A push-approval protocol: Watchword's own or privacyIDEA's.
#[uniffi::remote(Enum)]
pub enum Provider {
    /// Watchword's own open protocol.
    Watchword,
    /// privacyIDEA's push token.
    PrivacyIdea,
}

/// Where a sign-in request stands on this device (core's own type).
#[uniffi::remote(Enum)]
pub enum ChallengeState {
    /// Waiting for the user.
    Pending,
    /// The server took the approval.
    Approved,
    /// The server took the denial.
    Denied,
    /// The server took the fraud report.
    Reported,
    /// Time ran out.
    Expired,
    /// The server refused for good.
    Failed,
}

/// A verified sign-in request, ready to show, with the seconds left on
/// the server-corrected clock (the core's type).
#[uniffi::remote(Record)]
pub struct Challenge {
    pub id: String,
    pub account: String,
    pub app: String,
    pub location: String,
    pub ip: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub seconds_left: i64,
    pub needs_number: bool,
    pub provider: Provider,
    pub options: Vec<String>,
    pub message: String,
}

/// Where a request this device has seen stands now (the core's type).
#[uniffi::remote(Record)]
pub struct ChallengeProgress {
    pub status: ChallengeState,
    pub seconds_left: i64,
    pub tries_left: Option<u32>,
    pub display_code: Option<String>,
}

/// A push account activated on this device, no key material (the core's
/// type); `summary` is the sentence to show.
#[uniffi::remote(Record)]
pub struct ActivatedAccount {
    pub device_id: String,
    pub account: String,
    pub server: String,
    pub clock_offset: i64,
    pub provider: Provider,
    pub summary: String,
}

/// Told when a sign-in request this client has seen changes: first seen
/// (pending), a wrong number (tries left), approved, denied, expired...
/// Fetching the same unchanged request again does not call it.
///
/// Called after the new state is stored, on a background thread, and
/// waited for at most a second. Declared throwing so that an exception in
/// the shell's listener is caught: it is logged and ignored, and never
/// changes what the operation returns (an approval the server recorded is
/// reported as approved); a listener that blocks longer is not waited for.
#[uniffi::export(foreign)]
pub trait ChallengeListener: Send + Sync {
    /// `id` moved to `state`.
    fn on_change(
        &self,
        id: String,
        state: ChallengeState,
        seconds_left: i64,
    ) -> Result<(), ShellError>;
}

/// Adapts a shell's [`ChallengeListener`] to the core's observer (the core
/// decides when to tell it, and bounds each call).
struct ForeignListener(Arc<dyn ChallengeListener>);

impl ChallengeObserver for ForeignListener {
    fn on_change(
        &self,
        id: String,
        state: ChallengeState,
        seconds_left: i64,
    ) -> Result<(), String> {
        Ok(self.0.on_change(id, state, seconds_left)?)
    }
}

/// The device side of push approvals, over the vault's push accounts.
#[derive(uniffi::Object)]
pub struct PushClient {
    service: PushService<VaultPushStore>,
    vault: Arc<Vault>,
    tokens: Option<Arc<dyn TokenSource>>,
    cancel: Notify,
}

impl std::fmt::Debug for PushClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PushClient").finish_non_exhaustive()
    }
}

impl PushClient {
    /// Runs `call` until it ends or `cancel_all` is called, whichever is
    /// first; cancelling drops the call (and its HTTP request).
    async fn cancellable<T>(
        &self,
        call: impl Future<Output = Result<T, ApiError>>,
    ) -> Result<T, ApiError> {
        // Registered before `call` is first polled, so a cancel_all() that
        // races the start of the call still reaches it.
        let cancelled = self.cancel.notified();
        tokio::select! {
            r = call => r,
            () = cancelled => Err(ApiError::Cancelled {
                message: "the call was cancelled".into(),
            }),
        }
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl PushClient {
    /// A client over `vault`'s push accounts; `tokens` gives the platform
    /// push token sent at activation; `http` sends the requests with the
    /// platform's HTTP stack.
    #[uniffi::constructor]
    pub fn new(
        vault: Arc<Vault>,
        tokens: Option<Arc<dyn PushTokenSource>>,
        http: Arc<dyn HttpTransport>,
    ) -> Arc<Self> {
        Arc::new(Self {
            service: PushService::with_transport(
                VaultPushStore::new(vault.inner.clone()),
                ForeignHttp::core(http),
                Arc::new(SystemClock),
            ),
            vault,
            tokens: tokens.map(|t| Arc::new(ForeignTokens(t)) as _),
            cancel: Notify::new(),
        })
    }

    /// Enrols whatever the user scanned, pasted or typed: stores OTP
    /// accounts, activates a push account (Watchword or privacyIDEA) as
    /// `device_name`, or says what the user must decide (a name for a bare
    /// secret, keeping a duplicate). A Microsoft activation is
    /// `MicrosoftManaged` (its message says what to do), unrecognised text
    /// `InvalidLink`.
    pub async fn enrol(
        &self,
        input: EnrolInput,
        choices: EnrolChoices,
        device_name: String,
    ) -> Result<EnrolOutcome, ApiError> {
        self.cancellable(enrol(
            &input,
            &choices,
            &self.vault.inner,
            &self.service,
            &DeviceIdentity::named(device_name, self.tokens.clone()),
        ))
        .await
    }

    /// The verified, unexpired sign-in requests of every push account
    /// (both protocols).
    pub async fn pending(&self) -> Result<Vec<Challenge>, ApiError> {
        Ok(self
            .cancellable(async { Ok(self.service.pending().await?) })
            .await?
            .iter()
            .map(|c| self.service.shown(c))
            .collect())
    }

    /// Handles a push notification's payload (ids only): fetches and
    /// verifies the request it announces.
    pub async fn handle_push(&self, payload: String) -> Result<Challenge, ApiError> {
        Ok(self.service.shown(
            &self
                .cancellable(async { Ok(self.service.handle_push(&payload).await?) })
                .await?,
        ))
    }

    /// Handles a Web Push message as a UnifiedPush distributor delivered
    /// it (the encrypted bytes): decrypts it with this device's keys, then
    /// fetches and verifies the request it announces.
    pub async fn handle_web_push(&self, body: Vec<u8>) -> Result<Challenge, ApiError> {
        Ok(self.service.shown(
            &self
                .cancellable(async { Ok(self.service.handle_web_push(&body).await?) })
                .await?,
        ))
    }

    /// Tells every account's server the platform's new push token (`None`:
    /// the app can no longer be woken; the servers stop sending). Call it
    /// whenever the platform hands out a new token.
    pub async fn push_token_changed(
        &self,
        token: Option<PlatformPushToken>,
    ) -> Result<PushTokenReport, ApiError> {
        self.cancellable(async { Ok(self.service.push_token_changed(token.as_ref()).await?) })
            .await
    }

    /// Answers request `id`; approving awaits the vault's biometric gate
    /// first and needs `number` when the request shows one.
    pub async fn respond(
        &self,
        id: String,
        decision: Decision,
        number: Option<u8>,
    ) -> Result<ChallengeState, ApiError> {
        self.answer(&id, Answer::new(decision, number.map(Shown::Number), None))
            .await
    }

    /// Answers request `id` with the option picked from its `options`
    /// (privacyIDEA number matching), or the number as text; otherwise
    /// like `respond`.
    pub async fn respond_with_answer(
        &self,
        id: String,
        decision: Decision,
        answer: Option<String>,
    ) -> Result<ChallengeState, ApiError> {
        self.answer(&id, Answer::new(decision, answer.map(Shown::Text), None))
            .await
    }

    /// Ends every network call of this client in flight (`activate`,
    /// `pending`, `handle_push`, `respond`...) with `Cancelled`. Calls made
    /// afterwards run normally.
    pub fn cancel_all(&self) {
        self.cancel.notify_waiters();
    }

    /// The state of a request this device has seen, with `seconds_left`.
    pub fn state(&self, id: String) -> Option<ChallengeProgress> {
        self.service.progress(&id)
    }

    /// Sets (or clears) the listener told about state changes.
    pub fn set_listener(&self, listener: Option<Arc<dyn ChallengeListener>>) {
        self.service
            .set_observer(listener.map(|l| Arc::new(ForeignListener(l)) as _));
    }
}

impl PushClient {
    /// Answers `id` as the person holding the device (the core asks the
    /// biometric gate when the answer needs it), cancellable.
    async fn answer(&self, id: &str, reply: Answer) -> Result<ChallengeState, ApiError> {
        self.cancellable(
            self.service
                .respond_in_person(id, &reply, &self.vault.inner),
        )
        .await
    }
}
