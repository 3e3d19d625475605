//! privacyIDEA push on [`PushService`]: enrol from a `pipush` link, poll
//! and verify challenges, answer them, update the push token.
//!
//! A challenge reaches the caller only after the token's server key
//! verified its signature (and, when present, its 3.14 capabilities
//! signature); one that fails is dropped, logged and remembered as
//! rejected, never shown.

use serde_json::Value;

use super::{
    CHALLENGE_LIFETIME_SECS, NO_FIREBASE_TOKEN, PiError,
    http::{self, PiReply},
    keys::{DEFAULT_KEY_BITS, DeviceKey, ServerKey},
    messages::{self, DeclineReason, PollChallenge},
    time::iso_utc,
};
use crate::{
    enrol::PrivacyIdeaPush,
    http::HttpRequest,
    push::{
        ActivatedAccount, Answer, ChallengeState, Decision, PendingChallenge, Provider, PushError,
        PushService, PushStore, TrackedChallenge, state::ChallengeEvent, store::PushAccount,
    },
};

impl<S: PushStore> PushService<S> {
    /// Enrols a privacyIDEA push token with a 4096-bit key, as the official
    /// app does. See [`Self::enrol_privacyidea_with_key_bits`].
    pub async fn enrol_privacyidea(
        &self,
        link: &PrivacyIdeaPush,
    ) -> Result<ActivatedAccount, PushError> {
        self.enrol_privacyidea_with_key_bits(link, DEFAULT_KEY_BITS, None)
            .await
    }

    /// Enrols a privacyIDEA push token: generates the device key (`bits`,
    /// 2048 to 4096, on the blocking pool), sends enrolment step 2 with its
    /// SPKI, checks the server's PKCS#1 key, polls once (the server does
    /// not validate keys at enrolment, only a poll shows the token works),
    /// and only then stores the account. `push_token` is the platform
    /// push token, if any.
    pub async fn enrol_privacyidea_with_key_bits(
        &self,
        link: &PrivacyIdeaPush,
        bits: usize,
        push_token: Option<&str>,
    ) -> Result<ActivatedAccount, PushError> {
        check_url(link.url.as_str())?;
        if link.serial.is_empty() {
            return Err(PushError::BadActivation("the link has no serial".into()));
        }
        let key = DeviceKey::generate_blocking(bits)
            .await
            .map_err(PiError::from)?;
        let pubkey = key.spki_b64().map_err(PiError::from)?;
        let form = [
            // EXPOSE: the one-time credential goes back to its own server.
            (
                "enrollment_credential",
                // EXPOSE: the credential goes to the server that issued it, once.
                link.enrollment_credential.expose().as_str(),
            ),
            ("serial", link.serial.as_str()),
            ("fbtoken", push_token.unwrap_or(NO_FIREBASE_TOKEN)),
            ("pubkey", pubkey.as_str()),
        ];
        let (reply, server_time) = http::send(
            &self.client,
            HttpRequest::post_form(link.url.as_str(), &form),
        )
        .await;
        let reply = reply.map_err(|e| match e {
            // Watchword always checks the certificate; say so when the
            // server asked not to and the connection then failed.
            PiError::Network(m) if !link.sslverify => PiError::Network(format!(
                "{m} (the enrolment link says sslverify=0, but Watchword always checks the \
                 server's certificate: give the privacyIDEA server one this phone trusts)"
            )),
            other => other,
        })?;
        let server_key_b64 = reply.detail["public_key"]
            .as_str()
            .ok_or_else(|| PiError::Protocol("no public_key in the enrolment reply".into()))?;
        // Read it now: a key we cannot use must not be stored.
        ServerKey::from_pkcs1_b64(server_key_b64).map_err(PiError::from)?;
        let compact: String = server_key_b64
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let offset = server_time.map_or(0, |t| t - self.local_now());
        let label = if link.label.is_empty() {
            link.serial.clone()
        } else {
            link.label.clone()
        };
        let account = PushAccount::with_provider_key(
            Provider::PrivacyIdea,
            link.serial.clone(),
            link.url.to_string(),
            label,
            link.issuer.clone().unwrap_or_else(|| "privacyIDEA".into()),
            "watchword".into(),
            compact,
            offset,
            &key.pkcs8().map_err(PiError::from)?,
        );
        self.lock_offsets()?
            .insert(account.device_id.clone(), offset);
        self.pi_pending_for(&account).await?;
        self.store.put(&account)?;
        Ok(ActivatedAccount::new(&account, offset))
    }

