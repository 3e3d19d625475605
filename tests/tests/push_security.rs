//! The refusals of the push protocol over loopback HTTP: replays, another
//! device's key, tampered answers, stale timestamps (answers, fetches and
//! push-token changes), late answers, approvals without the number, forged
//! server signatures and challenges signed for another device (the device
//! never shows them), relying-party auth, request bodies over 16 KiB.
//! (Delivery to push services: `push_delivery.rs`.)

// Helpers outside #[test] fns panic on failure too, like the tests.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};

use axum::{
    Router,
    body::Bytes,
    extract::State,
    http::{HeaderMap, Method, StatusCode, Uri},
};
use watchword_core::push::{
    Activation, Answer, ChallengeStatus, Decision, ErrorCode, MemoryPushStore, PushError,
    PushService, PushToken,
    keys::{SigningKey, random_b64},
    protocol::{
        self, HEADER_DEVICE, PENDING_PATH, PUSH_TOKEN_PATH, PendingResponse, PushTokenUpdate,
        push_token_input,
    },
    service::verify_challenge,
};
use watchword_tests::{
    databases::sql_texts,
    push::Loopback,
    push_raw::{code_of, post_answer, raw_pending, signed_answer},
};

#[tokio::test]
async fn replayed_requests_and_answers_are_refused() {
    let lb = Loopback::start().await;
    let phone = lb.device("alice").await;
    let account = phone.accounts().unwrap().remove(0);
    let key = account.signing_key().unwrap();
    let c = lb.rp_challenge("alice", true).await.unwrap();
    let now = lb.server.now();

    let nonce = random_b64(16).unwrap();
    let (status, body) = raw_pending(&lb.base, &account, &key, now, &nonce).await;
    assert_eq!(status, StatusCode::OK);
    let pending: PendingResponse = serde_json::from_value(body).unwrap();
    let wire = &pending.challenges[0];
    let (status, body) = raw_pending(&lb.base, &account, &key, now, &nonce).await;
    assert_eq!(
        (status, code_of(&body)),
        (StatusCode::CONFLICT, ErrorCode::ReplayedNonce)
    );

    let answer = signed_answer(
        &key,
        &account.device_id,
        &c.id,
        &wire.nonce,
        Decision::Approve,
        c.number,
        now,
    );
    let (status, body) = post_answer(&lb.base, &c.id, &answer).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // The same bytes again: a replay.
    let (status, body) = post_answer(&lb.base, &c.id, &answer).await;
    assert_eq!(
        (status, code_of(&body)),
        (StatusCode::CONFLICT, ErrorCode::ReplayedNonce)
    );
    // A fresh, validly signed second answer: already answered.
    let deny = signed_answer(
        &key,
        &account.device_id,
        &c.id,
        &wire.nonce,
        Decision::Deny,
        None,
        now,
    );
    let (status, body) = post_answer(&lb.base, &c.id, &deny).await;
    assert_eq!(
        (status, code_of(&body)),
        (StatusCode::CONFLICT, ErrorCode::AlreadyAnswered)
    );
    assert_eq!(body["error"]["status"], "approved");
    assert_eq!(lb.rp_status(&c.id).await.status, ChallengeStatus::Approved);
}

