//! The device side of push approvals: activate an account, fetch and
//! verify pending sign-ins, take a notification, and answer.
//!
//! Nothing reaches the caller unverified: a challenge is shown only if the
//! account's server signed it for this device and it has not expired by
//! the device clock corrected with the offset learned from every reply.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use super::{
    Answer, Provider, PushError, Shown,
    activation::Activation,
    client::{Reply, ServerClient, post_json, within},
    history::{self, Seen},
    keys::{self, SigningKey},
    observers::{ChallengeObserver, Observers},
    protocol::{
        self, ActivateRequest, ActivateResponse, AnswerFields, AnswerRequest, AnswerResponse,
        ChallengeStatus, Decision, ErrorCode, HEADER_DEVICE, HEADER_NONCE, HEADER_SIGNATURE,
        HEADER_TIMESTAMP, PENDING_PATH, PendingResponse, PushPayload, WireChallenge,
    },
    shown::{Challenge, ChallengeProgress},
    state::{ChallengeEvent, ChallengeState, PendingChallenge, TrackedChallenge},
    store::{PushAccount, PushStore},
};
use crate::{
    ApiError,
    http::{HttpRequest, HttpTransport},
    otp::Clock,
    vault::Vault,
};

/// Server times the device learns its clock offset from (Unix seconds,
/// 2000-01-01 to 3000-01-01).
const PLAUSIBLE_SERVER_TIME: std::ops::RangeInclusive<i64> = 946_684_800..=32_503_680_000;

/// Longest time limit a device accepts on a challenge, seconds.
pub const MAX_CHALLENGE_TTL: i64 = 600;

/// The device-side push service over a store of accounts.
pub struct PushService<S> {
    pub(crate) store: S,
    pub(crate) client: ServerClient,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) offsets: Mutex<HashMap<String, i64>>,
    pub(crate) tracked: Mutex<HashMap<String, TrackedChallenge>>,
    pub(crate) rejected: Mutex<HashMap<String, PushError>>,
    observers: Observers,
}

impl<S> std::fmt::Debug for PushService<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PushService").finish_non_exhaustive()
    }
}

/// What an activation produced (no key material).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ActivatedAccount {
    /// The new device id.
    pub device_id: String,
    /// "user @ organisation".
    pub account: String,
    /// The server's base URL.
    pub server: String,
    /// Learned server-minus-device clock offset, seconds.
    pub clock_offset: i64,
    /// The protocol the account speaks.
    pub provider: Provider,
    /// The one sentence every front end shows after an activation
    /// ("Activated alice @ Example Corp on ...").
    #[serde(skip)]
    pub summary: String,
}

impl ActivatedAccount {
    /// What activating `account` produced, with its sentence.
    pub fn new(account: &PushAccount, clock_offset: i64) -> Self {
        let (device_id, label, server) = (&account.device_id, account.label(), &account.base_url);
        let summary = match account.provider {
            Provider::Watchword => {
                format!("Activated {label} on {server} (device {device_id}).")
            }
            Provider::PrivacyIdea => {
                format!("Enrolled privacyIDEA push token {device_id} ({label}) from {server}.")
            }
        };
        ActivatedAccount {
            device_id: device_id.clone(),
            account: label,
            server: server.clone(),
            clock_offset,
            provider: account.provider,
            summary,
        }
    }
}

impl std::fmt::Display for ActivatedAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.summary)
    }
}

impl<S: PushStore> PushService<S> {
    /// A service with a default (reqwest) client.
    #[cfg(feature = "reqwest")]
    pub fn new(store: S, clock: Arc<dyn Clock>) -> Result<Self, PushError> {
        Ok(Self::with_client(store, ServerClient::new()?, clock))
    }

    /// A service whose requests go over `transport` (a phone's HTTP stack),
    /// with default timeouts and retries.
    pub fn with_transport(
        store: S,
        transport: Arc<dyn HttpTransport>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        let client =
            ServerClient::with_transport(transport, super::client::ClientConfig::default());
        Self::with_client(store, client, clock)
    }

