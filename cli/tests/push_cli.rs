//! The push commands of the `watchword` binary: `demo` end to end (its
//! in-process server, phone and relying party over loopback HTTP), with
//! `--yes` and with answers typed on stdin.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is a failure report.

use std::process::Command;

use serde_json::Value;
use watchword_tests::cli::{one_json, output_with_stdin};

/// Runs `watchword --json ARGS` with `stdin`; returns (success, JSON, stderr).
fn run(args: &[&str], stdin: &str) -> (bool, Value, String) {
    let out = output_with_stdin(
        Command::new(env!("CARGO_BIN_EXE_watchword"))
            .arg("--json")
            .args(args)
            .env_remove("WATCHWORD_VAULT"),
        stdin,
    );
    (
        out.status.success(),
        one_json(&String::from_utf8(out.stdout).unwrap()),
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

/// The `{"error"}` of a demo that did not sign in: (kind, message).
fn not_signed_in(ok: bool, v: &Value) -> (&str, &str) {
    assert!(!ok, "a sign-in that is not approved exits non-zero: {v}");
    let e = &v["error"];
    let message = e["message"].as_str().unwrap();
    assert!(message.starts_with("not signed in: "), "{message}");
    (e["kind"].as_str().unwrap(), message)
}

#[test]
fn demo_with_a_typed_wrong_number_then_deny() {
    // 0 is never the number (it is 10..=99): the phone says so, the request
    // stays open, then "d" denies it.
    let (ok, v, stderr) = run(&["demo"], "0\nd\n");
    assert!(stderr.contains("wrong number; 2 tries left"), "{stderr}");
    let (kind, message) = not_signed_in(ok, &v);
    assert_eq!(kind, "refused");
    assert!(message.contains("you denied the sign-in"), "{message}");
    assert!(stderr.contains("sees denied"), "{stderr}");
}

#[test]
fn demo_with_a_fraud_report() {
    let (ok, v, stderr) = run(&["demo"], "f\n");
    let (kind, message) = not_signed_in(ok, &v);
    assert_eq!(kind, "refused");
    assert!(message.contains("fraud"), "{message}");
    assert!(stderr.contains("5. phone             reported"), "{stderr}");
    assert!(stderr.contains("sees fraud"), "{stderr}");
}

#[test]
fn demo_with_no_answer_leaves_the_sign_in_pending() {
    let (ok, v, stderr) = run(&["demo"], "");
    let (kind, message) = not_signed_in(ok, &v);
    assert_eq!(kind, "refused");
    assert!(
        message.contains("input ended before an answer"),
        "{message}"
    );
    assert!(stderr.contains("sees pending"), "{stderr}");
    // Input from a pipe: nothing waits for Enter.
    assert!(!stderr.contains("Press Enter"), "{stderr}");
}

#[test]
fn demo_skipped_is_not_signed_in_also_in_human_output() {
    let out = output_with_stdin(
        Command::new(env!("CARGO_BIN_EXE_watchword"))
            .arg("demo")
            .env_remove("WATCHWORD_VAULT"),
        "s\n",
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!out.status.success(), "{stdout}");
    assert!(
        stdout.contains("6. relying party     sees pending"),
        "{stdout}"
    );
    assert!(!stdout.contains("Signed in"), "{stdout}");
    assert_eq!(
        stderr.trim_end(),
        "error: not signed in: you skipped the sign-in request; the relying party got no answer"
    );
    // Not a terminal: the time left is said once, never redrawn.
    assert_eq!(stdout.matches(" s left").count(), 1, "{stdout}");
    assert!(!stdout.contains('\x1b'), "{stdout}");
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
    let (ok, v, _) = run(&["activate", "--link", "hello there"], "");
    assert!(!ok);
    assert_eq!(v["error"]["kind"], "invalid_link");
    // Every command enrols through core's one entry point: an OTP link
    // given to `activate` is an account to add, so it gets as far as the
    // vault (which this test has not created).
    let (ok, v, _) = run(
        &[
            "activate",
            "--link",
            "otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP",
        ],
        "",
    );
    assert!(!ok);
    assert_eq!(v["error"]["kind"], "vault_missing");
}
