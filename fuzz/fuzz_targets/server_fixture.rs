//! The reference server the server targets fuzz: a real SQLite file in a
//! temporary folder, one enrolment for `alice` and one open challenge, made
//! once per process. Included by `server_requests.rs` and `server_http.rs`
//! (`#[path]`), not a target itself.

use std::sync::Arc;

use watchword_core::{
    otp::SystemClock, push::protocol::CreateChallengeRequest, vault::StaticKeyProvider,
};
use watchword_server::{
    Policy, PushServer,
    delivery::{LogSender, Senders},
};

/// The server and what was put in it.
pub struct ServerFixture {
    /// The server (shared: `server_http` puts it behind the router).
    pub server: Arc<PushServer>,
    /// The enrolment's id (the last segment of its activation URL).
    #[allow(dead_code)] // server_http reaches it only through inputs
    pub enrolment_id: String,
    /// The open challenge's id.
    #[allow(dead_code)] // as above
    pub challenge_id: String,
    _dir: tempfile::TempDir,
}

impl ServerFixture {
    /// Opens the server and puts the enrolment and challenge in it.
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let server = PushServer::open_with(
            &dir.path().join("fuzz.db"),
            &StaticKeyProvider::new([9; 32]),
            Arc::new(SystemClock),
            Policy::default(),
            Arc::new(Senders::log_only(Arc::new(LogSender::default()))),
        )
        .expect("server");
        let e = server.enrol("alice", "http://127.0.0.1:1").expect("enrol");
        let enrolment_id = e.url.rsplit('/').next().expect("id").to_owned();
        let challenge_id = server
            .create_challenge(&CreateChallengeRequest {
                user: "alice".into(),
                app: "Fuzz".into(),
                location: String::new(),
                ip: String::new(),
                ttl: Some(600),
                number_matching: Some(true),
            })
            .map(|(c, _)| c.id)
            .unwrap_or_default();
        Self {
            server: Arc::new(server),
            enrolment_id,
            challenge_id,
            _dir: dir,
        }
    }
}
