//! Vault benchmark (issue 4): open the encrypted vault and compute the codes
//! of 1000 TOTP accounts, against reading the same 1000 rows unencrypted
//! with plain rusqlite (same pragmas, same machine, same run).
//!
//! Run: `cargo bench -p watchword-bench --bench vault`. When run as a
//! benchmark (not as a `cargo test` smoke run) it writes its section of
//! `bench/RESULTS.md` between `<!-- vault:begin -->` and `<!-- vault:end -->`
//! from criterion's median estimates.
//!
//! The vault is unlocked with a [`StaticKeyProvider`], which costs what a
//! platform key store costs us (one AES-GCM unwrap; the Keystore/Keychain
//! call itself is outside Rust). The desktop passphrase unlock (argon2id,
//! deliberately slow) is measured separately and not part of the ratio.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::{
    hint::black_box,
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use criterion::Criterion;
use rusqlite::{Connection, OpenFlags, params};
use watchword_core::{
    account::{Account, Provenance},
    otp::{Algorithm, Digits, OtpKind, OtpParams, Secret},
    sensitive::Sensitive,
    vault::{KdfParams, PassphraseKeyProvider, StaticKeyProvider, Vault},
};

const ACCOUNTS: usize = 1000;
const AT_MS: i64 = 1_700_000_000_000;
const GROUP: &str = "vault_1000";
const KEK: [u8; 32] = [0x5A; 32];

fn secret(i: usize) -> Vec<u8> {
    (0..20u8)
        .map(|j| (i as u8).wrapping_mul(31).wrapping_add(j.wrapping_mul(17)) ^ (i >> 8) as u8)
        .collect()
}

fn issuer(i: usize) -> String {
    format!("Issuer {i}")
}

fn name(i: usize) -> String {
    format!("user{i}@example.com")
}

/// The encrypted vault with 1000 TOTP accounts.
fn build_vault(path: &Path) {
    let v = Vault::create(path, &StaticKeyProvider::new(KEK)).unwrap();
    for i in 0..ACCOUNTS {
        let a = Account::new(
            Some(issuer(i)),
            name(i),
            OtpParams::totp(Secret::from_bytes(secret(i)).unwrap()),
            Provenance::Manual,
        );
        v.add_account(a, true).unwrap();
    }
}

/// The peer: the same rows, same pragmas, no encryption.
fn build_plain(path: &Path) {
    let mut c = Connection::open(path).unwrap();
    c.query_row("PRAGMA journal_mode=WAL", [], |_| Ok(()))
        .unwrap();
    c.pragma_update(None, "synchronous", "FULL").unwrap();
    c.execute_batch(
        "CREATE TABLE accounts (
            id INTEGER PRIMARY KEY AUTOINCREMENT, sort_order INTEGER NOT NULL,
            created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
            kind INTEGER NOT NULL, algorithm INTEGER NOT NULL, digits INTEGER NOT NULL,
            period INTEGER NOT NULL, counter INTEGER NOT NULL, secret BLOB NOT NULL,
            issuer TEXT, name TEXT NOT NULL);
         CREATE INDEX accounts_by_sort_order ON accounts (sort_order, id);",
    )
    .unwrap();
    let tx = c.transaction().unwrap();
    for i in 0..ACCOUNTS {
        tx.execute(
            "INSERT INTO accounts (sort_order, created_at, updated_at, kind, algorithm, digits,
                period, counter, secret, issuer, name)
             VALUES (?1, 0, 0, 0, 0, 6, 30, 0, ?2, ?3, ?4)",
            params![i as i64, secret(i), issuer(i), name(i)],
        )
        .unwrap();
    }
    tx.commit().unwrap();
}

struct PlainRow {
    secret: Vec<u8>,
    digits: u8,
    period: u32,
    issuer: Option<String>,
    name: String,
}

/// Opens the plain database the way the vault opens its file and reads
/// every row in list order.
fn read_plain(path: &Path) -> Vec<PlainRow> {
    let c = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .unwrap();
    c.busy_timeout(Duration::from_secs(10)).unwrap();
    c.pragma_update(None, "foreign_keys", "ON").unwrap();
    c.pragma_update(None, "synchronous", "FULL").unwrap();
    let mut stmt = c
        .prepare(
            "SELECT secret, digits, period, issuer, name FROM accounts ORDER BY sort_order, id",
        )
        .unwrap();
    stmt.query_map([], |r| {
        Ok(PlainRow {
            secret: r.get(0)?,
            digits: r.get(1)?,
            period: r.get(2)?,
            issuer: r.get(3)?,
            name: r.get(4)?,
        })
    })
    .unwrap()
    .collect::<rusqlite::Result<Vec<_>>>()
    .unwrap()
}