    /// Polls one privacyIDEA account (`GET {url}?serial&timestamp&signature`)
    /// and returns its verified challenges. A poll refused for its
    /// timestamp is retried once with the offset learned from the refusal's
    /// `Date`.
    pub(crate) async fn pi_pending_for(
        &self,
        account: &PushAccount,
    ) -> Result<Vec<PendingChallenge>, PushError> {
        let key = pi_key(account)?;
        let server_key =
            ServerKey::from_pkcs1_b64(&account.server_public_key).map_err(PiError::from)?;
        let mut retried = false;
        let reply = loop {
            let timestamp = iso_utc(self.now_ms_for(account));
            let signature = key
                .sign(&messages::poll_input(&account.device_id, &timestamp))
                .map_err(PiError::from)?;
            let request = HttpRequest::get_with_query(
                &account.base_url,
                &[
                    ("serial", account.device_id.as_str()),
                    ("timestamp", timestamp.as_str()),
                    ("signature", signature.as_str()),
                ],
            )
            .map_err(|e| PushError::Protocol(format!("the stored server URL is invalid: {e}")))?;
            let (reply, server_time) = http::send(&self.client, request).await;
            self.learn(account, server_time)?;
            match reply {
                Err(PiError::Refused { message, .. })
                    if !retried && message.contains("not in valid range") =>
                {
                    retried = true;
                }
                other => break other?,
            }
        };
        let PiReply { value, .. } = reply;
        let list = value
            .as_array()
            .ok_or_else(|| PiError::Protocol("poll reply value is not a list".into()))?;
        let now = self.now_for(account);
        let mut verified = Vec::new();
        for item in list {
            let nonce = item["nonce"].as_str().unwrap_or("?").to_owned();
            match verify_poll_item(account, &server_key, item) {
                Ok((wire, can_give_reason)) => {
                    let mut tracked = self.lock_tracked()?;
                    let entry = tracked.entry(wire.nonce.clone()).or_insert_with(|| {
                        TrackedChallenge::new(pending(account, wire, can_give_reason, now))
                    });
                    if entry.state == ChallengeState::Pending
                        && entry.challenge.seconds_left(now) > 0
                    {
                        verified.push(entry.challenge.clone());
                    }
                }
                Err(e) => {
                    tracing::warn!(challenge = %nonce, error = %e, "privacyIDEA challenge refused by the device");
                    self.lock_rejected()?.insert(nonce, e);
                }
            }
        }
        Ok(verified)
    }

    /// Challenges this service dropped because their signature failed,
    /// with the reason (nonce to error).
    pub fn rejected(&self) -> Vec<(String, PushError)> {
        self.rejected
            .lock()
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default()
    }

    /// The checks an answer must pass that need no network: a request
    /// already answered or expired, or an approval without the number the
    /// request asks for, is refused here. Front ends call this before the
    /// biometric prompt, so the user is not asked to confirm an answer that
    /// cannot be sent. A request this process has not seen passes (the
    /// answer fetches it first).
    pub fn check_answer(&self, id: &str, answer: &Answer) -> Result<(), PushError> {
        let Some(tracked) = self.tracked(id) else {
            return Ok(());
        };
        if tracked.state.is_final() {
            return Err(PushError::AlreadyFinal(tracked.state));
        }
        let c = &tracked.challenge;
        let needs_answer = if c.provider == Provider::PrivacyIdea {
            !c.options.is_empty()
        } else {
            c.needs_number
        };
        if answer.decision() == Decision::Approve && needs_answer && answer.shown().is_none() {
            return Err(PushError::NumberRequired);
        }
        let account = self.account(&c.account_id)?;
        if c.seconds_left(self.now_for(&account)) == 0 {
            self.apply(&c.id, ChallengeEvent::TimedOut)?;
            return Err(PushError::Expired(c.id.clone()));
        }
        Ok(())
    }

