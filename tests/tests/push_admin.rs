//! An administrator's work on the reference server, with real devices over
//! loopback: listing a user's devices, revoking a lost phone (its requests
//! refused at once, its late answer changing nothing, no notification to
//! it), the lost phone → new phone recipe, removing a user, and relying
//! parties each with their own key, seeing only their own sign-ins.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is a failure report.

use std::sync::Arc;

use watchword_core::otp::SystemClock;
use watchword_core::push::{
    Activation, Answer, ChallengeStatus, ErrorCode, MemoryPushStore, PushError, PushService,
};
use watchword_server::admin::UserRemoved;
use watchword_server::{Policy, delivery::LogSender};
use watchword_tests::{
    databases::{everything_stored, sql_execute},
    push::{Loopback, RelyingParty, log_only, open_server, sign_in},
    push_services::TestPki,
};
use zeroize::Zeroizing;

fn refusal<T: std::fmt::Debug>(r: Result<T, PushError>) -> ErrorCode {
    match r {
        Err(e) => e
            .refusal_code()
            .unwrap_or_else(|| panic!("not a server refusal: {e:?}")),
        Ok(v) => panic!("accepted: {v:?}"),
    }
}

#[tokio::test]
async fn devices_are_listed_with_their_name_activation_and_last_visit() {
    let lb = Loopback::start().await;
    let phone = lb.device("alice").await;
    let listed = lb.server.devices("alice", false).unwrap();
    assert_eq!(listed.len(), 1);
    let d = &listed[0];
    assert_eq!(
        (d.name.as_str(), d.user.as_str(), d.push, d.revoked_at),
        ("alice's phone", "alice", None, None)
    );
    assert_eq!(d.id, phone.accounts().unwrap()[0].device_id);
    assert_eq!(d.activated_at, lb.server.now());
    assert_eq!(d.last_seen, None, "activation is not a signed request");

    lb.clock.advance(90_000);
    phone.pending().await.unwrap();
    assert_eq!(
        lb.server.devices("alice", false).unwrap()[0].last_seen,
        Some(lb.server.now())
    );
    // Another user's devices are not in the list.
    let _bob = lb.device("bob").await;
    assert_eq!(lb.server.devices("alice", false).unwrap().len(), 1);
    assert!(lb.server.devices("nobody", true).unwrap().is_empty());
}

#[tokio::test]
async fn a_revoked_phone_is_refused_at_once_and_its_late_answer_changes_nothing() {
    let lb = Loopback::start().await;
    let lost = lb.device("alice").await;
    let lost_id = lost.accounts().unwrap()[0].device_id.clone();
    // A sign-in the lost phone has already seen.
    let c = lb.rp_challenge("alice", true).await.unwrap();
    assert_eq!(lost.pending().await.unwrap().len(), 1);
    let sent_before = lb.sender.sent().len();

    let revoked = lb.server.revoke_device(&lost_id).unwrap();
    assert!(revoked.revoked_at.is_some());

    // Its answer to the request it saw is refused and changes nothing.
    assert_eq!(
        refusal(lost.respond(&c.id, &Answer::approve(c.number)).await),
        ErrorCode::UnknownDevice
    );
    assert_eq!(lb.rp_status(&c.id).await.status, ChallengeStatus::Pending);
    // It can fetch nothing more.
    assert_eq!(refusal(lost.pending().await), ErrorCode::UnknownDevice);
    // No new sign-in goes to it: alice has no active device left.
    let r = lb.rp_challenge("alice", true).await;
    assert!(
        matches!(&r, Err(body) if body.error.code == ErrorCode::NoDevice),
        "{r:?}"
    );
    assert_eq!(lb.sender.sent().len(), sent_before);
    // The listing keeps it, marked, on request.
    assert!(lb.server.devices("alice", false).unwrap().is_empty());
    let all = lb.server.devices("alice", true).unwrap();
    assert_eq!((all.len(), all[0].revoked_at), (1, revoked.revoked_at));
    // Revoking twice (or a typo) is not a silent success.
    let again = lb.server.revoke_device(&lost_id).unwrap_err();
    assert_eq!(again.code, ErrorCode::UnknownDevice);
}

