//! The `watchword-server` binary: `serve` in a child process, the admin
//! commands on the same SQLite file while it runs, and a device speaking
//! the protocol to it over loopback HTTP.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is a failure report.

use std::{
    io::{BufRead, BufReader},
    path::Path,
    process::{Child, ChildStderr, Command, Stdio},
    sync::Arc,
};

use serde_json::Value;
use watchword_core::{
    otp::SystemClock,
    push::{Activation, Answer, ChallengeState, MemoryPushStore, PushService},
};

const BIN: &str = env!("CARGO_BIN_EXE_watchword-server");
/// Seals the server's signing key in its database.
const PASSPHRASE: &str = "correct horse battery staple";

fn admin(db: &Path, args: &[&str]) -> (bool, String, String) {
    admin_with(db, args, Some(PASSPHRASE))
}

fn admin_with(db: &Path, args: &[&str], passphrase: Option<&str>) -> (bool, String, String) {
    let mut command = Command::new(BIN);
    command.env_remove("WATCHWORD_SERVER_PASSPHRASE");
    if let Some(p) = passphrase {
        command.env("WATCHWORD_SERVER_PASSPHRASE", p);
    }
    let out = command
        .arg(args[0])
        .arg("--db")
        .arg(db)
        .args(&args[1..])
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Kills the server child when the test ends, pass or fail.
struct Serve(Child);

/// What `serve` printed up to its "listening on" line: the base URL, the
/// lines before it, and its stderr to read on.
struct Started {
    serve: Serve,
    base: String,
    before: Vec<String>,
    stderr: BufReader<ChildStderr>,
}

impl Serve {
    /// Starts `serve` on `db` (a free loopback port) with the test
    /// passphrase and `env`, and waits until it listens.
    fn start(db: &Path, env: &[(&str, &str)]) -> Started {
        let mut command = Command::new(BIN);
        command.env("WATCHWORD_SERVER_PASSPHRASE", PASSPHRASE);
        for (k, v) in env {
            command.env(k, v);
        }
        let mut child = command
            .args(["serve", "--listen", "127.0.0.1:0", "--db"])
            .arg(db)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let serve = Serve(child);
        let mut before = Vec::new();
        let base = loop {
            let mut line = String::new();
            assert!(stderr.read_line(&mut line).unwrap() > 0, "{before:?}");
            if let Some(base) = line.trim().strip_prefix("watchword-server listening on ") {
                break base.to_owned();
            }
            before.push(line);
        };
        Started {
            serve,
            base,
            before,
            stderr,
        }
    }
}

/// Keeps reading what serve says next: a closed pipe would make its next
/// line on stderr fail.
fn drain(mut stderr: BufReader<ChildStderr>) {
    std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn serve_enrol_challenge_status() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("push.db");
    let started = Serve::start(&db, &[]);
    assert!(
        started.before.is_empty(),
        "unexpected first lines {:?}",
        started.before
    );
    let (serve, base) = (started.serve, started.base);
    drain(started.stderr);

    // Enrol without --url: the URL serve is reachable at.
    let (ok, out, err) = admin(&db, &["enrol", "--user", "alice", "--json"]);
    assert!(ok, "{err}");
    let e: Value = serde_json::from_str(&out).unwrap();
    assert!(
        e["url"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{base}/v1/activate/"))
    );
    assert!(
        e["link"]
            .as_str()
            .unwrap()
            .starts_with("watchword://activate?code=")
    );

    let (ok, _, err) = admin(&db, &["challenge", "--user", "alice", "--app", "Outlook"]);
    assert!(!ok);
    assert!(err.contains("no_device"), "{err}");

    let phone = PushService::new(Arc::new(MemoryPushStore::new()), Arc::new(SystemClock)).unwrap();
    phone
        .activate(
            &Activation::from_link(e["link"].as_str().unwrap()).unwrap(),
            "phone",
            None,
        )
        .await
        .unwrap();

    let (ok, out, err) = admin(
        &db,
        &[
            "challenge",
            "--user",
            "alice",
            "--app",
            "Outlook",
            "--location",
            "Utrecht, NL",
            "--ttl",
            "90",
            "--json",
        ],
    );
    assert!(ok, "{err}");
    let c: Value = serde_json::from_str(&out).unwrap();
    let id = c["id"].as_str().unwrap().to_owned();
    let number = u8::try_from(c["number"].as_u64().unwrap()).unwrap();
    assert_eq!(
        c["expires_at"].as_i64().unwrap() - c["created_at"].as_i64().unwrap(),
        90
    );

    let (ok, out, _) = admin(&db, &["status", &id]);
    assert!(ok);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "pending");
    assert_eq!(
        lines[1].trim(),
        format!(
            "device {}: no push address (the phone polls)",
            phone.accounts().unwrap()[0].device_id
        )
    );

    let pending = phone.pending().await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].location, "Utrecht, NL");
    assert_eq!(
        phone
            .respond(&id, &Answer::approve(Some(number)))
            .await
            .unwrap(),
        ChallengeState::Approved
    );
    let (ok, out, _) = admin(&db, &["status", &id, "--json"]);
    assert!(ok);
    let s: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(s["status"], "approved");

    let (ok, _, err) = admin(&db, &["status", "c0000"]);
    assert!(!ok);
    assert!(err.contains("challenge_not_found"), "{err}");
    let (ok, out, _) = admin(&db, &["rp-key"]);
    assert!(ok);
    assert!(out.starts_with("wwrp_"));

    // The VAPID key: made once, kept (sealed), shown again, rotated on
    // request; the subject must be a contact.
    let (ok, first, err) = admin(&db, &["vapid"]);
    assert!(ok, "{err}");
    let first = first.trim().to_owned();
    assert_eq!(first.len(), 87, "{first}");
    assert!(first.starts_with('B'), "an uncompressed point: {first}");
    assert_eq!(admin(&db, &["vapid"]).1.trim(), first);
    let (ok, rotated, _) = admin(&db, &["vapid", "--rotate"]);
    assert!(ok);
    assert_ne!(rotated.trim(), first);
    assert_eq!(admin(&db, &["vapid"]).1.trim(), rotated.trim());
    let (ok, _, err) = admin(&db, &["vapid", "--subject", "admin@example.org"]);
    assert!(!ok);
    assert!(err.contains("mailto:"), "{err}");
    assert!(admin(&db, &["vapid", "--subject", "mailto:admin@example.org"]).0);
    drop(serve);
}

