//! privacyIDEA push against a LIVE privacyIDEA 3.14 server
//! (`tests/privacyidea/server.sh test`): enrol, trigger, poll, verify,
//! accept, decline (with each reason), number matching, code to phone,
//! a clock three minutes off, and a challenge altered in flight.
//!
//! Every scenario has its own user, so user-scoped policies and
//! `/validate/check user=...` do not see each other's tokens.

// Helpers outside #[test] fns panic on failure too, like the tests.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use serde_json::{Value, json};
use watchword_core::{
    enrol::{self, Enrolment, PrivacyIdeaPush},
    otp::{OffsetClock, SystemClock},
    push::{
        Answer, ChallengeState, Decision, MemoryPushStore, PushError, PushService, PushStore,
        Shown,
        privacyidea::{DeclineReason, PiError, ServerKey},
    },
};
use watchword_tests::privacyidea::{PiServer, PushQr};

/// Test key size: the parameter is explicit so the default stays 4096.
const TEST_KEY_BITS: usize = 2048;
const PIN: &str = "1234";

type Phone = PushService<Arc<MemoryPushStore>>;

fn phone_with(store: Arc<MemoryPushStore>, clock_off_ms: i64) -> Phone {
    PushService::new(store, Arc::new(OffsetClock::new(SystemClock, clock_off_ms))).unwrap()
}

fn link(qr: &PushQr) -> PrivacyIdeaPush {
    match enrol::classify(&qr.link).unwrap() {
        Enrolment::PrivacyIdeaPush(p) => *p,
        other => panic!("not a pipush link: {other:?}"),
    }
}

/// A user with a fresh push token enrolled on a new phone.
async fn enrolled(pi: &PiServer, user: &str) -> (Phone, PushQr) {
    pi.clear_tokens(user).await;
    let qr = pi.init_push(user, PIN).await;
    let phone = phone_with(Arc::new(MemoryPushStore::new()), 0);
    phone
        .enrol_privacyidea_with_key_bits(&link(&qr), TEST_KEY_BITS, None)
        .await
        .unwrap();
    (phone, qr)
}

async fn status(pi: &PiServer, tid: &str) -> (bool, String) {
    let r = pi.poll_transaction(tid).await;
    (
        r["result"]["value"].as_bool().unwrap(),
        r["detail"]["challenge_status"]
            .as_str()
            .unwrap_or("")
            .to_owned(),
    )
}

async fn finalize(pi: &PiServer, user: &str, tid: &str) -> Value {
    pi.rp(
        "/validate/check",
        &[
            ("user", user),
            ("realm", "defrealm"),
            ("transaction_id", tid),
            ("pass", ""),
        ],
    )
    .await
}

#[tokio::test]
async fn enrol_check_poll_verify_accept_and_finalize() {
    let Some(pi) = PiServer::from_env().await else {
        return;
    };
    let (phone, qr) = enrolled(&pi, "alice").await;

    // The stored account: provider, serial, the server's PKCS#1 key.
    let account = &phone.accounts().unwrap()[0];
    assert_eq!(
        account.provider,
        watchword_core::push::Provider::PrivacyIdea
    );
    assert_eq!(account.device_id, qr.serial);
    assert!(account.base_url.ends_with("/ttype/push"));
    ServerKey::from_pkcs1_b64(&account.server_public_key).unwrap();
    let token = pi
        .admin(
            reqwest::Method::GET,
            &format!("/token/?serial={}", qr.serial),
            Value::Null,
        )
        .await;
    assert_eq!(
        token["result"]["value"]["tokens"][0]["rollout_state"],
        "enrolled"
    );

    // Nothing open yet.
    assert!(phone.pending().await.unwrap().is_empty());

    let (tid, _) = pi.sign_in("alice", PIN).await;
    let pending = phone.pending().await.unwrap();
    assert_eq!(pending.len(), 1, "{pending:?}");
    let c = &pending[0];
    assert_eq!(c.provider, watchword_core::push::Provider::PrivacyIdea);
    assert_eq!(c.account_id, qr.serial);
    assert_eq!(c.app, "privacyIDEA");
    assert_eq!(c.message, "Do you want to confirm the login?");
    assert!(!c.needs_number && c.options.is_empty());
    assert_eq!(status(&pi, &tid).await, (false, "pending".into()));

    // Same respond() as the own protocol.
    assert_eq!(
        phone.respond(&c.id, &Answer::approve(None)).await.unwrap(),
        ChallengeState::Approved
    );
    assert_eq!(
        phone.tracked(&c.id).unwrap().state,
        ChallengeState::Approved
    );
    assert_eq!(status(&pi, &tid).await, (true, "accept".into()));
    assert!(phone.pending().await.unwrap().is_empty());
    // Answering again is refused on the device.
    assert!(matches!(
        phone.respond(&c.id, &Answer::deny()).await,
        Err(PushError::AlreadyFinal(ChallengeState::Approved))
    ));

    let r = finalize(&pi, "alice", &tid).await;
    assert_eq!(r["result"]["value"], true, "{r}");
    assert_eq!(r["result"]["authentication"], "ACCEPT");
    // The challenge is consumed.
    assert_eq!(finalize(&pi, "alice", &tid).await["result"]["value"], false);
}