#[tokio::test]
async fn lost_phone_to_new_phone() {
    // The recipe in the README: revoke the lost phone, issue a new
    // activation code, activate the new phone.
    let lb = Loopback::start().await;
    let lost = lb.device("alice").await;
    let lost_id = lost.accounts().unwrap()[0].device_id.clone();
    lb.server.revoke_device(&lost_id).unwrap();
    let new = lb.device("alice").await;

    let c = lb.rp_challenge("alice", true).await.unwrap();
    assert_eq!(refusal(lost.pending().await), ErrorCode::UnknownDevice);
    let seen = new.pending().await.unwrap();
    assert_eq!(seen.len(), 1);
    new.respond(&c.id, &Answer::approve(c.number))
        .await
        .unwrap();
    assert_eq!(lb.rp_status(&c.id).await.status, ChallengeStatus::Approved);
    let active = lb.server.devices("alice", false).unwrap();
    assert_eq!(active.len(), 1);
    assert_eq!(active[0].id, new.accounts().unwrap()[0].device_id);
}

#[tokio::test]
async fn removing_a_user_revokes_cancels_and_ends_everything() {
    let lb = Loopback::start().await;
    let phone = lb.device("alice").await;
    let second = lb.device("alice").await;
    let unused = lb.server.enrol("alice", &lb.base).unwrap();
    let c = lb.rp_challenge("alice", true).await.unwrap();

    assert_eq!(
        lb.server.remove_user("alice").unwrap(),
        UserRemoved {
            devices_revoked: 2,
            activations_cancelled: 1,
            requests_ended: 1,
        }
    );
    assert_eq!(refusal(phone.pending().await), ErrorCode::UnknownDevice);
    assert_eq!(refusal(second.pending().await), ErrorCode::UnknownDevice);
    assert_eq!(lb.rp_status(&c.id).await.status, ChallengeStatus::Expired);
    // The unused activation code no longer activates anything.
    let late = Activation::from_link(&unused.link).unwrap();
    let fresh = PushService::new(Arc::new(MemoryPushStore::new()), lb.clock.clone()).unwrap();
    assert_eq!(
        refusal(fresh.activate(&late, "late phone", None).await),
        ErrorCode::ActivationExpired
    );
    // An unknown user is refused as such.
    assert_eq!(
        lb.server.remove_user("nobody").unwrap_err().code,
        ErrorCode::UnknownUser
    );
    // Enrolling again starts afresh.
    let back = lb.device("alice").await;
    assert_eq!(back.pending().await.unwrap().len(), 0);
}

