//! A loopback push setup for the integration tests: the reference server
//! on 127.0.0.1 with an injected clock, a relying party speaking HTTP, and
//! devices running the core's `PushService` over real HTTP.
//!
//! [`Loopback`] is the whole setup. The pieces stand alone for tests that
//! need another clock or push sender (the CLI tests, the push benchmark):
//! [`open_server`], [`start_server`] and [`sign_in`], the relying party's
//! standard request.

// Test-only harness: a failed setup must stop the test at once.
#![allow(clippy::expect_used)]

use std::{net::SocketAddr, sync::Arc};

use watchword_core::{
    otp::{Clock, FixedClock, SystemClock},
    push::{
        Activation, MemoryPushStore, PushService,
        protocol::{
            ChallengeStatusResponse, CreateChallengeRequest, CreateChallengeResponse, ErrorBody,
        },
    },
};
use watchword_server::{
    DbLocation, Policy, PushServer, ServerHandle,
    delivery::{LogSender, PushSender, Senders},
};

/// A device: the core service over an in-memory store.
pub type Device = PushService<Arc<MemoryPushStore>>;

/// The reference server running on loopback, with its clock and files.
pub struct Loopback {
    /// The server engine.
    pub server: Arc<PushServer>,
    /// The HTTP server.
    pub handle: Option<ServerHandle>,
    /// The clock the server (and by default the devices) read.
    pub clock: Arc<FixedClock>,
    /// Notifications the server sent.
    pub sender: Arc<LogSender>,
    /// The relying party's API key.
    pub rp_key: String,
    /// The base URL.
    pub base: String,
    /// Where the database lives (SQLite in the test's directory, or a fresh
    /// PostgreSQL database: `databases::test_db`).
    pub db: DbLocation,
    policy: Policy,
    _dir: tempfile::TempDir,
    rp: RelyingParty,
}

/// The key provider that seals the test server's signing key (the same
/// for every open, so a reopened server keeps its key).
fn server_keys() -> watchword_core::vault::StaticKeyProvider {
    watchword_core::vault::StaticKeyProvider::new([7; 32])
}

/// Opens (or reopens) the reference server's database at `db`, its signing
/// key sealed with the fixed test key.
pub fn open_server(
    db: impl Into<DbLocation>,
    clock: Arc<dyn Clock>,
    policy: Policy,
    sender: Arc<dyn PushSender>,
) -> Arc<PushServer> {
    Arc::new(PushServer::open_with(db, &server_keys(), clock, policy, sender).expect("open server"))
}

