//! Push approvals end to end over loopback HTTP: approve, deny, fraud and
//! the cool-down, number matching, expiry, restart, push payloads.

// Helpers outside #[test] fns panic on failure too, like the tests.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use watchword_core::push::{
    Answer, ChallengeState, ChallengeStatus, ErrorCode, PushError, protocol::PushPayload,
};
use watchword_tests::push::Loopback;

#[tokio::test]
async fn enrol_and_approve_with_the_number() {
    let lb = Loopback::start().await;
    let phone = lb.device("alice").await;
    let account = &phone.accounts().unwrap()[0];
    assert_eq!(account.label(), "alice @ Watchword");
    assert_eq!(account.server_public_key, lb.server.public_key());

    let c = lb.rp_challenge("alice", true).await.unwrap();
    let number = c.number.expect("number matching is the default");
    assert!((10..=99).contains(&number));
    assert_eq!(c.expires_at - c.created_at, 60);

    let pending = phone.pending().await.unwrap();
    assert_eq!(pending.len(), 1);
    let p = &pending[0];
    assert_eq!((p.id.as_str(), p.app.as_str()), (c.id.as_str(), "Outlook"));
    assert_eq!(
        (p.location.as_str(), p.ip.as_str()),
        ("Utrecht, NL", "203.0.113.7")
    );
    assert!(p.needs_number);
    assert_eq!(p.seconds_left(lb.server.now()), 60);
    assert_eq!(lb.rp_status(&c.id).await.status, ChallengeStatus::Pending);

    // Approve without the number is refused locally.
    assert_eq!(
        phone.respond(&c.id, &Answer::approve(None)).await,
        Err(PushError::NumberRequired)
    );
    assert_eq!(
        phone.respond(&c.id, &Answer::approve(Some(number))).await,
        Ok(ChallengeState::Approved)
    );
    let status = lb.rp_status(&c.id).await;
    assert_eq!(status.status, ChallengeStatus::Approved);
    assert_eq!(status.answered_at, Some(lb.server.now()));
    // Answered challenges are no longer pending.
    assert!(phone.pending().await.unwrap().is_empty());
    // A second answer from the device is refused locally (final state).
    assert_eq!(
        phone.respond(&c.id, &Answer::deny()).await,
        Err(PushError::AlreadyFinal(ChallengeState::Approved))
    );
}

#[tokio::test]
async fn a_push_payload_leads_to_the_verified_challenge() {
    let lb = Loopback::start().await;
    let phone = lb.device("alice").await;
    let c = lb.rp_challenge("alice", false).await.unwrap();
    assert_eq!(c.number, None);
    // The log sender got the notification (ids only) in a spawned task.
    let mut notes = lb.sender.sent();
    for _ in 0..100 {
        if !notes.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        notes = lb.sender.sent();
    }
    assert_eq!(notes.len(), 1);
    let payload = serde_json::to_string(&notes[0].payload).unwrap();
    assert!(!payload.contains("Outlook"), "the push carries ids only");
    let shown = phone.handle_push(&payload).await.unwrap();
    assert_eq!(shown.id, c.id);
    assert!(!shown.needs_number);
    assert_eq!(
        phone.respond(&c.id, &Answer::approve(None)).await,
        Ok(ChallengeState::Approved)
    );
    // A payload for an unknown challenge or of another version.
    let bogus = serde_json::to_string(&PushPayload {
        v: 1,
        device_id: notes[0].payload.device_id.clone(),
        challenge_id: "c00".into(),
    })
    .unwrap();
    assert!(matches!(
        phone.handle_push(&bogus).await,
        Err(PushError::NotFound(_))
    ));
    assert!(matches!(
        phone.handle_push("{}").await,
        Err(PushError::Protocol(_))
    ));
}

#[tokio::test]
async fn deny() {
    let lb = Loopback::start().await;
    let phone = lb.device("alice").await;
    let c = lb.rp_challenge("alice", true).await.unwrap();
    phone.pending().await.unwrap();
    assert_eq!(
        phone.respond(&c.id, &Answer::deny()).await,
        Ok(ChallengeState::Denied)
    );
    assert_eq!(lb.rp_status(&c.id).await.status, ChallengeStatus::Denied);
    // One denial is no cool-down.
    assert!(lb.rp_challenge("alice", true).await.is_ok());
}

#[tokio::test]
async fn fraud_report_starts_a_cool_down() {
    let lb = Loopback::start().await;
    let phone = lb.device("alice").await;
    let c = lb.rp_challenge("alice", true).await.unwrap();
    phone.pending().await.unwrap();
    assert_eq!(
        phone.respond(&c.id, &Answer::Fraud).await,
        Ok(ChallengeState::Reported)
    );
    assert_eq!(lb.rp_status(&c.id).await.status, ChallengeStatus::Fraud);
    let refused = lb.rp_challenge("alice", true).await.unwrap_err();
    assert_eq!(refused.error.code, ErrorCode::CoolDown);
    assert_eq!(refused.error.retry_after, Some(3600));
    // The cool-down ends on time.
    lb.clock.advance(3_599_000);
    assert_eq!(
        lb.rp_challenge("alice", true)
            .await
            .unwrap_err()
            .error
            .retry_after,
        Some(1)
    );
    lb.clock.advance(1_000);
    assert!(lb.rp_challenge("alice", true).await.is_ok());
}