#[tokio::test]
async fn each_relying_party_has_its_own_key_and_sees_only_its_own_sign_ins() {
    let lb = Loopback::start().await;
    let phone = lb.device("alice").await;
    let outlook = RelyingParty::new(&lb.base, &lb.server.add_rp_key("outlook").unwrap());
    let vpn = RelyingParty::new(&lb.base, &lb.server.add_rp_key("vpn").unwrap());
    let default = RelyingParty::new(&lb.base, &lb.rp_key);

    let c = outlook
        .challenge(&sign_in("alice", Some(true)))
        .await
        .unwrap();
    assert_eq!(outlook.status(&c.id).await.status, ChallengeStatus::Pending);
    // Another relying party cannot tell it exists.
    for other in [&vpn, &default] {
        let r = other.try_status(&c.id).await;
        assert!(
            matches!(&r, Err(body) if body.error.code == ErrorCode::ChallengeNotFound),
            "{r:?}"
        );
    }
    phone.pending().await.unwrap();
    phone
        .respond(&c.id, &Answer::approve(c.number))
        .await
        .unwrap();
    assert_eq!(
        outlook.status(&c.id).await.status,
        ChallengeStatus::Approved
    );

    // A name is one key; revoking it stops that relying party only.
    let dup = lb.server.add_rp_key("vpn").unwrap_err();
    assert_eq!(dup.code, ErrorCode::BadRequest);
    lb.server.revoke_rp_key("vpn").unwrap();
    let r = vpn.challenge(&sign_in("alice", Some(true))).await;
    assert!(
        matches!(&r, Err(body) if body.error.code == ErrorCode::Unauthorized),
        "{r:?}"
    );
    assert!(
        outlook
            .challenge(&sign_in("alice", Some(true)))
            .await
            .is_ok()
    );
    let listed: Vec<(String, bool)> = lb
        .server
        .rp_keys()
        .unwrap()
        .into_iter()
        .map(|rp| (rp.name, rp.revoked_at.is_some()))
        .collect();
    assert_eq!(
        listed,
        vec![
            ("default".to_owned(), false),
            ("outlook".to_owned(), false),
            ("vpn".to_owned(), true)
        ]
    );
    // A revoked name can have a new key.
    let vpn_again = RelyingParty::new(&lb.base, &lb.server.add_rp_key("vpn").unwrap());
    assert!(
        vpn_again
            .challenge(&sign_in("alice", Some(true)))
            .await
            .is_ok()
    );
    // Only hashes are stored.
    let stored = everything_stored(&lb.db);
    assert!(!stored.windows(5).any(|w| w == b"wwrp_"));
}

#[tokio::test]
async fn the_audit_log_records_who_did_what_and_cannot_be_changed() {
    let lb = Loopback::start().await;
    let outlook_key = lb.server.add_rp_key("outlook").unwrap();
    let outlook = RelyingParty::new(&lb.base, &outlook_key);
    // A wrong activation code first, then the right one.
    let e = lb.server.enrol("alice", &lb.base).unwrap();
    let wrong_digit = if e.code.ends_with('0') { "1" } else { "0" };
    let wrong_code = format!("{}{wrong_digit}", &e.code[..8]);
    let wrong_link = e.link.replace(&e.code, &wrong_code);
    let phone = PushService::new(Arc::new(MemoryPushStore::new()), lb.clock.clone()).unwrap();
    let r = phone
        .activate(&Activation::from_link(&wrong_link).unwrap(), "Pixel", None)
        .await;
    assert_eq!(refusal(r), ErrorCode::ActivationWrongCode);
    phone
        .activate(&Activation::from_link(&e.link).unwrap(), "Pixel", None)
        .await
        .unwrap();
    let device = phone.accounts().unwrap()[0].device_id.clone();
    // An approved and a denied sign-in.
    let mut request = sign_in("alice", Some(true));
    request.location = "Utrecht, NL".into();
    request.ip = "203.0.113.7".into();
    let approved = outlook.challenge(&request).await.unwrap();
    phone.pending().await.unwrap();
    phone
        .respond(&approved.id, &Answer::approve(approved.number))
        .await
        .unwrap();
    let denied = outlook.challenge(&request).await.unwrap();
    phone.pending().await.unwrap();
    phone.respond(&denied.id, &Answer::deny()).await.unwrap();
    lb.clock.advance(3_600_000);
    let later = lb.server.now();
    lb.server.revoke_device(&device).unwrap();
    lb.server.revoke_rp_key("outlook").unwrap();

    let log = lb.server.audit_since(0).unwrap();
    let events: Vec<&str> = log.iter().map(|r| r.event.as_str()).collect();
    assert_eq!(
        events,
        [
            "rp_key_added", // the Loopback's default key
            "rp_key_added",
            "activation_issued",
            "activation_failed",
            "device_activated",
            "challenge_created",
            "challenge_approved",
            "challenge_created",
            "challenge_denied",
            "device_revoked",
            "rp_key_revoked",
        ]
    );
    let created = &log[5];
    assert_eq!(
        (
            created.context.user.as_deref(),
            created.context.rp.as_deref(),
            created.context.challenge.as_deref(),
            created.context.app.as_deref(),
            created.context.location.as_deref(),
            created.context.ip.as_deref(),
        ),
        (
            Some("alice"),
            Some("outlook"),
            Some(approved.id.as_str()),
            Some("Outlook"),
            Some("Utrecht, NL"),
            Some("203.0.113.7")
        )
    );
    let approval = &log[6];
    assert_eq!(approval.context.device.as_deref(), Some(device.as_str()));
    assert_eq!(
        approval.context.challenge.as_deref(),
        Some(approved.id.as_str())
    );
    assert!(log.windows(2).all(|w| w[0].seq < w[1].seq));
    // --since: only what happened from then on.
    let recent: Vec<String> = lb
        .server
        .audit_since(later)
        .unwrap()
        .into_iter()
        .map(|r| r.event)
        .collect();
    assert_eq!(recent, ["device_revoked", "rp_key_revoked"]);
    // Nothing secret: no activation code, no key, no number.
    let text = serde_json::to_string(&log).unwrap();
    for secret in [e.code.as_str(), outlook_key.as_str(), lb.rp_key.as_str()] {
        assert!(!text.contains(secret));
    }
    // Append-only, even to someone with the database.
    for sql in [
        "UPDATE audit SET user_name = 'mallory'",
        "DELETE FROM audit WHERE event = 'challenge_approved'",
    ] {
        let e = sql_execute(&lb.db, sql).unwrap_err();
        assert!(e.contains("append-only"), "{sql}: {e}");
    }
    assert_eq!(lb.server.audit_since(0).unwrap(), log);
}

