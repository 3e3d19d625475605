//! TOTP and HOTP tokens enrolled by a LIVE privacyIDEA 3.14 server: their
//! `googleurl` is an ordinary otpauth link, and the codes Watchword makes
//! from it pass the server's `/validate/check`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::json;
use watchword_core::{
    enrol::{self, Enrolment},
    otp::{Clock, SystemClock},
};
use watchword_tests::privacyidea::PiServer;

async fn check(pi: &PiServer, serial: &str, pass: &str) -> bool {
    let r = pi
        .rp("/validate/check", &[("serial", serial), ("pass", pass)])
        .await;
    r["result"]["value"]
        .as_bool()
        .unwrap_or_else(|| panic!("{r}"))
}

#[tokio::test]
async fn totp_codes_pass_validate_check() {
    let Some(pi) = PiServer::from_env().await else {
        return;
    };
    pi.clear_tokens("judy").await;
    for extra in [
        json!({}),
        json!({"hashlib": "sha256", "otplen": 8, "timeStep": 60}),
    ] {
        let (serial, url) = pi.init_oath("totp", "judy", "4321", extra.clone()).await;
        let Enrolment::Otp { account, .. } = enrol::classify(&url).unwrap() else {
            panic!("{url} is not an OTP link")
        };
        let code = account.params.code_at(SystemClock.now_unix_ms()).unwrap();
        assert!(
            check(&pi, &serial, &format!("4321{}", code.code())).await,
            "{extra}"
        );
        // A TOTP code works once.
        assert!(
            !check(&pi, &serial, &format!("4321{}", code.code())).await,
            "{extra}"
        );
        assert!(!check(&pi, &serial, "4321000000").await);
    }
    pi.clear_tokens("judy").await;
}

#[tokio::test]
async fn hotp_codes_pass_validate_check_in_counter_order() {
    let Some(pi) = PiServer::from_env().await else {
        return;
    };
    pi.clear_tokens("ivan").await;
    let (serial, url) = pi.init_oath("hotp", "ivan", "", json!({})).await;
    let Enrolment::Otp { account, .. } = enrol::classify(&url).unwrap() else {
        panic!("{url} is not an OTP link")
    };
    let p = &account.params;
    // privacyIDEA writes counter=1 and its first valid counter is 0.
    let c0 = p.code_for_counter(0);
    let c1 = p.code_for_counter(1);
    let c2 = p.code_for_counter(2);
    assert!(check(&pi, &serial, &c1).await);
    assert!(
        !check(&pi, &serial, &c0).await,
        "a counter below the last used one"
    );
    assert!(check(&pi, &serial, &c2).await);
    pi.clear_tokens("ivan").await;
}
