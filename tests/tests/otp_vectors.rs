//! Known-answer vectors read from the files themselves: the RFC 4226/6238
//! vectors kept in the repository (`tests/data/rfc_vectors.json`), and from
//! the third-party corpus the Steam vectors of
//! `shared/testdata/vectors/otp_vectors.json` and the Aegis shared account
//! set in `importers/plain.txt` (skipped and counted when it is absent).

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is a failure report.

use serde_json::Value;
use watchword_core::otp::{Algorithm, Code, Digits, OtpAuthUri, OtpKind, OtpParams, Secret};
use watchword_tests::{repo_data, testdata};

fn read_json(path: &std::path::Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("vectors are JSON")
}

/// The RFC vectors kept in the repository.
fn rfc_vectors() -> Value {
    read_json(&repo_data("rfc_vectors.json"))
}

/// The corpus's vector file (Steam, Aegis), or `None` when it is absent.
fn corpus_vectors() -> Option<Value> {
    let dir = testdata("otp: Steam and Aegis vectors from shared/testdata/vectors")?;
    Some(read_json(&dir.join("vectors/otp_vectors.json")))
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} missing in {v}"))
}

#[test]
fn hotp_rfc4226_appendix_d() {
    let v = &rfc_vectors()["hotp_rfc4226_appendix_d"];
    let secret = Secret::from_base32(str_of(v, "secret_base32")).unwrap();
    assert_eq!(secret.expose(), str_of(v, "secret_ascii").as_bytes());
    let algorithm: Algorithm = str_of(v, "algorithm").parse().unwrap();
    let mut params = OtpParams::hotp(secret, 0);
    params.algorithm = algorithm;
    params.digits = Digits::new(v["digits"].as_u64().unwrap() as u8).unwrap();
    let codes = v["codes_by_counter"].as_array().unwrap();
    assert_eq!(codes.len(), 10);
    for (counter, want) in codes.iter().enumerate() {
        params.counter = counter as u64;
        assert_eq!(
            params.code_at(0).unwrap().code(),
            want.as_str().unwrap(),
            "counter {counter}"
        );
    }
}

#[test]
fn totp_rfc6238_appendix_b() {
    let v = &rfc_vectors()["totp_rfc6238_appendix_b"];
    let period = v["period"].as_u64().unwrap() as u32;
    let digits = Digits::new(v["digits"].as_u64().unwrap() as u8).unwrap();
    let cases = v["cases"].as_array().unwrap();
    assert!(cases.len() >= 6);
    let mut checked = 0;
    for (name, seed) in v["seeds_ascii"].as_object().unwrap() {
        let mut params = OtpParams::totp(
            Secret::from_bytes(seed.as_str().unwrap().as_bytes().to_vec()).unwrap(),
        );
        params.algorithm = name.parse().unwrap();
        params.period = period;
        params.digits = digits;
        for case in cases {
            let t = case["unix_time"].as_i64().unwrap();
            let Code::Timed(code) = params.code_at(t * 1000).unwrap() else {
                panic!("TOTP gives timed codes")
            };
            assert_eq!(code.code, str_of(case, name), "{name} at {t}");
            checked += 1;
        }
    }
    assert_eq!(checked, 3 * cases.len());
}

#[test]
fn steam_guard_vectors() {
    let Some(all) = corpus_vectors() else { return };
    for block in ["steam_guard", "steam_guard_derived"] {
        let v = &all[block];
        let params = OtpParams::steam(Secret::from_base32(str_of(v, "secret_base32")).unwrap());
        let cases = v["cases"].as_array().unwrap();
        assert!(!cases.is_empty());
        for case in cases {
            let t = case["unix_time"].as_i64().unwrap();
            assert_eq!(
                params.code_at(t * 1000).unwrap().code(),
                str_of(case, "code"),
                "{block} at {t}"
            );
        }
    }
}

/// `importers/plain.txt` holds the Aegis shared account set as links; each
/// parses to exactly the entry in `aegis_shared_vault_vectors`.
#[test]
fn aegis_plain_links_match_the_shared_account_set() {
    let (Some(dir), Some(vectors)) = (
        testdata("otp: the Aegis shared account set in shared/testdata/aegis"),
        corpus_vectors(),
    ) else {
        return;
    };
    let text = std::fs::read_to_string(dir.join("aegis/importers/plain.txt")).unwrap();
    let links: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let entries = vectors["aegis_shared_vault_vectors"]["entries"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(links.len(), 7);
    for (link, want) in links.iter().zip(&entries) {
        let uri = OtpAuthUri::parse(link).unwrap();
        let p = &uri.params;
        assert_eq!(uri.issuer(), Some(str_of(want, "issuer")), "{link}");
        assert_eq!(uri.name, str_of(want, "name"));
        assert_eq!(
            p.secret,
            Secret::from_base32(str_of(want, "secret")).unwrap()
        );
        assert_eq!(p.algorithm, str_of(want, "algo").parse().unwrap());
        let kind = match str_of(want, "type") {
            "totp" => OtpKind::Totp,
            "hotp" => OtpKind::Hotp,
            "steam" => OtpKind::Steam,
            other => panic!("{other}"),
        };
        assert_eq!(p.kind, kind);
        if kind != OtpKind::Steam {
            assert_eq!(u64::from(p.digits.get()), want["digits"].as_u64().unwrap());
        }
        if let Some(period) = want["period"].as_u64() {
            assert_eq!(u64::from(p.period), period);
        }
        if let Some(counter) = want["counter"].as_u64() {
            assert_eq!(p.counter, counter);
        }
        // Formatting and parsing again changes nothing.
        assert_eq!(OtpAuthUri::parse(&uri.format()).unwrap(), uri);
    }
}

/// Ente's export writes `issuer=Air+Canada` and a `codeDisplay` JSON
/// parameter; both survive.
#[test]
fn ente_export_links_parse() {
    let Some(dir) = testdata("otp: Ente's export in shared/testdata/aegis") else {
        return;
    };
    let text = std::fs::read_to_string(dir.join("aegis/importers/ente_auth.txt")).unwrap();
    let mut n = 0;
    for line in text.lines().filter(|l| l.starts_with("otpauth://")) {
        let uri = OtpAuthUri::parse(line).unwrap_or_else(|e| panic!("{line}: {e}"));
        assert!(uri.issuer().is_some(), "{line}");
        assert!(!uri.issuer().unwrap().contains('+'), "{line}");
        assert_eq!(OtpAuthUri::parse(&uri.format()).unwrap(), uri);
        n += 1;
    }
    assert!(n >= 7, "{n} links");
}
