//! The live privacyIDEA 3.14 server of the `privacyidea_*` tests, as a
//! relying party and an administrator see it (REST with the admin JWT).
//!
//! `tests/privacyidea/server.sh start` runs the server and `env` prints
//! the variables read here. Without `WATCHWORD_PI_URL` the tests skip,
//! except under `CI=true`, where a missing server is a failure.

// A test helper: failing loudly on a broken server is what it is for.
#![allow(clippy::unwrap_used)]

use serde_json::{Value, json};

/// A configured privacyIDEA server.
#[derive(Debug, Clone)]
pub struct PiServer {
    /// Base URL, `http://127.0.0.1:PORT`.
    pub url: String,
    http: reqwest::Client,
    token: String,
}

/// Removes a policy when dropped (see [`PiServer::removes_policy_on_drop`]).
#[derive(Debug)]
pub struct PolicyGuard {
    url: String,
    token: String,
}

impl Drop for PolicyGuard {
    fn drop(&mut self) {
        let (url, token) = (self.url.clone(), self.token.clone());
        // Drop is not async: a thread with its own runtime.
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async {
                let _ = reqwest::Client::new()
                    .delete(url)
                    .header("PI-Authorization", token)
                    .send()
                    .await;
            });
        })
        .join();
    }
}

/// A push token enrolled by the administrator, waiting for the phone.
#[derive(Debug, Clone)]
pub struct PushQr {
    /// Serial (`PIPU...`).
    pub serial: String,
    /// The QR's `otpauth://pipush/...` link.
    pub link: String,
}

impl PiServer {
    /// The server from the environment, or `None` (skip) outside CI.
    ///
    /// # Panics
    /// Under `CI=true` without `WATCHWORD_PI_URL`, or when the admin
    /// cannot log in.
    pub async fn from_env() -> Option<Self> {
        let Ok(url) = std::env::var("WATCHWORD_PI_URL") else {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI=true but WATCHWORD_PI_URL is not set: run tests/privacyidea/server.sh"
            );
            // Said on the real stderr and counted by test.sh: a test that
            // could not run must not pass unseen.
            watchword_testkit::corpus::report_skip(
                "privacyIDEA: tests against a live privacyIDEA 3.14",
                "WATCHWORD_PI_URL is not set (tests/privacyidea/server.sh start; eval \"$(tests/privacyidea/server.sh env)\")",
            );
            return None;
        };
        let admin = std::env::var("WATCHWORD_PI_ADMIN").unwrap_or_else(|_| "admin".into());
        let password = std::env::var("WATCHWORD_PI_PASSWORD").unwrap_or_default();
        watchword_core::push::client::install_ring_provider();
        let http = reqwest::Client::new();
        let auth: Value = http
            .post(format!("{url}/auth"))
            .json(&json!({"username": admin, "password": password}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = auth["result"]["value"]["token"]
            .as_str()
            .unwrap_or_else(|| panic!("admin login failed: {auth}"))
            .to_owned();
        Some(Self { url, http, token })
    }

    /// An admin request; returns the whole JSON reply.
    pub async fn admin(&self, method: reqwest::Method, path: &str, body: Value) -> Value {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.url))
            .header("PI-Authorization", &self.token);
        // GET and DELETE take no body (a JSON `null` body is a server error).
        if !body.is_null() {
            request = request.json(&body);
        }
        let r = request.send().await.unwrap();
        r.json().await.unwrap()
    }

    /// An unauthenticated relying-party request (form).
    pub async fn rp(&self, path: &str, form: &[(&str, &str)]) -> Value {
        self.http
            .post(format!("{}{path}", self.url))
            .form(form)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// The relying party's sign-in: `/validate/check` with `user` (realm
    /// `defrealm`) and the token PIN `pin`, which raises a push challenge.
    /// Returns its transaction id and the whole reply.
    ///
    /// # Panics
    /// When the reply is not a challenge.
    pub async fn sign_in(&self, user: &str, pin: &str) -> (String, Value) {
        let r = self
            .rp(
                "/validate/check",
                &[("user", user), ("realm", "defrealm"), ("pass", pin)],
            )
            .await;
        assert_eq!(r["result"]["authentication"], "CHALLENGE", "{r}");
        (
            r["detail"]["transaction_id"].as_str().unwrap().to_owned(),
            r,
        )
    }

    /// Sets (or replaces) policy `name`.
    pub async fn policy(&self, name: &str, body: Value) {
        let r = self
            .admin(reqwest::Method::POST, &format!("/policy/{name}"), body)
            .await;
        assert_eq!(r["result"]["status"], true, "policy {name}: {r}");
    }

    /// A guard that removes policy `name` when dropped, also when the
    /// test panics (for a policy that must not outlive its test, such as
    /// an admin-scope one, which restricts the administrator).
    pub fn removes_policy_on_drop(&self, name: &str) -> PolicyGuard {
        PolicyGuard {
            url: format!("{}/policy/{name}", self.url),
            token: self.token.clone(),
        }
    }

    /// Removes every token of `user` (a clean start for a scenario).
    pub async fn clear_tokens(&self, user: &str) {
        let r = self
            .admin(
                reqwest::Method::GET,
                &format!("/token/?user={user}&realm=defrealm"),
                Value::Null,
            )
            .await;
        for t in r["result"]["value"]["tokens"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let serial = t["serial"].as_str().unwrap();
            self.admin(
                reqwest::Method::DELETE,
                &format!("/token/{serial}"),
                Value::Null,
            )
            .await;
        }
    }

    /// Step 1 of push enrolment for `user` with token PIN `pin`.
    pub async fn init_push(&self, user: &str, pin: &str) -> PushQr {
        let r = self
            .admin(
                reqwest::Method::POST,
                "/token/init",
                json!({"type": "push", "genkey": 1, "user": user, "realm": "defrealm", "pin": pin}),
            )
            .await;
        assert_eq!(r["result"]["status"], true, "token/init push: {r}");
        PushQr {
            serial: r["detail"]["serial"].as_str().unwrap().to_owned(),
            link: r["detail"]["pushurl"]["value"].as_str().unwrap().to_owned(),
        }
    }

    /// An OATH token (`totp` / `hotp`) for `user`; returns its `googleurl`
    /// and serial. `extra` adds init parameters (hashlib, otplen, ...).
    pub async fn init_oath(
        &self,
        kind: &str,
        user: &str,
        pin: &str,
        extra: Value,
    ) -> (String, String) {
        let mut body =
            json!({"type": kind, "genkey": 1, "user": user, "realm": "defrealm", "pin": pin});
        if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
            b.extend(e.clone());
        }
        let r = self.admin(reqwest::Method::POST, "/token/init", body).await;
        assert_eq!(r["result"]["status"], true, "token/init {kind}: {r}");
        (
            r["detail"]["serial"].as_str().unwrap().to_owned(),
            r["detail"]["googleurl"]["value"]
                .as_str()
                .unwrap()
                .to_owned(),
        )
    }

    /// `/validate/triggerchallenge` for a serial (admin right).
    pub async fn trigger(&self, serial: &str) -> Value {
        self.admin(
            reqwest::Method::POST,
            "/validate/triggerchallenge",
            json!({"serial": serial}),
        )
        .await
    }

    /// `/validate/polltransaction`: the relying party's view.
    pub async fn poll_transaction(&self, transaction_id: &str) -> Value {
        self.http
            .get(format!("{}/validate/polltransaction", self.url))
            .query(&[("transaction_id", transaction_id)])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}