#[tokio::test]
async fn health_and_metrics_for_the_operators() {
    let lb = Loopback::start().await;
    let phone = lb.device("alice").await;
    let c = lb.rp_challenge("alice", true).await.unwrap();
    phone.pending().await.unwrap();
    phone
        .respond(&c.id, &Answer::approve(c.number))
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let health = http
        .get(format!("{}/healthz", lb.base))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    assert_eq!(
        health.json::<serde_json::Value>().await.unwrap(),
        serde_json::json!({"status": "ok"})
    );
    let m = http
        .get(format!("{}/metrics", lb.base))
        .send()
        .await
        .unwrap();
    assert!(
        m.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text")
    );
    let text = m.text().await.unwrap();
    for line in [
        "watchword_events_total{event=\"challenge_created\"} 1",
        "watchword_events_total{event=\"challenge_approved\"} 1",
        "watchword_events_total{event=\"device_activated\"} 1",
        "watchword_delivery_steps_total{service=\"none\",state=\"no_address\"} 1",
        "watchword_http_request_duration_seconds_count{method=\"GET\",route=\"/v1/device/pending\",status=\"200\"} 1",
        "watchword_http_request_duration_seconds_count{method=\"POST\",route=\"/v1/device/challenges/{id}/answer\",status=\"200\"} 1",
    ] {
        assert!(text.contains(line), "{line} not in\n{text}");
    }
    // Route templates and fixed words only: no user, device or id.
    let device = phone.accounts().unwrap()[0].device_id.clone();
    for personal in ["alice", device.as_str(), c.id.as_str()] {
        assert!(!text.contains(personal), "{personal} in the metrics");
    }
}