/// Codes with what is shown beside them, like the vault's `AccountCode`.
fn plain_codes(rows: &[PlainRow]) -> Vec<(Option<String>, String, String)> {
    rows.iter()
        .map(|r| {
            let p = OtpParams {
                kind: OtpKind::Totp,
                secret: Secret::from_bytes(r.secret.clone()).unwrap(),
                algorithm: Algorithm::Sha1,
                digits: Digits::new(r.digits).unwrap(),
                period: r.period,
                counter: 0,
                t0: 0,
            };
            let code = p.code_at(AT_MS).unwrap().code().to_owned();
            (r.issuer.clone(), r.name.clone(), code)
        })
        .collect()
}

fn vault_codes(path: &Path) -> usize {
    let v = Vault::open(path, &StaticKeyProvider::new(KEK)).unwrap();
    let codes = v.codes_at(AT_MS, None).unwrap();
    assert_eq!(codes.len(), ACCOUNTS);
    codes.len()
}

fn criterion_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/criterion")
}

fn median_ns(bench: &str) -> f64 {
    let p = criterion_dir()
        .join(GROUP)
        .join(bench)
        .join("new/estimates.json");
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
    v["median"]["point_estimate"].as_f64().unwrap()
}

/// Medians of the three measurements taken in turn, round after round, so
/// that load from other processes on the shared machine hits all three
/// alike (criterion runs them one after the other).
fn interleaved(vault: &Path, plain: &Path, rounds: usize) -> [f64; 3] {
    let mut samples: [Vec<f64>; 3] = Default::default();
    for _ in 0..rounds {
        let t = Instant::now();
        black_box(vault_codes(vault));
        samples[0].push(t.elapsed().as_nanos() as f64);
        let t = Instant::now();
        black_box(read_plain(plain).len());
        samples[1].push(t.elapsed().as_nanos() as f64);
        let t = Instant::now();
        black_box(plain_codes(&read_plain(plain)).len());
        samples[2].push(t.elapsed().as_nanos() as f64);
    }
    samples.map(|mut v| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    })
}

