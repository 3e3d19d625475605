//! 100 concurrent sign-ins across 20 devices over loopback HTTP: every one
//! reaches its own device and is answered, none lost or crossed.

// Helpers outside #[test] fns panic on failure too, like the tests.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{collections::BTreeMap, sync::Arc};

use tokio::task::JoinSet;
use watchword_core::push::{Answer, ChallengeState, ChallengeStatus};
use watchword_server::Policy;
use watchword_tests::push::Loopback;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn hundred_challenges_across_twenty_devices() {
    let lb = Arc::new(
        Loopback::start_with(Policy {
            max_open_per_user: 5,
            ..Policy::default()
        })
        .await,
    );
    let users: Vec<String> = (0..20).map(|i| format!("user{i:02}")).collect();
    let mut devices = BTreeMap::new();
    for u in &users {
        devices.insert(u.clone(), Arc::new(lb.device(u).await));
    }

    // 100 relying-party requests at once, 5 per user.
    let mut set = JoinSet::new();
    for round in 0..5 {
        for u in &users {
            let lb = lb.clone();
            let u = u.clone();
            set.spawn(async move {
                let c = lb.rp_challenge(&u, round % 2 == 0).await.unwrap();
                (u, c)
            });
        }
    }
    let mut expected: BTreeMap<String, BTreeMap<String, Option<u8>>> = BTreeMap::new();
    while let Some(r) = set.join_next().await {
        let (u, c) = r.unwrap();
        expected.entry(u).or_default().insert(c.id, c.number);
    }
    assert_eq!(expected.values().map(BTreeMap::len).sum::<usize>(), 100);

    // Every device fetches and answers its own five, all at once.
    let mut set = JoinSet::new();
    for (u, device) in &devices {
        let device = device.clone();
        let mine = expected[u].clone();
        let u = u.clone();
        set.spawn(async move {
            let pending = device.pending().await.unwrap();
            let seen: Vec<String> = pending.iter().map(|p| p.id.clone()).collect();
            for p in &pending {
                assert_eq!(p.account, format!("{u} @ Watchword"));
            }
            let mut answers = JoinSet::new();
            for (id, number) in mine.clone() {
                let device = device.clone();
                answers.spawn(async move { device.respond(&id, &Answer::approve(number)).await });
            }
            while let Some(a) = answers.join_next().await {
                assert_eq!(a.unwrap().unwrap(), ChallengeState::Approved);
            }
            (mine, seen)
        });
    }
    while let Some(r) = set.join_next().await {
        let (mine, mut seen) = r.unwrap();
        seen.sort();
        assert_eq!(
            seen,
            mine.keys().cloned().collect::<Vec<_>>(),
            "exactly its own"
        );
    }
    for ids in expected.values() {
        for id in ids.keys() {
            assert_eq!(lb.rp_status(id).await.status, ChallengeStatus::Approved);
        }
    }
    for device in devices.values() {
        assert!(device.pending().await.unwrap().is_empty());
    }
}
