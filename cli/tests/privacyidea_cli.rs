//! `watchword add` / `pending` / `respond` with a privacyIDEA push token,
//! against the LIVE privacyIDEA 3.14 server of `tests/privacyidea/server.sh`
//! (skipped without `WATCHWORD_PI_URL` unless `CI=true`, where that fails).

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is a failure report.

use std::{path::Path, process::Command};

use serde_json::{Value, json};
use watchword_tests::{
    cli::one_json,
    privacyidea::{PiServer, PushQr},
};

const USER: &str = "heidi";
const PIN: &str = "5678";

fn watchword(vault: &Path, args: &[&str]) -> (bool, Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_watchword"))
        .arg("--json")
        .args(args)
        .env("WATCHWORD_VAULT", vault)
        .env("WATCHWORD_PASSPHRASE", "privacyidea cli test")
        .output()
        .unwrap();
    (
        out.status.success(),
        one_json(&String::from_utf8(out.stdout).unwrap()),
    )
}

/// The relying party signs `USER` in: the transaction id.
async fn sign_in(pi: &PiServer) -> String {
    pi.sign_in(USER, PIN).await.0
}

/// The relying party's view of a sign-in: `challenge_status`.
async fn status(pi: &PiServer, tid: &str) -> String {
    let r = pi.poll_transaction(tid).await;
    r["detail"]["challenge_status"].as_str().unwrap().to_owned()
}

fn only_pending(vault: &Path) -> Value {
    let (ok, v) = watchword(vault, &["pending"]);
    assert!(ok, "{v}");
    let list = v.as_array().unwrap();
    assert_eq!(list.len(), 1, "{v}");
    list[0].clone()
}

#[tokio::test]
async fn add_pending_respond_against_privacyidea() {
    let Some(pi) = PiServer::from_env().await else {
        return;
    };
    pi.clear_tokens(USER).await;
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault.db");
    assert!(watchword(&vault, &["init"]).0);

    let PushQr { serial, link } = pi.init_push(USER, PIN).await;
    let (ok, v) = watchword(&vault, &["add", &link]);
    assert!(ok, "{v}");
    assert_eq!(v["provider"], "privacyidea");
    assert_eq!(v["device_id"], serial);
    // Nothing sensitive in the reply.
    assert!(!v.to_string().contains("enrollment_credential"));

    // Approve: the relying party sees accept.
    let tid = sign_in(&pi).await;
    let c = only_pending(&vault);
    assert_eq!(c["provider"], "privacyidea");
    assert_eq!(c["needs_number"], false);
    assert_eq!(c["options"], json!([]));
    let id = c["id"].as_str().unwrap();
    let (ok, v) = watchword(&vault, &["respond", id, "approve"]);
    assert!(ok, "{v}");
    assert_eq!(v["state"], "approved");
    assert_eq!(status(&pi, &tid).await, "accept");

    // Deny, "I changed my mind": cancelled.
    let tid = sign_in(&pi).await;
    let id = only_pending(&vault)["id"].as_str().unwrap().to_owned();
    let (ok, v) = watchword(&vault, &["respond", &id, "deny", "--reason", "cancelled"]);
    assert!(ok, "{v}");
    assert_eq!(v["state"], "denied");
    assert_eq!(status(&pi, &tid).await, "cancelled");

    // Fraud: declined (unknown_trigger).
    let tid = sign_in(&pi).await;
    let id = only_pending(&vault)["id"].as_str().unwrap().to_owned();
    let (ok, v) = watchword(&vault, &["respond", &id, "fraud"]);
    assert!(ok, "{v}");
    assert_eq!(v["state"], "reported");
    assert_eq!(status(&pi, &tid).await, "declined");

    // Bad usage is a typed error and changes nothing.
    let (ok, v) = watchword(&vault, &["respond", &id, "fraud", "--reason", "cancelled"]);
    assert!(!ok);
    assert_eq!(v["error"]["kind"], "invalid_input");
}