fn file_len(path: &Path) -> u64 {
    std::fs::metadata(path).unwrap().len()
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault.db");
    let plain = dir.path().join("plain.db");
    let empty = dir.path().join("empty.db");
    build_vault(&vault);
    build_plain(&plain);
    drop(Vault::create(&empty, &StaticKeyProvider::new(KEK)).unwrap());
    // Same answers from both sides before timing anything.
    let v = Vault::open(&vault, &StaticKeyProvider::new(KEK)).unwrap();
    let ours: Vec<(Option<String>, String, String)> = v
        .codes_at(AT_MS, None)
        .unwrap()
        .into_iter()
        .map(|c| (c.issuer, c.name, c.code.unwrap().code))
        .collect();
    drop(v);
    assert_eq!(ours, plain_codes(&read_plain(&plain)));

    let passphrase_vault = dir.path().join("passphrase.db");
    let strong =
        || PassphraseKeyProvider::new(Sensitive::new("bench passphrase".into()), KdfParams::STRONG);
    drop(Vault::create(&passphrase_vault, &strong()).unwrap());

    let mut c = Criterion::default()
        .output_directory(&criterion_dir())
        .configure_from_args();
    {
        let mut g = c.benchmark_group(GROUP);
        g.bench_function("vault_open_codes", |b| {
            b.iter(|| black_box(vault_codes(&vault)))
        });
        g.bench_function("plain_open_read", |b| {
            b.iter(|| black_box(read_plain(&plain).len()))
        });
        g.bench_function("plain_open_read_codes", |b| {
            b.iter(|| black_box(plain_codes(&read_plain(&plain)).len()))
        });
        g.finish();
    }
    {
        let mut g = c.benchmark_group(GROUP);
        g.sample_size(10).measurement_time(Duration::from_secs(8));
        g.bench_function("passphrase_unlock_strong", |b| {
            b.iter(|| black_box(Vault::open(&passphrase_vault, &strong()).unwrap()))
        });
        g.finish();
    }
    c.final_summary();

    // `cargo bench` passes --bench; `cargo test --benches` does not, and
    // its single smoke iterations must not overwrite the results.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let vault_ns = median_ns("vault_open_codes");
    let read_ns = median_ns("plain_open_read");
    let read_codes_ns = median_ns("plain_open_read_codes");
    let unlock_ns = median_ns("passphrase_unlock_strong");
    let ratio = vault_ns / read_ns;
    let ratio_codes = vault_ns / read_codes_ns;
    let [iv, ir, irc] = interleaved(&vault, &plain, 300);
    let per = |total: u64| total as f64 / ACCOUNTS as f64;
    let vault_bytes = file_len(&vault);
    let plain_bytes = file_len(&plain);
    let marginal = (vault_bytes - file_len(&empty)) as f64 / ACCOUNTS as f64;
    let ms = |ns: f64| format!("{:.2} ms", ns / 1e6);
    let verdict = if ratio <= 3.0 && iv / ir <= 3.0 {
        "Goal met (≤ 3×) in both measurements."
    } else {
        "Goal NOT met (> 3×) in at least one measurement: see the ratios."
    };
    let body = format!(
        "## Vault: open + codes for 1000 accounts (issue 4)\n\n\
`cargo bench -p watchword-bench --bench vault` (writes this section), one run on 2 cores ({arch}). \
1000 TOTP accounts (20-byte keys, SHA1, 6 digits), codes at one fixed time. Medians from criterion. \
The vault is unlocked with a platform-style key provider (one AES-GCM unwrap, as with the Android \
Keystore / iOS Keychain); the peer is plain rusqlite on the same rows in clear, same pragmas \
(WAL, synchronous=FULL), opened and read the same way.\n\n\
The machine is shared, so each measurement is also taken interleaved (300 rounds of all three in turn, \
median), which exposes all three to the same load.\n\n\
| measurement | criterion median | interleaved median |\n|---|---|---|\n\
| vault: open + decrypt + codes of 1000 accounts | {v} | {iv_ms} |\n\
| plain rusqlite: open + read the same 1000 rows | {r} | {ir_ms} |\n\
| plain rusqlite: open + read + codes | {rc} | {irc_ms} |\n\
| **vault / plain read (goal ≤ 3×)** | **{ratio:.2}×** | **{iratio:.2}×** |\n\
| vault / plain read + codes (the encryption overhead alone) | {ratio_codes:.2}× | {iratio_codes:.2}× |\n\
| desktop passphrase unlock (argon2id 64 MiB, 3 passes; once per start, not in the ratio) | {u} | |\n\n\
File size: vault {vb} bytes = {vpa:.0} bytes per account ({marginal:.0} per account over an empty vault); \
plain database {pb} bytes = {ppa:.0} bytes per account.\n\n{verdict}\n",
        arch = std::env::consts::ARCH,
        v = ms(vault_ns),
        r = ms(read_ns),
        rc = ms(read_codes_ns),
        u = ms(unlock_ns),
        iv_ms = ms(iv),
        ir_ms = ms(ir),
        irc_ms = ms(irc),
        iratio = iv / ir,
        iratio_codes = iv / irc,
        vb = vault_bytes,
        vpa = per(vault_bytes),
        pb = plain_bytes,
        ppa = per(plain_bytes),
    );
    write_section(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("RESULTS.md"),
        "vault",
        &body,
    );
}

/// Replaces (or appends) the text between `<!-- NAME:begin -->` and
/// `<!-- NAME:end -->`, keeping every other section.
fn write_section(path: &Path, name: &str, body: &str) {
    const HEADER: &str = "# Benchmark results\n\nEach section is written by the script it names, \
from one run on this project's CI-sized machine (2 cores). Ratios compare against a named peer \
measured in the same run.\n";
    let text = std::fs::read_to_string(path).unwrap_or_else(|_| HEADER.to_owned());
    let begin = format!("<!-- {name}:begin -->");
    let end = format!("<!-- {name}:end -->");
    let block = format!("{begin}\n{}\n{end}", body.trim());
    let out = match (text.find(&begin), text.find(&end)) {
        (Some(b), Some(e)) if e > b => format!("{}{block}{}", &text[..b], &text[e + end.len()..]),
        _ => format!("{}\n\n{block}\n", text.trim_end()),
    };
    std::fs::write(path, out).unwrap();
}
