//! Delivering "Approve sign-in?" to a locked phone: the server's APNs,
//! FCM and Web Push senders against the services played on loopback from
//! their documentation (`watchword_tests::push_services`), the records a
//! relying party sees, dropped tokens, retries within the challenge's
//! lifetime, token changes signed by the device, and what independent
//! implementations (PyJWT, py_vapid, http-ece, pywebpush) say about what
//! was sent.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is a failure report.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use serde_json::{Value, json};
use watchword_core::{
    otp::{Clock, SystemClock},
    push::{
        Activation, MemoryPushStore, PlatformPushToken, PushError, PushService, PushTokenKind,
        protocol::{ChallengeStatusResponse, CreateChallengeResponse, Delivery, DeliveryState},
    },
};
use watchword_server::{
    Policy, PushServer, ServerHandle,
    delivery::{LogSender, Senders, fcm::ServiceAccount, senders::DeliveryConfig},
};
use watchword_tests::{
    push::{Device, RelyingParty, sign_in, start_server},
    push_peers,
    push_services::{ApnsService, FcmService, Jwt, WebPushService, apns_tokens, fcm_tokens},
};
use zeroize::Zeroizing;

/// A server sending through the three loopback services.
struct Delivering {
    server: Arc<PushServer>,
    handle: ServerHandle,
    rp: RelyingParty,
    apns: ApnsService,
    fcm: FcmService,
    web: WebPushService,
    _dir: tempfile::TempDir,
}

impl Delivering {
    async fn start() -> Self {
        Self::start_with(Policy::default()).await
    }

    async fn start_with(policy: Policy) -> Self {
        let apns = ApnsService::start();
        let fcm = FcmService::start();
        let web = WebPushService::start().await;
        let config = DeliveryConfig {
            apns: Some(apns.sender_config()),
            fcm: Some((
                ServiceAccount::from_json(fcm.service_account_json.as_bytes()).unwrap(),
                fcm.url.clone(),
            )),
            web_push: true,
            web_push_loopback: true,
            extra_root: Some(Zeroizing::new(
                format!("{}{}", apns.ca_pem, fcm.ca_pem).into_bytes(),
            )),
        };
        let senders = Senders::build(config, Arc::new(LogSender::default())).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let (server, handle) = start_server(
            watchword_tests::databases::test_db(dir.path()),
            Arc::new(SystemClock),
            policy,
            Arc::new(senders),
        )
        .await;
        let rp = RelyingParty::new(&handle.base_url(), &server.rotate_rp_key().unwrap());
        Self {
            server,
            handle,
            rp,
            apns,
            fcm,
            web,
            _dir: dir,
        }
    }

    /// Enrols `user` and activates a phone registering `token`.
    async fn phone(&self, user: &str, token: Option<PlatformPushToken>) -> Device {
        let device =
            PushService::new(Arc::new(MemoryPushStore::new()), Arc::new(SystemClock)).unwrap();
        let e = self.server.enrol(user, &self.handle.base_url()).unwrap();
        device
            .activate(&Activation::from_link(&e.link).unwrap(), "phone", token)
            .await
            .unwrap();
        device
    }

    async fn sign_in(&self, user: &str) -> CreateChallengeResponse {
        self.rp.challenge(&sign_in(user, Some(true))).await.unwrap()
    }

