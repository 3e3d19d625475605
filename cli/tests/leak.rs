//! The leak test: the command line's and the push server's whole flows run
//! as real processes with logging at TRACE (`WATCHWORD_LOG=trace`), then
//! every byte they printed and every file they left (the vaults with their
//! WAL and SHM, backups, encrypted exports, the server database with its
//! WAL and SHM, the logs) is searched for every secret used: OTP seeds (as
//! typed, lower case, raw bytes, hex, base64), the vault passphrases, the
//! backup password, the server's passphrase, the activation code and the
//! relying-party key. Zero hits, except where showing the secret is the
//! command's job (`enrol` shows the activation code to the administrator,
//! `rp-key` the new key): there the one secret is required and every
//! other one still forbidden.
//!
//! Not searched for: keys generated inside the processes (the vault's data
//! key, device and server private keys), whose bytes never leave them; the
//! vault and server tests prove those are stored sealed
//! (`tests/tests/vault_plaintext.rs`, `server/src/server_key.rs`).
//!
//! The server binary is the one `cargo test --workspace` builds beside
//! `watchword` (`target/<profile>/watchword-server`).

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is a failure report.

use std::{
    io::{BufRead, BufReader, Read},
    path::{Path, PathBuf},
    process::{Child, Command, Output, Stdio},
    sync::{Arc, Mutex},
};

use base64::Engine as _;
use serde_json::Value;

const CLI: &str = env!("CARGO_BIN_EXE_watchword");

const PASSPHRASE: &str = "leak-test vault passphrase Qx7!";
const NEW_PASSPHRASE: &str = "leak-test second passphrase Jm4?";
const BACKUP_PASSWORD: &str = "leak-test backup password Ld9#";
const SERVER_PASSPHRASE: &str = "leak-test server passphrase Vw2%";
/// Three seeds, each in a different way into the vault.
const SEEDS: [&str; 3] = [
    "KRUGKIDROVUWG2ZAMJZG653OEBTG66BANJ2W24DFMQQG65TFOI",
    "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
    "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43UOV3HO6DZPJQWEY3E",
];

/// One secret and the byte strings it may hide as.
struct Secret {
    what: String,
    forms: Vec<Vec<u8>>,
}

fn secrets(extra: &[(&str, &str)]) -> Vec<Secret> {
    let mut all = Vec::new();
    for seed in SEEDS {
        let raw = base32::decode(base32::Alphabet::Rfc4648 { padding: false }, seed).unwrap();
        let hex: String = raw.iter().map(|b| format!("{b:02x}")).collect();
        all.push(Secret {
            what: format!("OTP seed {}…", &seed[..6]),
            forms: vec![
                seed.as_bytes().to_vec(),
                seed.to_lowercase().into_bytes(),
                raw.clone(),
                hex.into_bytes(),
                base64::engine::general_purpose::STANDARD
                    .encode(&raw)
                    .into_bytes(),
            ],
        });
    }
    for (what, value) in [
        ("vault passphrase", PASSPHRASE),
        ("new vault passphrase", NEW_PASSPHRASE),
        ("backup password", BACKUP_PASSWORD),
        ("server passphrase", SERVER_PASSPHRASE),
    ]
    .into_iter()
    .chain(extra.iter().copied())
    {
        all.push(Secret {
            what: what.into(),
            forms: vec![value.as_bytes().to_vec()],
        });
    }
    all
}

/// The secrets (by `what`) found in `bytes`.
fn found_in(bytes: &[u8], secrets: &[Secret]) -> Vec<String> {
    secrets
        .iter()
        .filter(|s| {
            s.forms
                .iter()
                .any(|f| bytes.windows(f.len()).any(|w| w == f.as_slice()))
        })
        .map(|s| s.what.clone())
        .collect()
}

/// Everything the flows produced, by where it came from.
#[derive(Default)]
struct Evidence {
    /// (source, bytes) that must hold no secret.
    clean: Vec<(String, Vec<u8>)>,
    /// (source, bytes, the one secret it must show).
    showing: Vec<(String, Vec<u8>, String)>,
}

