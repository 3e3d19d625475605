//! `watchword add` / `pending` / `respond` with a privacyIDEA push token,
//! against the LIVE privacyIDEA 3.14 server of `tests/privacyidea/server.sh`
//! (skipped without `WATCHWORD_PI_URL` unless `CI=true`, where that fails).

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is a failure report.

use std::{path::Path, process::Command};

use serde_json::{Value, json};

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
    let stdout = String::from_utf8(out.stdout).unwrap();
    let doc = serde_json::from_str(stdout.trim())
        .unwrap_or_else(|e| panic!("one JSON document expected, got {stdout:?}: {e}"));
    (out.status.success(), doc)
}

struct Pi {
    url: String,
    http: reqwest::Client,
    token: String,
}

impl Pi {
    async fn from_env() -> Option<Self> {
        let Ok(url) = std::env::var("WATCHWORD_PI_URL") else {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI=true but WATCHWORD_PI_URL is not set: run tests/privacyidea/server.sh"
            );
            eprintln!("skipped: WATCHWORD_PI_URL is not set");
            return None;
        };
        watchword_core::push::client::install_ring_provider();
        let http = reqwest::Client::new();
        let auth: Value = http
            .post(format!("{url}/auth"))
            .json(&json!({
                "username": std::env::var("WATCHWORD_PI_ADMIN").unwrap_or_else(|_| "admin".into()),
                "password": std::env::var("WATCHWORD_PI_PASSWORD").unwrap_or_default(),
            }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = auth["result"]["value"]["token"]
            .as_str()
            .unwrap()
            .to_owned();
        Some(Self { url, http, token })
    }

    async fn admin(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut r = self
            .http
            .request(method, format!("{}{path}", self.url))
            .header("PI-Authorization", &self.token);
        if let Some(b) = body {
            r = r.json(&b);
        }
        r.send().await.unwrap().json().await.unwrap()
    }

    async fn sign_in(&self) -> String {
        let r: Value = self
            .http
            .post(format!("{}/validate/check", self.url))
            .form(&[("user", USER), ("pass", PIN)])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(r["result"]["authentication"], "CHALLENGE", "{r}");
        r["detail"]["transaction_id"].as_str().unwrap().to_owned()
    }

    async fn status(&self, tid: &str) -> String {
        let r: Value = self
            .http
            .get(format!("{}/validate/polltransaction", self.url))
            .query(&[("transaction_id", tid)])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        r["detail"]["challenge_status"].as_str().unwrap().to_owned()
    }
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
    let Some(pi) = Pi::from_env().await else {
        return;
    };
    let tokens = pi
        .admin(reqwest::Method::GET, &format!("/token/?user={USER}"), None)
        .await;
    for t in tokens["result"]["value"]["tokens"].as_array().unwrap() {
        let serial = t["serial"].as_str().unwrap();
        pi.admin(reqwest::Method::DELETE, &format!("/token/{serial}"), None)
            .await;
    }
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault.db");
    assert!(watchword(&vault, &["init"]).0);

    let init = pi
        .admin(
            reqwest::Method::POST,
            "/token/init",
            Some(json!({"type": "push", "genkey": 1, "user": USER, "pin": PIN})),
        )
        .await;
    let link = init["detail"]["pushurl"]["value"].as_str().unwrap();
    let serial = init["detail"]["serial"].as_str().unwrap();
    let (ok, v) = watchword(&vault, &["add", link]);
    assert!(ok, "{v}");
    assert_eq!(v["provider"], "privacyidea");
    assert_eq!(v["device_id"], serial);
    // Nothing sensitive in the reply.
    assert!(!v.to_string().contains("enrollment_credential"));

    // Approve: the relying party sees accept.
    let tid = pi.sign_in().await;
    let c = only_pending(&vault);
    assert_eq!(c["provider"], "privacyidea");
    assert_eq!(c["needs_number"], false);
    assert_eq!(c["options"], json!([]));
    let id = c["id"].as_str().unwrap();
    let (ok, v) = watchword(&vault, &["respond", id, "approve"]);
    assert!(ok, "{v}");
    assert_eq!(v["state"], "approved");
    assert_eq!(pi.status(&tid).await, "accept");

    // Deny, "I changed my mind": cancelled.
    let tid = pi.sign_in().await;
    let id = only_pending(&vault)["id"].as_str().unwrap().to_owned();
    let (ok, v) = watchword(&vault, &["respond", &id, "deny", "--reason", "cancelled"]);
    assert!(ok, "{v}");
    assert_eq!(v["state"], "denied");
    assert_eq!(pi.status(&tid).await, "cancelled");

    // Fraud: declined (unknown_trigger).
    let tid = pi.sign_in().await;
    let id = only_pending(&vault)["id"].as_str().unwrap().to_owned();
    let (ok, v) = watchword(&vault, &["respond", &id, "fraud"]);
    assert!(ok, "{v}");
    assert_eq!(v["state"], "reported");
    assert_eq!(pi.status(&tid).await, "declined");

    // Bad usage is a typed error and changes nothing.
    let (ok, v) = watchword(&vault, &["respond", &id, "fraud", "--reason", "cancelled"]);
    assert!(!ok);
    assert_eq!(v["error"]["kind"], "invalid_input");
}
