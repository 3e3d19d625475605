//! Delivering notifications (issue 17), release build, everything on
//! 127.0.0.1 in this process (the loopback services of
//! `watchword_tests::push_services` share the 2 cores with the server):
//!
//! - round trips with and without delivery: the relying party creates a
//!   challenge; without delivery the device polls (`pending`), with it the
//!   server sends through APNs (HTTP/2, TLS) and the device acts on the
//!   notification's payload (`handle_push`, as the Notification Service
//!   Extension does); then the device approves with the number and the
//!   relying party reads `approved`. p50/p99, and the added latency from
//!   `POST /v1/challenges` to "APNs took the notification".
//! - notifications per second: 5,000 APNs notifications over one HTTP/2
//!   connection (64 in flight), and 2,000 Web Push messages (encrypted,
//!   VAPID-signed, 64 in flight) against pywebpush sending the same to the
//!   same receiver (its own timing, `bench/delivery/pywebpush_peer.py`).
//!
//! JSON on stdout; `bench/delivery/run.sh` writes bench/RESULTS.md.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)] // Benchmark code: a panic aborts the run.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use serde_json::json;
use watchword_core::{
    otp::SystemClock,
    push::{
        Activation, Answer, MemoryPushStore, PlatformPushToken, PushService, PushToken,
        protocol::{ChallengeStatus, PushPayload},
    },
};
use watchword_server::{
    Policy, PushServer,
    delivery::{
        LogSender, PushNotification, PushSender, SendContext, Senders, senders::DeliveryConfig,
    },
};
use watchword_tests::{
    push::{RelyingParty, sign_in, start_real_time_server, start_server},
    push_services::{ApnsService, WebPushService, apns_tokens},
};
use zeroize::Zeroizing;

const ROUNDS: usize = 500;
const WARMUP: usize = 30;
const APNS_SENDS: usize = 5000;
const WEB_PUSH_SENDS: usize = 2000;
const IN_FLIGHT: usize = 64;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn stats(mut v: Vec<Duration>) -> serde_json::Value {
    v.sort();
    let pct = |p: f64| {
        let rank = ((p * v.len() as f64).ceil() as usize).clamp(1, v.len());
        ms(v[rank - 1])
    };
    let mean = v.iter().map(|d| ms(*d)).sum::<f64>() / v.len() as f64;
    json!({"rounds": v.len(), "p50_ms": pct(0.5), "p99_ms": pct(0.99), "mean_ms": mean})
}

fn apns_config(apns: &ApnsService) -> DeliveryConfig {
    DeliveryConfig {
        apns: Some(apns.sender_config()),
        web_push: true,
        web_push_loopback: true,
        extra_root: Some(Zeroizing::new(apns.ca_pem.clone().into_bytes())),
        ..DeliveryConfig::default()
    }
}

/// Round trips; `apns`: delivered through it, else polled.
async fn round_trips(apns: Option<&ApnsService>) -> (serde_json::Value, Option<serde_json::Value>) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bench.db");
    let (server, handle) = match apns {
        Some(a) => {
            let senders = Senders::build(apns_config(a), Arc::new(LogSender::default())).unwrap();
            start_server(
                &db,
                Arc::new(SystemClock),
                Policy::default(),
                Arc::new(senders),
            )
            .await
        }
        None => start_real_time_server(&db).await,
    };
    let base = handle.base_url();
    let phone = PushService::new(Arc::new(MemoryPushStore::new()), Arc::new(SystemClock)).unwrap();
    let e = server.enrol("alice", &base).unwrap();
    let token = apns.map(|_| PlatformPushToken::Apns {
        device_token: apns_tokens::OK.into(),
        sandbox: false,
    });
    phone
        .activate(&Activation::from_link(&e.link).unwrap(), "bench", token)
        .await
        .unwrap();
    let device_id = phone.accounts().unwrap()[0].device_id.clone();
    let rp = RelyingParty::new(&base, &server.rotate_rp_key().unwrap());
    let request = sign_in("alice", Some(true));
    let (mut total, mut added) = (Vec::new(), Vec::new());
    let before = apns.map_or(0, ApnsService::count);
    for i in 0..WARMUP + ROUNDS {
        let t0 = Instant::now();
        let c = rp.challenge(&request).await.unwrap();
        let shown = match apns {
            Some(a) => {
                a.wait_for(before + i + 1).await;
                let arrived = t0.elapsed();
                if i >= WARMUP {
                    added.push(arrived);
                }
                let payload = serde_json::to_string(&PushPayload {
                    v: 1,
                    device_id: device_id.clone(),
                    challenge_id: c.id.clone(),
                })
                .unwrap();
                phone.handle_push(&payload).await.unwrap()
            }
            None => phone
                .pending()
                .await
                .unwrap()
                .into_iter()
                .find(|p| p.id == c.id)
                .unwrap(),
        };
        phone
            .respond(&shown.id, &Answer::approve(c.number))
            .await
            .unwrap();
        assert_eq!(rp.status(&c.id).await.status, ChallengeStatus::Approved);
        if i >= WARMUP {
            total.push(t0.elapsed());
        }
    }
    handle.stop().await;
    (stats(total), apns.map(|_| stats(added)))
}