    /// A service with a given client.
    pub fn with_client(store: S, client: ServerClient, clock: Arc<dyn Clock>) -> Self {
        Self {
            store,
            client,
            clock,
            offsets: Mutex::new(HashMap::new()),
            tracked: Mutex::new(HashMap::new()),
            rejected: Mutex::new(HashMap::new()),
            observers: Observers::default(),
        }
    }

    /// Sets (or clears) the observer told when a request this device has
    /// seen changes state (see [`ChallengeObserver`]).
    pub fn set_observer(&self, observer: Option<Arc<dyn ChallengeObserver>>) {
        self.observers.set(observer);
    }

    /// Tells the observer about request `id`, if it changed.
    async fn tell(&self, id: &str) {
        if let Some(t) = self.tracked(id) {
            self.observers.tell(&t, self.now_for_challenge(id)).await;
        }
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// Activates a push account: makes a device key, sends it with the
    /// code, verifies the server's signed reply and stores the account.
    pub async fn activate(
        &self,
        activation: &Activation,
        device_name: &str,
        platform_token: Option<super::PlatformPushToken>,
    ) -> Result<ActivatedAccount, PushError> {
        protocol::check_field("device_name", device_name)?;
        // A token the platform gave but that cannot be used (not hex, an
        // http endpoint elsewhere) is left out: the device polls, and the
        // activation, which the user is doing right now, goes ahead.
        let push = platform_token.and_then(|p| match self.push_token_for(&p) {
            Ok(t) => Some(t),
            Err(e) => {
                tracing::warn!(error = %e, "push token not usable; activating without one");
                None
            }
        });
        let key = SigningKey::generate()?;
        let public_key = key.public_key_b64();
        let body = ActivateRequest {
            // EXPOSE: the code goes to the server it was issued by, once.
            code: activation.code().expose().to_owned(),
            public_key: public_key.clone(),
            device_name: device_name.to_owned(),
            push,
            push_token: None,
        };
        let url = activation.url().to_owned();
        let reply: Reply<ActivateResponse> = within(self.client.deadline(), async {
            Ok(self.client.send(|| post_json(&url, &body)).await)
        })
        .await?;
        let response = reply.result?;
        keys::check_public_key(&response.server_public_key)
            .map_err(|_| PushError::Protocol("bad server public key".into()))?;
        let input = protocol::activation_input(activation.enrolment_id(), &response, &public_key)?;
        keys::verify(&response.server_public_key, &input, &response.signature)
            .map_err(|_| PushError::Protocol("activation reply is not signed".into()))?;
        let offset = response.server_time - self.local_now();
        let account = PushAccount::new(
            response.device_id.clone(),
            activation.base_url().to_owned(),
            response.user,
            response.organisation,
            device_name.to_owned(),
            response.server_public_key,
            offset,
            &key,
        );
        self.store.put(&account)?;
        self.lock_offsets()?
            .insert(account.device_id.clone(), offset);
        Ok(ActivatedAccount::new(&account, offset))
    }

    /// Every stored account.
    pub fn accounts(&self) -> Result<Vec<PushAccount>, PushError> {
        self.store.list()
    }

    /// Server-corrected now for `account`, Unix seconds.
    pub fn now_for(&self, account: &PushAccount) -> i64 {
        let offset = self
            .offsets
            .lock()
            .ok()
            .and_then(|m| m.get(&account.device_id).copied())
            .unwrap_or(account.clock_offset);
        self.local_now() + offset
    }

    /// Server-corrected now for the account of a tracked challenge (device
    /// time if the challenge is unknown).
    pub fn now_for_challenge(&self, id: &str) -> i64 {
        let account_id = self
            .tracked
            .lock()
            .ok()
            .and_then(|m| m.get(id).map(|t| t.challenge.account_id.clone()));
        let offset = account_id
            .and_then(|a| self.offsets.lock().ok().and_then(|m| m.get(&a).copied()))
            .unwrap_or(0);
        self.local_now() + offset
    }

    /// Polls every push account and returns the verified, unexpired
    /// challenges, soonest expiry first. One unreachable server does not
    /// hide the others; if every account fails, the first error is returned.
    pub async fn pending(&self) -> Result<Vec<PendingChallenge>, PushError> {
        // Both protocols: the shell sees one list either way.
        let accounts: Vec<PushAccount> = self.store.list()?;
        let mut out = Vec::new();
        let mut first_error = None;
        let mut ok = 0usize;
        // One budget for the whole call, however many servers: an account
        // whose server does not answer leaves the others' requests shown.
        let deadline = self.client.deadline();
        for account in &accounts {
            match within(deadline, self.pending_for(account)).await {
                Ok(mut list) => {
                    ok += 1;
                    out.append(&mut list);
                }
                Err(e) => {
                    tracing::warn!(account = %account.device_id, error = %e, "pending fetch failed");
                    first_error.get_or_insert(e);
                }
            }
        }
        if let (0, Some(e)) = (ok, first_error) {
            return Err(e);
        }
        out.sort_by(|a, b| a.expires_at.cmp(&b.expires_at).then(a.id.cmp(&b.id)));
        for c in &out {
            self.tell(&c.id).await;
        }
        Ok(out)
    }

    /// Takes a notification payload (ids only), fetches that account's
    /// pending list, and returns the challenge once verified.
    pub async fn handle_push(&self, payload: &str) -> Result<PendingChallenge, PushError> {
        let payload: PushPayload = serde_json::from_str(payload)
            .map_err(|_| PushError::Protocol("not a Watchword push payload".into()))?;
        if payload.v != 1 {
            return Err(PushError::Protocol(format!(
                "unsupported push payload version {}",
                payload.v
            )));
        }
        let account = self.account(&payload.device_id)?;
        let list = within(self.client.deadline(), self.pending_for(&account)).await?;
        if let Some(c) = list.into_iter().find(|c| c.id == payload.challenge_id) {
            self.tell(&c.id).await;
            return Ok(c);
        }
        if let Some(e) = self.lock_rejected()?.get(&payload.challenge_id) {
            return Err(e.clone());
        }
        Err(PushError::NotFound(format!(
            "challenge {}",
            payload.challenge_id
        )))
    }

    /// The tracked state of a challenge this device has seen.
    pub fn tracked(&self, id: &str) -> Option<TrackedChallenge> {
        self.tracked.lock().ok().and_then(|m| m.get(id).cloned())
    }

    /// `c` as the person sees it, with the seconds left now on its
    /// account's server-corrected clock.
    pub fn shown(&self, c: &PendingChallenge) -> Challenge {
        Challenge::at(c, self.now_for_challenge(&c.id))
    }

    /// Where request `id` stands now, if this device has seen it.
    pub fn progress(&self, id: &str) -> Option<ChallengeProgress> {
        let t = self.tracked(id)?;
        let seconds_left = t.seconds_left(self.now_for_challenge(id));
        Some(ChallengeProgress {
            status: t.state,
            seconds_left,
            tries_left: t.tries_left,
            display_code: t.display_code,
        })
    }

    /// Answers challenge `id` as the person holding the device: refused
    /// locally first (already answered, expired, number missing), so no
    /// biometric prompt is wasted; then, when the decision needs it
    /// (approving), `presence` confirms the person is there, failing
    /// closed; then the answer is sent. What the shells call.
    pub async fn respond_in_person(
        &self,
        id: &str,
        answer: &Answer,
        presence: &Vault,
    ) -> Result<ChallengeState, ApiError> {
        let result = async {
            self.check_answer(id, answer)?;
            if let Some(action) = answer.presence_needed() {
                presence.confirm_presence(action).await?;
            }
            Ok(self.respond(id, answer).await?)
        }
        .await;
        // The observer hears the new state whatever the outcome (an expiry
        // found while checking, a wrong number).
        self.tell(id).await;
        result
    }

    /// Answers challenge `id`, of either protocol. Approving needs what
    /// the sign-in screen shows when the challenge asks for it (Watchword's
    /// number, privacyIDEA's option). A wrong number leaves the challenge
    /// pending (the error says how many tries are left).
    ///
    /// Answers within [`ClientConfig::budget`](super::client::ClientConfig)
    /// and never after the sign-in expires, whichever is first: then
    /// `Network`.
    pub async fn respond(&self, id: &str, answer: &Answer) -> Result<ChallengeState, PushError> {
        let result = self.send_answer(id, answer).await;
        self.tell(id).await;
        result
    }

    /// [`PushService::respond`] without telling the observer.
    async fn send_answer(&self, id: &str, answer: &Answer) -> Result<ChallengeState, PushError> {
        let deadline = self.client.deadline();
        let tracked = match self.tracked(id) {
            Some(t) => t,
            None => {
                // Not seen in this process (the CLI answers in a new one):
                // fetch and verify first.
                within(deadline, self.pending()).await?;
                self.tracked(id).ok_or_else(|| self.gone(id))?
            }
        };
        if tracked.state.is_final() {
            return Err(PushError::AlreadyFinal(tracked.state));
        }
        let left = tracked
            .challenge
            .seconds_left(self.now_for_challenge(id))
            .max(0);
        let expiry = tokio::time::Instant::now()
            + std::time::Duration::from_secs(u64::try_from(left).unwrap_or(0));
        within(deadline.min(expiry), self.respond_to(&tracked, answer)).await
    }

    /// Sends the answer to a tracked, unanswered challenge.
    async fn respond_to(
        &self,
        tracked: &TrackedChallenge,
        answer: &Answer,
    ) -> Result<ChallengeState, PushError> {
        if tracked.challenge.provider == Provider::PrivacyIdea {
            return self.pi_respond(tracked, answer).await;
        }
        let c = &tracked.challenge;
        let id = c.id.as_str();
        let decision = answer.decision();
        // Only approve carries a number.
        let number = answer.shown().map(Shown::number).transpose()?;
        if decision == Decision::Approve && c.needs_number && number.is_none() {
            return Err(PushError::NumberRequired);
        }
        let account = self.account(&c.account_id)?;
        if c.seconds_left(self.now_for(&account)) == 0 {
            self.apply(id, ChallengeEvent::TimedOut)?;
            return Err(PushError::Expired(id.to_owned()));
        }
        let key = account.signing_key()?;
        let url = format!("{}{}", account.base_url, protocol::answer_path(id));
        let reply: Reply<AnswerResponse> = self
            .client
            .send(|| {
                let timestamp = self.now_for(&account);
                let request_nonce = keys::random_b64(16)?;
                let input = protocol::answer_input(&AnswerFields {
                    challenge_id: id,
                    challenge_nonce: &c.nonce,
                    device_id: &account.device_id,
                    decision,
                    number,
                    timestamp,
                    request_nonce: &request_nonce,
                })?;
                let body = AnswerRequest {
                    device_id: account.device_id.clone(),
                    decision,
                    number,
                    timestamp,
                    signature: key.sign(&input)?,
                    request_nonce,
                };
                post_json(&url, &body)
            })
            .await;
        self.learn(&account, reply.server_time)?;
        match reply.result {
            Ok(_) => self.apply(id, ChallengeEvent::Answered(decision)),
            Err(e) => self.refused(id, decision, e),
        }
    }

    /// Maps a refusal of an answer onto the state machine; returns the
    /// error to report (or the state, when the "refusal" is our own answer
    /// already taken).
    fn refused(
        &self,
        id: &str,
        decision: Decision,
        e: PushError,
    ) -> Result<ChallengeState, PushError> {
        let PushError::Refused {
            code,
            tries_left,
            status,
            ..
        } = &e
        else {
            return Err(e);
        };
        match code {
            ErrorCode::WrongNumber => {
                self.apply(
                    id,
                    ChallengeEvent::WrongNumber {
                        tries_left: tries_left.unwrap_or(0),
                    },
                )?;
            }
            ErrorCode::ChallengeExpired => {
                self.apply(id, ChallengeEvent::TimedOut)?;
            }
            // A retry after a lost reply finds our own answer already
            // taken: that is success, not a refusal.
            ErrorCode::AlreadyAnswered if *status == Some(expected_status(decision)) => {
                return self.apply(id, ChallengeEvent::Answered(decision));
            }
            ErrorCode::AlreadyAnswered | ErrorCode::WrongDevice | ErrorCode::ChallengeNotFound => {
                self.apply(id, ChallengeEvent::Refused)?;
            }
            _ => {}
        }
        Err(e)
    }

    async fn pending_for(&self, account: &PushAccount) -> Result<Vec<PendingChallenge>, PushError> {
        let list = if account.provider == Provider::PrivacyIdea {
            self.pi_pending_for(account).await?
        } else {
            self.watchword_pending_for(account).await?
        };
        let ids: Vec<&str> = list.iter().map(|c| c.id.as_str()).collect();
        self.remember(&ids);
        Ok(list)
    }

    /// Records what the device knows of `ids` in the store's [`History`],
    /// so that answering them after the server stops listing them says what
    /// happened. A failure here is logged: it loses a better message, never
    /// a request.
    fn remember(&self, ids: &[&str]) {
        let seen: Vec<(String, Seen)> = ids
            .iter()
            .filter_map(|id| self.tracked(id))
            .map(|t| {
                let seen = Seen {
                    state: t.state,
                    expires_at: t.challenge.expires_at,
                };
                (t.challenge.id, seen)
            })
            .collect();
        if seen.is_empty() {
            return;
        }
        let result = self.store.history().and_then(|mut history| {
            let mut changed = false;
            for (id, s) in &seen {
                changed |= history.record(id, *s);
            }
            if changed {
                self.store.set_history(&history)?;
            }
            Ok(())
        });
        if let Err(e) = result {
            tracing::warn!(error = %e, "cannot record the requests seen");
        }
    }

    /// What became of request `id`, which the server no longer lists.
    fn gone(&self, id: &str) -> PushError {
        let seen = self.store.history().ok().and_then(|h| h.get(id));
        history::gone(id, seen, self.local_now())
    }

    async fn watchword_pending_for(
        &self,
        account: &PushAccount,
    ) -> Result<Vec<PendingChallenge>, PushError> {
        let key = account.signing_key()?;
        let url = format!("{}{}", account.base_url, PENDING_PATH);
        let reply: Reply<PendingResponse> = self
            .client
            .send(|| {
                let timestamp = self.now_for(account);
                let nonce = keys::random_b64(16)?;
                let input = protocol::request_input(
                    "GET",
                    PENDING_PATH,
                    &account.device_id,
                    timestamp,
                    &nonce,
                )?;
                Ok(HttpRequest::get(&url)
                    .header(HEADER_DEVICE, &account.device_id)
                    .header(HEADER_TIMESTAMP, &timestamp.to_string())
                    .header(HEADER_NONCE, &nonce)
                    .header(HEADER_SIGNATURE, &key.sign(&input)?))
            })
            .await;
        self.learn(account, reply.server_time)?;
        let response = reply.result?;
        let now = self.now_for(account);
        let mut verified = Vec::new();
        for wire in response.challenges {
            match verify_challenge(account, &wire, now) {
                Ok(c) => {
                    let mut tracked = self.lock_tracked()?;
                    tracked
                        .entry(c.id.clone())
                        .or_insert_with(|| TrackedChallenge::new(c.clone()));
                    verified.push(c);
                }
                Err(e) => {
                    tracing::warn!(challenge = %wire.id, error = %e, "challenge refused by the device");
                    self.lock_rejected()?.insert(wire.id.clone(), e);
                }
            }
        }
        Ok(verified)
    }

    pub(crate) fn account(&self, device_id: &str) -> Result<PushAccount, PushError> {
        self.store
            .list()?
            .into_iter()
            .find(|a| a.device_id == device_id)
            .ok_or_else(|| PushError::NotFound(format!("push account {device_id}")))
    }

    /// Learns the clock offset from a reply's server time; stores it when
    /// it moved by more than a second.
    pub(crate) fn learn(
        &self,
        account: &PushAccount,
        server_time: Option<i64>,
    ) -> Result<(), PushError> {
        // The reply's time is not signed: one outside any plausible clock
        // (before 2000, after 3000) is ignored, which also keeps every
        // offset sum below far from overflowing.
        let Some(server_time) = server_time.filter(|t| PLAUSIBLE_SERVER_TIME.contains(t)) else {
            return Ok(());
        };
        let offset = server_time.saturating_sub(self.local_now());
        let previous = self
            .lock_offsets()?
            .insert(account.device_id.clone(), offset)
            .unwrap_or(account.clock_offset);
        if (offset - previous).abs() > 1 || (offset - account.clock_offset).abs() > 1 {
            let mut updated = account.clone();
            updated.clock_offset = offset;
            self.store.put(&updated)?;
        }
        Ok(())
    }

    pub(crate) fn apply(
        &self,
        id: &str,
        event: ChallengeEvent,
    ) -> Result<ChallengeState, PushError> {
        let state = {
            let mut tracked = self.lock_tracked()?;
            let t = tracked
                .get_mut(id)
                .ok_or_else(|| PushError::NotFound(format!("challenge {id}")))?;
            t.apply(event)?
        };
        self.remember(&[id]);
        Ok(state)
    }

    pub(crate) fn local_now(&self) -> i64 {
        self.clock.now_unix_ms().div_euclid(1000)
    }

    pub(crate) fn lock_offsets(
        &self,
    ) -> Result<std::sync::MutexGuard<'_, HashMap<String, i64>>, PushError> {
        self.offsets
            .lock()
            .map_err(|_| PushError::Store("lock poisoned".into()))
    }

