//! What the reference server takes from the network: activation, answer
//! and push-token bodies, run through the real server (SQLite in a
//! temporary folder) with an enrolment and a challenge in place. Each is
//! refused with a protocol error or taken; nothing may panic.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use watchword_core::push::protocol::{
    ActivateRequest, AnswerRequest, CreateChallengeRequest, PushTokenUpdate,
};

#[path = "server_fixture.rs"]
mod server_fixture;
use server_fixture::ServerFixture;

fuzz_target!(|data: &[u8]| {
    static FIXTURE: OnceLock<ServerFixture> = OnceLock::new();
    let f = FIXTURE.get_or_init(ServerFixture::new);
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
