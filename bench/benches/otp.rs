//! Codes per second for SHA1/256/512, against the bare HMAC on the same
//! input (the floor) in the same run. `bench/otp/run.sh` adds the pyotp
//! figures and writes the ratios to `bench/RESULTS.md`.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)] // Benchmark code: a panic aborts the run.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use hmac::{Hmac, Mac};
use watchword_bench::{OTP_ACCOUNTS, OTP_TIME, otp_key};
use watchword_core::otp::{Algorithm, OtpParams, Secret, totp::time_step};

fn accounts(algorithm: Algorithm) -> Vec<OtpParams> {
    (0..OTP_ACCOUNTS)
        .map(|i| {
            let mut p = OtpParams::totp(Secret::from_bytes(otp_key(i)).expect("key"));
            p.algorithm = algorithm;
            p
        })
        .collect()
}

fn bare<M: Mac + hmac::digest::KeyInit>(keys: &[Vec<u8>], counter: u64) -> usize {
    let mut acc = 0usize;
    for key in keys {
        let mut mac = <M as Mac>::new_from_slice(key).expect("any key length");
        mac.update(&counter.to_be_bytes());
        acc ^= usize::from(mac.finalize().into_bytes()[0]);
    }
    acc
}

fn otp(c: &mut Criterion) {
    let keys: Vec<Vec<u8>> = (0..OTP_ACCOUNTS).map(otp_key).collect();
    let unix_ms = OTP_TIME * 1000;
    for algorithm in [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512] {
        let accounts = accounts(algorithm);
        // A list screen keeps one generator per account (the key absorbed
        // once), as pyotp's loop keeps one `TOTP` object per account.
        let generators: Vec<_> = accounts.iter().map(OtpParams::generator).collect();
        let mut group = c.benchmark_group(format!("otp_{}", algorithm.as_str().to_lowercase()));
        // One code per account, as an app showing its list computes them.
        group.bench_function("watchword", |b| {
            b.iter(|| {
                for g in &generators {
                    black_box(g.code_string_at(black_box(unix_ms)).expect("code"));
                }
            })
        });
        // Cold: straight from the stored settings, the key absorbed for
        // every code (what a one-off `watchword code` does).
        group.bench_function("watchword_cold", |b| {
            b.iter(|| {
                for p in &accounts {
                    black_box(p.code_string_at(black_box(unix_ms)).expect("code"));
                }
            })
        });
        // The code plus the next period's code (what `code_at` returns).
        group.bench_function("watchword_with_next", |b| {
            b.iter(|| {
                for g in &generators {
                    black_box(g.code_at(black_box(unix_ms)).expect("code"));
                }
            })
        });
        let counter = time_step(unix_ms, 30, 0).expect("step").counter;
        group.bench_function("bare_hmac", |b| {
            b.iter(|| match algorithm {
                Algorithm::Sha1 => black_box(bare::<Hmac<sha1::Sha1>>(&keys, black_box(counter))),
                Algorithm::Sha256 => {
                    black_box(bare::<Hmac<sha2::Sha256>>(&keys, black_box(counter)))
                }
                Algorithm::Sha512 => {
                    black_box(bare::<Hmac<sha2::Sha512>>(&keys, black_box(counter)))
                }
            })
        });
        let ring_alg = match algorithm {
            Algorithm::Sha1 => ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY,
            Algorithm::Sha256 => ring::hmac::HMAC_SHA256,
            Algorithm::Sha512 => ring::hmac::HMAC_SHA512,
        };
        group.bench_function("bare_ring_hmac", |b| {
            b.iter(|| {
                let mut acc = 0u8;
                for key in &keys {
                    let k = ring::hmac::Key::new(ring_alg, key);
                    acc ^= ring::hmac::sign(&k, &black_box(counter).to_be_bytes()).as_ref()[0];
                }
                black_box(acc)
            })
        });
        group.finish();
    }
}

criterion_group!(benches, otp);
criterion_main!(benches);
