//! The vault commands' contract, run against the real `watchword` binary
//! and real vault files: JSON output, error kinds, exit codes, and that
//! failures leave the file as it was.

// Test helpers outside #[test] fns may unwrap too: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use serde_json::Value;

const PASS: &str = "correct horse battery staple";

/// A temp dir holding a fresh test vault (cheap argon2 parameters).
struct Fixture {
    _dir: tempfile::TempDir,
    vault: PathBuf,
}

impl Fixture {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let vault = dir.path().join("vault.db");
        let f = Self { _dir: dir, vault };
        let (ok, out) = f.run(&["init", "--kdf-memory-kib", "8", "--kdf-iterations", "1"]);
        assert!(ok, "{out}");
        assert_eq!(out["kdf"]["memory_kib"], 8);
        f
    }

    /// Runs `watchword --vault V --json ARGS` with the passphrase in the
    /// environment; returns success and the one JSON document.
    fn run(&self, args: &[&str]) -> (bool, Value) {
        run_with(&self.vault, Some(PASS), args)
    }
}

fn run_with(vault: &Path, pass: Option<&str>, args: &[&str]) -> (bool, Value) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_watchword"));
    cmd.arg("--vault").arg(vault).arg("--json").args(args);
    cmd.env_remove("WATCHWORD_PASSPHRASE")
        .env_remove("WATCHWORD_VAULT");
    if let Some(p) = pass {
        cmd.env("WATCHWORD_PASSPHRASE", p);
    }
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        stdout.lines().count(),
        1,
        "exactly one JSON document: {stdout}"
    );
    (out.status.success(), serde_json::from_str(&stdout).unwrap())
}

fn kind(v: &Value) -> &str {
    v["error"]["kind"].as_str().unwrap_or("<none>")
}

fn message(v: &Value) -> &str {
    v["error"]["message"]
        .as_str()
        .expect("an error with a message")
}

