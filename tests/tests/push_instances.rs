//! Several server instances on one PostgreSQL behave as one server (issue
//! 20): a device activated through one instance and a challenge raised on
//! another meet; a nonce sent to two instances at the same moment passes
//! once; two answers at once are decided one after the other; the
//! open-request limit, the cool-down and the activation code's tries hold
//! across instances; a revocation on one is refused on the other at once;
//! instances starting together share one key. Each test runs two real
//! instances (engine + HTTP on loopback) on a fresh database of the
//! PostgreSQL that test.sh starts (`tests/postgres/server.sh`); without it
//! they are skipped and counted, under CI=true they fail.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use reqwest::StatusCode;
use watchword_core::{
    otp::FixedClock,
    push::{
        Activation, Answer, ChallengeStatus, Decision, ErrorCode, MemoryPushStore, PushError,
        PushService,
        keys::{SigningKey, random_b64},
        protocol::{ActivateRequest, ErrorBody, PendingResponse},
    },
    vault::StaticKeyProvider,
};
use watchword_server::{Policy, PushServer, ServerHandle, delivery::LogSender};
use watchword_tests::{
    databases::{fresh_database, pg_url, sql_texts},
    push::{RelyingParty, log_only, real_now_ms, sign_in, start_server},
    push_raw::{code_of, post_answer, raw_pending, signed_answer},
};

const WHAT: &str = "PostgreSQL: several server instances on one database";

/// Two instances on one fresh PostgreSQL database, sharing a clock.
struct Pair {
    a: (Arc<PushServer>, ServerHandle),
    b: (Arc<PushServer>, ServerHandle),
    clock: Arc<FixedClock>,
    rp_key: String,
}

impl Pair {
    async fn start() -> Option<Self> {
        let url = pg_url(WHAT)?;
        let db = fresh_database(&url);
        let clock = Arc::new(FixedClock::new(real_now_ms()));
        let instance = || {
            start_server(
                db.clone(),
                clock.clone(),
                Policy::default(),
                log_only(Arc::new(LogSender::default())),
            )
        };
        let a = instance().await;
        let b = instance().await;
        let rp_key = a.0.rotate_rp_key().unwrap();
        Some(Self {
            a,
            b,
            clock,
            rp_key,
        })
    }

    fn base_a(&self) -> String {
        self.a.1.base_url()
    }

    fn base_b(&self) -> String {
        self.b.1.base_url()
    }

    fn rp_a(&self) -> RelyingParty {
        RelyingParty::new(&self.base_a(), &self.rp_key)
    }

    fn rp_b(&self) -> RelyingParty {
        RelyingParty::new(&self.base_b(), &self.rp_key)
    }