    pub(crate) fn lock_tracked(
        &self,
    ) -> Result<std::sync::MutexGuard<'_, HashMap<String, TrackedChallenge>>, PushError> {
        self.tracked
            .lock()
            .map_err(|_| PushError::Store("lock poisoned".into()))
    }

    pub(crate) fn lock_rejected(
        &self,
    ) -> Result<std::sync::MutexGuard<'_, HashMap<String, PushError>>, PushError> {
        self.rejected
            .lock()
            .map_err(|_| PushError::Store("lock poisoned".into()))
    }
}

fn expected_status(decision: Decision) -> ChallengeStatus {
    match decision {
        Decision::Approve => ChallengeStatus::Approved,
        Decision::Deny => ChallengeStatus::Denied,
        Decision::Fraud => ChallengeStatus::Fraud,
    }
}

/// Checks one challenge from `account`'s server at server-corrected `now`.
pub fn verify_challenge(
    account: &PushAccount,
    wire: &WireChallenge,
    now: i64,
) -> Result<PendingChallenge, PushError> {
    let input = protocol::challenge_input(wire, &account.device_id)?;
    keys::verify(&account.server_public_key, &input, &wire.signature)
        .map_err(|_| PushError::BadServerSignature(wire.id.clone()))?;
    // Signed, but for another account of ours? Refuse rather than mislabel.
    if wire.user != account.user || wire.organisation != account.organisation {
        return Err(PushError::BadServerSignature(wire.id.clone()));
    }
    // Checked: signed times as absurd as (i64::MIN, i64::MAX) are refused
    // like any other, not an overflow.
    let ttl = wire.expires_at.checked_sub(wire.created_at);
    if !ttl.is_some_and(|ttl| (1..=MAX_CHALLENGE_TTL).contains(&ttl))
        || wire.created_at > now.saturating_add(protocol::REPLAY_WINDOW_SECS)
    {
        return Err(PushError::Protocol(format!(
            "challenge {} has implausible times",
            wire.id
        )));
    }
    if now >= wire.expires_at {
        return Err(PushError::Expired(wire.id.clone()));
    }
    Ok(PendingChallenge {
        id: wire.id.clone(),
        account_id: account.device_id.clone(),
        account: account.label(),
        app: wire.app.clone(),
        location: wire.location.clone(),
        ip: wire.ip.clone(),
        created_at: wire.created_at,
        expires_at: wire.expires_at,
        needs_number: wire.needs_number,
        provider: account.provider,
        options: Vec::new(),
        message: String::new(),
        nonce: wire.nonce.clone(),
        can_give_reason: false,
    })
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::{
        http::Silent,
        otp::FixedClock,
        push::{MemoryPushStore, client::DEFAULT_BUDGET, keys::PreparedSigner},
    };

    #[tokio::test]
    async fn an_implausible_server_time_teaches_the_clock_nothing() {
        let clock = Arc::new(FixedClock::new(NOW * 1000));
        let service =
            PushService::with_transport(Arc::new(MemoryPushStore::new()), Arc::new(Silent), clock);
        let account = alices_account(&SigningKey::generate().unwrap());
        service.store.put(&account).unwrap();
        for wild in [i64::MIN, -1, 0, 946_684_799, 32_503_680_001, i64::MAX] {
            service.learn(&account, Some(wild)).unwrap();
            assert_eq!(service.now_for(&account), NOW, "{wild}");
        }
        service.learn(&account, Some(NOW + 90)).unwrap();
        assert_eq!(service.now_for(&account), NOW + 90);
    }

    /// Server time of the `verify_challenge` tests.
    const NOW: i64 = 1_700_000_000;

    /// Alice's account on device `d1`, pinning `server`'s public key.
    fn alices_account(server: &SigningKey) -> PushAccount {
        PushAccount::new(
            "d1".into(),
            "https://push.example.org".into(),
            "alice".into(),
            "Example".into(),
            "phone".into(),
            server.public_key_b64(),
            0,
            &SigningKey::generate().unwrap(),
        )
    }

    /// A challenge for Alice created at [`NOW`] for 60 s, changed by `edit`
    /// and then signed for `device_id` as the server signs it
    /// (`server/src/challenges.rs`, `pending`): the server key's
    /// [`PreparedSigner`] over [`protocol::challenge_input`] for the
    /// fetching device. The signature is always valid for what it carries.
    fn signed_for(
        server: &SigningKey,
        device_id: &str,
        edit: impl FnOnce(&mut WireChallenge),
    ) -> WireChallenge {
        let mut c = WireChallenge {
            id: "c1".into(),
            nonce: "bm9uY2Utbm9uY2Utbm9uY2U".into(),
            user: "alice".into(),
            organisation: "Example".into(),
            app: "Outlook".into(),
            location: "Utrecht, NL".into(),
            ip: "203.0.113.7".into(),
            created_at: NOW,
            expires_at: NOW + 60,
            needs_number: true,
            signature: String::new(),
        };
        edit(&mut c);
        let input = protocol::challenge_input(&c, device_id).unwrap();
        c.signature = PreparedSigner::new(server).unwrap().sign(&input).unwrap();
        c
    }

    #[test]
    fn verify_challenge_refuses_a_challenge_signed_for_another_device() {
        let server = SigningKey::generate().unwrap();
        let account = alices_account(&server);
        // The control: the same challenge signed for this device is shown.
        let own = verify_challenge(&account, &signed_for(&server, "d1", |_| {}), NOW).unwrap();
        assert_eq!((own.id.as_str(), own.account_id.as_str()), ("c1", "d1"));
        // Alice's other device, same user, same server key: the signature
        // is the server's, but over another device id.
        for other in ["d2", "d10", "d"] {
            assert_eq!(
                verify_challenge(&account, &signed_for(&server, other, |_| {}), NOW),
                Err(PushError::BadServerSignature("c1".into())),
                "signed for {other}"
            );
        }
    }

    #[test]
    fn verify_challenge_refuses_another_user_or_organisation() {
        let server = SigningKey::generate().unwrap();
        let account = alices_account(&server);
        // Signed by the pinned key for this very device, but about someone
        // else: refused, never shown under Alice's name.
        type Edit = fn(&mut WireChallenge);
        let cases: [(&str, Edit); 4] = [
            ("another user", |c| c.user = "bob".into()),
            ("the user in other case", |c| c.user = "Alice".into()),
            ("another organisation", |c| {
                c.organisation = "Elsewhere".into()
            }),
            ("both", |c| {
                c.user = "bob".into();
                c.organisation = "Elsewhere".into();
            }),
        ];
        for (what, edit) in cases {
            assert_eq!(
                verify_challenge(&account, &signed_for(&server, "d1", edit), NOW),
                Err(PushError::BadServerSignature("c1".into())),
                "{what}"
            );
        }
    }

    #[test]
    fn verify_challenge_refuses_implausible_times() {
        let server = SigningKey::generate().unwrap();
        let account = alices_account(&server);
        let implausible = Err(PushError::Protocol(
            "challenge c1 has implausible times".into(),
        ));
        // (created_at, expires_at), each correctly signed.
        let refused = [
            ("expires before it is created", NOW, NOW - 1),
            ("expires as it is created", NOW, NOW),
            ("expires long before it is created", NOW + 30, NOW - 3_600),
            (
                "a lifetime one second over 600 s",
                NOW,
                NOW + MAX_CHALLENGE_TTL + 1,
            ),
            ("a lifetime of a year", NOW, NOW + 365 * 86_400),
            (
                "created one second beyond the window ahead",
                NOW + protocol::REPLAY_WINDOW_SECS + 1,
                NOW + protocol::REPLAY_WINDOW_SECS + 61,
            ),
            ("created a day ahead", NOW + 86_400, NOW + 86_460),
            ("a lifetime past the range of i64", i64::MIN, i64::MAX),
            ("the extremes the other way", i64::MAX, i64::MIN),
        ];
        for (what, created_at, expires_at) in refused {
            let c = signed_for(&server, "d1", |c| {
                c.created_at = created_at;
                c.expires_at = expires_at;
            });
            assert_eq!(verify_challenge(&account, &c, NOW), implausible, "{what}");
        }
        // The bounds themselves are accepted.
        let accepted = [
            ("a lifetime of one second", NOW, NOW + 1),
            (
                "a lifetime of exactly 600 s",
                NOW - 10,
                NOW - 10 + MAX_CHALLENGE_TTL,
            ),
            (
                "created at the edge of the window ahead",
                NOW + protocol::REPLAY_WINDOW_SECS,
                NOW + protocol::REPLAY_WINDOW_SECS + 60,
            ),
        ];
        for (what, created_at, expires_at) in accepted {
            let c = signed_for(&server, "d1", |c| {
                c.created_at = created_at;
                c.expires_at = expires_at;
            });
            let shown = verify_challenge(&account, &c, NOW);
            assert_eq!(
                shown.map(|p| (p.created_at, p.expires_at)),
                Ok((created_at, expires_at)),
                "{what}"
            );
        }
        // Plausible but over: expired at its last second, not before.
        let c = signed_for(&server, "d1", |c| c.expires_at = NOW + 60);
        assert!(verify_challenge(&account, &c, NOW + 59).is_ok());
        assert_eq!(
            verify_challenge(&account, &c, NOW + 60),
            Err(PushError::Expired("c1".into()))
        );
    }

    /// A device with one Watchword account whose server never answers.
    fn device_of_a_silent_server() -> PushService<MemoryPushStore> {
        let store = MemoryPushStore::new();
        let key = SigningKey::generate().unwrap();
        let server_key = SigningKey::generate().unwrap().public_key_b64();
        let account = PushAccount::new(
            "d1".into(),
            "https://push.example.org".into(),
            "alice".into(),
            "Example".into(),
            "phone".into(),
            server_key,
            0,
            &key,
        );
        store.put(&account).unwrap();
        PushService::with_transport(store, Arc::new(Silent), Arc::new(FixedClock::new(0)))
    }

    // Paused tokio time is the injected clock: the request timeouts, the
    // backoffs between retries and the budget all run on it, so the test
    // measures the bound exactly without waiting for it.
    #[tokio::test(start_paused = true)]
    async fn pending_on_a_server_that_never_answers_ends_at_the_budget() {
        let device = device_of_a_silent_server();
        let started = tokio::time::Instant::now();
        let result = device.pending().await;
        assert!(matches!(result, Err(PushError::Network(_))), "{result:?}");
        // Three retries of a 15 s request would take over 60 s: longer
        // than a sign-in's default 60 s lifetime. The budget cuts it.
        assert_eq!(started.elapsed(), DEFAULT_BUDGET);
        let started = tokio::time::Instant::now();
        let result = device
            .handle_push(r#"{"v":1,"device_id":"d1","challenge_id":"c1"}"#)
            .await;
        assert!(matches!(result, Err(PushError::Network(_))), "{result:?}");
        assert_eq!(started.elapsed(), DEFAULT_BUDGET);
        assert!(DEFAULT_BUDGET < Duration::from_secs(60));
    }
}