#[tokio::test]
async fn triggerchallenge_then_decline_with_each_reason() {
    let Some(pi) = PiServer::from_env().await else {
        return;
    };
    let (phone, qr) = enrolled(&pi, "bob").await;
    let mut tids = Vec::new();
    for (answer, expect_status) in [
        (Answer::deny(), "declined"),
        (Answer::Fraud, "declined"),
        (Answer::Deny(Some(DeclineReason::Cancelled)), "cancelled"),
    ] {
        let r = pi.trigger(&qr.serial).await;
        assert_eq!(r["result"]["value"], 1, "{r}");
        let tid = r["detail"]["transaction_id"].as_str().unwrap().to_owned();
        tids.push(tid.clone());
        let pending = phone.pending().await.unwrap();
        assert_eq!(pending.len(), 1, "{answer:?}: {pending:?}");
        let state = phone.respond(&pending[0].id, &answer).await.unwrap();
        let expected = if answer.decision() == Decision::Fraud {
            ChallengeState::Reported
        } else {
            ChallengeState::Denied
        };
        assert_eq!(state, expected);
        assert_eq!(
            status(&pi, &tid).await,
            (false, expect_status.into()),
            "{answer:?}"
        );
        let f = finalize(&pi, "bob", &tid).await;
        assert_eq!(f["result"]["value"], false, "{answer:?}: {f}");
        assert!(phone.pending().await.unwrap().is_empty());
    }

    // The reasons reached the server: its audit log names them per
    // transaction (the fraud report as `unknown_trigger`).
    let audit = pi
        .admin(reqwest::Method::GET, "/audit/?page_size=500", Value::Null)
        .await
        .to_string();
    let [plain, fraud, cancelled] = [&tids[0], &tids[1], &tids[2]];
    assert!(
        audit.contains(&format!(
            "transaction_id: {fraud}, status: declined, reason: unknown_trigger"
        )),
        "{audit}"
    );
    assert!(
        audit.contains(&format!("transaction_id: {cancelled}, status: cancelled")),
        "{audit}"
    );
    assert!(!audit.contains(&format!(
        "transaction_id: {plain}, status: declined, reason"
    )));
}

#[tokio::test]
async fn require_presence_right_and_wrong_answer() {
    let Some(pi) = PiServer::from_env().await else {
        return;
    };
    pi.policy(
        "presence-carol",
        json!({"scope": "authentication", "user": "carol", "realm": "defrealm",
               "action": {"push_require_presence": true, "push_presence_options": "ALPHABETIC",
                          "push_ssl_verify": "0"}, "active": true}),
    )
    .await;
    let (phone, _qr) = enrolled(&pi, "carol").await;
    let (tid, r) = pi.sign_in("carol", PIN).await;
    let shown = presence_answer(&r);

    let pending = phone.pending().await.unwrap();
    assert_eq!(pending.len(), 1);
    let c = &pending[0];
    assert!(c.needs_number);
    assert!(
        c.options.len() >= 2 && c.options.contains(&shown),
        "{:?} / {shown}",
        c.options
    );

    // No pick: refused locally.
    assert!(matches!(
        phone.respond(&c.id, &Answer::approve(None)).await,
        Err(PushError::NumberRequired)
    ));
    // Not one of the options: refused locally.
    let err = phone
        .respond(&c.id, &approve(Some("not-an-option")))
        .await
        .unwrap_err();
    assert!(
        matches!(err, PushError::PrivacyIdea(PiError::NotAnOption(_))),
        "{err:?}"
    );
    // A wrong option: the server says no, the challenge stays open.
    let wrong = c.options.iter().find(|o| **o != shown).unwrap().clone();
    let err = phone
        .respond(&c.id, &approve(Some(&wrong)))
        .await
        .unwrap_err();
    assert!(
        matches!(err, PushError::PrivacyIdea(PiError::WrongOption)),
        "{err:?}"
    );
    assert_eq!(phone.tracked(&c.id).unwrap().state, ChallengeState::Pending);
    assert_eq!(status(&pi, &tid).await, (false, "pending".into()));
    // The right one.
    assert_eq!(
        phone.respond(&c.id, &approve(Some(&shown))).await.unwrap(),
        ChallengeState::Approved
    );
    assert_eq!(status(&pi, &tid).await, (true, "accept".into()));
    assert_eq!(finalize(&pi, "carol", &tid).await["result"]["value"], true);
}

fn approve(answer: Option<&str>) -> Answer {
    Answer::Approve(answer.map(|a| Shown::Text(a.to_owned())))
}