    /// Sends one answer to privacyIDEA and moves the state machine.
    pub(crate) async fn pi_respond(
        &self,
        tracked: &TrackedChallenge,
        answer: &Answer,
    ) -> Result<ChallengeState, PushError> {
        let decision = answer.decision();
        let c = &tracked.challenge;
        let account = self.account(&c.account_id)?;
        if c.seconds_left(self.now_for(&account)) == 0 {
            self.apply(&c.id, ChallengeEvent::TimedOut)?;
            return Err(PushError::Expired(c.id.clone()));
        }
        let key = pi_key(&account)?;
        let serial = account.device_id.as_str();
        let mut form: Vec<(&str, String)> =
            vec![("serial", serial.to_owned()), ("nonce", c.nonce.clone())];
        let input = match decision {
            Decision::Approve => {
                let picked = match (c.options.is_empty(), answer.shown()) {
                    (true, _) => None,
                    (false, None) => return Err(PushError::NumberRequired),
                    (false, Some(shown)) => {
                        let picked = shown.text();
                        if !c.options.contains(&picked) {
                            return Err(PiError::NotAnOption(c.options.join(", ")).into());
                        }
                        form.push(("presence_answer", picked.clone()));
                        Some(picked)
                    }
                };
                messages::accept_input(&c.nonce, serial, picked.as_deref())
            }
            Decision::Deny | Decision::Fraud => {
                let reason = match answer {
                    Answer::Fraud => Some(DeclineReason::UnknownTrigger),
                    Answer::Deny(reason) => *reason,
                    Answer::Approve(_) => None,
                };
                // Only a server that signed the capability gets a reason.
                let reason = reason.filter(|_| c.can_give_reason);
                form.push(("decline", "1".to_owned()));
                if let Some(r) = reason {
                    form.push(("decline_reason", r.as_str().to_owned()));
                }
                messages::decline_input(&c.nonce, serial, reason)
            }
        };
        let signature = key.sign(&input).map_err(PiError::from)?;
        form.push(("signature", signature));
        let (reply, server_time) = http::send(
            &self.client,
            HttpRequest::post_form(&account.base_url, &form),
        )
        .await;
        self.learn(&account, server_time)?;
        let reply = reply?;
        if reply.value != Value::Bool(true) {
            if decision == Decision::Approve && !c.options.is_empty() {
                // A wrong pick leaves the challenge open on the server.
                return Err(PiError::WrongOption.into());
            }
            self.apply(&c.id, ChallengeEvent::Refused)?;
            return Err(PiError::NotTaken(" (answered elsewhere or expired)").into());
        }
        let state = self.apply(&c.id, ChallengeEvent::Answered(decision))?;
        if let Some(code) = reply.detail["display_code"].as_str() {
            let mut tracked = self.lock_tracked()?;
            if let Some(t) = tracked.get_mut(&c.id) {
                t.display_code = Some(code.to_owned());
            }
        }
        Ok(state)
    }

    /// Tells privacyIDEA the platform push token changed (signed
    /// `new_fb_token|serial|timestamp`).
    pub async fn update_privacyidea_push_token(
        &self,
        account_id: &str,
        new_token: &str,
    ) -> Result<(), PushError> {
        let account = self.account(account_id)?;
        if account.provider != Provider::PrivacyIdea {
            return Err(PushError::NotFound(format!(
                "privacyIDEA push account {account_id}"
            )));
        }
        let key = pi_key(&account)?;
        let timestamp = iso_utc(self.now_ms_for(&account));
        let signature = key
            .sign(&messages::token_update_input(
                new_token,
                &account.device_id,
                &timestamp,
            ))
            .map_err(PiError::from)?;
        let form = [
            ("new_fb_token", new_token),
            ("serial", account.device_id.as_str()),
            ("timestamp", timestamp.as_str()),
            ("signature", signature.as_str()),
        ];
        let (reply, server_time) = http::send(
            &self.client,
            HttpRequest::post_form(&account.base_url, &form),
        )
        .await;
        self.learn(&account, server_time)?;
        if reply?.value != Value::Bool(true) {
            return Err(PiError::NotTaken(" (push token update)").into());
        }
        Ok(())
    }

    fn now_ms_for(&self, account: &PushAccount) -> i64 {
        let offset = self
            .offsets
            .lock()
            .ok()
            .and_then(|m| m.get(&account.device_id).copied())
            .unwrap_or(account.clock_offset);
        self.clock.now_unix_ms() + offset * 1000
    }
}

fn pi_key(account: &PushAccount) -> Result<DeviceKey, PushError> {
    Ok(DeviceKey::from_pkcs8(&account.device_key_der()?).map_err(PiError::from)?)
}

/// The core's one transport rule ([`crate::http::secure_url`]).
fn check_url(url: &str) -> Result<(), PushError> {
    let parsed = url::Url::parse(url).map_err(|e| PushError::BadActivation(e.to_string()))?;
    crate::http::secure_url::check(&parsed).map_err(|_| PushError::InsecureUrl(url.to_owned()))
}

