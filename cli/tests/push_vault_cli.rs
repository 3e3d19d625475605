//! The phone-side push commands over a real vault and a reference server on
//! loopback: `activate`, `pending`, `respond`, `approve`, with the
//! account's keys sealed in the vault between runs.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is a failure report.

use std::{path::Path, process::Command};

use serde_json::Value;
use watchword_server::PushServer;
use watchword_tests::{
    cli::{one_json, output_with_stdin},
    push::{sign_in, start_real_time_server, start_web_push_server},
};

const PASS: &str = "correct horse battery staple";

/// Runs `watchword [--json] --vault V ARGS` with `stdin`.
fn run(vault: &Path, json: bool, args: &[&str], stdin: &str) -> std::process::Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_watchword"));
    if json {
        command.arg("--json");
    }
    output_with_stdin(
        command
            .arg("--vault")
            .arg(vault)
            .args(args)
            .env("WATCHWORD_PASSPHRASE", PASS),
        stdin,
    )
}

/// `run` with `--json`: (success, the one JSON document on stdout).
fn watchword(vault: &Path, args: &[&str], stdin: &str) -> (bool, Value) {
    let out = run(vault, true, args, stdin);
    (
        out.status.success(),
        one_json(&String::from_utf8(out.stdout).unwrap()),
    )
}

/// A new vault at `dir/vault.db` with the test KDF cost.
fn new_vault(dir: &Path) -> std::path::PathBuf {
    let vault = dir.join("vault.db");
    let (ok, v) = watchword(
        &vault,
        &["init", "--kdf-memory-kib", "8", "--kdf-iterations", "1"],
        "",
    );
    assert!(ok, "{v}");
    vault
}

fn challenge(server: &PushServer, user: &str) -> (String, u8) {
    let (c, _) = server.create_challenge(&sign_in(user, None)).unwrap();
    (c.id, c.number.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn activate_pending_respond_approve_over_the_vault() {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path());

    let (server, handle) = start_real_time_server(dir.path().join("server.db")).await;
    let e = server.enrol("alice", &handle.base_url()).unwrap();

    // A wrong code says how many tries are left, every time.
    let digits: String = e.code.chars().filter(char::is_ascii_digit).collect();
    let wrong = format!("{}{}", &digits[..8], (digits.as_bytes()[8] - b'0' + 1) % 10);
    for left in [4, 3] {
        let (ok, v) = watchword(&vault, &["activate", "--code", &wrong, "--url", &e.url], "");
        assert!(!ok);
        assert_eq!(
            v["error"]["message"],
            format!("wrong activation code; {left} tries left"),
            "{v}"
        );
    }
    let (ok, v) = watchword(
        &vault,
        &["activate", "--code", &e.code, "--url", &e.url],
        "",
    );
    assert!(ok, "{v}");
    assert_eq!(v["account"], "alice @ Watchword");
    // The same code again is refused by the server.
    let (ok, v) = watchword(&vault, &["activate", "--link", &e.link], "");
    assert!(!ok);
    assert_eq!(v["error"]["kind"], "refused");

    let (ok, v) = watchword(&vault, &["pending"], "");
    assert!(ok, "{v}");
    assert_eq!(v, Value::Array(vec![]));

    let (id, number) = challenge(&server, "alice");
    let (ok, v) = watchword(&vault, &["pending"], "");
    assert!(ok, "{v}");
    let list = v.as_array().unwrap();
    assert_eq!(list.len(), 1);
    let p = &list[0];
    assert_eq!(p["id"], id.as_str());
    assert_eq!(p["account"], "alice @ Watchword");
    assert_eq!(p["app"], "Outlook");
    assert_eq!(p["location"], "Utrecht, NL");
    assert_eq!(p["ip"], "203.0.113.7");
    assert_eq!(p["needs_number"], true);
    assert_eq!(p["provider"], "watchword");
    let left = p["seconds_left"].as_i64().unwrap();
    assert!((55..=60).contains(&left), "{left}");
    assert_eq!(
        p["expires_at"].as_i64().unwrap() - p["created_at"].as_i64().unwrap(),
        60
    );

    let wrong = if number == 99 { 10 } else { number + 1 };
    let (ok, v) = watchword(
        &vault,
        &["respond", &id, "approve", "--number", &wrong.to_string()],
        "",
    );
    assert!(!ok);
    assert_eq!(v["error"]["kind"], "wrong_number");
    let (ok, v) = watchword(
        &vault,
        &["respond", &id, "approve", "--number", &number.to_string()],
        "",
    );
    assert!(ok, "{v}");
    assert_eq!(v["state"], "approved");
    assert_eq!(
        server.challenge_status(&id).unwrap().status.as_str(),
        "approved"
    );
    // Denying it later, from a new process: "already approved", not "not found".
    let (ok, v) = watchword(&vault, &["respond", &id, "deny"], "");
    assert!(!ok);
    assert_eq!(v["error"]["kind"], "refused");
    assert_eq!(
        v["error"]["message"],
        "this sign-in request was already approved"
    );

    // The interactive prompt: "d" denies.
    let (id2, _) = challenge(&server, "alice");
    let (ok, v) = watchword(&vault, &["approve"], "d\n");
    assert!(ok, "{v}");
    assert_eq!(v[0]["id"], id2.as_str());
    assert_eq!(v[0]["state"], "denied");
    assert_eq!(
        server.challenge_status(&id2).unwrap().status.as_str(),
        "denied"
    );

    // The account's keys are sealed: no field of the account state is in
    // the vault file in plain text.
    let bytes = std::fs::read(&vault).unwrap();
    for needle in ["server_public_key", "device_key", &server.public_key()] {
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
            "{needle} in the vault file"
        );
    }
    handle.stop().await;
}