    /// A phone for `user`: enrolled on A, activated through B (so it talks
    /// to B from then on).
    async fn phone_on_b(&self, user: &str) -> PushService<Arc<MemoryPushStore>> {
        let phone = PushService::new(Arc::new(MemoryPushStore::new()), self.clock.clone()).unwrap();
        let e = self.a.0.enrol(user, &self.base_b()).unwrap();
        let a = Activation::from_link(&e.link).unwrap();
        phone.activate(&a, "phone", None).await.unwrap();
        phone
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_challenge_raised_on_one_instance_is_answered_on_the_other() {
    let Some(pair) = Pair::start().await else {
        return;
    };
    let phone = pair.phone_on_b("alice").await;
    // The relying party's key works on both (one table of keys).
    let c = pair
        .rp_a()
        .challenge(&sign_in("alice", Some(true)))
        .await
        .unwrap();
    let pending = phone.pending().await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].id, c.id);
    phone
        .respond(&c.id, &Answer::approve(c.number))
        .await
        .unwrap();
    assert_eq!(
        pair.rp_a().status(&c.id).await.status,
        ChallengeStatus::Approved
    );
    assert_eq!(
        pair.rp_b().status(&c.id).await.status,
        ChallengeStatus::Approved
    );
    // Revoked on A: refused on B at once.
    let device = pair.a.0.devices("alice", false).unwrap().remove(0);
    pair.a.0.revoke_device(&device.id).unwrap();
    let e = phone.pending().await.unwrap_err();
    assert!(
        matches!(
            &e,
            PushError::Refused {
                code: ErrorCode::UnknownDevice,
                ..
            }
        ),
        "{e:?}"
    );
    // The audit log is one log: both instances' events, in order.
    let events: Vec<String> = pair
        .b
        .0
        .audit_since(0)
        .unwrap()
        .into_iter()
        .map(|r| r.event)
        .collect();
    assert_eq!(
        events,
        [
            "rp_key_added",
            "activation_issued",
            "device_activated",
            "challenge_created",
            "challenge_approved",
            "device_revoked"
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_nonce_sent_to_both_instances_at_once_passes_once() {
    let Some(pair) = Pair::start().await else {
        return;
    };
    let phone = pair.phone_on_b("alice").await;
    let account = phone.accounts().unwrap().remove(0);
    let key = account.signing_key().unwrap();
    let now = pair.a.0.now();
    let (base_a, base_b) = (pair.base_a(), pair.base_b());
    for _ in 0..20 {
        let nonce = random_b64(16).unwrap();
        let (ra, rb) = tokio::join!(
            raw_pending(&base_a, &account, &key, now, &nonce),
            raw_pending(&base_b, &account, &key, now, &nonce),
        );
        let mut statuses = [ra.0, rb.0];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::OK, StatusCode::CONFLICT],
            "{ra:?} {rb:?}"
        );
        let refused = if ra.0 == StatusCode::CONFLICT {
            &ra.1
        } else {
            &rb.1
        };
        assert_eq!(code_of(refused), ErrorCode::ReplayedNonce);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_answers_at_once_on_two_instances_are_decided_once() {
    let Some(pair) = Pair::start().await else {
        return;
    };
    let phone = pair.phone_on_b("alice").await;
    let account = phone.accounts().unwrap().remove(0);
    let key = account.signing_key().unwrap();
    let (base_a, base_b) = (pair.base_a(), pair.base_b());
    for round in 0..10 {
        let c = pair
            .rp_a()
            .challenge(&sign_in("alice", Some(true)))
            .await
            .unwrap();
        let now = pair.a.0.now();
        let (_, body) = raw_pending(
            &pair.base_a(),
            &account,
            &key,
            now,
            &random_b64(16).unwrap(),
        )
        .await;
        let pending: PendingResponse = serde_json::from_value(body).unwrap();
        let wire = pending.challenges.iter().find(|w| w.id == c.id).unwrap();
        let approve = signed_answer(
            &key,
            &account.device_id,
            &c.id,
            &wire.nonce,
            Decision::Approve,
            c.number,
            now,
        );
        let deny = signed_answer(
            &key,
            &account.device_id,
            &c.id,
            &wire.nonce,
            Decision::Deny,
            None,
            now,
        );
        let (ra, rb) = tokio::join!(
            post_answer(&base_a, &c.id, &approve),
            post_answer(&base_b, &c.id, &deny),
        );
        let ok: Vec<_> = [&ra, &rb]
            .into_iter()
            .filter(|r| r.0 == StatusCode::OK)
            .collect();
        assert_eq!(ok.len(), 1, "round {round}: {ra:?} {rb:?}");
        let other = if ra.0 == StatusCode::OK { &rb } else { &ra };
        assert_eq!(code_of(&other.1), ErrorCode::AlreadyAnswered, "{other:?}");
        // What the winner said is what the relying party reads.
        let expected = if ra.0 == StatusCode::OK {
            ChallengeStatus::Approved
        } else {
            ChallengeStatus::Denied
        };
        assert_eq!(pair.rp_b().status(&c.id).await.status, expected);
        if expected == ChallengeStatus::Denied {
            // Denials would start a cool-down: start it over.
            pair.clock
                .advance(Policy::default().deny_cooldown * 1000 + 1000);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_open_request_limit_and_the_cool_down_hold_across_instances() {
    let Some(pair) = Pair::start().await else {
        return;
    };
    let phone = pair.phone_on_b("alice").await;
    let policy = Policy::default();
    // Eight requests at once, half through each instance: exactly the
    // limit are raised.
    let request = sign_in("alice", Some(true));
    let attempts = (0..8).map(|i| {
        let rp = if i % 2 == 0 { pair.rp_a() } else { pair.rp_b() };
        let request = request.clone();
        async move { rp.challenge(&request).await }
    });
    let results = all_at_once(attempts).await;
    let rp_a = pair.rp_a();
    let raised: Vec<_> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert_eq!(
        raised.len(),
        policy.max_open_per_user as usize,
        "{results:?}"
    );
    for r in results.iter().filter_map(|r| r.as_ref().err()) {
        assert_eq!(r.error.code, ErrorCode::TooManyOpen);
    }
    // Denials through B start a cool-down that A enforces.
    for c in &raised {
        phone.respond(&c.id, &Answer::deny()).await.unwrap();
    }
    let e = rp_a.challenge(&request).await.unwrap_err();
    assert_eq!(e.error.code, ErrorCode::CoolDown);
    assert!(e.error.retry_after.unwrap() > 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_activation_codes_tries_are_counted_across_instances() {
    let Some(pair) = Pair::start().await else {
        return;
    };
    let e = pair.a.0.enrol("alice", &pair.base_a()).unwrap();
    let wrong = if e.code == "000000000" {
        "111111111"
    } else {
        "000000000"
    };
    let body = |code: &str| ActivateRequest {
        code: code.to_owned(),
        public_key: SigningKey::generate().unwrap().public_key_b64(),
        device_name: "phone".into(),
        push: None,
        push_token: None,
    };
    let http = reqwest::Client::new();
    let post = |base: String, request: ActivateRequest| {
        let http = http.clone();
        let path = format!("{base}/v1/activate/{}", e.enrolment_id);
        async move {
            let r = http.post(path).json(&request).send().await.unwrap();
            r.json::<ErrorBody>().await.unwrap().error
        }
    };
    // Ten wrong codes at once, alternating instances.
    let tries = (0..10).map(|i| {
        let base = if i % 2 == 0 {
            pair.base_a()
        } else {
            pair.base_b()
        };
        post(base, body(wrong))
    });
    let errors = all_at_once(tries).await;
    let mut left: Vec<u32> = errors
        .iter()
        .filter(|e| e.code == ErrorCode::ActivationWrongCode)
        .map(|e| e.tries_left.unwrap())
        .collect();
    left.sort_unstable();
    // Each try counted once: 4, 3, 2, 1 left, then locked (the fifth
    // locks it; every later one finds it locked).
    assert_eq!(left, [1, 2, 3, 4], "{errors:?}");
    assert_eq!(
        errors
            .iter()
            .filter(|e| e.code == ErrorCode::ActivationLocked)
            .count(),
        6
    );
    // The right code is too late on either instance.
    for base in [pair.base_a(), pair.base_b()] {
        assert_eq!(
            post(base, body(&e.code)).await.code,
            ErrorCode::ActivationLocked
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn instances_starting_together_migrate_once_and_share_one_key() {
    let Some(url) = pg_url(WHAT) else {
        return;
    };
    let db = fresh_database(&url);
    let opened: Vec<_> = (0..4)
        .map(|_| {
            let db = db.clone();
            std::thread::spawn(move || {
                PushServer::open(db, &StaticKeyProvider::new([7; 32])).unwrap()
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|t| t.join().unwrap())
        .collect();
    let key = opened[0].public_key();
    let vapid = opened[0].vapid().public_key().to_owned();
    for server in &opened {
        assert_eq!(server.public_key(), key);
        assert_eq!(server.vapid().public_key(), vapid);
        assert_eq!(server.backend(), "postgres");
    }
    assert_eq!(
        sql_texts(&db, "SELECT version::text FROM watchword_schema"),
        [Some("1".to_owned())]
    );
    // A wrong passphrase opens nothing and changes nothing.
    let wrong = PushServer::open(db.clone(), &StaticKeyProvider::new([8; 32])).unwrap_err();
    assert_eq!(wrong.code, ErrorCode::Internal);
    assert_eq!(
        PushServer::open(db, &StaticKeyProvider::new([7; 32]))
            .unwrap()
            .public_key(),
        key
    );
}

/// Runs every future at the same time (each its own task) and gives their
/// results in order.
async fn all_at_once<F, T>(futures: impl IntoIterator<Item = F>) -> Vec<T>
where
    F: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let tasks: Vec<_> = futures.into_iter().map(tokio::spawn).collect();
    let mut out = Vec::with_capacity(tasks.len());
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}
