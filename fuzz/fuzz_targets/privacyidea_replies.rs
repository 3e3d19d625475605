//! What a privacyIDEA server (or a network attacker) answers the device:
//! the `{"result", "detail"}` envelope of any status and `Date`, the
//! enrolment reply's server key, and the poll reply's challenge list. Each
//! polled item goes through the device's signature and capability checks
//! against a token whose server key nobody here holds: none may pass,
//! nothing may panic.
//!
//! Input: first byte picks the status, up to the first newline is the
//! `Date` header, the rest is the body.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use rsa::{RsaPrivateKey, pkcs1::EncodeRsaPublicKey};
use watchword_core::{
    http::HttpResponse,
    push::{
        PushAccount, Provider,
        privacyidea::{
            DeviceKey, ServerKey, device::verify_poll_item, http::decode_reply,
        },
    },
};

struct Fixture {
    account: PushAccount,
    server_key: ServerKey,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        // A server key whose private half is dropped at once: no input can
        // carry a valid signature.
        let server = RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).expect("key");
        let der = server.to_public_key().to_pkcs1_der().expect("der");
        let b64 = base64_encode(der.as_bytes());
        let device = DeviceKey::generate(2048).expect("key");
        let account = PushAccount::with_provider_key(
            Provider::PrivacyIdea,
            "PIPU0001".into(),
            "https://127.0.0.1:1/ttype/push".into(),
            "alice".into(),
            "privacyIDEA".into(),
            "watchword".into(),
            b64.clone(),
            0,
            &device.pkcs8().expect("pkcs8"),
        );
        Fixture {
            account,
            server_key: ServerKey::from_pkcs1_b64(&b64).expect("server key"),
        }
    })
}

fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let status = [200, 200, 400, 401, 403, 500][usize::from(first) % 6];
    let (date, body) = match rest.iter().position(|&b| b == b'\n') {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (&rest[..0], rest),
    };
    let response = HttpResponse {
        status,
        headers: vec![("date".into(), String::from_utf8_lossy(date).into_owned())],
        body: body.to_vec(),
    };
    let Ok(reply) = decode_reply(&response) else {
        return;
    };
    if let Some(key) = reply.detail["public_key"].as_str() {
        let _ = ServerKey::from_pkcs1_b64(key);
    }
    let f = fixture();
    for item in reply.value.as_array().into_iter().flatten() {
        assert!(
            verify_poll_item(&f.account, &f.server_key, item).is_err(),
            "a privacyIDEA challenge nobody signed passed"
        );
    }
});