#[test]
fn add_list_codes_next_rename_rm() {
    let f = Fixture::new();
    let (ok, a) = f.run(&[
        "add",
        "otpauth://totp/ACME:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME",
    ]);
    assert!(ok, "{a}");
    let id = a["id"].as_i64().unwrap();
    assert_eq!(a["issuer"], "ACME");
    assert_eq!(a["name"], "alice@example.com");
    assert_eq!(a["type"], "totp");
    assert_eq!(a["provenance"], "manual");
    assert_eq!(a["exportable"], true);
    assert!(a.get("secret").is_none() && !a.to_string().contains("JBSWY3DP"));

    let (ok, h) = f.run(&[
        "add",
        "--secret",
        "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
        "--issuer",
        "Bank",
        "--name",
        "bob",
        "--hotp",
        "--counter",
        "0",
        "--digits",
        "6",
    ]);
    assert!(ok, "{h}");
    let hid = h["id"].as_i64().unwrap();
    assert_eq!(h["counter"], 0);

    let (ok, list) = f.run(&["list"]);
    assert!(ok);
    let ids: Vec<i64> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [id, hid]);
    let (_, filtered) = f.run(&["list", "bank"]);
    assert_eq!(filtered.as_array().unwrap().len(), 1);

    // Same code as `watchword code <link> --at 59`.
    let (ok, codes) = f.run(&["codes", "--at", "59"]);
    assert!(ok, "{codes}");
    let c = &codes[0];
    assert_eq!(
        (c["id"].as_i64(), c["issuer"].as_str(), c["name"].as_str()),
        (Some(id), Some("ACME"), Some("alice@example.com"))
    );
    assert_eq!(c["code"], "996554");
    assert_eq!(c["valid_for"], 1);
    assert_eq!(codes[1]["code"], Value::Null, "hotp codes come from next");

    // RFC 4226 appendix D: secret "12345678901234567890".
    for (counter, code) in [(0, "755224"), (1, "287082"), (2, "359152")] {
        let (ok, n) = f.run(&["next", &hid.to_string()]);
        assert!(ok, "{n}");
        assert_eq!(
            (n["counter"].as_u64(), n["code"].as_str()),
            (Some(counter), Some(code))
        );
    }
    let (_, n) = f.run(&["next", &id.to_string()]);
    assert_eq!(kind(&n), "invalid_input", "next on a totp account");
    // Out of step: two consecutive codes (counters 5 and 6) bring it back.
    let (ok, r) = f.run(&["resync", &hid.to_string(), "254676", "287922"]);
    assert!(ok, "{r}");
    assert_eq!(r["counter"], 7);
    let (_, n) = f.run(&["next", &hid.to_string()]);
    assert_eq!(n["code"], "162583");
    let (ok, r) = f.run(&["resync", &hid.to_string(), "287922", "254676"]);
    assert!(!ok);
    assert_eq!(kind(&r), "invalid_input", "{r}");
    // Or set by hand.
    let (ok, r) = f.run(&["rename", &hid.to_string(), "--counter", "1"]);
    assert!(ok, "{r}");
    assert_eq!(r["counter"], 1);
    let (_, n) = f.run(&["next", &hid.to_string()]);
    assert_eq!(n["code"], "287082");
    let (ok, r) = f.run(&["rename", &id.to_string(), "--counter", "1"]);
    assert!(!ok, "a totp account has no counter");
    assert_eq!(kind(&r), "invalid_input");
    let (_, n) = f.run(&["rename", &hid.to_string(), "--counter", "2"]);
    assert_eq!(n["counter"], 2);

    let (ok, r) = f.run(&[
        "rename",
        &id.to_string(),
        "alice",
        "--issuer",
        "ACME Corp",
        "--group",
        "Work",
        "--notes",
        "n",
    ]);
    assert!(ok, "{r}");
    assert_eq!(
        (r["name"].as_str(), r["issuer"].as_str()),
        (Some("alice"), Some("ACME Corp"))
    );
    let (_, r) = f.run(&["rename", &id.to_string(), "--group", ""]);
    assert_eq!(r["group"], Value::Null);
    let (_, r) = f.run(&["rename", &id.to_string()]);
    assert_eq!(kind(&r), "invalid_input");

    let (ok, d) = f.run(&["rm", &id.to_string()]);
    assert!(ok);
    assert_eq!(d["deleted"], id);
    let gone = id.to_string();
    for args in [
        vec!["rm", "999"],
        vec!["next", "999"],
        vec!["rename", "999", "x"],
        vec!["rm", gone.as_str()],
    ] {
        let (ok, e) = f.run(&args);
        assert!(!ok);
        assert_eq!(kind(&e), "not_found", "{args:?}");
    }
    let (_, list) = f.run(&["list"]);
    assert_eq!(list.as_array().unwrap().len(), 1);
    // The deleted account waits in the trash; restore brings it back with
    // the same secret (the same code).
    let (ok, t) = f.run(&["trash"]);
    assert!(ok, "{t}");
    assert_eq!(t[0]["id"], id);
    assert_eq!(t[0]["label"], "ACME Corp (alice)");
    let (ok, r) = f.run(&["restore", &gone]);
    assert!(ok, "{r}");
    let (_, codes) = f.run(&["codes", "--at", "59"]);
    assert!(
        codes
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["code"] == "996554"),
        "{codes}"
    );
    let (ok, e) = f.run(&["restore", &gone]);
    assert!(!ok);
    assert_eq!(kind(&e), "not_found");
    let (ok, _) = f.run(&["rm", &r["id"].to_string()]);
    assert!(ok);
    let (ok, _) = f.run(&["trash", "--empty"]);
    assert!(ok);
    let (_, t) = f.run(&["trash"]);
    assert_eq!(t, serde_json::json!([]));
}

