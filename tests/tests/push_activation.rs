//! Activation codes over loopback HTTP: single use, 10-minute expiry,
//! locked after 5 wrong tries, bad input changes nothing.

// Helpers outside #[test] fns panic on failure too, like the tests.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use watchword_core::push::{
    Activation, ErrorCode, MemoryPushStore, PushError, PushService, PushStore,
};
use watchword_tests::push::{Device, Loopback};

fn new_device(lb: &Loopback) -> Device {
    PushService::new(Arc::new(MemoryPushStore::new()), lb.clock.clone()).unwrap()
}

fn refusal(r: Result<impl std::fmt::Debug, PushError>) -> (ErrorCode, Option<u32>) {
    match r.unwrap_err() {
        PushError::Refused {
            code, tries_left, ..
        } => (code, tries_left),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn a_code_works_once() {
    let lb = Loopback::start().await;
    let e = lb.server.enrol("alice", &lb.base).unwrap();
    let a = Activation::from_link(&e.link).unwrap();
    let first = new_device(&lb);
    let acc = first.activate(&a, "phone", None).await.unwrap();
    assert_eq!(acc.account, "alice @ Watchword");
    assert_eq!(acc.server, lb.base);
    let second = new_device(&lb);
    assert_eq!(
        refusal(second.activate(&a, "thief", None).await),
        (ErrorCode::ActivationUsed, None)
    );
    assert!(
        second.store().list().unwrap().is_empty(),
        "nothing stored on refusal"
    );
}

#[tokio::test]
async fn a_code_expires_after_ten_minutes() {
    let lb = Loopback::start().await;
    let e = lb.server.enrol("alice", &lb.base).unwrap();
    let a = Activation::from_code_and_url(&e.code, &e.url).unwrap();
    lb.clock.advance(600_000);
    assert_eq!(
        refusal(new_device(&lb).activate(&a, "phone", None).await),
        (ErrorCode::ActivationExpired, None)
    );
    // A second's earlier it would have worked.
    let e = lb.server.enrol("alice", &lb.base).unwrap();
    lb.clock.advance(599_000);
    let a = Activation::from_code_and_url(&e.code, &e.url).unwrap();
    new_device(&lb).activate(&a, "phone", None).await.unwrap();
}

#[tokio::test]
async fn five_wrong_codes_lock_the_enrolment() {
    let lb = Loopback::start().await;
    let e = lb.server.enrol("alice", &lb.base).unwrap();
    let wrong = if e.code == "000000000" {
        "000000001"
    } else {
        "000000000"
    };
    let bad = Activation::from_code_and_url(wrong, &e.url).unwrap();
    let device = new_device(&lb);
    for left in [4, 3, 2, 1] {
        assert_eq!(
            refusal(device.activate(&bad, "phone", None).await),
            (ErrorCode::ActivationWrongCode, Some(left))
        );
    }
    assert_eq!(
        refusal(device.activate(&bad, "phone", None).await),
        (ErrorCode::ActivationLocked, None)
    );
    // Now even the right code is refused.
    let good = Activation::from_code_and_url(&e.code, &e.url).unwrap();
    assert_eq!(
        refusal(device.activate(&good, "phone", None).await),
        (ErrorCode::ActivationLocked, None)
    );
    assert!(device.store().list().unwrap().is_empty());
}

#[tokio::test]
async fn unknown_enrolments_and_bad_keys() {
    let lb = Loopback::start().await;
    let a = Activation::from_code_and_url("123456789", &format!("{}/v1/activate/e0000", lb.base))
        .unwrap();
    assert_eq!(
        refusal(new_device(&lb).activate(&a, "phone", None).await),
        (ErrorCode::ActivationNotFound, None)
    );
    // A malformed public key is refused and does not use up the code.
    let e = lb.server.enrol("alice", &lb.base).unwrap();
    let r = reqwest::Client::new()
        .post(&e.url)
        .json(&serde_json::json!({"code": e.code, "public_key": "AAAA", "device_name": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "bad_request");
    let a = Activation::from_code_and_url(&e.code, &e.url).unwrap();
    new_device(&lb).activate(&a, "phone", None).await.unwrap();
    // A device name with a line break never leaves the device.
    let e = lb.server.enrol("alice", &lb.base).unwrap();
    let a = Activation::from_link(&e.link).unwrap();
    assert!(matches!(
        new_device(&lb).activate(&a, "pho\nne", None).await,
        Err(PushError::Field(_))
    ));
}

#[tokio::test]
async fn an_unreachable_server_is_a_network_error() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let a = Activation::from_code_and_url(
        "123456789",
        &format!("http://127.0.0.1:{port}/v1/activate/e1"),
    )
    .unwrap();
    let client = watchword_core::push::client::ServerClient::with_config(
        watchword_core::push::client::ClientConfig {
            retries: 1,
            backoff: std::time::Duration::from_millis(1),
            ..Default::default()
        },
    )
    .unwrap();
    let device = PushService::with_client(
        Arc::new(MemoryPushStore::new()),
        client,
        Arc::new(watchword_core::otp::SystemClock),
    );
    assert!(matches!(
        device.activate(&a, "phone", None).await,
        Err(PushError::Network(_))
    ));
}