/// The option the sign-in screen shows, from the trigger reply.
fn presence_answer(r: &Value) -> String {
    let d = &r["detail"];
    d["presence_answer"]
        .as_str()
        .or_else(|| d["multi_challenge"][0]["presence_answer"].as_str())
        .unwrap_or_else(|| panic!("no presence_answer in {r}"))
        .to_owned()
}

#[tokio::test]
async fn code_to_phone_shows_the_display_code() {
    let Some(pi) = PiServer::from_env().await else {
        return;
    };
    pi.policy(
        "code-to-phone-dave",
        json!({"scope": "authentication", "user": "dave", "realm": "defrealm",
               "action": {"push_code_to_phone": true, "push_ssl_verify": "0"}, "active": true}),
    )
    .await;
    let (phone, _qr) = enrolled(&pi, "dave").await;
    let (tid, _) = pi.sign_in("dave", PIN).await;
    let pending = phone.pending().await.unwrap();
    assert_eq!(pending.len(), 1);
    let id = pending[0].id.clone();
    assert_eq!(
        phone.respond(&id, &Answer::approve(None)).await.unwrap(),
        ChallengeState::Approved
    );
    let code = phone
        .tracked(&id)
        .unwrap()
        .display_code
        .expect("a display code");
    assert!(
        code.len() >= 2 && code.chars().all(|c| c.is_ascii_digit()),
        "{code}"
    );
    // The user types it into the sign-in: the relying party checks it.
    let r = pi
        .rp(
            "/validate/check",
            &[
                ("user", "dave"),
                ("realm", "defrealm"),
                ("transaction_id", &tid),
                ("pass", &code),
            ],
        )
        .await;
    assert_eq!(r["result"]["value"], true, "{r}");
    assert!(phone.pending().await.unwrap().is_empty());
}

#[tokio::test]
async fn poll_with_a_clock_three_minutes_off() {
    let Some(pi) = PiServer::from_env().await else {
        return;
    };
    for off_ms in [-180_000, 180_000] {
        // Enrolled with a right clock (stored offset 0), then the phone's
        // clock goes wrong: the first poll is refused for its timestamp,
        // the offset comes from the server's Date, the retry works.
        let (good, qr) = enrolled(&pi, "erin").await;
        let store = Arc::new(MemoryPushStore::new());
        store.put(&good.accounts().unwrap()[0]).unwrap();
        let skewed = phone_with(store.clone(), off_ms);
        let (tid, _) = pi.sign_in("erin", PIN).await;
        let pending = skewed.pending().await.unwrap();
        assert_eq!(pending.len(), 1, "clock off by {off_ms} ms");
        let learned = store.list().unwrap()[0].clock_offset;
        assert!(
            (learned * 1000 + off_ms).abs() <= 2_000,
            "learned {learned} s for {off_ms} ms"
        );
        skewed
            .respond(&pending[0].id, &Answer::approve(None))
            .await
            .unwrap();
        assert_eq!(status(&pi, &tid).await, (true, "accept".into()));

        // Enrolled with the wrong clock from the start: the offset is
        // learned at enrolment and the first poll already works.
        pi.clear_tokens("erin").await;
        let qr2 = pi.init_push("erin", PIN).await;
        let phone = phone_with(Arc::new(MemoryPushStore::new()), off_ms);
        let a = phone
            .enrol_privacyidea_with_key_bits(&link(&qr2), TEST_KEY_BITS, None)
            .await
            .unwrap();
        assert!((a.clock_offset * 1000 + off_ms).abs() <= 2_000);
        let _ = qr;
    }
}

#[tokio::test]
async fn firebase_token_update_is_signed_and_accepted() {
    let Some(pi) = PiServer::from_env().await else {
        return;
    };
    let (phone, qr) = enrolled(&pi, "heidi").await;
    phone
        .update_privacyidea_push_token(&qr.serial, "new-platform-token")
        .await
        .unwrap();
    let info = pi
        .admin(
            reqwest::Method::GET,
            &format!("/token/?serial={}", qr.serial),
            Value::Null,
        )
        .await;
    assert_eq!(
        info["result"]["value"]["tokens"][0]["info"]["firebase_token"], "new-platform-token",
        "{info}"
    );
}

#[tokio::test]
async fn enrolment_step_two_twice_is_refused_and_nothing_stored() {
    let Some(pi) = PiServer::from_env().await else {
        return;
    };
    let (_phone, qr) = enrolled(&pi, "grace").await;
    let again = phone_with(Arc::new(MemoryPushStore::new()), 0);
    let err = again
        .enrol_privacyidea_with_key_bits(&link(&qr), TEST_KEY_BITS, None)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            PushError::PrivacyIdea(PiError::Refused { status: 404, .. })
        ),
        "{err:?}"
    );
    assert!(again.accounts().unwrap().is_empty());
    pi.clear_tokens("grace").await;
}