#[test]
fn duplicates_and_bad_input_change_nothing() {
    let f = Fixture::new();
    let link = "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME";
    assert!(f.run(&["add", link]).0);
    let before = std::fs::read(&f.vault).unwrap();
    let (ok, e) = f.run(&["add", link]);
    assert!(!ok);
    assert_eq!(kind(&e), "duplicate");
    for (args, want) in [
        (vec!["add", "otpauth://totp/x?secret=!!"], "invalid_secret"),
        (vec!["add", "https://example.com"], "invalid_link"),
        (
            vec![
                "add",
                "--secret",
                "JBSWY3DPEHPK3PXP",
                "--name",
                "n",
                "--digits",
                "11",
            ],
            "invalid_input",
        ),
        (
            vec![
                "add",
                "--secret",
                "JBSWY3DPEHPK3PXP",
                "--name",
                "n",
                "--algorithm",
                "MD5",
            ],
            "unsupported",
        ),
        (vec!["add"], "invalid_input"),
    ] {
        let (ok, e) = f.run(&args);
        assert!(!ok);
        assert_eq!(kind(&e), want, "{args:?}");
    }
    assert_eq!(
        std::fs::read(&f.vault).unwrap(),
        before,
        "nothing was written"
    );
    let (ok, forced) = f.run(&["add", link, "--force"]);
    assert!(ok, "{forced}");
    assert_eq!(f.run(&["list"]).1.as_array().unwrap().len(), 2);
}

#[test]
fn wrong_passphrase_missing_and_foreign_vaults() {
    let f = Fixture::new();
    assert!(
        f.run(&["add", "otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP"])
            .0
    );
    let before = std::fs::read(&f.vault).unwrap();
    let (ok, e) = run_with(&f.vault, Some("not it"), &["list"]);
    assert!(!ok);
    assert_eq!(kind(&e), "wrong_key");
    let (_, e) = run_with(
        &f.vault,
        Some("not it"),
        &["add", "otpauth://totp/B:b?secret=JBSWY3DPEHPK3PXP"],
    );
    assert_eq!(kind(&e), "wrong_key");
    assert_eq!(std::fs::read(&f.vault).unwrap(), before, "byte-identical");

    // A passphrase file: first line, newline not included.
    let pf = f.vault.with_file_name("pass.txt");
    std::fs::write(&pf, format!("{PASS}\n")).unwrap();
    let pf_arg = pf.to_str().unwrap();
    let (ok, list) = run_with(&f.vault, None, &["list", "--passphrase-file", pf_arg]);
    assert!(ok, "{list}");
    assert_eq!(list.as_array().unwrap().len(), 1);
    std::fs::write(&pf, "").unwrap();
    let (_, e) = run_with(&f.vault, None, &["list", "--passphrase-file", pf_arg]);
    assert_eq!(kind(&e), "invalid_input");

    let missing = f.vault.with_file_name("none.db");
    let (ok, e) = run_with(&missing, Some(PASS), &["codes"]);
    assert!(!ok);
    assert_eq!(kind(&e), "vault_missing");
    assert!(message(&e).contains("watchword init"));
    assert!(!missing.exists());

    let fresh = f.vault.with_file_name("fresh.db");
    let (ok, e) = run_with(&fresh, Some(PASS), &["init", "--kdf-memory-kib", "7"]);
    assert!(!ok);
    assert_eq!(kind(&e), "invalid_input");
    assert!(!fresh.exists());

    let (ok, e) = f.run(&["init"]);
    assert!(!ok);
    assert_eq!(kind(&e), "vault_exists");
    assert_eq!(std::fs::read(&f.vault).unwrap(), before);

    let foreign = f.vault.with_file_name("notes.txt");
    std::fs::write(&foreign, "x".repeat(4096)).unwrap();
    let (ok, e) = run_with(&foreign, Some(PASS), &["list"]);
    assert!(!ok);
    assert_eq!(kind(&e), "corrupt_vault");
    assert_eq!(
        std::fs::read(&foreign).unwrap(),
        "x".repeat(4096).as_bytes()
    );
}

