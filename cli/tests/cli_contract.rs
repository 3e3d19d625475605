//! The `watchword` command-line contract: JSON shapes, error kinds and exit
//! codes, exercised by running the real binary.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is a failure report.

use std::process::Command;

use serde_json::Value;

/// Runs `watchword --json ARGS...`, returns (exit success, parsed stdout).
fn json(args: &[&str]) -> (bool, Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_watchword"))
        .arg("--json")
        .args(args)
        .env_remove("WATCHWORD_VAULT")
        .output()
        .expect("run watchword");
    let stdout = String::from_utf8(out.stdout).expect("utf-8");
    let mut docs = serde_json::Deserializer::from_str(&stdout).into_iter::<Value>();
    let doc = docs
        .next()
        .unwrap_or_else(|| panic!("no JSON in {stdout:?}"))
        .unwrap_or_else(|e| panic!("bad JSON {stdout:?}: {e}"));
    assert!(
        docs.next().is_none(),
        "exactly one JSON document: {stdout:?}"
    );
    (out.status.success(), doc)
}

const RFC_SHA1: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

#[test]
fn totp_code_with_validity_and_next_code() {
    let link = format!("otpauth://totp/ACME:alice?secret={RFC_SHA1}&digits=8&issuer=ACME");
    let (ok, v) = json(&["code", &link, "--at", "59"]);
    assert!(ok, "{v}");
    assert_eq!(v["code"], "94287082");
    assert_eq!(v["valid_for"], 1);
    assert_eq!(v["period"], 30);
    // The code of the next period is the code at t=60.
    let (_, next) = json(&["code", &link, "--at", "60"]);
    assert_eq!(v["next_code"], next["code"]);
    assert_eq!(next["valid_for"], 30);
}

#[test]
fn sha256_and_sha512_links() {
    let s256 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA";
    let (_, v) = json(&[
        "code",
        &format!("otpauth://totp/x?secret={s256}&algorithm=sha256&digits=8"),
        "--at",
        "1111111109",
    ]);
    assert_eq!(v["code"], "68084774");
    let s512 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNA";
    let (_, v) = json(&[
        "code",
        &format!("otpauth://totp/x?secret={s512}&algorithm=SHA512&digits=8"),
        "--at",
        "20000000000",
    ]);
    assert_eq!(v["code"], "47863826");
}

#[test]
fn hotp_code_uses_the_counter_in_the_link() {
    let (ok, v) = json(&[
        "code",
        &format!("otpauth://hotp/x?secret={RFC_SHA1}&counter=9"),
    ]);
    assert!(ok);
    assert_eq!(v, serde_json::json!({"code": "520489", "counter": 9}));
}

#[test]
fn steam_code() {
    let (_, v) = json(&[
        "code",
        "otpauth://steam/Steam:me?secret=63BEDWCQZKTQWPESARIERL5DTTQFCJTK",
        "--at",
        "1511200518",
    ]);
    assert_eq!(v["code"], "FR8RV");
}

#[test]
fn inspect_shows_everything_but_the_secret() {
    let link = "otpauth://totp/Label:bob@x.com?secret=JBSWY3DPEHPK3PXP&issuer=Param&period=60&digits=8&algorithm=SHA256&serial=T1";
    let (ok, doc) = json(&["inspect", link]);
    assert!(ok);
    assert_eq!(doc["kind"], "otp");
    assert_eq!(doc["draft"], false);
    let v = &doc["account"];
    assert_eq!(v["type"], "totp");
    assert_eq!(v["issuer"], "Param");
    assert_eq!(v["label_issuer"], "Label");
    assert_eq!(v["issuer_mismatch"], true);
    assert_eq!(v["name"], "bob@x.com");
    assert_eq!(v["period"], 60);
    assert_eq!(v["digits"], 8);
    assert_eq!(v["algorithm"], "SHA256");
    assert_eq!(v["extra"], serde_json::json!([["serial", "T1"]]));
    let text = doc.to_string();
    assert!(!text.contains("JBSWY3DP"), "{text}");
    assert!(!text.contains("secret\":\""), "{text}");
}

#[test]
fn errors_are_typed_json_with_non_zero_exit() {
    for (args, kind) in [
        (
            vec!["code", "otpauth://totp/x?secret=JBSWY3DP!"],
            "invalid_secret",
        ),
        (vec!["code", "otpauth://totp/x?issuer=a"], "invalid_link"),
        (
            vec!["code", "otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP"],
            "invalid_link",
        ),
        (
            vec!["code", "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=11"],
            "invalid_input",
        ),
        (
            vec!["code", "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&period=0"],
            "invalid_input",
        ),
        (
            vec![
                "code",
                "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&algorithm=MD5",
            ],
            "unsupported",
        ),
        (
            vec!["inspect", "otpauth://yaotp/x?secret=JBSWY3DPEHPK3PXP"],
            "unsupported",
        ),
        (vec!["code", "https://example.com"], "invalid_link"),
        (vec!["cod"], "usage"),
    ] {
        let (ok, v) = json(&args);
        assert!(!ok, "{args:?} should fail");
        assert_eq!(v["error"]["kind"], kind, "{args:?}: {v}");
        assert!(
            v["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }
}

#[test]
fn error_text_never_holds_the_secret() {
    let (_, v) = json(&["code", "otpauth://totp/x?secret=SUPERSECRETVALUE1&digits=6"]);
    assert!(!v.to_string().contains("SUPERSECRET"), "{v}");
}

#[test]
fn human_output_without_json() {
    let out = Command::new(env!("CARGO_BIN_EXE_watchword"))
        .args([
            "code",
            &format!("otpauth://hotp/x?secret={RFC_SHA1}&counter=0"),
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "755224  (counter 0)"
    );
    let bad = Command::new(env!("CARGO_BIN_EXE_watchword"))
        .args(["code", "nonsense"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(bad.stdout.is_empty());
    assert!(String::from_utf8_lossy(&bad.stderr).starts_with("error: "));
}

#[test]
fn inspect_classifies_every_kind() {
    for (text, kind) in [
        (
            "otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SGEV4YW1wbGU6YWxpY2VAZ29vZ2xlLmNvbRoHRXhhbXBsZTAC",
            "google_migration",
        ),
        (
            "watchword://activate?code=010911395&url=https%3A%2F%2Fpush.example.org%2Fv1%2Factivate%2Fe1",
            "watchword_activation",
        ),
        (
            "otpauth://pipush/PIPU0001?url=https%3A//pi.example.org/ttype/push&enrollment_credential=ab&v=1",
            "privacyidea_push",
        ),
        (
            "phonefactor://activate_account?code=123456789&url=https%3A%2F%2Fx.phonefactor.net%2Fpad%2F9",
            "microsoft_activation",
        ),
        ("hello there", "unknown"),
        ("JBSW Y3DP EHPK 3PXP", "otp"),
    ] {
        let (ok, v) = json(&["inspect", text]);
        assert!(ok, "{text}: {v}");
        assert_eq!(v["kind"], kind, "{text}: {v}");
        for secret in ["010911395", "123456789", "JBSW"] {
            assert!(!v.to_string().contains(secret), "{v}");
        }
    }
    let (_, v) = json(&[
        "inspect",
        "phonefactor://activate_account?code=123456789&url=https%3A%2F%2Fx.phonefactor.net%2Fpad%2F9",
    ]);
    assert!(
        v["explanation"]["text"]
            .as_str()
            .unwrap()
            .contains("different authenticator app")
    );
}