/// `n` sends through `senders` with `IN_FLIGHT` at once; notifications/s.
async fn throughput(
    server: &Arc<PushServer>,
    senders: Arc<Senders>,
    push: PushToken,
    n: usize,
) -> f64 {
    let note = Arc::new(PushNotification {
        push: Some(push),
        payload: PushPayload {
            v: 1,
            device_id: "d0123456789abcdef01234567".into(),
            challenge_id: "c0123456789abcdef0123456789abcdef".into(),
        },
        expires_at: server.now() + 600,
    });
    let t0 = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    let mut started = 0;
    let mut ok = 0usize;
    while ok < n {
        while started < n && set.len() < IN_FLIGHT {
            let (s, note, server) = (senders.clone(), note.clone(), server.clone());
            set.spawn(async move {
                let ctx = SendContext {
                    now: server.now(),
                    vapid: server.vapid(),
                };
                s.send(&note, ctx).await
            });
            started += 1;
        }
        set.join_next().await.unwrap().unwrap().unwrap();
        ok += 1;
    }
    n as f64 / t0.elapsed().as_secs_f64()
}

fn pywebpush(endpoint: &str, p256dh: &str, auth: &str, n: usize) -> Option<f64> {
    let python = std::env::var("WATCHWORD_PUSH_PY").ok()?;
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/delivery/pywebpush_peer.py");
    let out = std::process::Command::new(python)
        .args([script, endpoint, p256dh, auth, &n.to_string()])
        .output()
        .ok()?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).ok()?;
    v["per_second"].as_f64()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let apns = ApnsService::start();
    let (polled, _) = round_trips(None).await;
    let (delivered, added) = round_trips(Some(&apns)).await;

    let dir = tempfile::tempdir().unwrap();
    let server = Arc::new(
        PushServer::open_with(
            dir.path().join("t.db"),
            &watchword_core::vault::StaticKeyProvider::new([7; 32]),
            Arc::new(SystemClock),
            Policy::default(),
            Arc::new(Senders::log_only(Arc::new(LogSender::default()))),
        )
        .unwrap(),
    );
    let senders =
        Arc::new(Senders::build(apns_config(&apns), Arc::new(LogSender::default())).unwrap());
    let apns_token = PushToken::Apns {
        token: apns_tokens::OK.into(),
        sandbox: false,
    };
    // A warm-up opens the HTTP/2 connection.
    throughput(&server, senders.clone(), apns_token.clone(), 200).await;
    let connections_before = apns.connections();
    let apns_rate = throughput(&server, senders.clone(), apns_token, APNS_SENDS).await;
    let apns_new_connections = apns.connections() - connections_before;

    let web = WebPushService::start().await;
    let keys = watchword_core::push::webpush::WebPushKeys::generate()
        .unwrap()
        .public();
    let endpoint = format!("{}/ok/bench", web.url);
    let web_token = PushToken::WebPush {
        endpoint: endpoint.clone(),
        p256dh: keys.p256dh.clone(),
        auth: keys.auth.clone(),
    };
    throughput(&server, senders.clone(), web_token.clone(), 200).await;
    let web_rate = throughput(&server, senders, web_token, WEB_PUSH_SENDS).await;
    let peer_rate = pywebpush(&endpoint, &keys.p256dh, &keys.auth, WEB_PUSH_SENDS / 4);

    println!(
        "{}",
        json!({
            "round_trip_polled": polled,
            "round_trip_delivered": delivered,
            "added_latency": added,
            "apns_per_second": apns_rate,
            "apns_sends": APNS_SENDS,
            "apns_new_connections": apns_new_connections,
            "web_push_per_second": web_rate,
            "web_push_sends": WEB_PUSH_SENDS,
            "pywebpush_per_second": peer_rate,
            "in_flight": IN_FLIGHT,
        })
    );
}