/// Verifies one polled challenge (an item of the poll reply's list, as
/// the server or anyone in between sent it): well-formed, for this token,
/// signed by the token's server key, and (3.14) signed capabilities.
/// Returns the challenge and whether it allows a decline reason.
pub fn verify_poll_item(
    account: &PushAccount,
    server_key: &ServerKey,
    item: &Value,
) -> Result<(PollChallenge, bool), PushError> {
    let wire: PollChallenge = serde_json::from_value(item.clone())
        .map_err(|e| PiError::Protocol(format!("malformed challenge: {e}")))?;
    let bad = || PushError::BadServerSignature(wire.nonce.clone());
    if wire.serial != account.device_id {
        return Err(bad());
    }
    server_key
        .verify(&messages::challenge_input(&wire), &wire.signature)
        .map_err(|_| bad())?;
    let can_give_reason = match (&wire.capabilities, &wire.capabilities_signature) {
        (None, None) => false,
        (Some(caps), Some(sig)) => {
            let input = messages::capabilities_input(caps, &wire.nonce).ok_or_else(bad)?;
            server_key.verify(&input, sig).map_err(|_| bad())?;
            serde_json::from_str::<Value>(caps)
                .ok()
                .and_then(|v| v["decline_reason"].as_bool())
                .unwrap_or(false)
        }
        // Capabilities without their signature (or the other way round)
        // were tampered with.
        _ => return Err(bad()),
    };
    Ok((wire, can_give_reason))
}

fn pending(
    account: &PushAccount,
    wire: PollChallenge,
    can_give_reason: bool,
    now: i64,
) -> PendingChallenge {
    let options: Vec<String> = wire
        .require_presence
        .as_deref()
        .map(|o| {
            o.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    PendingChallenge {
        id: wire.nonce.clone(),
        account_id: account.device_id.clone(),
        account: account.label(),
        app: wire.title,
        location: String::new(),
        ip: String::new(),
        // privacyIDEA sends no times: first seen, plus its default validity.
        created_at: now,
        expires_at: now + CHALLENGE_LIFETIME_SECS,
        needs_number: !options.is_empty(),
        provider: Provider::PrivacyIdea,
        options,
        message: wire.question,
        nonce: wire.nonce,
        can_give_reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert!(check_url("https://pi.example.com/ttype/push").is_ok());
        assert!(check_url("http://127.0.0.1:5001/ttype/push").is_ok());
        assert!(check_url("http://localhost/ttype/push").is_ok());
        assert_eq!(
            check_url("http://pi.example.com/ttype/push"),
            Err(PushError::InsecureUrl(
                "http://pi.example.com/ttype/push".into()
            ))
        );
        assert_eq!(
            check_url("ftp://x"),
            Err(PushError::InsecureUrl("ftp://x".into()))
        );
    }

    /// A platform stack that cannot connect (an untrusted certificate).
    struct Untrusted;

    #[async_trait::async_trait]
    impl crate::http::HttpTransport for Untrusted {
        async fn send(
            &self,
            _request: HttpRequest,
        ) -> Result<crate::http::HttpResponse, crate::http::TransportError> {
            Err(crate::http::TransportError::Connect(
                "certificate not trusted".into(),
            ))
        }
    }

    #[tokio::test]
    async fn a_failed_connection_after_sslverify_0_says_why() {
        let service = PushService::with_transport(
            crate::push::MemoryPushStore::new(),
            std::sync::Arc::new(Untrusted),
            std::sync::Arc::new(crate::otp::SystemClock),
        );
        let link = |verify: &str| {
            crate::enrol::privacyidea::parse_pipush(&format!(
                "otpauth://pipush/PIPU0001?url=https%3A//pi.example/ttype/push&ttl=10\
                 &enrollment_credential=ab12&v=1&serial=PIPU0001&sslverify={verify}"
            ))
            .unwrap()
        };
        let err = service
            .enrol_privacyidea_with_key_bits(&link("0"), 2048, None)
            .await
            .unwrap_err();
        assert!(err.to_string().contains("sslverify=0"), "{err}");
        let err = service
            .enrol_privacyidea_with_key_bits(&link("1"), 2048, None)
            .await
            .unwrap_err();
        assert!(!err.to_string().contains("sslverify"), "{err}");
        assert!(service.store().list().unwrap().is_empty());
    }
}