#[test]
fn the_signing_key_is_sealed_with_the_server_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("push.db");
    let (ok, _, err) = admin_with(&db, &["rp-key"], None);
    assert!(!ok);
    assert!(err.contains("set WATCHWORD_SERVER_PASSPHRASE"), "{err}");
    let (ok, _, err) = admin(&db, &["rp-key"]);
    assert!(ok, "{err}");
    // Another passphrase does not open the key, and changes nothing.
    let (ok, _, err) = admin_with(&db, &["rp-key"], Some("another passphrase"));
    assert!(!ok);
    assert!(err.contains("does not open"), "{err}");
    // Said as what it is, not as a server fault.
    assert!(err.starts_with("error: wrong passphrase: "), "{err}");
    assert!(err.trim_end().ends_with("(wrong_passphrase)"), "{err}");
    assert!(!err.contains("(internal)"), "{err}");
    assert!(
        !err.contains("another passphrase"),
        "no secret in it: {err}"
    );
    let (ok, _, err) = admin(
        &db,
        &["enrol", "--user", "bob", "--url", "https://x.example"],
    );
    assert!(ok, "{err}");
    // What the file holds for the key is the sealed blob only.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let names: Vec<String> = conn
        .prepare("SELECT key FROM meta WHERE key LIKE 'server_key%'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(names, vec!["server_key_sealed".to_owned()]);
}