/// `run` with human output: (success, stdout).
fn watchword_human(vault: &Path, args: &[&str], stdin: &str) -> (bool, String) {
    let out = run(vault, false, args, stdin);
    (out.status.success(), String::from_utf8(out.stdout).unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn approve_counts_a_skipped_request_apart() {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path());
    let (server, handle) = start_real_time_server(dir.path().join("server.db")).await;
    let e = server.enrol("alice", &handle.base_url()).unwrap();
    let (ok, v) = watchword(&vault, &["activate", "--link", &e.link], "");
    assert!(ok, "{v}");

    // Two requests: the first one asked about is skipped, the second denied.
    let (a, _) = challenge(&server, "alice");
    let (b, _) = challenge(&server, "alice");
    let (ok, v) = watchword(&vault, &["approve"], "s\nd\n");
    assert!(ok, "{v}");
    let states: Vec<(&str, &str)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["id"].as_str().unwrap(), r["state"].as_str().unwrap()))
        .collect();
    assert_eq!(states.len(), 2, "{v}");
    assert_eq!((states[0].1, states[1].1), ("skipped", "denied"), "{v}");
    let skipped = states[0].0.to_owned();
    assert!([a.as_str(), b.as_str()].contains(&skipped.as_str()));
    // Skipped is still open on the server; input ending leaves it so too.
    assert_eq!(
        server.challenge_status(&skipped).unwrap().status.as_str(),
        "pending"
    );
    let (ok, v) = watchword(&vault, &["approve"], "");
    assert!(ok, "{v}");
    assert_eq!(v[0]["id"], skipped.as_str());
    assert_eq!(v[0]["state"], "pending", "input ended: not answered");

    // The summary counts only answers as handled.
    let (_c, _) = challenge(&server, "alice");
    let (ok, out) = watchword_human(&vault, &["approve"], "s\nd\n");
    assert!(ok, "{out}");
    assert!(out.contains("  -> skipped"), "{out}");
    assert_eq!(
        out.lines().last().unwrap(),
        "Sign-in requests: 1 handled, 1 skipped.",
        "{out}"
    );
    handle.stop().await;
}

