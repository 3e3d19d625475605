//! Push approval round trip on loopback: the relying party creates a
//! challenge over HTTP, the device fetches and verifies it (signed request,
//! server signature, expiry), answers with the number, and the relying
//! party sees `approved`. 1000 sequential round trips after a warm-up; p50
//! and p99 as JSON on stdout.
//!
//! In the same run, the same round trip against privacyIDEA 3.14 (the
//! live server `tests/privacyidea/server.sh` starts; skipped without
//! `WATCHWORD_PI_URL`), and the signature work of one challenge (poll request,
//! challenge, answer: three signs and three verifies) with our P-256 keys
//! against privacyIDEA's scheme (RSA-4096 PKCS#1 v1.5, its push token's key
//! size), both with ring. `bench/push/run.sh` writes `bench/RESULTS.md`.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)] // Benchmark code: a panic aborts the run.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use ring::{
    rand::SystemRandom,
    signature::{self, KeyPair, RsaKeyPair},
};
use serde_json::json;
use watchword_bench::{
    privacyidea::{self, PiRelyingParty},
    stats::summary,
};
use watchword_core::{
    otp::SystemClock,
    push::{
        Activation, Answer, MemoryPushStore, PushService,
        client::ServerClient,
        keys::{SigningKey, verify},
        protocol::ChallengeStatus,
    },
};
use watchword_tests::push::{RelyingParty, sign_in, start_real_time_server};

const ROUNDS: usize = 1000;
const WARMUP: usize = 50;
/// privacyIDEA's development server is far slower per request: fewer rounds.
const PI_ROUNDS: usize = 100;
const PI_WARMUP: usize = 5;

async fn round_trips() -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let (server, handle) = start_real_time_server(dir.path().join("bench.db")).await;
    let base = handle.base_url();
    let phone = PushService::new(Arc::new(MemoryPushStore::new()), Arc::new(SystemClock)).unwrap();
    let e = server.enrol("alice", &base).unwrap();
    phone
        .activate(&Activation::from_link(&e.link).unwrap(), "bench", None)
        .await
        .unwrap();
    let rp = RelyingParty::new(&base, &server.rotate_rp_key().unwrap());
    let request = sign_in("alice", Some(true));
    let mut times = Vec::with_capacity(ROUNDS);
    for i in 0..WARMUP + ROUNDS {
        let t0 = Instant::now();
        let c = rp.challenge(&request).await.unwrap();
        let pending = phone.pending().await.unwrap();
        assert!(pending.iter().any(|p| p.id == c.id));
        phone
            .respond(&c.id, &Answer::approve(c.number))
            .await
            .unwrap();
        let s = rp.status(&c.id).await;
        assert_eq!(s.status, ChallengeStatus::Approved);
        if i >= WARMUP {
            times.push(t0.elapsed());
        }
    }
    handle.stop().await;
    summary(times)
}

/// The same round trip with privacyIDEA 3.14 as the server (the live one
/// `tests/privacyidea/server.sh` runs), as `watchword_bench::privacyidea`
/// makes it (shared with the load generator). `None` without
/// `WATCHWORD_PI_URL`.
async fn privacyidea_round_trips() -> Option<serde_json::Value> {
    let pi = watchword_tests::privacyidea::PiServer::from_env().await?;
    let user = "judy";
    let device = privacyidea::enrol_device(&pi, ServerClient::new().unwrap(), user, "1234")
        .await
        .unwrap();
    let rp = PiRelyingParty::new(&pi.url);
    let mut times = Vec::with_capacity(PI_ROUNDS);
    // Where the time goes: the relying party's check, the phone's poll,
    // its answer, the relying party's status poll (sums over the rounds).
    let mut phases = [Duration::ZERO; 4];
    for i in 0..PI_WARMUP + PI_ROUNDS {
        let p = privacyidea::round_trip(&rp, &device).await.unwrap();
        if i >= PI_WARMUP {
            times.push(p.total());
            for (sum, d) in
                phases
                    .iter_mut()
                    .zip([p.check, p.phone_poll, p.phone_answer, p.status_poll])
            {
                *sum += d;
            }
        }
    }
    let phase_ms = phases.map(|d| d.as_secs_f64() * 1000.0 / PI_ROUNDS as f64);
    pi.clear_tokens(user).await;
    let mut out = summary(times);
    out["phases_mean_ms"] = json!({
        "check": phase_ms[0],
        "phone_poll": phase_ms[1],
        "phone_answer": phase_ms[2],
        "status_poll": phase_ms[3],
    });
    Some(out)
}

/// Median microseconds of `f` over `n` runs (after a warm-up).
fn median_us(n: usize, mut f: impl FnMut()) -> f64 {
    for _ in 0..n / 10 + 1 {
        f();
    }
    let mut t: Vec<f64> = (0..n)
        .map(|_| {
            let s = Instant::now();
            f();
            s.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t[t.len() / 2]
}

fn crypto(rsa_der: Option<Vec<u8>>) -> serde_json::Value {
    let msg = b"watchword-v1/challenge\nc0123456789abcdef0123456789abcdef\nnonce\nd0123\nalice\nExample\nOutlook\nUtrecht, NL\n203.0.113.7\n1795449405\n1795449465\n1";
    let device = SigningKey::generate().unwrap();
    let server = SigningKey::generate().unwrap();
    let ours = median_us(300, || {
        for (signer, checker) in [(&device, &device), (&server, &server), (&device, &device)] {
            let sig = signer.sign(msg).unwrap();
            verify(&checker.public_key_b64(), msg, &sig).unwrap();
        }
    });
    let Some(der) = rsa_der else {
        return json!({"ours_us": ours, "privacyidea_rsa4096_us": null});
    };
    // openssl writes PKCS#1 or PKCS#8 DER depending on its version.
    let pair = RsaKeyPair::from_pkcs8(&der)
        .or_else(|_| RsaKeyPair::from_der(&der))
        .expect("RSA key DER");
    let public = pair.public_key().as_ref().to_vec();
    let rng = SystemRandom::new();
    let peer = median_us(60, || {
        for _ in 0..3 {
            let mut sig = vec![0u8; pair.public().modulus_len()];
            pair.sign(&signature::RSA_PKCS1_SHA256, &rng, msg, &mut sig)
                .unwrap();
            signature::UnparsedPublicKey::new(&signature::RSA_PKCS1_2048_8192_SHA256, &public)
                .verify(msg, &sig)
                .unwrap();
        }
    });
    json!({
        "ours_us": ours,
        "privacyidea_rsa4096_us": peer,
        "rsa_bits": pair.public().modulus_len() * 8,
    })
}

fn main() {
    let rsa = std::env::var_os("WATCHWORD_BENCH_RSA_KEY").map(|p| std::fs::read(p).unwrap());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let trips = runtime.block_on(round_trips());
    let pi = runtime.block_on(privacyidea_round_trips());
    let out = json!({
        "round_trip": trips,
        "privacyidea_round_trip": pi,
        "crypto_per_challenge": crypto(rsa),
    });
    println!("{out}");
}