#[tokio::test]
async fn stale_timestamps_tampered_answers_and_unknown_devices() {
    let lb = Loopback::start().await;
    let phone = lb.device("alice").await;
    let account = phone.accounts().unwrap().remove(0);
    let key = account.signing_key().unwrap();
    let c = lb.rp_challenge("alice", true).await.unwrap();
    let now = lb.server.now();

    for ts in [now - 121, now + 121] {
        let (status, body) =
            raw_pending(&lb.base, &account, &key, ts, &random_b64(16).unwrap()).await;
        assert_eq!(
            (status, code_of(&body)),
            (StatusCode::UNAUTHORIZED, ErrorCode::StaleTimestamp)
        );
    }
    let (status, body) = raw_pending(
        &lb.base,
        &account,
        &key,
        now - 120,
        &random_b64(16).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let wire = serde_json::from_value::<PendingResponse>(body)
        .unwrap()
        .challenges
        .remove(0);

    // Signed "deny", sent as "approve": the signature no longer matches.
    let mut tampered = signed_answer(
        &key,
        &account.device_id,
        &c.id,
        &wire.nonce,
        Decision::Deny,
        None,
        now,
    );
    tampered.decision = Decision::Approve;
    tampered.number = c.number;
    let (status, body) = post_answer(&lb.base, &c.id, &tampered).await;
    assert_eq!(
        (status, code_of(&body)),
        (StatusCode::UNAUTHORIZED, ErrorCode::BadSignature)
    );

    let stranger = signed_answer(&key, "d0000", &c.id, &wire.nonce, Decision::Deny, None, now);
    let (status, body) = post_answer(&lb.base, &c.id, &stranger).await;
    assert_eq!(
        (status, code_of(&body)),
        (StatusCode::UNAUTHORIZED, ErrorCode::UnknownDevice)
    );

    let missing = signed_answer(
        &key,
        &account.device_id,
        "c0000",
        &wire.nonce,
        Decision::Deny,
        None,
        now,
    );
    let (status, body) = post_answer(&lb.base, "c0000", &missing).await;
    assert_eq!(
        (status, code_of(&body)),
        (StatusCode::NOT_FOUND, ErrorCode::ChallengeNotFound)
    );

    // None of that changed anything: the phone can still approve.
    assert_eq!(lb.rp_status(&c.id).await.status, ChallengeStatus::Pending);
    phone.pending().await.unwrap();
    phone
        .respond(&c.id, &Answer::approve(c.number))
        .await
        .unwrap();
}

#[tokio::test]
async fn an_answer_signed_by_another_device_is_refused() {
    let lb = Loopback::start().await;
    let alice = lb.device("alice").await;
    let bob = lb.device("bob").await;
    let alice_account = alice.accounts().unwrap().remove(0);
    let bob_account = bob.accounts().unwrap().remove(0);
    let bob_key = bob_account.signing_key().unwrap();
    let c = lb.rp_challenge("alice", true).await.unwrap();
    let now = lb.server.now();

    // Bob's phone never sees Alice's sign-in.
    assert!(bob.pending().await.unwrap().is_empty());
    // Even knowing the challenge nonce, Bob's device is refused...
    let (_, body) = raw_pending(
        &lb.base,
        &alice_account,
        &alice_account.signing_key().unwrap(),
        now,
        &random_b64(16).unwrap(),
    )
    .await;
    let wire = serde_json::from_value::<PendingResponse>(body)
        .unwrap()
        .challenges
        .remove(0);
    let as_bob = signed_answer(
        &bob_key,
        &bob_account.device_id,
        &c.id,
        &wire.nonce,
        Decision::Approve,
        c.number,
        now,
    );
    let (status, body) = post_answer(&lb.base, &c.id, &as_bob).await;
    assert_eq!(
        (status, code_of(&body)),
        (StatusCode::FORBIDDEN, ErrorCode::WrongDevice)
    );
    // ...and so is Bob's key claiming to be Alice's device.
    let forged = signed_answer(
        &bob_key,
        &alice_account.device_id,
        &c.id,
        &wire.nonce,
        Decision::Approve,
        c.number,
        now,
    );
    let (status, body) = post_answer(&lb.base, &c.id, &forged).await;
    assert_eq!(
        (status, code_of(&body)),
        (StatusCode::UNAUTHORIZED, ErrorCode::BadSignature)
    );
    // Bob's service cannot answer it either (it never saw it).
    assert!(matches!(
        bob.respond(&c.id, &Answer::approve(c.number)).await,
        Err(PushError::NotFound(_))
    ));
    assert_eq!(lb.rp_status(&c.id).await.status, ChallengeStatus::Pending);
    alice.pending().await.unwrap();
    alice
        .respond(&c.id, &Answer::approve(c.number))
        .await
        .unwrap();
    assert_eq!(lb.rp_status(&c.id).await.status, ChallengeStatus::Approved);
}

/// How the man in the middle changes pending lists.
#[derive(Clone)]
enum Mitm {
    /// Changes the location (signature left as is).
    Tamper,
    /// Re-signs every challenge with its own key.
    Resign(SigningKey),
}

#[derive(Clone)]
struct Proxy {
    upstream: String,
    mode: Mitm,
}

/// Sends what a test proxy received on to `upstream` (the protocol's own
/// headers, the content type and the relying party's key) and returns the
/// reply, for the proxy to pass on, alter or lose.
async fn relay(
    upstream: &str,
    method: Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: Bytes,
) -> (StatusCode, Bytes) {
    let url = format!(
        "{upstream}{}",
        uri.path_and_query().map(|x| x.as_str()).unwrap_or("")
    );
    let mut req = reqwest::Client::new().request(method, url).body(body);
    for (k, v) in headers {
        if k.as_str().starts_with("watchword-") || k == "content-type" || k == "authorization" {
            req = req.header(k, v);
        }
    }
    let r = req.send().await.unwrap();
    let status = r.status();
    (status, r.bytes().await.unwrap())
}

async fn forward(
    State(p): State<Proxy>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, Bytes) {
    let (status, bytes) = relay(&p.upstream, method, &uri, &headers, body).await;
    if uri.path() != PENDING_PATH || !status.is_success() {
        return (status, bytes);
    }
    let device = headers
        .get(HEADER_DEVICE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let mut pending: PendingResponse = serde_json::from_slice(&bytes).unwrap();
    for c in &mut pending.challenges {
        match &p.mode {
            Mitm::Tamper => c.location = "Reykjavik, IS".into(),
            Mitm::Resign(key) => {
                c.location = "Reykjavik, IS".into();
                c.signature = key
                    .sign(&protocol::challenge_input(c, &device).unwrap())
                    .unwrap();
            }
        }
    }
    (status, serde_json::to_vec(&pending).unwrap().into())
}

async fn start_proxy(upstream: String, mode: Mitm) -> String {
    let app = Router::new()
        .fallback(forward)
        .with_state(Proxy { upstream, mode });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

#[tokio::test]
async fn a_challenge_with_a_forged_server_signature_is_never_shown() {
    for mode in [Mitm::Tamper, Mitm::Resign(SigningKey::generate().unwrap())] {
        let lb = Loopback::start().await;
        let proxy = start_proxy(lb.base.clone(), mode).await;
        // Activate through the proxy: the device pins the real server key
        // from the signed activation reply.
        let phone = PushService::new(Arc::new(MemoryPushStore::new()), lb.clock.clone()).unwrap();
        let e = lb.server.enrol("alice", &proxy).unwrap();
        phone
            .activate(&Activation::from_link(&e.link).unwrap(), "phone", None)
            .await
            .unwrap();
        let c = lb.rp_challenge("alice", true).await.unwrap();
        assert!(
            phone.pending().await.unwrap().is_empty(),
            "nothing forged is shown"
        );
        let device_id = phone.accounts().unwrap()[0].device_id.clone();
        let payload = format!(
            r#"{{"v":1,"device_id":"{device_id}","challenge_id":"{}"}}"#,
            c.id
        );
        assert_eq!(
            phone.handle_push(&payload).await,
            Err(PushError::BadServerSignature(c.id.clone()))
        );
        assert!(matches!(
            phone.respond(&c.id, &Answer::approve(c.number)).await,
            Err(PushError::NotFound(_))
        ));
        assert_eq!(lb.rp_status(&c.id).await.status, ChallengeStatus::Pending);
    }
}

#[tokio::test]
async fn relying_party_calls_need_the_api_key() {
    let lb = Loopback::start().await;
    let _phone = lb.device("alice").await;
    let http = reqwest::Client::new();
    let body = serde_json::json!({"user": "alice", "app": "Outlook"});
    for auth in [None, Some("wwrp_wrong")] {
        let mut req = http.post(format!("{}/v1/challenges", lb.base)).json(&body);
        if let Some(a) = auth {
            req = req.bearer_auth(a);
        }
        let r = req.send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(code_of(&r.json().await.unwrap()), ErrorCode::Unauthorized);
    }
    // Rotating the key retires the old one.
    let old = lb.rp_key.clone();
    let new = lb.server.rotate_rp_key().unwrap();
    let r = http
        .post(format!("{}/v1/challenges", lb.base))
        .bearer_auth(&old)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = http
        .post(format!("{}/v1/challenges", lb.base))
        .bearer_auth(&new)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    // Malformed JSON is a typed refusal, not a crash.
    let r = http
        .post(format!("{}/v1/challenges", lb.base))
        .bearer_auth(&new)
        .body("{")
        .send()
        .await
        .unwrap();
    assert_eq!(code_of(&r.json().await.unwrap()), ErrorCode::BadRequest);
}

#[derive(Clone)]
struct Dropper {
    upstream: String,
    dropped: Arc<Mutex<u32>>,
}

/// Forwards everything; the first answer reaches the server but its reply
/// is lost (the handler panics, so the connection closes without a reply).
async fn drop_first_answer_reply(
    State(p): State<Dropper>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, Bytes) {
    let (status, bytes) = relay(&p.upstream, method, &uri, &headers, body).await;
    if uri.path().ends_with("/answer") {
        let mut dropped = p.dropped.lock().unwrap();
        if *dropped == 0 {
            *dropped += 1;
            drop(dropped);
            panic!("test proxy: dropping the reply on purpose");
        }
    }
    (status, bytes)
}

#[tokio::test]
async fn a_lost_answer_reply_is_retried_and_recognised_as_taken() {
    let lb = Loopback::start().await;
    let dropped = Arc::new(Mutex::new(0));
    let app = Router::new()
        .fallback(drop_first_answer_reply)
        .with_state(Dropper {
            upstream: lb.base.clone(),
            dropped: dropped.clone(),
        });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let phone = PushService::new(Arc::new(MemoryPushStore::new()), lb.clock.clone()).unwrap();
    let e = lb.server.enrol("alice", &proxy).unwrap();
    phone
        .activate(&Activation::from_link(&e.link).unwrap(), "phone", None)
        .await
        .unwrap();
    let c = lb.rp_challenge("alice", true).await.unwrap();
    phone.pending().await.unwrap();
    // The first attempt is taken by the server but its reply is lost; the
    // retry (fresh nonce) hears "already answered: approved" = our answer.
    assert_eq!(
        phone.respond(&c.id, &Answer::approve(c.number)).await,
        Ok(watchword_core::push::ChallengeState::Approved)
    );
    assert_eq!(*dropped.lock().unwrap(), 1);
    assert_eq!(lb.rp_status(&c.id).await.status, ChallengeStatus::Approved);
}

#[tokio::test]
async fn a_challenge_the_server_signed_for_another_device_is_refused() {
    let lb = Loopback::start().await;
    // Two devices of the same user, pinning the same server key.
    let first = lb.device("alice").await.accounts().unwrap().remove(0);
    let second = lb.device("alice").await.accounts().unwrap().remove(0);
    assert_eq!(first.server_public_key, second.server_public_key);
    let c = lb.rp_challenge("alice", true).await.unwrap();
    let now = lb.server.now();
    let (status, body) = raw_pending(
        &lb.base,
        &first,
        &first.signing_key().unwrap(),
        now,
        &random_b64(16).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let wire = serde_json::from_value::<PendingResponse>(body)
        .unwrap()
        .challenges
        .remove(0);
    assert_eq!(wire.id, c.id);
    // The server's own signature, for the first device: it shows there...
    let shown = verify_challenge(&first, &wire, now).unwrap();
    assert_eq!(shown.account_id, first.device_id);
    // ...and is refused by the other device of the same user.
    assert_eq!(
        verify_challenge(&second, &wire, now),
        Err(PushError::BadServerSignature(c.id.clone()))
    );
}

#[tokio::test]
async fn an_answer_after_the_expiry_is_challenge_expired() {
    let lb = Loopback::start().await;
    let phone = lb.device("alice").await;
    let account = phone.accounts().unwrap().remove(0);
    let key = account.signing_key().unwrap();
    let in_time = lb.rp_challenge("alice", true).await.unwrap();
    let late = lb.rp_challenge("alice", true).await.unwrap();
    assert_eq!(in_time.expires_at, late.expires_at);
    let (_, body) = raw_pending(
        &lb.base,
        &account,
        &key,
        lb.server.now(),
        &random_b64(16).unwrap(),
    )
    .await;
    let pending = serde_json::from_value::<PendingResponse>(body).unwrap();
    let nonce_of = |id: &str| {
        pending
            .challenges
            .iter()
            .find(|w| w.id == id)
            .unwrap()
            .nonce
            .clone()
    };
    let answer = |id: &str, decision, number, now| {
        signed_answer(
            &key,
            &account.device_id,
            id,
            &nonce_of(id),
            decision,
            number,
            now,
        )
    };

    // Its last second: still taken.
    lb.clock
        .advance((in_time.expires_at - 1 - lb.server.now()) * 1000);
    let now = lb.server.now();
    let (status, body) = post_answer(
        &lb.base,
        &in_time.id,
        &answer(&in_time.id, Decision::Approve, in_time.number, now),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "approved");

    // At the expiry: a correctly signed, fresh answer with the right
    // number, sent straight to the server (the device would refuse first).
    lb.clock.advance(1_000);
    let now = lb.server.now();
    assert_eq!(now, late.expires_at);
    let (status, body) = post_answer(
        &lb.base,
        &late.id,
        &answer(&late.id, Decision::Approve, late.number, now),
    )
    .await;
    assert_eq!(
        (status, code_of(&body)),
        (StatusCode::GONE, ErrorCode::ChallengeExpired)
    );
    assert_eq!(
        lb.rp_status(&late.id).await.status,
        ChallengeStatus::Expired
    );
    // An hour late, a denial is no better: it stays expired.
    lb.clock.advance(3_600_000);
    let now = lb.server.now();
    let (status, body) = post_answer(
        &lb.base,
        &late.id,
        &answer(&late.id, Decision::Deny, None, now),
    )
    .await;
    assert_eq!(
        (status, code_of(&body)),
        (StatusCode::GONE, ErrorCode::ChallengeExpired)
    );
    assert_eq!(
        lb.rp_status(&late.id).await.status,
        ChallengeStatus::Expired
    );
    assert_eq!(
        lb.rp_status(&in_time.id).await.status,
        ChallengeStatus::Approved
    );
}

#[tokio::test]
async fn an_approval_without_the_number_is_number_required() {
    let lb = Loopback::start().await;
    let phone = lb.device("alice").await;
    let account = phone.accounts().unwrap().remove(0);
    let key = account.signing_key().unwrap();
    let c = lb.rp_challenge("alice", true).await.unwrap();
    assert!(c.number.is_some());
    let now = lb.server.now();
    let (_, body) = raw_pending(&lb.base, &account, &key, now, &random_b64(16).unwrap()).await;
    let wire = serde_json::from_value::<PendingResponse>(body)
        .unwrap()
        .challenges
        .remove(0);
    assert!(wire.needs_number);
    // The device refuses first and sends nothing...
    phone.pending().await.unwrap();
    assert_eq!(
        phone.respond(&c.id, &Answer::approve(None)).await,
        Err(PushError::NumberRequired)
    );
    // ...so the server's own refusal is driven by a signed answer sent
    // directly. More times than wrong numbers are allowed: none of them
    // is a try, and the sign-in stays open.
    for _ in 0..4 {
        let (status, body) = post_answer(
            &lb.base,
            &c.id,
            &signed_answer(
                &key,
                &account.device_id,
                &c.id,
                &wire.nonce,
                Decision::Approve,
                None,
                now,
            ),
        )
        .await;
        assert_eq!(
            (status, code_of(&body)),
            (StatusCode::BAD_REQUEST, ErrorCode::NumberRequired)
        );
    }
    assert_eq!(lb.rp_status(&c.id).await.status, ChallengeStatus::Pending);
    phone
        .respond(&c.id, &Answer::approve(c.number))
        .await
        .unwrap();
    assert_eq!(lb.rp_status(&c.id).await.status, ChallengeStatus::Approved);
}

#[tokio::test]
async fn a_push_token_change_with_a_stale_timestamp_is_refused() {
    let lb = Loopback::start().await;
    let phone = lb.device("alice").await;
    let account = phone.accounts().unwrap().remove(0);
    let key = account.signing_key().unwrap();
    let token = PushToken::Fcm {
        token: "new-fcm-token".into(),
    };
    let change = |timestamp: i64| {
        let request_nonce = random_b64(16).unwrap();
        let input =
            push_token_input(&account.device_id, timestamp, &request_nonce, Some(&token)).unwrap();
        PushTokenUpdate {
            device_id: account.device_id.clone(),
            push: Some(token.clone()),
            timestamp,
            request_nonce,
            signature: key.sign(&input).unwrap(),
        }
    };
    let post = |update: PushTokenUpdate| {
        let url = format!("{}{PUSH_TOKEN_PATH}", lb.base);
        async move {
            let r = reqwest::Client::new()
                .post(url)
                .json(&update)
                .send()
                .await
                .unwrap();
            (r.status(), r.json::<serde_json::Value>().await.unwrap())
        }
    };
    let stored = || -> Option<String> {
        let sql = format!(
            "SELECT push_token FROM devices WHERE id = '{}'",
            account.device_id
        );
        sql_texts(&lb.db, &sql).remove(0)
    };
    assert_eq!(stored(), None);
    let now = lb.server.now();
    for ts in [now - 121, now + 121, now - 3_600, now + 86_400] {
        let (status, body) = post(change(ts)).await;
        assert_eq!(
            (status, code_of(&body)),
            (StatusCode::UNAUTHORIZED, ErrorCode::StaleTimestamp),
            "timestamp {ts} at {now}"
        );
    }
    assert_eq!(stored(), None, "a refused change changes nothing");
    // The edges of the window are taken.
    for ts in [now - 120, now + 120] {
        let (status, body) = post(change(ts)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    assert_eq!(stored(), Some(token.canonical_json()));
}

/// Sends `body` to `path` as a chunked request (no `Content-Length`, so
/// the server cannot refuse it from the header alone) with the relying
/// party's `rp_key`, and returns the status code.
async fn post_chunked(base: &str, rp_key: &str, path: &str, body: Vec<u8>) -> u16 {
    use std::io::{Read as _, Write as _};
    let addr = base.trim_start_matches("http://").to_owned();
    let path = path.to_owned();
    let rp_key = rp_key.to_owned();
    // A blocking socket on its own thread: the server runs on this test's
    // runtime.
    tokio::task::spawn_blocking(move || {
        let mut s = std::net::TcpStream::connect(&addr).unwrap();
        write!(
            s,
            "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nAuthorization: Bearer {rp_key}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        for chunk in body.chunks(1024) {
            write!(s, "{:x}\r\n", chunk.len()).unwrap();
            // The server may stop reading once over the limit.
            if s.write_all(chunk).and_then(|()| s.write_all(b"\r\n")).is_err() {
                break;
            }
        }
        let _ = s.write_all(b"0\r\n\r\n");
        let mut reply = Vec::new();
        let _ = s.read_to_end(&mut reply);
        let reply = String::from_utf8_lossy(&reply);
        reply
            .strip_prefix("HTTP/1.1 ")
            .and_then(|r| r.get(..3))
            .unwrap_or_else(|| panic!("no HTTP reply: {reply:?}"))
            .parse()
            .unwrap()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn request_bodies_over_16_kib_are_refused_and_the_server_stays_up() {
    const LIMIT: usize = 16 * 1024;
    let lb = Loopback::start().await;
    let phone = lb.device("alice").await;
    let c = lb.rp_challenge("alice", true).await.unwrap();
    let enrolment = lb.server.enrol("bob", &lb.base).unwrap();
    let http = reqwest::Client::new();
    let paths = [
        protocol::answer_path(&c.id),
        PUSH_TOKEN_PATH.to_owned(),
        format!("/v1/activate/{}", enrolment.enrolment_id),
        "/v1/challenges".to_owned(),
    ];
    for path in &paths {
        let url = format!("{}{path}", lb.base);
        // Not JSON: a body the server reads whole is a typed bad_request.
        for size in [LIMIT, LIMIT + 1, 17 * 1024, 1024 * 1024] {
            let r = http
                .post(&url)
                .bearer_auth(&lb.rp_key)
                .header("content-type", "application/json")
                .body(vec![b'x'; size])
                .send()
                .await
                .unwrap();
            let status = r.status();
            if size <= LIMIT {
                let body: serde_json::Value = r.json().await.unwrap();
                assert_eq!(
                    (status, code_of(&body)),
                    (StatusCode::BAD_REQUEST, ErrorCode::BadRequest),
                    "{path}: {size} bytes"
                );
                let message = body["error"]["message"].as_str().unwrap();
                assert!(message.starts_with("bad JSON"), "{path}: {message}");
            } else {
                assert_eq!(
                    status,
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "{path}: {size} bytes"
                );
            }
        }
        // Without a Content-Length the body is cut at the limit too.
        assert_eq!(
            post_chunked(&lb.base, &lb.rp_key, path, vec![b'x'; 17 * 1024]).await,
            413,
            "{path}: chunked"
        );
        assert_eq!(
            post_chunked(&lb.base, &lb.rp_key, path, vec![b'x'; LIMIT]).await,
            400,
            "{path}: chunked at the limit"
        );
    }
    // The server is still up and nothing was changed: the sign-in is
    // pending, the enrolment unused, and the device approves.
    assert_eq!(lb.rp_status(&c.id).await.status, ChallengeStatus::Pending);
    phone.pending().await.unwrap();
    phone
        .respond(&c.id, &Answer::approve(c.number))
        .await
        .unwrap();
    assert_eq!(lb.rp_status(&c.id).await.status, ChallengeStatus::Approved);
    let bobs = PushService::new(Arc::new(MemoryPushStore::new()), lb.clock.clone()).unwrap();
    bobs.activate(
        &Activation::from_link(&enrolment.link).unwrap(),
        "phone",
        None,
    )
    .await
    .unwrap();
}