impl Evidence {
    fn output(&mut self, what: &str, out: &Output) {
        self.clean
            .push((format!("{what}: stdout"), out.stdout.clone()));
        self.clean
            .push((format!("{what}: stderr"), out.stderr.clone()));
    }

    /// Every file under `dir`, recursively.
    fn files(&mut self, dir: &Path) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                self.files(&path);
            } else {
                self.clean
                    .push((path.display().to_string(), std::fs::read(&path).unwrap()));
            }
        }
    }
}

fn server_bin() -> PathBuf {
    let bin =
        Path::new(CLI).with_file_name(format!("watchword-server{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.is_file(),
        "{} is not built: run `cargo build -p watchword-server` (cargo test --workspace builds it)",
        bin.display()
    );
    bin
}

fn admin(db: &Path, args: &[&str]) -> Output {
    Command::new(server_bin())
        .env("WATCHWORD_SERVER_PASSPHRASE", SERVER_PASSPHRASE)
        .env("WATCHWORD_LOG", "trace")
        .arg(args[0])
        .arg("--db")
        .arg(db)
        .args(&args[1..])
        .output()
        .unwrap()
}

/// `watchword --json --vault V ARGS` at TRACE with `env`.
fn cli(vault: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(CLI);
    for v in [
        "WATCHWORD_VAULT",
        "WATCHWORD_IMPORT_PASSWORD",
        "WATCHWORD_BACKUP_PASSWORD",
        "WATCHWORD_NEW_PASSPHRASE",
    ] {
        command.env_remove(v);
    }
    command
        .env("WATCHWORD_LOG", "trace")
        .env("WATCHWORD_PASSPHRASE", PASSPHRASE)
        .arg("--json")
        .arg("--vault")
        .arg(vault)
        .args(args);
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().unwrap()
}

fn json(out: &Output) -> Value {
    let stdout = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(stdout.trim()).unwrap_or_else(|e| {
        panic!(
            "one JSON document expected: {stdout:?} ({e}); stderr {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// Runs a CLI step that must succeed and keeps its output as evidence.
fn step(ev: &mut Evidence, vault: &Path, args: &[&str], env: &[(&str, &str)]) -> Value {
    let out = cli(vault, args, env);
    ev.output(&format!("watchword {}", args.join(" ")), &out);
    let v = json(&out);
    assert!(out.status.success(), "watchword {args:?}: {v}");
    v
}

/// `watchword-server serve` at TRACE; its stderr collected until killed.
struct Serve {
    child: Child,
    log: Arc<Mutex<Vec<u8>>>,
    base: String,
}

impl Serve {
    fn start(db: &Path) -> Self {
        let mut child = Command::new(server_bin())
            .env("WATCHWORD_SERVER_PASSPHRASE", SERVER_PASSPHRASE)
            .env("WATCHWORD_LOG", "trace")
            .args(["serve", "--listen", "127.0.0.1:0", "--db"])
            .arg(db)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut base = None;
        let mut line = String::new();
        while base.is_none() {
            line.clear();
            assert!(stderr.read_line(&mut line).unwrap() > 0, "serve ended");
            log.lock().unwrap().extend_from_slice(line.as_bytes());
            base = line
                .trim()
                .strip_prefix("watchword-server listening on ")
                .map(str::to_owned);
        }
        let keep = Arc::clone(&log);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stderr.read(&mut buf) {
                if n == 0 {
                    break;
                }
                keep.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Self {
            child,
            log,
            base: base.unwrap(),
        }
    }

    /// Stops the server and returns everything it wrote.
    fn stop(mut self) -> Vec<u8> {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let mut out = Vec::new();
        if let Some(mut stdout) = self.child.stdout.take() {
            let _ = stdout.read_to_end(&mut out);
        }
        // The reader thread drains stderr until the pipe closes.
        std::thread::sleep(std::time::Duration::from_millis(200));
        out.extend_from_slice(&self.log.lock().unwrap());
        out
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn no_secret_reaches_any_output_or_file() {
    let dir = tempfile::tempdir().unwrap();
    let files = dir.path().join("files");
    std::fs::create_dir_all(files.join("backups")).unwrap();
    let old = files.join("old.db");
    let new = files.join("new.db");
    let db = files.join("server.db");
    let backup_env = [("WATCHWORD_BACKUP_PASSWORD", BACKUP_PASSWORD)];
    let import_env = [("WATCHWORD_IMPORT_PASSWORD", BACKUP_PASSWORD)];
    let cheap = ["--kdf-memory-kib", "8", "--kdf-iterations", "1"];
    let mut ev = Evidence::default();

    // The phone's accounts: a link, a typed secret, an HOTP link.
    let mut init = vec!["init"];
    init.extend(cheap);
    step(&mut ev, &old, &init, &[]);
    let link = format!(
        "otpauth://totp/ACME:alice@example.org?secret={}&issuer=ACME",
        SEEDS[0]
    );
    step(&mut ev, &old, &["add", &link], &[]);
    step(
        &mut ev,
        &old,
        &[
            "add", "--secret", SEEDS[1], "--issuer", "Typed", "--name", "bob",
        ],
        &[],
    );
    let hotp = format!("otpauth://hotp/Counter:carol?secret={}&counter=7", SEEDS[2]);
    step(&mut ev, &old, &["add", &hotp], &[]);
    step(&mut ev, &old, &["list"], &[]);
    step(&mut ev, &old, &["codes"], &[]);
    step(&mut ev, &old, &["next", "3"], &[]);

    // Changing phones: encrypted exports, a backup, restore and import.
    let export = files.join("export.wwbackup");
    let aegis = files.join("aegis.json");
    for (format, file) in [("watchword", &export), ("aegis", &aegis)] {
        let mut args = vec!["export", "--format", format, file.to_str().unwrap()];
        args.extend(cheap);
        step(&mut ev, &old, &args, &backup_env);
    }
    let backups = files.join("backups");
    let mut now = vec!["backup", "now", "--dir", backups.to_str().unwrap()];
    now.extend(cheap);
    let backup = step(&mut ev, &old, &now, &backup_env);
    let backup_file = backup["path"].as_str().unwrap().to_owned();
    step(
        &mut ev,
        &old,
        &["backup", "verify", &backup_file],
        &backup_env,
    );
    step(&mut ev, &new, &init, &[]);
    step(
        &mut ev,
        &new,
        &["backup", "restore", &backup_file],
        &backup_env,
    );
    step(
        &mut ev,
        &new,
        &["import", "--on-duplicate", "keep", aegis.to_str().unwrap()],
        &import_env,
    );
    step(
        &mut ev,
        &new,
        &["import", export.to_str().unwrap()],
        &import_env,
    );
    // Wrong passwords and passphrases: refused, and the refusal quotes
    // nothing secret either.
    let out = cli(
        &new,
        &["import", aegis.to_str().unwrap()],
        &[("WATCHWORD_IMPORT_PASSWORD", "not the password")],
    );
    assert!(!out.status.success());
    ev.output("import with a wrong password", &out);
    let out = cli(
        &new,
        &["list"],
        &[("WATCHWORD_PASSPHRASE", "not the passphrase")],
    );
    assert!(!out.status.success());
    ev.output("list with a wrong passphrase", &out);

    // The push server: serve, enrol, activate, a sign-in, approve.
    let serve = Serve::start(&db);
    let rp = admin(&db, &["rp-key"]);
    assert!(rp.status.success());
    let rp_key = String::from_utf8(rp.stdout.clone())
        .unwrap()
        .trim()
        .to_owned();
    assert!(rp_key.starts_with("wwrp_"), "{rp_key}");
    let enrol = admin(&db, &["enrol", "--user", "alice", "--json"]);
    assert!(enrol.status.success());
    let e: Value = serde_json::from_slice(&enrol.stdout).unwrap();
    let code = e["code"].as_str().unwrap().to_owned();
    let url = e["url"].as_str().unwrap().to_owned();
    assert!(url.starts_with(&serve.base), "{url}");
    let code_digits: String = code.chars().filter(char::is_ascii_digit).collect();
    assert_eq!(code_digits.len(), 9, "{code}");
    ev.showing.push((
        "rp-key: stdout".into(),
        rp.stdout.clone(),
        "relying-party key".into(),
    ));
    ev.clean.push(("rp-key: stderr".into(), rp.stderr.clone()));
    ev.showing.push((
        "enrol: stdout".into(),
        enrol.stdout.clone(),
        "activation code".into(),
    ));
    ev.clean
        .push(("enrol: stderr".into(), enrol.stderr.clone()));

    // A wrong code first (counted, refused), then the right one.
    let wrong = format!(
        "{}{}",
        &code_digits[..8],
        (code_digits.as_bytes()[8] - b'0' + 1) % 10
    );
    let out = cli(&old, &["activate", "--code", &wrong, "--url", &url], &[]);
    assert!(!out.status.success());
    ev.output("activate with a wrong code", &out);
    step(
        &mut ev,
        &old,
        &[
            "activate",
            "--code",
            &code,
            "--url",
            &url,
            "--name",
            "leak-phone",
        ],
        &[],
    );
    let challenge = admin(
        &db,
        &["challenge", "--user", "alice", "--app", "Outlook", "--json"],
    );
    assert!(challenge.status.success());
    ev.output("challenge", &challenge);
    let c: Value = serde_json::from_slice(&challenge.stdout).unwrap();
    let id = c["id"].as_str().unwrap().to_owned();
    let number = c["number"].as_u64().unwrap().to_string();
    step(&mut ev, &old, &["pending"], &[]);
    step(
        &mut ev,
        &old,
        &["respond", &id, "approve", "--number", &number],
        &[],
    );
    let status = admin(&db, &["status", &id, "--json"]);
    ev.output("status", &status);
    assert_eq!(
        serde_json::from_slice::<Value>(&status.stdout).unwrap()["status"],
        "approved"
    );

    // Last, a new passphrase: the vault rewrapped, neither one stored.
    step(
        &mut ev,
        &old,
        &["passphrase"],
        &[("WATCHWORD_NEW_PASSPHRASE", NEW_PASSPHRASE)],
    );
    step(
        &mut ev,
        &old,
        &["list"],
        &[("WATCHWORD_PASSPHRASE", NEW_PASSPHRASE)],
    );

    // Files while the server still runs (its WAL and SHM exist now), then
    // its whole log.
    ev.files(&files);
    let log = serve.stop();
    assert!(
        log.windows(5).any(|w| w == b"TRACE") || log.windows(5).any(|w| w == b"DEBUG"),
        "the server did not log at TRACE: {}",
        String::from_utf8_lossy(&log)
    );
    ev.clean.push(("serve: stdout and stderr".into(), log));
    ev.files(&files);

    let secrets = secrets(&[
        ("activation code", code_digits.as_str()),
        ("activation code as shown", code.as_str()),
        ("relying-party key", rp_key.as_str()),
    ]);
    // The search finds what is there: the places that must show a secret
    // show it.
    let mut leaks = Vec::new();
    for (source, bytes, shows) in &ev.showing {
        let found = found_in(bytes, &secrets);
        assert!(
            found.iter().any(|f| f.starts_with(shows.as_str())),
            "{source} does not show the {shows}"
        );
        for f in found.iter().filter(|f| !f.starts_with(shows.as_str())) {
            leaks.push(format!("{f} in {source}"));
        }
    }
    let mut searched = 0usize;
    for (source, bytes) in &ev.clean {
        searched += bytes.len();
        for f in found_in(bytes, &secrets) {
            leaks.push(format!("{f} in {source}"));
        }
    }
    assert!(
        ev.clean.iter().any(|(s, _)| s.ends_with("server.db")),
        "the server database was searched"
    );
    assert!(searched > 100_000, "searched only {searched} bytes");
    assert!(leaks.is_empty(), "secrets found:\n{}", leaks.join("\n"));
}