/// [`open_server`], serving HTTP on an ephemeral port of 127.0.0.1.
pub async fn start_server(
    db: impl Into<DbLocation>,
    clock: Arc<dyn Clock>,
    policy: Policy,
    sender: Arc<dyn PushSender>,
) -> (Arc<PushServer>, ServerHandle) {
    let server = open_server(db, clock, policy, sender);
    let handle = watchword_server::start(server.clone(), "127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("start");
    (server, handle)
}

/// [`start_server`] on the real clock, with the default policy and a
/// sender that only logs: the server a phone or the CLI talks to in real
/// time.
pub async fn start_real_time_server(db: impl Into<DbLocation>) -> (Arc<PushServer>, ServerHandle) {
    start_server(
        db,
        Arc::new(SystemClock),
        Policy::default(),
        log_only(Arc::new(LogSender::default())),
    )
    .await
}

/// [`start_real_time_server`] that sends Web Push, to endpoints on this
/// machine too (the CLI's `listen`, test receivers).
pub async fn start_web_push_server(db: impl Into<DbLocation>) -> (Arc<PushServer>, ServerHandle) {
    let config = watchword_server::delivery::senders::DeliveryConfig {
        web_push: true,
        web_push_loopback: true,
        ..Default::default()
    };
    let senders = Senders::build(config, Arc::new(LogSender::default())).expect("senders");
    start_server(
        db,
        Arc::new(SystemClock),
        Policy::default(),
        Arc::new(senders),
    )
    .await
}

/// The senders of a server that only logs (every device polls), reading
/// into `log`.
pub fn log_only(log: Arc<LogSender>) -> Arc<dyn PushSender> {
    Arc::new(Senders::log_only(log))
}

/// The sign-in the test relying party raises for `user`: Outlook, from
/// Utrecht, NL at 203.0.113.7, the default lifetime; `number_matching`
/// `None` leaves it to the server's policy.
pub fn sign_in(user: &str, number_matching: Option<bool>) -> CreateChallengeRequest {
    CreateChallengeRequest {
        user: user.into(),
        app: "Outlook".into(),
        location: "Utrecht, NL".into(),
        ip: "203.0.113.7".into(),
        ttl: None,
        number_matching,
    }
}

/// The current real time, to start injected clocks at.
pub fn real_now_ms() -> i64 {
    watchword_core::otp::SystemClock.now_unix_ms()
}

impl Loopback {
    /// A server with the default policy.
    pub async fn start() -> Self {
        Self::start_with(Policy::default()).await
    }

    /// A server with `policy`.
    pub async fn start_with(policy: Policy) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = crate::databases::test_db(dir.path());
        let clock = Arc::new(FixedClock::new(real_now_ms()));
        let sender = Arc::new(LogSender::default());
        let (server, handle) =
            start_server(&db, clock.clone(), policy.clone(), log_only(sender.clone())).await;
        let rp_key = server.rotate_rp_key().expect("rp key");
        let base = handle.base_url();
        let rp = RelyingParty::new(&base, &rp_key);
        Self {
            server,
            handle: Some(handle),
            clock,
            sender,
            rp_key,
            base,
            db,
            policy,
            _dir: dir,
            rp,
        }
    }

    /// Stops the server and opens a new one on the same file and port.
    pub async fn restart(&mut self) {
        let addr: SocketAddr = self.handle.as_ref().expect("running").addr;
        if let Some(h) = self.handle.take() {
            h.stop().await;
        }
        let server = open_server(
            &self.db,
            self.clock.clone(),
            self.policy.clone(),
            log_only(self.sender.clone()),
        );
        self.handle = Some(
            watchword_server::start(server.clone(), addr)
                .await
                .expect("rebind"),
        );
        self.server = server;
    }

    /// Enrols `user` and activates a new device (sharing the server clock).
    pub async fn device(&self, user: &str) -> Device {
        self.device_with_clock(user, self.clock.clone()).await
    }

    /// Enrols `user` and activates a new device reading `clock`.
    pub async fn device_with_clock(&self, user: &str, clock: Arc<dyn Clock>) -> Device {
        let device = PushService::new(Arc::new(MemoryPushStore::new()), clock).expect("service");
        let e = self.server.enrol(user, &self.base).expect("enrol");
        let a = Activation::from_link(&e.link).expect("link");
        device
            .activate(&a, &format!("{user}'s phone"), None)
            .await
            .expect("activate");
        device
    }

    /// The relying party raises a sign-in over HTTP.
    pub async fn rp_challenge(
        &self,
        user: &str,
        number_matching: bool,
    ) -> Result<CreateChallengeResponse, ErrorBody> {
        self.rp_challenge_with(sign_in(user, Some(number_matching)))
            .await
    }

    /// The relying party raises a sign-in described by `request`.
    pub async fn rp_challenge_with(
        &self,
        request: CreateChallengeRequest,
    ) -> Result<CreateChallengeResponse, ErrorBody> {
        self.rp.challenge(&request).await
    }

    /// The relying party polls a status over HTTP.
    pub async fn rp_status(&self, id: &str) -> ChallengeStatusResponse {
        self.rp.status(id).await
    }
}

/// A relying party calling the reference server's API over HTTP with its
/// API key.
#[derive(Debug, Clone)]
pub struct RelyingParty {
    base: String,
    key: String,
    http: reqwest::Client,
}

impl RelyingParty {
    /// The relying party of the server at `base` with API key `key`.
    pub fn new(base: &str, key: &str) -> Self {
        watchword_core::push::client::install_ring_provider();
        Self {
            base: base.to_owned(),
            key: key.to_owned(),
            http: reqwest::Client::new(),
        }
    }

    /// Raises a sign-in: the new challenge, or the server's refusal.
    pub async fn challenge(
        &self,
        request: &CreateChallengeRequest,
    ) -> Result<CreateChallengeResponse, ErrorBody> {
        let r = self
            .http
            .post(format!("{}/v1/challenges", self.base))
            .bearer_auth(&self.key)
            .json(request)
            .send()
            .await
            .expect("rp request");
        if r.status().is_success() {
            Ok(r.json().await.expect("json"))
        } else {
            Err(r.json().await.expect("error json"))
        }
    }

    /// Polls the status of challenge `id`.
    ///
    /// # Panics
    /// When the server refuses.
    pub async fn status(&self, id: &str) -> ChallengeStatusResponse {
        self.try_status(id)
            .await
            .unwrap_or_else(|e| panic!("status of {id} refused: {e:?}"))
    }

    /// Polls the status of challenge `id`: the status, or the server's
    /// refusal.
    pub async fn try_status(&self, id: &str) -> Result<ChallengeStatusResponse, ErrorBody> {
        let r = self
            .http
            .get(format!("{}/v1/challenges/{id}", self.base))
            .bearer_auth(&self.key)
            .send()
            .await
            .expect("status request");
        if r.status().is_success() {
            Ok(r.json().await.expect("status json"))
        } else {
            Err(r.json().await.expect("error json"))
        }
    }
}