#[tokio::test]
async fn devices_revoke_and_remove_user() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("push.db");
    // An activation needs a server answering: run serve for the phone.
    let started = Serve::start(&db, &[]);
    let _serve = started.serve;
    drain(started.stderr);

    let (ok, out, err) = admin(&db, &["enrol", "--user", "alice", "--json"]);
    assert!(ok, "{err}");
    let e: Value = serde_json::from_str(&out).unwrap();
    let phone = PushService::new(Arc::new(MemoryPushStore::new()), Arc::new(SystemClock)).unwrap();
    phone
        .activate(
            &Activation::from_link(e["link"].as_str().unwrap()).unwrap(),
            "Pixel 8",
            None,
        )
        .await
        .unwrap();
    let id = phone.accounts().unwrap()[0].device_id.clone();

    let (ok, out, err) = admin(&db, &["devices", "--user", "alice"]);
    assert!(ok, "{err}");
    assert!(
        out.starts_with(&format!("{id}  Pixel 8  activated 20"))
            && out.contains("last seen never  polls (no push address)"),
        "{out}"
    );
    phone.pending().await.unwrap();
    let (ok, out, _) = admin(&db, &["devices", "--user", "alice", "--json"]);
    assert!(ok);
    let listed: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(listed[0]["id"], id.as_str());
    assert!(listed[0]["last_seen"].is_i64(), "{listed}");

    let (ok, out, err) = admin(&db, &["revoke", &id]);
    assert!(ok, "{err}");
    assert_eq!(out.trim(), format!("revoked {id} (alice, Pixel 8)"));
    let refused = phone.pending().await.unwrap_err();
    assert_eq!(
        refused.refusal_code(),
        Some(watchword_core::push::ErrorCode::UnknownDevice),
        "{refused:?}"
    );
    let (ok, out, _) = admin(&db, &["devices", "--user", "alice"]);
    assert!(ok);
    assert_eq!(out.trim(), "alice has no active device");
    let (_, out, _) = admin(&db, &["devices", "--user", "alice", "--all"]);
    assert!(out.contains("REVOKED"), "{out}");
    let (ok, _, err) = admin(&db, &["revoke", &id]);
    assert!(!ok);
    assert!(err.contains("unknown_device"), "{err}");

    let (ok, out, err) = admin(&db, &["remove-user", "--user", "alice"]);
    assert!(ok, "{err}");
    assert_eq!(
        out.trim(),
        "removed alice: 0 device(s) revoked, 0 activation code(s) cancelled, 0 open request(s) ended"
    );
    let (ok, _, err) = admin(&db, &["remove-user", "--user", "nobody"]);
    assert!(!ok);
    assert!(err.contains("unknown_user"), "{err}");

    // The audit log of all that, as JSON lines and as text.
    let (ok, out, err) = admin(&db, &["audit", "--json"]);
    assert!(ok, "{err}");
    let events: Vec<String> = out
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["event"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(
        events,
        [
            "activation_issued",
            "device_activated",
            "device_revoked",
            "user_removed"
        ]
    );
    let (ok, out, _) = admin(&db, &["audit", "--since", "2000-01-01"]);
    assert!(ok);
    assert!(
        out.lines()
            .nth(2)
            .unwrap()
            .contains(&format!("device_revoked  user=\"alice\"  device=\"{id}\"")),
        "{out}"
    );
    let (ok, out, _) = admin(&db, &["audit", "--since", "2999-01-01"]);
    assert!(ok);
    assert!(out.is_empty(), "{out}");
    let (ok, _, err) = admin(&db, &["audit", "--since", "yesterday"]);
    assert!(!ok);
    assert!(err.contains("neither Unix seconds nor a date"), "{err}");
}

#[tokio::test]
async fn json_logs_one_object_a_line_with_fields() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("push.db");
    let started = Serve::start(
        &db,
        &[("WATCHWORD_LOG", "debug"), ("WATCHWORD_LOG_FORMAT", "json")],
    );
    let (_serve, base, mut stderr) = (started.serve, started.base, started.stderr);
    watchword_core::push::client::install_ring_provider();
    let r = reqwest::get(format!("{base}/healthz")).await.unwrap();
    assert_eq!(r.status(), 200);
    // The access line arrives as one JSON object with its fields.
    let logged = loop {
        let mut line = String::new();
        assert!(stderr.read_line(&mut line).unwrap() > 0);
        if let Ok(v) = serde_json::from_str::<Value>(&line)
            && v["message"] == "request"
        {
            break v;
        }
    };
    assert_eq!(
        (
            &logged["level"],
            &logged["method"],
            &logged["path"],
            &logged["status"]
        ),
        (
            &Value::from("DEBUG"),
            &Value::from("GET"),
            &Value::from("/healthz"),
            &Value::from(200)
        )
    );
}

#[test]
fn enrol_a_users_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("push.db");
    let users = dir.path().join("users.txt");
    std::fs::write(&users, "# staff\nalice\n\n  bob  \n").unwrap();
    let file = users.to_str().unwrap();
    let (ok, out, err) = admin(
        &db,
        &[
            "enrol",
            "--users-file",
            file,
            "--url",
            "https://x.example",
            "--json",
        ],
    );
    assert!(ok, "{err}");
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let names: Vec<&str> = lines.iter().map(|e| e["user"].as_str().unwrap()).collect();
    assert_eq!(names, ["alice", "bob"]);
    for e in &lines {
        assert!(
            e["url"]
                .as_str()
                .unwrap()
                .starts_with("https://x.example/v1/activate/")
        );
        assert_eq!(e["code"].as_str().unwrap().len(), 9);
    }
    assert_ne!(lines[0]["code"], lines[1]["code"]);
    // A bad line says which one; the users before it keep their codes.
    std::fs::write(&users, format!("carol\n{}\n", "x".repeat(1000))).unwrap();
    let (ok, out, err) = admin(
        &db,
        &["enrol", "--users-file", file, "--url", "https://x.example"],
    );
    assert!(!ok);
    assert!(out.starts_with("carol  "), "{out}");
    assert!(err.contains("users.txt line 2: "), "{err}");
    // One of --user and --users-file.
    let (ok, _, err) = admin(&db, &["enrol", "--url", "https://x.example"]);
    assert!(!ok);
    assert!(err.contains("--user"), "{err}");
}