#[tokio::test]
async fn the_server_serves_tls_itself_when_given_a_certificate() {
    let pki = TestPki::new();
    let config = watchword_server::tls::server_config(
        pki.leaf_pem.as_bytes(),
        &Zeroizing::new(pki.key_pem.clone().into_bytes()),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let server = open_server(
        watchword_tests::databases::test_db(dir.path()),
        Arc::new(SystemClock),
        Policy::default(),
        log_only(Arc::new(LogSender::default())),
    );
    let handle =
        watchword_server::start_with(server.clone(), "127.0.0.1:0".parse().unwrap(), Some(config))
            .await
            .unwrap();
    let base = handle.base_url();
    assert!(base.starts_with("https://127.0.0.1:"), "{base}");
    // Activation links carry the https URL.
    assert!(
        server
            .enrol("alice", &base)
            .unwrap()
            .url
            .starts_with("https://")
    );
    watchword_core::push::client::install_ring_provider();
    let trusting = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(pki.ca_pem.as_bytes()).unwrap())
        .build()
        .unwrap();
    let r = trusting
        .get(format!("{base}/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // Plain HTTP to the TLS port gets no HTTP answer; an untrusting client
    // refuses the certificate.
    let plain = reqwest::get(format!("http://{}/healthz", handle.addr)).await;
    assert!(plain.is_err(), "{plain:?}");
    let untrusting = reqwest::Client::builder().build().unwrap();
    let e = untrusting
        .get(format!("{base}/healthz"))
        .send()
        .await
        .unwrap_err();
    assert!(e.is_connect(), "{e:?}");
    handle.stop().await;

    // Bad files are refused with a reason, never their content.
    let other = TestPki::new();
    let mismatch = watchword_server::tls::server_config(
        pki.leaf_pem.as_bytes(),
        &Zeroizing::new(other.key_pem.clone().into_bytes()),
    )
    .unwrap_err();
    assert!(mismatch.contains("does not fit"), "{mismatch}");
    let no_cert = watchword_server::tls::server_config(
        b"not a certificate",
        &Zeroizing::new(pki.key_pem.clone().into_bytes()),
    )
    .unwrap_err();
    assert!(no_cert.contains("no certificate"), "{no_cert}");
    let no_key = watchword_server::tls::server_config(
        pki.leaf_pem.as_bytes(),
        &Zeroizing::new(b"nothing".to_vec()),
    )
    .unwrap_err();
    assert!(
        no_key.contains("no PEM private key") && !no_key.contains("nothing"),
        "{no_key}"
    );
}

/// The administrator's HTTP API, as an identity system would call it.
struct AdminApi {
    base: String,
    key: String,
    http: reqwest::Client,
}

impl AdminApi {
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        key: &str,
        body: Option<serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(key);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let r = request.send().await.unwrap();
        (r.status().as_u16(), r.json().await.unwrap())
    }

    async fn get(&self, path: &str) -> (u16, serde_json::Value) {
        self.call(reqwest::Method::GET, path, &self.key, None).await
    }

    async fn post(&self, path: &str, body: Option<serde_json::Value>) -> (u16, serde_json::Value) {
        self.call(reqwest::Method::POST, path, &self.key, body)
            .await
    }
}

fn code(body: &serde_json::Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("")
}

#[tokio::test]
async fn the_admin_http_api_does_what_the_commands_do_and_only_with_its_key() {
    let lb = Loopback::start().await;
    let http = reqwest::Client::new();
    // Before any administrator key exists, nobody gets in, not even with
    // a relying party's key.
    let before = AdminApi {
        base: lb.base.clone(),
        key: lb.rp_key.clone(),
        http: http.clone(),
    };
    let (status, body) = before.get("/v1/admin/rp-keys").await;
    assert_eq!((status, code(&body)), (401, "unauthorized"));

    let admin = AdminApi {
        base: lb.base.clone(),
        key: lb.server.rotate_admin_key().unwrap(),
        http,
    };
    assert!(admin.key.starts_with("wwadm_"));
    for key in ["", "wwadm_wrong", lb.rp_key.as_str()] {
        let (status, body) = admin
            .call(reqwest::Method::GET, "/v1/admin/audit", key, None)
            .await;
        assert_eq!((status, code(&body)), (401, "unauthorized"), "{key:?}");
    }

    // Enrol over the API; a phone activates with what it returns.
    let (status, e) = admin.post("/v1/admin/users/alice/enrolments", None).await;
    assert_eq!(status, 201, "{e}");
    assert_eq!(e["code"].as_str().unwrap().len(), 9);
    let phone = PushService::new(Arc::new(MemoryPushStore::new()), lb.clock.clone()).unwrap();
    phone
        .activate(
            &Activation::from_link(e["link"].as_str().unwrap()).unwrap(),
            "alice's phone",
            None,
        )
        .await
        .unwrap();
    let (status, listed) = admin.get("/v1/admin/users/alice/devices").await;
    assert_eq!(status, 200);
    let device = listed["devices"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(listed["devices"][0]["name"], "alice's phone");

    // A relying party added over the API raises a sign-in with its key.
    let (status, added) = admin
        .post(
            "/v1/admin/rp-keys",
            Some(serde_json::json!({"name": "intranet"})),
        )
        .await;
    assert_eq!(status, 201, "{added}");
    let intranet = RelyingParty::new(&lb.base, added["key"].as_str().unwrap());
    let c = intranet
        .challenge(&sign_in("alice", Some(true)))
        .await
        .unwrap();
    let (_, listed) = admin.get("/v1/admin/rp-keys").await;
    let names: Vec<&str> = listed["relying_parties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["default", "intranet"]);
    let (status, body) = admin.post("/v1/admin/rp-keys/intranet/revoke", None).await;
    assert_eq!((status, &body["revoked"]), (200, &serde_json::json!(true)));
    assert_eq!(
        intranet.try_status(&c.id).await.unwrap_err().error.code,
        ErrorCode::Unauthorized
    );

    // Revoked over the API: the phone is refused at once.
    let (status, revoked) = admin
        .post(&format!("/v1/admin/devices/{device}/revoke"), None)
        .await;
    assert_eq!(status, 200, "{revoked}");
    assert!(revoked["revoked_at"].is_i64());
    assert_eq!(refusal(phone.pending().await), ErrorCode::UnknownDevice);
    let (status, body) = admin
        .post(&format!("/v1/admin/devices/{device}/revoke"), None)
        .await;
    assert_eq!((status, code(&body)), (401, "unknown_device"));
    let (_, all) = admin.get("/v1/admin/users/alice/devices?all=true").await;
    assert_eq!(all["devices"].as_array().unwrap().len(), 1);
    let (_, live) = admin.get("/v1/admin/users/alice/devices").await;
    assert!(live["devices"].as_array().unwrap().is_empty());

    // Removing a user; an unknown one is 404.
    let (status, removed) = admin
        .call(
            reqwest::Method::DELETE,
            "/v1/admin/users/alice",
            &admin.key,
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(removed["requests_ended"], 1);
    let (status, body) = admin
        .call(
            reqwest::Method::DELETE,
            "/v1/admin/users/nobody",
            &admin.key,
            None,
        )
        .await;
    assert_eq!((status, code(&body)), (404, "unknown_user"));

    // Everything is in the audit log, read over the API the same as the
    // command reads it; bad parameters are refused.
    let (status, log) = admin.get("/v1/admin/audit?since=0").await;
    assert_eq!(status, 200);
    let events: Vec<&str> = log["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(
        events,
        [
            "rp_key_added",
            "admin_key_changed",
            "activation_issued",
            "device_activated",
            "rp_key_added",
            "challenge_created",
            "rp_key_revoked",
            "device_revoked",
            "user_removed"
        ]
    );
    assert_eq!(
        serde_json::to_value(lb.server.audit_since(0).unwrap()).unwrap(),
        log["events"]
    );
    for path in [
        "/v1/admin/audit?since=yesterday",
        "/v1/admin/users/alice/devices?all=yes",
        // Not UTF-8: axum refuses it before any handler; still the
        // protocol's JSON refusal.
        "/v1/admin/users/%FF/devices",
        "/v1/challenges/%FF",
    ] {
        let (status, body) = admin.get(path).await;
        assert_eq!((status, code(&body)), (400, "bad_request"), "{path}");
    }
    // A new key replaces the old one.
    let old = admin.key.clone();
    lb.server.rotate_admin_key().unwrap();
    let (status, _) = admin
        .call(reqwest::Method::GET, "/v1/admin/audit", &old, None)
        .await;
    assert_eq!(status, 401);
    // Only hashes of the keys are stored.
    let stored = everything_stored(&lb.db);
    assert!(!stored.windows(6).any(|w| w == b"wwadm_"));
}