#[test]
fn two_cli_processes_share_a_vault() {
    let f = Fixture::new();
    let children: Vec<_> = (0..2)
        .map(|w| {
            let vault = f.vault.clone();
            std::thread::spawn(move || {
                for i in 0..8 {
                    let link = format!("otpauth://totp/P{w}:n{i}?secret=JBSWY3DPEHPK3PXP");
                    let (ok, out) = run_with(&vault, Some(PASS), &["add", &link]);
                    assert!(ok, "{out}");
                }
            })
        })
        .collect();
    for c in children {
        c.join().unwrap();
    }
    assert_eq!(f.run(&["list"]).1.as_array().unwrap().len(), 16);
}

#[test]
fn clock_offset_is_kept_in_the_vault_and_used_by_codes() {
    let f = Fixture::new();
    let (ok, out) = f.run(&["clock"]);
    assert!(ok, "{out}");
    assert_eq!(out["clock_offset_ms"], 0);
    let (ok, _) = f.run(&[
        "add",
        "otpauth://totp/ACME:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ACME",
    ]);
    assert!(ok);
    // An offset that puts "now" at 45 s after the epoch, mid-period of
    // RFC 6238's T = 59 s (counter 1: 287082 in 6 digits), so the check
    // holds whatever second the test starts in.
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let offset = (45_000 - now_ms).to_string();
    let (ok, out) = f.run(&["clock", "--set-ms", &offset]);
    assert!(ok, "{out}");
    assert_eq!(out["clock_offset_ms"].to_string(), offset);
    // Stored: a new process sees it, and `codes` (now) applies it.
    let (ok, out) = f.run(&["clock"]);
    assert!(ok);
    assert_eq!(out["clock_offset_ms"].to_string(), offset);
    let (ok, shifted) = f.run(&["codes"]);
    assert!(ok, "{shifted}");
    assert_eq!(shifted[0]["code"], "287082", "{shifted}");
    let (ok, out) = f.run(&["clock", "--reset"]);
    assert!(ok);
    assert_eq!(out["clock_offset_ms"], 0);
    let (ok, plain) = f.run(&["codes", "--at", "59"]);
    assert!(ok);
    assert_eq!(plain[0]["code"], "287082");
    // Both at once is a usage error, and changes nothing.
    let (ok, out) = f.run(&["clock", "--set-ms", "5", "--reset"]);
    assert!(!ok);
    assert_eq!(kind(&out), "usage");
}

#[test]
fn passphrase_change_keeps_the_accounts_and_retires_the_old_one() {
    let f = Fixture::new();
    let (ok, _) = f.run(&[
        "add",
        "otpauth://totp/ACME:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ACME",
    ]);
    assert!(ok);
    let new_pass = "a brand new passphrase";
    let dir = tempfile::tempdir().unwrap();
    let new_file = dir.path().join("new-pass");
    std::fs::write(&new_file, format!("{new_pass}\n")).unwrap();
    let before = std::fs::read(&f.vault).unwrap();
    // A wrong current passphrase changes nothing.
    let (ok, out) = run_with(
        &f.vault,
        Some("wrong"),
        &[
            "passphrase",
            "--new-passphrase-file",
            new_file.to_str().unwrap(),
        ],
    );
    assert!(!ok);
    assert_eq!(kind(&out), "wrong_key");
    assert_eq!(std::fs::read(&f.vault).unwrap(), before, "file unchanged");
    let (ok, out) = f.run(&[
        "passphrase",
        "--new-passphrase-file",
        new_file.to_str().unwrap(),
    ]);
    assert!(ok, "{out}");
    assert_eq!(out["changed"], true);
    let (ok, out) = f.run(&["list"]);
    assert!(!ok, "the old passphrase no longer opens the vault");
    assert_eq!(kind(&out), "wrong_key");
    let (ok, out) = run_with(&f.vault, Some(new_pass), &["codes", "--at", "59"]);
    assert!(ok, "{out}");
    assert_eq!(out[0]["code"], "287082");
    // An empty new passphrase is refused.
    std::fs::write(&new_file, "\n").unwrap();
    let (ok, out) = run_with(
        &f.vault,
        Some(new_pass),
        &[
            "passphrase",
            "--new-passphrase-file",
            new_file.to_str().unwrap(),
        ],
    );
    assert!(!ok);
    assert_eq!(kind(&out), "invalid_input");
}

