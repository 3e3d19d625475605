//! privacyIDEA 3.14 push round trips, the peer of the push benchmarks:
//! the sequential one (`benches/push.rs`) and the load generator
//! (`push-load privacyidea`) both enrol and run them through here.
//!
//! One round trip: the relying party's `/validate/check` (user + token
//! PIN) raises a push challenge, the phone polls `/ttype/push` (signed
//! with its RSA-4096 key; privacyIDEA's signature on the challenge
//! checked), approves (signed), and the relying party's
//! `/validate/polltransaction` says accepted. The phone is the core's
//! `PushService`, as on a real phone; the relying party is plain HTTP.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use serde_json::Value;
use watchword_core::{
    enrol::{self, Enrolment},
    otp::SystemClock,
    push::{Answer, MemoryPushStore, PushService, client::ServerClient},
};
use watchword_tests::privacyidea::PiServer;

use crate::load::{Failure, push_failure};

/// A phone: the core's push service over an in-memory store.
pub type Phone = PushService<Arc<MemoryPushStore>>;

/// A phone holding one privacyIDEA push token of `user`.
pub struct PiDevice {
    /// The phone.
    pub phone: Phone,
    /// The privacyIDEA user the token belongs to (realm `defrealm`).
    pub user: String,
    /// The token PIN the relying party sends as the password.
    pub pin: String,
    /// The token's serial (`PIPU...`), the account id on the phone.
    pub serial: String,
}

/// Where one privacyIDEA round trip's time went.
#[derive(Debug, Clone, Copy, Default)]
pub struct Phases {
    /// The relying party's `/validate/check`, which raises the challenge.
    pub check: Duration,
    /// The phone's signed poll (privacyIDEA answering, the phone verifying).
    pub phone_poll: Duration,
    /// The phone's signed answer.
    pub phone_answer: Duration,
    /// The relying party's `/validate/polltransaction`.
    pub status_poll: Duration,
}

impl Phases {
    /// The whole round trip.
    pub fn total(&self) -> Duration {
        self.check + self.phone_poll + self.phone_answer + self.status_poll
    }
}

/// Removes `user`'s tokens, enrols a push token with PIN `pin` (the
/// administrator's `/token/init`), and lets a new phone whose requests go
/// through `client` take it (the phone makes its RSA-4096 key and
/// registers it at `/ttype/push`). The admin calls panic on a broken
/// server ([`PiServer`]); the phone's failure is returned.
pub async fn enrol_device(
    pi: &PiServer,
    client: ServerClient,
    user: &str,
    pin: &str,
) -> Result<PiDevice, String> {
    pi.clear_tokens(user).await;
    let qr = pi.init_push(user, pin).await;
    let Ok(Enrolment::PrivacyIdeaPush(link)) = enrol::classify(&qr.link) else {
        return Err(format!("not a pipush link: {}", qr.link));
    };
    let phone = PushService::with_client(
        Arc::new(MemoryPushStore::new()),
        client,
        Arc::new(SystemClock),
    );
    phone
        .enrol_privacyidea(&link)
        .await
        .map_err(|e| format!("{user}: the phone could not take the token: {e}"))?;
    Ok(PiDevice {
        phone,
        user: user.to_owned(),
        pin: pin.to_owned(),
        serial: qr.serial,
    })
}

/// A relying party of privacyIDEA: unauthenticated `/validate/*` calls,
/// every failure returned (never a panic: the load generator counts them).
#[derive(Debug, Clone)]
pub struct PiRelyingParty {
    url: String,
    http: reqwest::Client,
}

impl PiRelyingParty {
    /// The relying party of the privacyIDEA at `url`.
    pub fn new(url: &str) -> Self {
        watchword_core::push::client::install_ring_provider();
        Self {
            url: url.trim_end_matches('/').to_owned(),
            http: reqwest::Client::new(),
        }
    }

    async fn json(&self, request: reqwest::RequestBuilder) -> Result<Value, String> {
        let r = request.send().await.map_err(|_| "network".to_owned())?;
        let status = r.status();
        let body: Value = r
            .json()
            .await
            .map_err(|_| format!("http_{} (not JSON)", status.as_u16()))?;
        if body["result"]["status"] != true {
            return Err(format!(
                "http_{} error {}",
                status.as_u16(),
                body["result"]["error"]["code"]
            ));
        }
        Ok(body)
    }

    /// `/validate/check` with `user` (realm `defrealm`) and `pin`: the
    /// challenge's transaction id.
    pub async fn check(&self, user: &str, pin: &str) -> Result<String, String> {
        let body = self
            .json(
                self.http
                    .post(format!("{}/validate/check", self.url))
                    .form(&[("user", user), ("realm", "defrealm"), ("pass", pin)]),
            )
            .await?;
        if body["result"]["authentication"] != "CHALLENGE" {
            return Err(format!(
                "no challenge ({})",
                body["result"]["authentication"]
            ));
        }
        body["detail"]["transaction_id"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| "no transaction_id".to_owned())
    }

    /// `/validate/polltransaction`: whether the challenge was accepted.
    pub async fn accepted(&self, transaction_id: &str) -> Result<bool, String> {
        let body = self
            .json(
                self.http
                    .get(format!("{}/validate/polltransaction", self.url))
                    .query(&[("transaction_id", transaction_id)]),
            )
            .await?;
        Ok(body["result"]["value"] == true)
    }
}

/// One whole round trip for `device` (see the module's description).
pub async fn round_trip(rp: &PiRelyingParty, device: &PiDevice) -> Result<Phases, Failure> {
    let t0 = Instant::now();
    let tid = rp
        .check(&device.user, &device.pin)
        .await
        .map_err(|kind| Failure::other("check", kind))?;
    let t1 = Instant::now();
    let pending = device
        .phone
        .pending()
        .await
        .map_err(|e| push_failure("phone_poll", &e))?;
    let c = pending
        .iter()
        .find(|c| c.account_id == device.serial)
        .ok_or_else(|| Failure::other("phone_poll", "challenge not shown"))?;
    let t2 = Instant::now();
    device
        .phone
        .respond(&c.id, &Answer::approve(None))
        .await
        .map_err(|e| push_failure("phone_answer", &e))?;
    let t3 = Instant::now();
    match rp.accepted(&tid).await {
        Ok(true) => {}
        Ok(false) => return Err(Failure::other("status_poll", "not accepted")),
        Err(kind) => return Err(Failure::other("status_poll", kind)),
    }
    Ok(Phases {
        check: t1 - t0,
        phone_poll: t2 - t1,
        phone_answer: t3 - t2,
        status_poll: t3.elapsed(),
    })
}