    /// Waits until every delivery of `id` is final (not sending or
    /// retrying); the relying party's view.
    async fn settled(&self, id: &str, within: Duration) -> ChallengeStatusResponse {
        let until = Instant::now() + within;
        loop {
            let s = self.rp.status(id).await;
            let done = !s.deliveries.is_empty()
                && s.deliveries
                    .iter()
                    .all(|d| !matches!(d.state, DeliveryState::Sending | DeliveryState::Retrying));
            if done || Instant::now() > until {
                return s;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

fn apns(token: &str) -> Option<PlatformPushToken> {
    Some(PlatformPushToken::Apns {
        device_token: token.into(),
        sandbox: false,
    })
}

fn fcm(token: &str) -> Option<PlatformPushToken> {
    Some(PlatformPushToken::Fcm {
        token: token.into(),
    })
}

fn only(s: &ChallengeStatusResponse) -> &Delivery {
    assert_eq!(s.deliveries.len(), 1, "{:?}", s.deliveries);
    &s.deliveries[0]
}

#[tokio::test]
async fn apns_gets_the_alert_apple_documents_and_the_phone_reads_it() {
    let d = Delivering::start().await;
    let phone = d.phone("alice", apns(apns_tokens::OK)).await;
    let c = d.sign_in("alice").await;
    let s = d.settled(&c.id, Duration::from_secs(10)).await;
    let delivery = only(&s);
    assert_eq!(
        (delivery.kind, delivery.state, delivery.attempts),
        (Some(PushTokenKind::Apns), DeliveryState::Sent, 1)
    );
    let requests = d.apns.requests();
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    assert_eq!(r.status, 200);
    assert_eq!(r.version, axum::http::Version::HTTP_2);
    assert_eq!(r.token, apns_tokens::OK);
    assert_eq!(
        r.headers["apns-expiration"],
        c.expires_at.to_string().as_str()
    );
    assert_eq!(r.headers["apns-collapse-id"], c.id.as_str());
    let aps = &r.payload["aps"];
    assert_eq!(aps["mutable-content"], 1);
    assert_eq!(aps["category"], "WATCHWORD_APPROVAL");
    assert_eq!(aps["interruption-level"], "time-sensitive");
    // The alert's text is named by keys the iOS app has in both languages,
    // so iOS shows it in the phone's language even without the extension.
    let keys = [&aps["alert"]["title-loc-key"], &aps["alert"]["loc-key"]];
    for lang in ["en", "nl"] {
        let table = std::fs::read_to_string(format!(
            "{}/../ios/Watchword/Resources/{lang}.lproj/Localizable.strings",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        for key in keys {
            let key = key.as_str().expect("a loc key");
            assert!(
                table.contains(&format!("\"{key}\" = ")),
                "{key} is not in the app's {lang} texts"
            );
        }
    }
    // Ids only: the sign-in's details come from the signed fetch.
    let text = r.payload.to_string();
    for secret in ["Outlook", "Utrecht", "203.0.113.7"] {
        assert!(!text.contains(secret), "{secret} in the APNs payload");
    }
    // The phone's Notification Service Extension hands the whole payload
    // to the core, which fetches and verifies the request.
    let shown = phone.handle_push(&text).await.unwrap();
    assert_eq!(
        (shown.id.as_str(), shown.app.as_str()),
        (c.id.as_str(), "Outlook")
    );
}

#[tokio::test]
async fn apns_provider_tokens_are_reused_and_renewed_when_apple_says_expired() {
    let d = Delivering::start().await;
    d.phone("alice", apns(apns_tokens::OK)).await;
    d.phone("bob", apns(apns_tokens::EXPIRED_TOKEN_ONCE)).await;
    let a = d.sign_in("alice").await;
    assert_eq!(
        only(&d.settled(&a.id, Duration::from_secs(10)).await).state,
        DeliveryState::Sent
    );
    let b = d.sign_in("bob").await;
    assert_eq!(
        only(&d.settled(&b.id, Duration::from_secs(10)).await).state,
        DeliveryState::Sent
    );
    let jwts: Vec<String> = d.apns.requests().iter().map(|r| r.jwt.clone()).collect();
    assert_eq!(jwts.len(), 3, "alice, bob refused as expired, bob again");
    assert_eq!(
        jwts[0], jwts[1],
        "one provider token reused (Apple: at most one new token per 20 min)"
    );
    assert_ne!(jwts[1], jwts[2], "a fresh token after ExpiredProviderToken");
}

#[tokio::test]
async fn a_device_the_push_service_no_longer_knows_loses_its_token() {
    let d = Delivering::start().await;
    d.phone("alice", apns(apns_tokens::GONE)).await;
    d.phone("bob", apns(apns_tokens::BAD)).await;
    d.phone("carol", fcm(fcm_tokens::GONE)).await;
    let gone_web = format!("{}/gone/1", d.web.url);
    d.phone(
        "dave",
        Some(PlatformPushToken::UnifiedPush { endpoint: gone_web }),
    )
    .await;
    for (user, said) in [
        ("alice", "APNs 410 Unregistered"),
        ("bob", "APNs 400 BadDeviceToken"),
        ("carol", "FCM 404 UNREGISTERED"),
        ("dave", "Web Push 410"),
    ] {
        let c = d.sign_in(user).await;
        let s = d.settled(&c.id, Duration::from_secs(10)).await;
        let delivery = only(&s);
        assert_eq!(delivery.state, DeliveryState::TokenDropped, "{user}");
        assert!(
            delivery.detail.as_deref().unwrap_or("").contains(said),
            "{user}: {delivery:?}"
        );
        // The next sign-in finds no address: the phone polls.
        let next = d.sign_in(user).await;
        let s = d.settled(&next.id, Duration::from_secs(10)).await;
        assert_eq!(
            (only(&s).state, only(&s).kind),
            (DeliveryState::NoAddress, None),
            "{user}"
        );
    }
}

#[tokio::test]
async fn transient_refusals_are_retried_within_the_challenge_and_never_past_it() {
    let d = Delivering::start().await;
    d.phone("alice", apns(apns_tokens::BUSY_ONCE)).await;
    d.phone("bob", fcm(fcm_tokens::BUSY_ONCE)).await;
    let busy_web = format!("{}/busy/1", d.web.url);
    let carol = d
        .phone(
            "carol",
            Some(PlatformPushToken::UnifiedPush { endpoint: busy_web }),
        )
        .await;
    for user in ["alice", "bob", "carol"] {
        let c = d.sign_in(user).await;
        let s = d.settled(&c.id, Duration::from_secs(15)).await;
        assert_eq!(
            (only(&s).state, only(&s).attempts),
            (DeliveryState::Sent, 2),
            "{user}"
        );
    }
    drop(carol);

    // A service that stays down: retried with backoff until the challenge
    // has no time left, then failed; nothing is sent after it expired.
    d.phone("erin", apns(apns_tokens::DOWN)).await;
    let mut short = sign_in("erin", Some(true));
    short.ttl = Some(10);
    let c = d.rp.challenge(&short).await.unwrap();
    let s = d.settled(&c.id, Duration::from_secs(20)).await;
    let delivery = only(&s);
    assert_eq!(delivery.state, DeliveryState::Failed);
    assert!(
        delivery.detail.as_deref().unwrap().contains("no time left"),
        "{delivery:?}"
    );
    assert!((2..=6).contains(&delivery.attempts), "{delivery:?}");
    let tries = d
        .apns
        .requests()
        .into_iter()
        .filter(|r| r.token == apns_tokens::DOWN)
        .count();
    assert_eq!(tries, delivery.attempts as usize);
    assert!(
        s.server_time <= c.expires_at + 1,
        "settled after the expiry"
    );
}

#[tokio::test]
async fn a_lost_connection_is_retried_until_the_challenge_has_no_time_left() {
    let d = Delivering::start().await;
    // Nothing listens there: every try is a refused connection.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}/up", closed.local_addr().unwrap());
    drop(closed);
    d.phone("alice", Some(PlatformPushToken::UnifiedPush { endpoint }))
        .await;
    let mut short = sign_in("alice", Some(true));
    short.ttl = Some(10);
    let c = d.rp.challenge(&short).await.unwrap();
    let s = d.settled(&c.id, Duration::from_secs(20)).await;
    let delivery = only(&s);
    assert_eq!(delivery.state, DeliveryState::Failed, "{delivery:?}");
    assert!(delivery.attempts >= 3, "{delivery:?}");
    let detail = delivery.detail.as_deref().unwrap();
    assert!(
        detail.starts_with("connection:") && detail.ends_with("no time left to retry"),
        "{detail}"
    );
    // A lost connection is not the device's fault: its address is kept.
    let next = d.sign_in("alice").await;
    assert_eq!(
        only(&d.rp.status(&next.id).await).kind,
        Some(PushTokenKind::WebPush)
    );
}

#[tokio::test]
async fn a_slow_push_service_never_delays_the_relying_party() {
    let d = Delivering::start().await;
    d.phone("alice", apns(apns_tokens::SLOW)).await;
    let started = Instant::now();
    let c = d.sign_in("alice").await;
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "POST /v1/challenges took {:?}",
        started.elapsed()
    );
    assert_eq!(
        only(&d.rp.status(&c.id).await).state,
        DeliveryState::Sending
    );
    let s = d.settled(&c.id, Duration::from_secs(15)).await;
    assert_eq!(only(&s).state, DeliveryState::Sent);
}

#[tokio::test]
async fn fcm_data_messages_with_a_cached_access_token() {
    let d = Delivering::start().await;
    let phone = d.phone("alice", fcm(fcm_tokens::OK)).await;
    for _ in 0..2 {
        let c = d.sign_in("alice").await;
        let s = d.settled(&c.id, Duration::from_secs(10)).await;
        assert_eq!(only(&s).state, DeliveryState::Sent);
        // Answered, so the next sign-in is not one too many open.
        let shown = phone
            .handle_push(
                &json!({"v": 1, "device_id": only(&s).device_id, "challenge_id": c.id}).to_string(),
            )
            .await
            .unwrap();
        phone
            .respond(&shown.id, &watchword_core::push::Answer::deny())
            .await
            .unwrap();
    }
    assert_eq!(
        d.fcm.token_requests(),
        1,
        "the access token is cached until it expires"
    );
    let sends = d.fcm.sends();
    assert_eq!(sends.len(), 2);
    let m = &sends[0].body["message"];
    assert_eq!(m["token"], fcm_tokens::OK);
    assert_eq!(m["android"]["priority"], "HIGH");
    let ttl: i64 = m["android"]["ttl"]
        .as_str()
        .unwrap()
        .trim_end_matches('s')
        .parse()
        .unwrap();
    assert!((55..=60).contains(&ttl), "ttl {ttl}");
    assert_eq!(m["data"]["v"], "1");
    assert!(!sends[0].body.to_string().contains("Outlook"));

    // A revoked access token: a new one, once, and the message goes.
    d.phone("bob", fcm(fcm_tokens::REVOKE_ONCE)).await;
    let c = d.sign_in("bob").await;
    assert_eq!(
        only(&d.settled(&c.id, Duration::from_secs(10)).await).state,
        DeliveryState::Sent
    );
    assert_eq!(d.fcm.token_requests(), 2);
}

#[tokio::test]
async fn web_push_reaches_the_phone_through_its_own_keys() {
    let d = Delivering::start().await;
    let endpoint = format!("{}/ok/1", d.web.url);
    let phone = d
        .phone("alice", Some(PlatformPushToken::UnifiedPush { endpoint }))
        .await;
    let c = d.sign_in("alice").await;
    let s = d.settled(&c.id, Duration::from_secs(10)).await;
    assert_eq!(
        (only(&s).kind, only(&s).state),
        (Some(PushTokenKind::WebPush), DeliveryState::Sent)
    );
    let messages = d.web.messages();
    assert_eq!(messages.len(), 1);
    let m = &messages[0];
    assert_eq!(m.headers["content-encoding"], "aes128gcm");
    assert_eq!(m.headers["urgency"], "high");
    let ttl: i64 = m.headers["ttl"].to_str().unwrap().parse().unwrap();
    assert!((55..=60).contains(&ttl), "TTL {ttl}");
    assert!(
        m.headers["authorization"]
            .to_str()
            .unwrap()
            .starts_with("vapid t=")
    );
    let shown = phone.handle_web_push(&m.body).await.unwrap();
    assert_eq!(
        (shown.id.as_str(), shown.app.as_str()),
        (c.id.as_str(), "Outlook")
    );
    // Another device's keys do not open it; a changed byte does not open.
    let other = PushService::new(Arc::new(MemoryPushStore::new()), Arc::new(SystemClock)).unwrap();
    let r = other.handle_web_push(&m.body).await;
    assert!(
        matches!(&r, Err(PushError::Protocol(why))
            if why.starts_with("not a Web Push message for this device")
                && why.contains("does not decrypt")),
        "{r:?}"
    );
    let mut changed = m.body.clone();
    *changed.last_mut().unwrap() ^= 1;
    let e = phone.handle_web_push(&changed).await.unwrap_err();
    assert!(
        e.to_string()
            .contains("not a Web Push message for this device"),
        "{e}"
    );
}

#[tokio::test]
async fn a_web_push_endpoint_in_a_private_network_is_never_contacted() {
    // A device chooses its endpoint: it must not make the server POST into
    // the server's own network (cloud metadata, internal services).
    let d = Delivering::start().await;
    for (n, endpoint) in [
        "https://169.254.169.254/latest/meta-data",
        "https://10.0.0.7/push/1",
        "https://[::ffff:192.168.1.1]/push",
    ]
    .into_iter()
    .enumerate()
    {
        let user = format!("mallory{n}");
        let _phone = d
            .phone(
                &user,
                Some(PlatformPushToken::UnifiedPush {
                    endpoint: endpoint.into(),
                }),
            )
            .await;
        let c = d.sign_in(&user).await;
        let s = d.settled(&c.id, Duration::from_secs(5)).await;
        let delivery = only(&s);
        assert_eq!(
            delivery.state,
            DeliveryState::Failed,
            "{endpoint}: {delivery:?}"
        );
        assert!(
            delivery
                .detail
                .as_deref()
                .is_some_and(|why| why.contains("private network")),
            "{endpoint}: {delivery:?}"
        );
    }
    assert!(d.web.messages().is_empty());
}

#[tokio::test]
async fn a_new_platform_token_is_registered_signed_and_used_from_the_next_sign_in() {
    let d = Delivering::start().await;
    let phone = d.phone("alice", apns(apns_tokens::OK)).await;
    let report = phone
        .push_token_changed(fcm(fcm_tokens::OK).as_ref())
        .await
        .unwrap();
    assert_eq!((report.updated, report.failed.len()), (1, 0));
    let c = d.sign_in("alice").await;
    let s = d.settled(&c.id, Duration::from_secs(10)).await;
    assert_eq!(only(&s).kind, Some(PushTokenKind::Fcm));
    assert_eq!(d.fcm.sends().len(), 1);
    assert_eq!(d.apns.requests().len(), 0);
    // No token: the server stops sending, the phone polls.
    phone.push_token_changed(None).await.unwrap();
    let next = d.sign_in("alice").await;
    assert_eq!(
        only(&d.settled(&next.id, Duration::from_secs(10)).await).state,
        DeliveryState::NoAddress
    );
}

#[tokio::test]
async fn token_changes_that_are_not_the_devices_own_are_refused() {
    use watchword_core::push::{
        PushToken,
        keys::{SigningKey, random_b64},
        protocol::{PushTokenUpdate, push_token_input},
    };
    let d = Delivering::start().await;
    let phone = d.phone("alice", None).await;
    let device_id = phone.accounts().unwrap()[0].device_id.clone();
    let url = format!("{}/v1/device/push-token", d.handle.base_url());
    let token = PushToken::Fcm {
        token: "attacker-token".into(),
    };
    let post = |body: Value| {
        let url = url.clone();
        async move {
            let r = reqwest::Client::new()
                .post(url)
                .json(&body)
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            let v: Value = r.json().await.unwrap();
            (status, v["error"]["code"].as_str().unwrap_or("").to_owned())
        }
    };
    // Signed by another key.
    let stranger = SigningKey::generate().unwrap();
    let now = SystemClock.now_unix_ms() / 1000;
    let nonce = random_b64(16).unwrap();
    let input = push_token_input(&device_id, now, &nonce, Some(&token)).unwrap();
    let forged = PushTokenUpdate {
        device_id: device_id.clone(),
        push: Some(token.clone()),
        timestamp: now,
        request_nonce: nonce,
        signature: stranger.sign(&input).unwrap(),
    };
    assert_eq!(
        post(serde_json::to_value(&forged).unwrap()).await,
        (401, "bad_signature".to_owned())
    );
    // The device's own signature over another token.
    let account = phone.accounts().unwrap().remove(0);
    let key = account.signing_key().unwrap();
    let nonce = random_b64(16).unwrap();
    let input = push_token_input(&device_id, now, &nonce, Some(&token)).unwrap();
    let mut swapped = PushTokenUpdate {
        device_id: device_id.clone(),
        push: Some(PushToken::Fcm {
            token: "other".into(),
        }),
        timestamp: now,
        request_nonce: nonce.clone(),
        signature: key.sign(&input).unwrap(),
    };
    assert_eq!(
        post(serde_json::to_value(&swapped).unwrap()).await.1,
        "bad_signature"
    );
    // Signed right: taken once; the same request again is a replay.
    swapped.push = Some(token.clone());
    assert_eq!(post(serde_json::to_value(&swapped).unwrap()).await.0, 200);
    assert_eq!(
        post(serde_json::to_value(&swapped).unwrap()).await.1,
        "replayed_nonce"
    );
    // A malformed token is refused before anything else.
    let bad = json!({"device_id": device_id, "push": {"kind": "apns", "token": "zz"}, "timestamp": now, "request_nonce": "n", "signature": "s"});
    assert_eq!(post(bad).await, (400, "bad_request".to_owned()));
}

/// The independent peers: PyJWT verifies the APNs provider token and the
/// FCM assertion; py_vapid and PyJWT the VAPID header; http-ece decrypts
/// what the server sent; the device reads what pywebpush encrypted.
#[tokio::test]
async fn independent_implementations_accept_what_is_sent() {
    let Some(python) = push_peers::python() else {
        return;
    };
    let d = Delivering::start().await;
    let endpoint = format!("{}/ok/peer", d.web.url);
    let web_phone = d
        .phone("alice", Some(PlatformPushToken::UnifiedPush { endpoint }))
        .await;
    d.phone("bob", apns(apns_tokens::OK)).await;
    d.phone("carol", fcm(fcm_tokens::OK)).await;
    let mut ids = Vec::new();
    for user in ["alice", "bob", "carol"] {
        let c = d.sign_in(user).await;
        assert_eq!(
            only(&d.settled(&c.id, Duration::from_secs(10)).await).state,
            DeliveryState::Sent
        );
        ids.push(c.id);
    }

    // APNs: an ES256 token with kid and iss, as Apple verifies it.
    let apns_jwt = d.apns.requests()[0].jwt.clone();
    let v = push_peers::run(
        &python,
        "jwt",
        &json!({"token": apns_jwt, "alg": "ES256", "public_pem": d.apns.public_pem}),
    )
    .unwrap();
    assert_eq!(v["header"]["kid"], ApnsService::KEY_ID);
    assert_eq!(v["claims"]["iss"], ApnsService::TEAM_ID);

    // FCM: the RS256 assertion Google's token endpoint takes.
    let assertion = d.fcm.assertions()[0].clone();
    let token_uri = format!("{}/token", d.fcm.url);
    let v = push_peers::run(
        &python,
        "jwt",
        &json!({"token": assertion, "alg": "RS256", "public_pem": d.fcm.public_pem, "audience": token_uri}),
    )
    .unwrap();
    assert_eq!(
        v["claims"]["scope"],
        "https://www.googleapis.com/auth/firebase.messaging"
    );

    // A tampered token is refused by the peer's signature check (the
    // check can fail). The signature's first character is changed: all
    // its bits count, so the token still decodes (a changed last one
    // leaves padding bits set, which PyJWT refuses as bad base64 before
    // it checks any signature).
    let jwt = Jwt::parse(&apns_jwt).unwrap();
    assert_eq!(jwt.header["alg"], "ES256");
    let (signed, signature) = apns_jwt.rsplit_once('.').unwrap();
    let other = if signature.starts_with('A') { 'B' } else { 'A' };
    let tampered = format!("{signed}.{other}{}", &signature[1..]);
    let r = push_peers::run(
        &python,
        "jwt",
        &json!({"token": tampered, "alg": "ES256", "public_pem": d.apns.public_pem}),
    );
    assert!(
        matches!(&r, Err(why) if why.contains("InvalidSignatureError")),
        "{r:?}"
    );

    // Web Push: VAPID per RFC 8292, the body per RFC 8291.
    let m = &d.web.messages()[0];
    let authorization = m.headers["authorization"].to_str().unwrap();
    let v = push_peers::run(
        &python,
        "vapid",
        &json!({"authorization": authorization, "audience": d.web.url}),
    )
    .unwrap();
    assert!(v["claims"]["sub"].as_str().unwrap().starts_with("mailto:"));
    let keys = web_phone.web_push_keys().unwrap();
    let stored: Value = serde_json::from_slice(&keys.to_secret_json().unwrap()).unwrap();
    let v = push_peers::run(
        &python,
        "decrypt",
        &json!({"private": stored["private"], "auth": stored["auth"], "body": URL_SAFE_NO_PAD.encode(&m.body)}),
    )
    .unwrap();
    let plain: Value = serde_json::from_str(v["plaintext"].as_str().unwrap()).unwrap();
    assert_eq!(plain["challenge_id"], ids[0].as_str());
    assert_eq!(plain["v"], 1);

    // pywebpush as the sender: the phone reads its message.
    let public = keys.public();
    let payload =
        json!({"v": 1, "device_id": plain["device_id"], "challenge_id": ids[0]}).to_string();
    let v = push_peers::run(
        &python,
        "encrypt",
        &json!({"p256dh": public.p256dh, "auth": public.auth, "plaintext": payload}),
    )
    .unwrap();
    let body = URL_SAFE_NO_PAD.decode(v["body"].as_str().unwrap()).unwrap();
    let shown = web_phone.handle_web_push(&body).await.unwrap();
    assert_eq!(shown.id, ids[0]);
}