#[tokio::test]
async fn three_denials_in_ten_minutes_start_a_cool_down() {
    let lb = Loopback::start().await;
    let phone = lb.device("alice").await;
    for _ in 0..3 {
        let c = lb.rp_challenge("alice", false).await.unwrap();
        phone.pending().await.unwrap();
        phone.respond(&c.id, &Answer::deny()).await.unwrap();
        lb.clock.advance(60_000);
    }
    let refused = lb.rp_challenge("alice", true).await.unwrap_err();
    assert_eq!(refused.error.code, ErrorCode::CoolDown);
    assert_eq!(refused.error.retry_after, Some(900 - 60));
}

#[tokio::test]
async fn spread_out_denials_do_not_cool_down() {
    let lb = Loopback::start().await;
    let phone = lb.device("alice").await;
    for _ in 0..3 {
        let c = lb.rp_challenge("alice", false).await.unwrap();
        phone.pending().await.unwrap();
        phone.respond(&c.id, &Answer::deny()).await.unwrap();
        lb.clock.advance(301_000);
    }
    assert!(lb.rp_challenge("alice", true).await.is_ok());
}

#[tokio::test]
async fn at_most_three_open_challenges_per_user() {
    let lb = Loopback::start().await;
    let _phone = lb.device("alice").await;
    for _ in 0..3 {
        lb.rp_challenge("alice", true).await.unwrap();
    }
    let refused = lb.rp_challenge("alice", true).await.unwrap_err();
    assert_eq!(refused.error.code, ErrorCode::TooManyOpen);
    // Expired ones no longer count.
    lb.clock.advance(60_000);
    assert!(lb.rp_challenge("alice", true).await.is_ok());
    // A user without a device, and an unknown user.
    lb.server.enrol("bob", &lb.base).unwrap();
    assert_eq!(
        lb.rp_challenge("bob", true).await.unwrap_err().error.code,
        ErrorCode::NoDevice
    );
    assert_eq!(
        lb.rp_challenge("carol", true).await.unwrap_err().error.code,
        ErrorCode::UnknownUser
    );
}

#[tokio::test]
async fn wrong_number_then_right_number() {
    let lb = Loopback::start().await;
    let phone = lb.device("alice").await;
    let c = lb.rp_challenge("alice", true).await.unwrap();
    let number = c.number.unwrap();
    let wrong = if number == 99 { 10 } else { number + 1 };
    phone.pending().await.unwrap();
    let e = phone
        .respond(&c.id, &Answer::approve(Some(wrong)))
        .await
        .unwrap_err();
    assert_eq!(e.refusal_code(), Some(ErrorCode::WrongNumber));
    assert!(matches!(
        e,
        PushError::Refused {
            tries_left: Some(2),
            ..
        }
    ));
    let t = phone.tracked(&c.id).unwrap();
    assert_eq!((t.state, t.tries_left), (ChallengeState::Pending, Some(2)));
    assert_eq!(lb.rp_status(&c.id).await.status, ChallengeStatus::Pending);
    assert_eq!(
        phone.respond(&c.id, &Answer::approve(Some(number))).await,
        Ok(ChallengeState::Approved)
    );
    assert_eq!(lb.rp_status(&c.id).await.status, ChallengeStatus::Approved);
}

#[tokio::test]
async fn three_wrong_numbers_fail_the_challenge() {
    let lb = Loopback::start().await;
    let phone = lb.device("alice").await;
    let c = lb.rp_challenge("alice", true).await.unwrap();
    let wrong = if c.number.unwrap() == 99 {
        10
    } else {
        c.number.unwrap() + 1
    };
    phone.pending().await.unwrap();
    for left in [2, 1, 0] {
        let e = phone
            .respond(&c.id, &Answer::approve(Some(wrong)))
            .await
            .unwrap_err();
        assert!(
            matches!(e, PushError::Refused { code: ErrorCode::WrongNumber, tries_left: Some(n), .. } if n == left)
        );
    }
    assert_eq!(phone.tracked(&c.id).unwrap().state, ChallengeState::Failed);
    assert_eq!(lb.rp_status(&c.id).await.status, ChallengeStatus::Denied);
}