/// A loopback HTTP server whose replies carry `Date: now + skew_secs`.
fn skewed_time_server(skew_secs: u64) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for mut s in listener.incoming().flatten() {
            let mut buf = [0u8; 2048];
            let _ = s.read(&mut buf);
            let date = httpdate::fmt_http_date(
                std::time::SystemTime::now() + std::time::Duration::from_secs(skew_secs),
            );
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nDate: {date}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
        }
    });
    format!("http://{addr}/")
}

#[test]
fn clock_sync_learns_the_offset_from_a_servers_date() {
    let f = Fixture::new();
    let url = skewed_time_server(3600);
    let (ok, out) = f.run(&["clock", "--sync", &url]);
    assert!(ok, "{out}");
    let offset = out["clock_offset_ms"].as_i64().unwrap();
    // An hour ahead, to within the Date header's second and the round trip.
    assert!((offset - 3_600_000).abs() <= 1_500, "{out}");
    assert!(out["uncertainty_ms"].as_i64().unwrap() >= 500);
    let (ok, out) = f.run(&["clock"]);
    assert!(ok);
    assert_eq!(out["clock_offset_ms"].as_i64(), Some(offset), "stored");
    // Plain http to another host, a dead port: typed errors, offset kept.
    let (ok, out) = f.run(&["clock", "--sync", "http://example.com/"]);
    assert!(!ok);
    assert_eq!(kind(&out), "invalid_link");
    let (ok, out) = f.run(&["clock", "--sync", "http://127.0.0.1:9/"]);
    assert!(!ok);
    assert_eq!(kind(&out), "network");
    let (_, out) = f.run(&["clock"]);
    assert_eq!(out["clock_offset_ms"].as_i64(), Some(offset), "unchanged");
}

/// Runs `watchword --json ARGS` with `env` set and no `--vault`; returns
/// success and the one JSON document.
fn run_env(env: &[(&str, &str)], args: &[&str]) -> (bool, Value) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_watchword"));
    cmd.arg("--json").args(args);
    cmd.env_remove("WATCHWORD_PASSPHRASE")
        .env_remove("WATCHWORD_VAULT")
        .envs(env.iter().copied());
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1, "one JSON document: {stdout}");
    (out.status.success(), serde_json::from_str(&stdout).unwrap())
}

#[test]
fn a_directory_is_not_a_vault_path() {
    let dir = tempfile::tempdir().unwrap();
    for args in [vec!["list"], vec!["init"]] {
        let (ok, e) = run_with(dir.path(), Some(PASS), &args);
        assert!(!ok);
        assert_eq!(kind(&e), "invalid_input", "{args:?}: {e}");
        let message = message(&e);
        assert!(
            message.contains("is a directory; a vault path must be a file"),
            "{args:?}: {message}"
        );
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn an_empty_watchword_vault_means_the_default_vault() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    let data_str = data.to_str().unwrap();
    let env = [
        ("WATCHWORD_VAULT", ""),
        ("WATCHWORD_PASSPHRASE", PASS),
        ("HOME", home.path().to_str().unwrap()),
        ("XDG_DATA_HOME", data_str),
    ];
    // Not a usage error: the default vault, which does not exist yet.
    let (ok, e) = run_env(&env, &["list"]);
    assert!(!ok);
    assert_eq!(kind(&e), "vault_missing", "{e}");
    let default = data.join("watchword").join("vault.db");
    assert!(message(&e).contains(default.to_str().unwrap()), "{e}");
    // A non-empty WATCHWORD_VAULT is still used.
    let other = home.path().join("other.db");
    let (ok, e) = run_env(
        &[
            ("WATCHWORD_VAULT", other.to_str().unwrap()),
            ("WATCHWORD_PASSPHRASE", PASS),
        ],
        &["list"],
    );
    assert!(!ok);
    assert_eq!(kind(&e), "vault_missing");
    assert!(message(&e).contains(other.to_str().unwrap()), "{e}");
}
