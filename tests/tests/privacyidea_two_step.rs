//! privacyIDEA 2-step enrolment against a LIVE privacyIDEA 3.14: the
//! server's half comes in the QR link, Watchword adds this phone's half and
//! shows it, the administrator sends it back (`/token/init` with
//! `otpkeyformat=base32check`), and the codes Watchword then makes pass the
//! server's `/validate/check`. The server's half alone (what Watchword
//! stored before) does not.
//!
//! A 2-step enrolment needs an admin-scope policy (`hotp_2step=allow`), and
//! any admin-scope policy restricts the administrator to what it lists, so
//! this is the only test in its binary (test binaries run one at a time)
//! and the policy is removed when the test ends, also when it fails.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use serde_json::json;
use watchword_core::{
    enrol::{DeviceIdentity, EnrolChoices, EnrolInput, EnrolOutcome, enrol},
    otp::{OtpAuthUri, SystemClock},
    push::{PushService, VaultPushStore},
    sensitive::Sensitive,
    vault::{KdfParams, PassphraseKeyProvider, Vault},
};
use watchword_tests::privacyidea::PiServer;

const POLICY: &str = "watchword-2step";
const USER: &str = "heidi";

#[tokio::test]
async fn a_two_step_token_derives_the_seed_privacyidea_derives() {
    let Some(pi) = PiServer::from_env().await else {
        return;
    };
    pi.clear_tokens(USER).await;
    pi.policy(
        POLICY,
        json!({
            "scope": "admin",
            "action": "hotp_2step=allow, enrollHOTP, enrollpin, policydelete",
            "active": true,
        }),
    )
    .await;
    let guard = pi.removes_policy_on_drop(POLICY);
    let (serial, link) = pi
        .init_oath("hotp", USER, "1234", json!({"2stepinit": 1}))
        .await;
    assert!(link.contains("2step_salt="), "{link}");
    let server_half = OtpAuthUri::parse(&link).unwrap();

    let dir = tempfile::tempdir().unwrap();
    let keys = PassphraseKeyProvider::new(
        Sensitive::new("pw".to_owned()),
        KdfParams::FAST_INSECURE_FOR_TESTS,
    );
    let vault = Arc::new(Vault::create(&dir.path().join("v.db"), &keys).unwrap());
    let push = PushService::new(VaultPushStore::new(vault.clone()), Arc::new(SystemClock)).unwrap();
    let outcome = enrol(
        &EnrolInput::Scanned { text: link },
        &EnrolChoices::default(),
        &vault,
        &push,
        &DeviceIdentity::named("t", None),
    )
    .await
    .unwrap();
    let EnrolOutcome::AddedTwoStep {
        account,
        client_part,
    } = outcome
    else {
        panic!("not a 2-step outcome: {outcome:?}")
    };

    // The administrator sends the phone's half back: the second step.
    let r = pi
        .admin(
            reqwest::Method::POST,
            "/token/init",
            json!({"serial": serial, "type": "hotp", "otpkey": client_part, "otpkeyformat": "base32check"}),
        )
        .await;
    assert_eq!(r["result"]["status"], true, "second step: {r}");
    drop(guard);

    // What Watchword stored before (the server's half as the seed) never
    // matches; the derived seed does.
    let wrong = server_half.params.code_for_counter(1);
    let check = |pass: String| {
        let pi = &pi;
        let serial = serial.clone();
        async move {
            pi.rp("/validate/check", &[("serial", &serial), ("pass", &pass)])
                .await["result"]["value"]
                .as_bool()
                .unwrap()
        }
    };
    let first = vault.next_hotp_code(account.id).unwrap();
    assert_eq!(first.counter, 1, "privacyIDEA's link starts at counter 1");
    if wrong != first.code {
        assert!(
            !check(format!("1234{wrong}")).await,
            "the server's half alone"
        );
    }
    assert!(
        check(format!("1234{}", first.code)).await,
        "the derived seed"
    );
    let second = vault.next_hotp_code(account.id).unwrap();
    assert!(check(format!("1234{}", second.code)).await);
    pi.clear_tokens(USER).await;
}