/// A push account is in `list` right after activating, next to the code
/// accounts, and can be renamed and removed like them (`p<id>`); removing
/// it says the server still lists the device, and its requests are no
/// longer fetched.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_accounts_are_listed_renamed_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path());
    let (server, handle) = start_real_time_server(dir.path().join("server.db")).await;
    let e = server.enrol("alice", &handle.base_url()).unwrap();
    let (ok, v) = watchword(&vault, &["activate", "--link", &e.link], "");
    assert!(ok, "{v}");
    let device_id = v["device_id"].as_str().unwrap().to_owned();
    let (ok, v) = watchword(
        &vault,
        &[
            "add",
            "otpauth://totp/ACME:bob?secret=JBSWY3DPEHPK3PXP&issuer=ACME",
        ],
        "",
    );
    assert!(ok, "{v}");

    let (ok, list) = watchword(&vault, &["list"], "");
    assert!(ok, "{list}");
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2, "{list:?}");
    assert_eq!(list[0]["type"], "totp");
    let push = &list[1];
    assert_eq!(push["type"], "push");
    assert_eq!(push["provider"], "watchword");
    assert_eq!(push["label"], "Watchword (alice)");
    assert_eq!(push["device_id"], device_id.as_str());
    assert_eq!(push["server"], handle.base_url().as_str());
    let pid = format!("p{}", push["id"]);
    let (ok, human) = watchword_human(&vault, &["list", "alice"], "");
    assert!(ok);
    assert!(
        human.contains(&format!("#{pid}  Watchword (alice)  push (watchword) at ")),
        "{human}"
    );

    let (ok, v) = watchword(
        &vault,
        &["rename", &pid, "alice (work)", "--issuer", "Example Corp"],
        "",
    );
    assert!(ok, "{v}");
    assert_eq!(v["label"], "Example Corp (alice (work))");
    let (ok, v) = watchword(&vault, &["rename", &pid, "--group", "Work"], "");
    assert!(!ok);
    assert_eq!(v["error"]["kind"], "invalid_input");
    let (ok, v) = watchword(&vault, &["rename", "p999", "x"], "");
    assert!(!ok);
    assert_eq!(v["error"]["kind"], "not_found");

    let (ok, v) = watchword(&vault, &["rm", &pid], "");
    assert!(ok, "{v}");
    assert_eq!(v["push"]["server_told"], false);
    let note = v["push"]["note"].as_str().unwrap();
    assert!(
        note.contains(&device_id) && note.contains("administrator"),
        "{note}"
    );
    let (ok, list) = watchword(&vault, &["list"], "");
    assert!(ok);
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    // Its requests are no longer fetched.
    challenge(&server, "alice");
    let (ok, v) = watchword(&vault, &["pending"], "");
    assert!(ok, "{v}");
    assert_eq!(v, Value::Array(vec![]));
    handle.stop().await;
}

/// `listen`: the vault's account registers a loopback Web Push endpoint,
/// the server's encrypted message arrives, is decrypted with the vault's
/// keys and the request it names is fetched, verified and shown; on exit
/// the server is told to stop sending.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listen_is_woken_by_web_push_and_unregisters_when_it_stops() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path());
    let (server, handle) = start_web_push_server(dir.path().join("server.db")).await;
    let e = server.enrol("alice", &handle.base_url()).unwrap();
    let (ok, v) = watchword(&vault, &["activate", "--link", &e.link], "");
    assert!(ok, "{v}");

    let mut child = Command::new(env!("CARGO_BIN_EXE_watchword"))
        .args(["--json", "--vault"])
        .arg(&vault)
        .args(["listen", "--count", "1", "--timeout", "60"])
        .env("WATCHWORD_PASSPHRASE", PASS)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Narration is on stderr under --json: wait for the registration.
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    assert!(
        line.starts_with("Listening for Web Push at http://127.0.0.1:"),
        "{line}"
    );
    assert!(line.contains("registered with 1 push account(s)"), "{line}");
    let rest = std::thread::spawn(move || {
        let mut all = String::new();
        let _ = std::io::Read::read_to_string(&mut stderr, &mut all);
        all
    });

    let (c, notes) = server.create_challenge(&sign_in("alice", None)).unwrap();
    server.deliver(notes).await;
    let out = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    let shown = rest.join().unwrap();
    assert!(out.status.success(), "{shown}");
    let v = one_json(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(v["registered"], 1);
    assert_eq!(v["received"][0]["id"], c.id.as_str());
    assert_eq!(v["received"][0]["app"], "Outlook");
    assert!(
        shown.contains("Approve sign-in?") && shown.contains("Utrecht, NL"),
        "{shown}"
    );
    assert!(
        shown.contains(&format!("watchword respond {} approve --number N", c.id)),
        "{shown}"
    );
    let status = server.challenge_status(&c.id).unwrap();
    assert_eq!(status.deliveries[0].state.as_str(), "sent");

    // Stopped: the server no longer sends to the dead endpoint.
    let (next, notes) = server.create_challenge(&sign_in("alice", None)).unwrap();
    server.deliver(notes).await;
    let status = server.challenge_status(&next.id).unwrap();
    assert_eq!(status.deliveries[0].state.as_str(), "no_address");

    // Without an account, listen says what to do.
    std::fs::create_dir(dir.path().join("other")).unwrap();
    let empty = new_vault(&dir.path().join("other"));
    let (ok, v) = watchword(&empty, &["listen", "--timeout", "1"], "");
    assert!(!ok);
    assert_eq!(v["error"]["kind"], "not_found", "{v}");
    handle.stop().await;
}
