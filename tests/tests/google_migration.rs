//! Google Authenticator export samples from `shared/testdata/
//! google-migration-extract_otp_secrets/`, read in place: every sample gives
//! the accounts in its expected output; malformed samples give typed errors.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is a failure report.

use std::path::{Path, PathBuf};

use serde_json::Value;
use watchword_core::{
    enrol::{EnrolError, Enrolment, MigrationBatches, classify},
    otp::{OtpAuthUri, OtpKind, Secret},
};
use watchword_tests::testdata;

/// The samples' folder in the third-party corpus, or `None` (skipped).
fn dir() -> Option<PathBuf> {
    testdata(
        "google migration: the samples in shared/testdata/google-migration-extract_otp_secrets",
    )
    .map(|d| d.join("google-migration-extract_otp_secrets"))
}

/// The accounts of every `otpauth-migration://` line of a file, in order.
fn accounts_in(dir: &Path, file: &str) -> Vec<OtpAuthUri> {
    let text = std::fs::read_to_string(dir.join(file)).unwrap();
    let mut out = Vec::new();
    for line in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        match classify(line).unwrap_or_else(|e| panic!("{line}: {e}")) {
            Enrolment::GoogleMigration(m) => out.extend(m.accounts),
            other => panic!("{line}: {other:?}"),
        }
    }
    out
}

#[test]
fn example_export_matches_expected_json_and_url_list() {
    let Some(dir) = dir() else { return };
    let ours = accounts_in(&dir, "example_export.txt");
    let expected: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("example_output.json")).unwrap())
            .unwrap();
    let url_list = std::fs::read_to_string(dir.join("tests-data/url_list_output.txt")).unwrap();
    let urls: Vec<&str> = url_list.lines().filter(|l| !l.is_empty()).collect();
    assert_eq!(ours.len(), 6);
    assert_eq!(expected.len(), 6);
    assert_eq!(urls.len(), 6);
    for ((a, want), url) in ours.iter().zip(&expected).zip(&urls) {
        let p = &a.params;
        assert_eq!(
            p.secret,
            Secret::from_base32(want["secret"].as_str().unwrap()).unwrap()
        );
        let kind = if want["type"] == "hotp" {
            OtpKind::Hotp
        } else {
            OtpKind::Totp
        };
        assert_eq!(p.kind, kind);
        if let Some(c) = want["counter"].as_u64() {
            assert_eq!(p.counter, c);
        }
        // extract_otp_secrets keeps `issuer:name` in the name when the
        // issuer is empty; Watchword splits it (as Aegis does). Either way
        // the same label results.
        let label = match a.issuer() {
            Some(i) if want["issuer"] == "" => format!("{i}: {}", a.name),
            _ => a.name.clone(),
        };
        assert_eq!(label, want["name"].as_str().unwrap());
        if want["issuer"] != "" {
            assert_eq!(a.issuer(), want["issuer"].as_str());
        }
        // The expected otpauth link means the same account.
        let link = OtpAuthUri::parse(url).unwrap();
        assert_eq!(&link.params, p, "{url}");
        assert_eq!(link.issuer(), a.issuer(), "{url}");
        assert_eq!(link.name, a.name, "{url}");
    }
}

#[test]
fn only_totp_and_plus_problem_samples() {
    let Some(dir) = dir() else { return };
    let totp = accounts_in(&dir, "tests-data/example_export_only_totp.txt");
    assert!(!totp.is_empty());
    assert!(totp.iter().all(|a| a.params.kind == OtpKind::Totp));

    // Raw `+` and `/` in the base64: must not be read as spaces.
    let plus = accounts_in(&dir, "tests-data/test_plus_problem_export.txt");
    let names: Vec<String> = plus.iter().map(|a| a.name.clone()).collect();
    assert_eq!(
        names,
        (1..=4)
            .map(|i| format!("SerenityLabs:test{i}@serenitylabs.co.uk"))
            .collect::<Vec<_>>()
    );
    assert!(plus.iter().all(|a| a.issuer() == Some("SerenityLabs")));
    assert!(plus.iter().all(|a| a.params.secret.len() == 20));
}

#[test]
fn malformed_samples_are_typed() {
    let Some(dir) = dir() else { return };
    let read = |f: &str| std::fs::read_to_string(dir.join("tests-data").join(f)).unwrap();
    assert_eq!(
        classify(&read("test_export_wrong_data.txt")),
        Err(EnrolError::BadMigration(
            "the data is not a Google Authenticator export".into()
        ))
    );
    for (file, hint) in [
        ("test_export_wrong_prefix.txt", "paste only the link"),
        ("test_export_wrong_content.txt", "not a QR code or link"),
        ("empty_file.txt", "empty"),
        ("text_masquerading_as_image.jpeg", ""),
    ] {
        match classify(&read(file)) {
            Ok(Enrolment::Unknown { reason }) => assert!(reason.contains(hint), "{file}: {reason}"),
            other => panic!("{file}: {other:?}"),
        }
    }
    assert!(accounts_in(&dir, "tests-data/only_comments.txt").is_empty());
}

#[test]
fn multi_qr_exports_are_tracked_and_not_added_twice() {
    let Some(dir) = dir() else { return };
    let text = std::fs::read_to_string(dir.join("example_export.txt")).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("otpauth-migration://"))
        .unwrap();
    let Ok(Enrolment::GoogleMigration(m)) = classify(line) else {
        panic!()
    };
    let mut batches = MigrationBatches::new();
    let first = batches.record(&m);
    assert!(first.is_new && first.complete());
    assert_eq!(first.summary(), "1 of 1 scanned");
    assert!(!batches.record(&m).is_new);
}
