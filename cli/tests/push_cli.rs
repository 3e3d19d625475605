//! The push commands of the `watchword` binary: `demo` end to end (its
//! in-process server, phone and relying party over loopback HTTP), with
//! `--yes` and with answers typed on stdin.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is a failure report.

use std::{
    io::Write,
    process::{Command, Stdio},
};

use serde_json::Value;

/// Runs `watchword --json ARGS` with `stdin`; returns (success, JSON, stderr).
fn run(args: &[&str], stdin: &str) -> (bool, Value, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_watchword"))
        .arg("--json")
        .args(args)
        .env_remove("WATCHWORD_VAULT")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let doc: Value = serde_json::from_str(stdout.trim())
        .unwrap_or_else(|e| panic!("one JSON document expected, got {stdout:?}: {e}"));
    (
        out.status.success(),
        doc,
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn demo_yes_approves_with_the_number_and_the_relying_party_sees_it() {
    let (ok, v, stderr) = run(&["demo", "--yes"], "");
    assert!(ok, "{v} {stderr}");
    assert_eq!(v["relying_party"]["status"], "approved");
    assert_eq!(v["device_state"], "approved");
    assert_eq!(v["answer"], "approve");
    let number = v["sign_in_number"].as_u64().unwrap();
    assert!((10..=99).contains(&number));
    let c = &v["challenge"];
    assert_eq!(c["app"], "Outlook");
    assert_eq!(c["location"], "Utrecht, NL");
    assert_eq!(c["needs_number"], true);
    assert_eq!(c["provider"], "watchword");
    assert_eq!(c["id"], v["relying_party"]["id"]);
    assert_eq!(
        c["expires_at"].as_i64().unwrap() - c["created_at"].as_i64().unwrap(),
        60
    );
    assert!(
        v["server"]
            .as_str()
            .unwrap()
            .starts_with("http://127.0.0.1:")
    );
    // The prompt went to stderr under --json, and it never shows the
    // number (only the sign-in screen does).
    assert!(stderr.contains("Approve sign-in?"), "{stderr}");
    assert!(stderr.contains("Utrecht, NL"));
}

#[test]
fn demo_with_a_typed_wrong_number_then_deny() {
    // 0 is never the number (it is 10..=99): the phone says so, the request
    // stays open, then "d" denies it.
    let (ok, v, stderr) = run(&["demo"], "0\nd\n");
    assert!(ok, "{v} {stderr}");
    assert!(stderr.contains("wrong number; 2 tries left"), "{stderr}");
    assert_eq!(v["answer"], "deny");
    assert_eq!(v["relying_party"]["status"], "denied");
}

#[test]
fn demo_with_a_fraud_report() {
    let (ok, v, _) = run(&["demo"], "f\n");
    assert!(ok);
    assert_eq!(v["device_state"], "reported");
    assert_eq!(v["relying_party"]["status"], "fraud");
}

#[test]
fn demo_with_no_answer_leaves_the_sign_in_pending() {
    let (ok, v, _) = run(&["demo"], "");
    assert!(ok);
    assert_eq!(v["answer"], Value::Null);
    assert_eq!(v["relying_party"]["status"], "pending");
}

#[test]
fn respond_checks_its_arguments_before_anything_else() {
    let (ok, v, _) = run(&["respond", "c1", "deny", "--number", "42"], "");
    assert!(!ok);
    assert_eq!(v["error"]["kind"], "invalid_input");
    let (ok, v, _) = run(&["respond", "c1", "maybe"], "");
    assert!(!ok);
    assert_eq!(v["error"]["kind"], "usage");
    let (ok, v, _) = run(
        &[
            "activate",
            "--code",
            "12345",
            "--url",
            "https://x/v1/activate/e1",
        ],
        "",
    );
    assert!(!ok);
    assert_eq!(v["error"]["kind"], "invalid_input");
    let (ok, v, _) = run(
        &[
            "activate",
            "--code",
            "123456789",
            "--url",
            "http://example.org/v1/activate/e1",
        ],
        "",
    );
    assert!(!ok);
    assert_eq!(v["error"]["kind"], "invalid_input");
    // Microsoft's activation links are recognised and explained, never
    // half-activated.
    let (ok, v, _) = run(
        &[
            "activate",
            "--link",
            "phonefactor://activate_account?code=123456789&url=https%3A%2F%2Fsomething.phonefactor.net%2Fpad%2F987654321",
        ],
        "",
    );
    assert!(!ok);
    assert_eq!(v["error"]["kind"], "microsoft_managed");
    let (ok, v, _) = run(
        &[
            "activate",
            "--link",
            "otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP",
        ],
        "",
    );
    assert!(!ok);
    assert_eq!(v["error"]["kind"], "invalid_link");
}