#[tokio::test]
async fn expiry_with_an_injected_clock() {
    let lb = Loopback::start().await;
    let phone = lb.device("alice").await;
    let c = lb.rp_challenge("alice", true).await.unwrap();
    assert_eq!(phone.pending().await.unwrap().len(), 1);
    lb.clock.advance(59_000);
    assert_eq!(
        phone.pending().await.unwrap()[0].seconds_left(lb.server.now()),
        1
    );
    lb.clock.advance(1_000);
    // The server no longer lists it, the device refuses to answer it, and
    // the relying party sees it expired.
    assert!(phone.pending().await.unwrap().is_empty());
    assert_eq!(
        phone.respond(&c.id, &Answer::approve(c.number)).await,
        Err(PushError::Expired(c.id.clone()))
    );
    assert_eq!(phone.tracked(&c.id).unwrap().state, ChallengeState::Expired);
    assert_eq!(lb.rp_status(&c.id).await.status, ChallengeStatus::Expired);
}

/// A device that answers in a new process (the CLI does; a phone app is
/// restarted) still says what became of a request the server no longer
/// lists: "expired", "already approved", not "not found".
#[tokio::test]
async fn a_later_answer_says_what_happened_not_not_found() {
    let lb = Loopback::start().await;
    let phone = lb.device("alice").await;
    let later =
        || watchword_core::push::PushService::new(phone.store().clone(), lb.clock.clone()).unwrap();
    // Approved, then denied from a new process: already approved.
    let c = lb.rp_challenge("alice", true).await.unwrap();
    assert_eq!(phone.pending().await.unwrap().len(), 1);
    assert_eq!(
        later().respond(&c.id, &Answer::approve(c.number)).await,
        Ok(ChallengeState::Approved)
    );
    let e = later().respond(&c.id, &Answer::deny()).await.unwrap_err();
    assert_eq!(e, PushError::AlreadyFinal(ChallengeState::Approved));
    assert_eq!(
        watchword_core::ApiError::from(e).to_string(),
        "this sign-in request was already approved"
    );
    // Seen, then the time ran out: a new process says expired.
    let c = lb.rp_challenge("alice", true).await.unwrap();
    assert_eq!(phone.pending().await.unwrap().len(), 1);
    lb.clock.advance(61_000);
    let e = later()
        .respond(&c.id, &Answer::approve(c.number))
        .await
        .unwrap_err();
    assert_eq!(e, PushError::Expired(c.id.clone()));
    // Never seen at all: not found, as before.
    assert!(matches!(
        later().respond("c_never", &Answer::deny()).await,
        Err(PushError::NotFound(_))
    ));
}

#[tokio::test]
async fn custom_ttl_and_bounds() {
    let lb = Loopback::start().await;
    let _phone = lb.device("alice").await;
    let mut req = watchword_core::push::protocol::CreateChallengeRequest {
        user: "alice".into(),
        app: "VPN".into(),
        location: String::new(),
        ip: String::new(),
        ttl: Some(120),
        number_matching: None,
    };
    let c = lb.rp_challenge_with(req.clone()).await.unwrap();
    assert_eq!(c.expires_at - c.created_at, 120);
    req.ttl = Some(5);
    assert_eq!(
        lb.rp_challenge_with(req.clone())
            .await
            .unwrap_err()
            .error
            .code,
        ErrorCode::BadRequest
    );
    req.ttl = None;
    req.app = "Outlook\nApprove this".into();
    assert_eq!(
        lb.rp_challenge_with(req).await.unwrap_err().error.code,
        ErrorCode::BadRequest
    );
}

#[tokio::test]
async fn server_restart_keeps_state() {
    let mut lb = Loopback::start().await;
    let phone = lb.device("alice").await;
    let key = lb.server.public_key();
    let c = lb.rp_challenge("alice", true).await.unwrap();
    lb.restart().await;
    assert_eq!(lb.server.public_key(), key, "same server key after restart");
    let pending = phone.pending().await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].id, c.id);
    assert_eq!(
        phone.respond(&c.id, &Answer::approve(c.number)).await,
        Ok(ChallengeState::Approved)
    );
    lb.restart().await;
    assert_eq!(lb.rp_status(&c.id).await.status, ChallengeStatus::Approved);
}

#[tokio::test]
async fn the_device_learns_its_clock_offset() {
    let lb = Loopback::start().await;
    // The phone's clock is an hour and a bit slow.
    let phone_clock = std::sync::Arc::new(watchword_core::otp::FixedClock::new(
        watchword_tests::push::real_now_ms() - 3_700_000,
    ));
    let phone = lb.device_with_clock("alice", phone_clock.clone()).await;
    assert!((phone.accounts().unwrap()[0].clock_offset - 3700).abs() <= 1);
    let c = lb.rp_challenge("alice", true).await.unwrap();
    // Signed requests carry corrected time, so they pass the ±2 min window,
    // and the countdown is right.
    let p = phone.pending().await.unwrap();
    assert_eq!(p[0].seconds_left(phone.now_for_challenge(&c.id)), 60);
    assert_eq!(
        phone.respond(&c.id, &Answer::approve(c.number)).await,
        Ok(ChallengeState::Approved)
    );
}
