//! Crash safety: a worker process writes to the vault while this test
//! kills it with SIGKILL at random moments, 200 times. After every kill the
//! vault opens, every add the worker reported (it reports only after the
//! call returned) is there and decrypts, and the HOTP counter never goes
//! back nor below a counter that was handed out.

// Test helpers outside #[test] fns may unwrap too: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    collections::HashMap,
    io::Read,
    process::{Command, Stdio},
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use watchword_core::{
    account::{Account, Provenance},
    otp::{OtpParams, Secret},
    sensitive::Sensitive,
    vault::{KdfParams, PassphraseKeyProvider, Vault},
};

const KILLS: usize = 200;
const PASSPHRASE: &str = "crash test passphrase";

fn provider() -> PassphraseKeyProvider {
    PassphraseKeyProvider::new(
        Sensitive::new(PASSPHRASE.to_owned()),
        KdfParams::FAST_INSECURE_FOR_TESTS,
    )
}

/// xorshift64: random kill moments without a dependency; the seed is
/// printed so a failure can be replayed with `CRASH_SEED`.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn sigkill_never_loses_a_committed_write_or_reuses_a_counter() {
    let seed = std::env::var("CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        });
    eprintln!("CRASH_SEED={seed}");
    let mut rng = Rng(seed);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crash.db");
    let hotp_id = {
        let v = Vault::create(&path, &provider()).unwrap();
        let secret = Secret::from_bytes(b"12345678901234567890".to_vec()).unwrap();
        v.add_account(
            Account::new(
                None,
                "counter".into(),
                OtpParams::hotp(secret, 0),
                Provenance::Manual,
            ),
            false,
        )
        .unwrap()
        .id
    };

    let mut committed: HashMap<i64, String> = HashMap::new();
    let mut highest_used: Option<u64> = None;
    let mut last_stored_counter = 0u64;
    let mut next_index = 0u64;
    let mut kills_mid_run = 0;

    for round in 0..KILLS {
        let mut child = Command::new(env!("CARGO_BIN_EXE_vault_crash_worker"))
            .arg(&path)
            .arg(hotp_id.to_string())
            .arg(next_index.to_string())
            .env("WATCHWORD_PASSPHRASE", PASSPHRASE)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_micros(5_000 + rng.next() % 60_000));
        // Child::kill is SIGKILL on Unix: no destructors, no flush.
        let _ = child.kill();
        let status = child.wait().unwrap();
        let mut stdout = String::new();
        child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut stdout)
            .unwrap();
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        assert!(
            !status.success() && stderr.is_empty(),
            "round {round}: the worker stopped by itself: {status:?} {stderr}"
        );
        if stdout.lines().count() > 0 {
            kills_mid_run += 1;
        }
        // Only whole lines: a line cut by the kill was not fully reported.
        let complete = stdout.rsplit_once('\n').map_or("", |(done, _)| done);
        for line in complete.lines() {
            let mut parts = line.split(' ');
            match (parts.next(), parts.next(), parts.next()) {
                (Some("added"), Some(id), Some(name)) => {
                    committed.insert(id.parse().unwrap(), name.to_owned());
                    next_index += 1;
                }
                (Some("hotp"), Some(c), None) => {
                    let c: u64 = c.parse().unwrap();
                    assert!(
                        highest_used.is_none_or(|h| c > h),
                        "round {round}: counter {c} handed out twice"
                    );
                    highest_used = Some(c);
                }
                (Some("updated"), Some(_), None) => {}
                _ => panic!("round {round}: unexpected worker output {line:?}"),
            }
        }
        // A started-but-unreported add may have committed too; skip its
        // index so names stay unique either way.
        next_index += 1;

        let v = Vault::open(&path, &provider())
            .unwrap_or_else(|e| panic!("round {round}: vault does not open after kill: {e}"));
        let all = v
            .list_accounts(None)
            .unwrap_or_else(|e| panic!("round {round}: accounts do not decrypt: {e}"));
        let by_id: HashMap<i64, &str> = all
            .iter()
            .map(|s| (s.id, s.account.name.as_str()))
            .collect();
        for (id, name) in &committed {
            assert_eq!(
                by_id.get(id).copied(),
                Some(name.as_str()),
                "round {round}: committed account {id} lost"
            );
        }
        let counter = v.get_account(hotp_id).unwrap().account.otp.counter;
        assert!(
            counter >= last_stored_counter,
            "round {round}: counter went back"
        );
        if let Some(h) = highest_used {
            assert!(counter > h, "round {round}: counter {h} could be reused");
        }
        last_stored_counter = counter;
        drop(v);
        if round % 25 == 0 {
            let raw = rusqlite::Connection::open(&path).unwrap();
            let ok: String = raw
                .query_row("PRAGMA integrity_check", [], |r| r.get(0))
                .unwrap();
            assert_eq!(ok, "ok", "round {round}");
        }
    }
    eprintln!(
        "{} adds committed, counter at {last_stored_counter}, {kills_mid_run}/{KILLS} kills after the first write",
        committed.len()
    );
    // The kills must land while the worker is writing, or this proves nothing.
    assert!(
        kills_mid_run >= KILLS / 4,
        "only {kills_mid_run} kills hit a working worker"
    );
    assert!(committed.len() >= 50);
}
