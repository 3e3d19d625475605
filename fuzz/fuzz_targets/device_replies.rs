//! What a push server (or a network attacker) answers the device: the
//! pending list with signed challenges, the activation reply, refusals,
//! notification payloads. Each reply is parsed as the device parses it and
//! every challenge goes through the signature and expiry check against an
//! account; nothing unsigned may pass, nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use watchword_core::push::{
    PushAccount,
    keys::SigningKey,
    protocol::{ActivateResponse, AnswerResponse, ErrorBody, PendingResponse, PushPayload},
    service::verify_challenge,
};

fuzz_target!(|data: &[u8]| {
    static ACCOUNT: std::sync::OnceLock<PushAccount> = std::sync::OnceLock::new();
    let account = ACCOUNT.get_or_init(|| {
        let server = SigningKey::generate().expect("key");
        let device = SigningKey::generate().expect("key");
        PushAccount::new(
            "d_fuzz".into(),
            "http://127.0.0.1:1".into(),
            "alice".into(),
            "Example".into(),
            "fuzz".into(),
            server.public_key_b64(),
            0,
            &device,
        )
    });
    if let Ok(pending) = serde_json::from_slice::<PendingResponse>(data) {
        for c in &pending.challenges {
            assert!(
                verify_challenge(account, c, pending.server_time).is_err(),
                "a challenge nobody signed passed"
            );
        }
    }
    let _ = serde_json::from_slice::<ActivateResponse>(data);
    let _ = serde_json::from_slice::<AnswerResponse>(data);
    let _ = serde_json::from_slice::<ErrorBody>(data);
    let _ = serde_json::from_slice::<PushPayload>(data);
});
