//! What the reference server takes from the network: activation, answer
//! and push-token bodies, run through the real server (SQLite in a
//! temporary folder) with an enrolment and a challenge in place. Each is
//! refused with a protocol error or taken; nothing may panic.
#![no_main]

use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use watchword_core::{
    otp::SystemClock,
    push::protocol::{ActivateRequest, AnswerRequest, CreateChallengeRequest, PushTokenUpdate},
    vault::StaticKeyProvider,
};
use watchword_server::{
    Policy, PushServer,
    delivery::{LogSender, Senders},
};

struct Fixture {
    server: PushServer,
    enrolment_id: String,
    challenge_id: String,
    _dir: tempfile::TempDir,
}

fuzz_target!(|data: &[u8]| {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    let f = FIXTURE.get_or_init(|| {
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
        Fixture {
            server,
            enrolment_id,
            challenge_id,
            _dir: dir,
        }
    });
    if let Ok(r) = serde_json::from_slice::<ActivateRequest>(data) {
        let _ = f.server.activate(&f.enrolment_id, &r);
    }
    if let Ok(r) = serde_json::from_slice::<AnswerRequest>(data) {
        let _ = f.server.answer(&f.challenge_id, &r);
    }
    if let Ok(r) = serde_json::from_slice::<PushTokenUpdate>(data) {
        let _ = f.server.update_push_token(&r);
    }
    if let Ok(r) = serde_json::from_slice::<CreateChallengeRequest>(data) {
        let _ = f.server.create_challenge(&r);
    }
});
