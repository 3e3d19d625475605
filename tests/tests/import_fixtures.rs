//! Every export in `shared/testdata/aegis/importers/` (one account set,
//! written by about 40 apps and versions) imports to exactly the accounts
//! that file holds: the shared vault accounts of
//! `vectors/otp_vectors.json` → `aegis_shared_vault_vectors`, reduced to
//! what each app can express (the `Reduce` of its row), with the passwords
//! of `SOURCES.md`. Read in place through the corpus helper.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is a failure report.

use std::path::PathBuf;

use serde_json::Value;
use watchword_core::{
    import::{ImportError, ImportFormat, read},
    otp::{Algorithm, OtpKind, Secret},
};
use watchword_tests::testdata;
use zeroize::Zeroizing;

/// What an app cannot express, applied to the vectors before comparing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reduce {
    /// Everything as in the vectors.
    Nothing,
    /// TOTP only, SHA1/6/30, accounts of other kinds absent (Microsoft).
    TotpDefaults,
    /// Digits 6, period 30, SHA1; HOTP keeps its counter (Google's DB).
    DefaultSettings,
    /// SHA1 and 30 s, digits as in the vectors (Authy: third-party tokens
    /// have no algorithm or period setting).
    Authy,
    /// SHA1 and the name in lower case (TOTP Authenticator has no algorithm
    /// setting and stores names in lower case); digits and period as in the
    /// vectors (its entries keep them, and its codes use them).
    TotpAuthenticator,
    /// Issuer "Steam" (Steam's files name no issuer).
    SteamIssuer,
    /// Every account is TOTP with the vector's algorithm, digits and period
    /// (30 s for HOTP vectors) (2FAS schema 2, which has no token type).
    AsTotp,
    /// Steam accounts are issuer "Steam" with this name: a `steam://` key
    /// names no account, so the login's name stands in (Bitwarden).
    SteamNamed(&'static str),
    /// No issuer (the app keeps one name per account) and HOTP counters at
    /// this value (Duo's fixture has advanced its HOTP account to 3).
    NoIssuer { hotp_counter: u64 },
}

/// One fixture: file, password, format, how many accounts it holds, what
/// its app cannot express.
struct Fixture {
    file: &'static str,
    password: Option<&'static str>,
    format: ImportFormat,
    count: usize,
    reduce: Reduce,
}

const fn fx(
    file: &'static str,
    password: Option<&'static str>,
    format: ImportFormat,
    count: usize,
    reduce: Reduce,
) -> Fixture {
    Fixture {
        file,
        password,
        format,
        count,
        reduce,
    }
}

use ImportFormat as F;
use Reduce as R;

/// Every fixture. Counts were read from the files themselves.
const FIXTURES: &[Fixture] = &[
    fx("plain.txt", None, F::OtpauthList, 7, R::Nothing),
    fx("ente_auth.txt", None, F::OtpauthList, 7, R::Nothing),
    // Aegis, 2FAS, andOTP, Stratum, Proton, Bitwarden, Steam, Duo.
    fx("aegis_plain.json", None, F::Aegis, 7, R::Nothing),
    fx(
        "aegis_encrypted.json",
        Some("test"),
        F::Aegis,
        7,
        R::Nothing,
    ),
    fx(
        "2fas_authenticator.json",
        None,
        F::TwoFas,
        6,
        R::TotpDefaults,
    ),
    fx(
        "2fas_authenticator_plain.2fas",
        None,
        F::TwoFas,
        4,
        R::AsTotp,
    ),
    fx(
        "2fas_authenticator_plain_v3.2fas",
        None,
        F::TwoFas,
        6,
        R::Nothing,
    ),
    fx(
        "2fas_authenticator_plain_v4.2fas",
        None,
        F::TwoFas,
        5,
        R::Nothing,
    ),
    fx(
        "2fas_authenticator_encrypted.2fas",
        Some("test"),
        F::TwoFas,
        4,
        R::AsTotp,
    ),
    fx(
        "2fas_authenticator_encrypted_v3.2fas",
        Some("test"),
        F::TwoFas,
        6,
        R::Nothing,
    ),
    fx(
        "2fas_authenticator_encrypted_v4.2fas",
        Some("test"),
        F::TwoFas,
        5,
        R::Nothing,
    ),
    fx("andotp_plain.json", None, F::AndOtp, 7, R::Nothing),
    fx(
        "andotp_encrypted.bin",
        Some("test"),
        F::AndOtp,
        7,
        R::Nothing,
    ),
    fx(
        "andotp_encrypted_old.bin",
        Some("test"),
        F::AndOtp,
        6,
        R::Nothing,
    ),
    fx("stratum_plain.json", None, F::Stratum, 7, R::Nothing),
    fx(
        "stratum_encrypted.bin",
        Some("test"),
        F::Stratum,
        7,
        R::Nothing,
    ),
    fx(
        "stratum_encrypted_legacy.bin",
        Some("test"),
        F::Stratum,
        7,
        R::Nothing,
    ),
    fx("stratum_internal.db", None, F::Stratum, 7, R::Nothing),
    fx("proton_authenticator.json", None, F::Proton, 3, R::Nothing),
    fx(
        "bitwarden.json",
        None,
        F::Bitwarden,
        4,
        R::SteamNamed("Test Steam"),
    ),
    fx(
        "bitwarden.csv",
        None,
        F::Bitwarden,
        4,
        R::SteamNamed("Test 4"),
    ),
    fx("steam.json", None, F::Steam, 1, R::SteamIssuer),
    fx("steam_old.json", None, F::Steam, 1, R::SteamIssuer),
    fx("duo.json", None, F::Duo, 2, R::NoIssuer { hotp_counter: 3 }),
    // FreeOTP (v1, v2 on four API levels), FreeOTP+, Authy, Battle.net,
    // TOTP Authenticator, Authenticator Plus, Google's and Microsoft's
    // databases.
    fx("freeotp.xml", None, F::FreeOtp, 4, R::Nothing),
    fx(
        "freeotp_v2_api23.xml",
        Some("test"),
        F::FreeOtp,
        6,
        R::Nothing,
    ),
    fx(
        "freeotp_v2_api25.xml",
        Some("test"),
        F::FreeOtp,
        6,
        R::Nothing,
    ),
    fx(
        "freeotp_v2_api27.xml",
        Some("test"),
        F::FreeOtp,
        6,
        R::Nothing,
    ),
    fx(
        "freeotp_v2_api34.xml",
        Some("test"),
        F::FreeOtp,
        6,
        R::Nothing,
    ),
    fx(
        "freeotp_v2_null_algo.xml",
        Some("test"),
        F::FreeOtp,
        1,
        R::Nothing,
    ),
    fx("freeotp_plus.json", None, F::FreeOtpPlus, 6, R::Nothing),
    fx(
        "freeotp_plus_internal.xml",
        None,
        F::FreeOtpPlus,
        6,
        R::Nothing,
    ),
    fx("authy_plain.xml", None, F::Authy, 3, R::Authy),
    fx(
        "authy_encrypted.xml",
        Some("testtest"),
        F::Authy,
        3,
        R::Authy,
    ),
    fx(
        "battle_net_authenticator.xml",
        None,
        F::BattleNet,
        1,
        R::Nothing,
    ),
    fx(
        "totp_authenticator.bin",
        Some("Testtest1"),
        F::TotpAuthenticator,
        3,
        R::TotpAuthenticator,
    ),
    fx(
        "totp_authenticator_internal.xml",
        None,
        F::TotpAuthenticator,
        3,
        R::TotpAuthenticator,
    ),
    fx(
        "authenticator_plus.zip",
        Some("testtesttest"),
        F::AuthenticatorPlus,
        7,
        R::Nothing,
    ),
    fx(
        "google_authenticator.sqlite",
        None,
        F::GoogleAuthenticator,
        6,
        R::DefaultSettings,
    ),
    fx(
        "microsoft_authenticator.sqlite",
        None,
        F::MicrosoftAuthenticator,
        7,
        R::TotpDefaults,
    ),
];

/// One expected account.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Expected {
    kind: OtpKind,
    issuer: Option<String>,
    name: String,
    secret: Vec<u8>,
    algorithm: Algorithm,
    digits: u8,
    period: Option<u32>,
    counter: Option<u64>,
}

fn importers() -> Option<PathBuf> {
    testdata("import: other apps' exports in shared/testdata/aegis/importers")
        .map(|d| d.join("aegis/importers"))
}

fn vectors() -> Vec<Expected> {
    let path = watchword_testkit::corpus::corpus_dir().join("testdata/vectors/otp_vectors.json");
    let v: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    v["aegis_shared_vault_vectors"]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let kind = match e["type"].as_str().unwrap() {
                "totp" => OtpKind::Totp,
                "hotp" => OtpKind::Hotp,
                _ => OtpKind::Steam,
            };
            Expected {
                kind,
                issuer: Some(e["issuer"].as_str().unwrap().to_owned()),
                name: e["name"].as_str().unwrap().to_owned(),
                secret: Secret::from_base32(e["secret"].as_str().unwrap())
                    .unwrap()
                    .expose()
                    .to_vec(),
                algorithm: e["algo"].as_str().unwrap().parse().unwrap(),
                digits: e["digits"].as_u64().unwrap() as u8,
                period: e["period"].as_u64().map(|p| p as u32),
                counter: e["counter"].as_u64(),
            }
        })
        .collect()
}

/// The vector with `secret`, reduced as `reduce` says.
fn expected(vectors: &[Expected], secret: &[u8], reduce: Reduce) -> Option<Expected> {
    let mut e = vectors.iter().find(|v| v.secret == secret)?.clone();
    let defaults = |e: &mut Expected| {
        e.algorithm = Algorithm::Sha1;
        if e.kind != OtpKind::Steam {
            e.digits = 6;
        }
        if e.kind != OtpKind::Hotp {
            e.period = Some(30);
        }
    };
    match reduce {
        Reduce::Nothing => {}
        Reduce::TotpDefaults => {
            e.kind = OtpKind::Totp;
            e.counter = None;
            e.digits = 6;
            e.period = Some(30);
            e.algorithm = Algorithm::Sha1;
        }
        Reduce::DefaultSettings => defaults(&mut e),
        Reduce::Authy => {
            e.algorithm = Algorithm::Sha1;
            e.period = Some(30);
        }
        Reduce::TotpAuthenticator => {
            e.algorithm = Algorithm::Sha1;
            e.name = e.name.to_lowercase();
        }
        Reduce::SteamIssuer => e.issuer = Some("Steam".into()),
        Reduce::AsTotp => {
            if e.kind == OtpKind::Hotp {
                e.period = Some(30);
            }
            e.kind = OtpKind::Totp;
            e.counter = None;
        }
        Reduce::SteamNamed(name) => {
            if e.kind == OtpKind::Steam {
                e.issuer = Some("Steam".into());
                e.name = name.into();
            }
        }
        Reduce::NoIssuer { hotp_counter } => {
            e.issuer = None;
            if e.kind == OtpKind::Hotp {
                e.counter = Some(hotp_counter);
            }
        }
    }
    Some(e)
}

fn actual(a: &watchword_core::account::Account) -> Expected {
    let p = &a.otp;
    Expected {
        kind: p.kind,
        issuer: a.issuer.clone(),
        name: a.name.clone(),
        secret: p.secret.expose().to_vec(),
        algorithm: p.algorithm,
        digits: if p.kind == OtpKind::Steam {
            5
        } else {
            p.digits.get()
        },
        period: (p.kind != OtpKind::Hotp).then_some(p.period),
        counter: (p.kind == OtpKind::Hotp).then_some(p.counter),
    }
}

#[test]
fn every_fixture_imports_exactly_its_accounts() {
    let Some(dir) = importers() else { return };
    let vectors = vectors();
    let mut failures = Vec::new();
    for f in FIXTURES {
        let bytes = std::fs::read(dir.join(f.file)).unwrap();
        let password = f.password.map(|p| Zeroizing::new(p.to_owned()));
        let file = match read(&bytes, password.as_ref()) {
            Ok(file) => file,
            Err(e) => {
                failures.push(format!("{}: {e}", f.file));
                continue;
            }
        };
        if file.format != f.format {
            failures.push(format!(
                "{}: read as {:?}, not {:?}",
                f.file, file.format, f.format
            ));
        }
        let accounts: Vec<_> = file.accounts().collect();
        if accounts.len() != f.count {
            failures.push(format!(
                "{}: {} accounts, expected {}",
                f.file,
                accounts.len(),
                f.count
            ));
        }
        for a in accounts {
            let got = actual(a);
            match expected(&vectors, &got.secret, f.reduce) {
                Some(want) if want == got => {}
                Some(want) => failures.push(format!("{}: got {got:?}\n  want {want:?}", f.file)),
                None => failures.push(format!(
                    "{}: an account not in the vectors: {got:?}",
                    f.file
                )),
            }
            assert_eq!(
                a.provenance.to_string(),
                format!("import:{}", f.format.id()),
                "{}",
                f.file
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_fixture_in_the_folder_has_a_row() {
    let Some(dir) = importers() else { return };
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if !FIXTURES.iter().any(|f| f.file == name) {
            missing.push(name);
        }
    }
    missing.sort();
    assert!(missing.is_empty(), "fixtures without a row: {missing:?}");
}

#[test]
fn encrypted_fixtures_need_their_password_and_refuse_a_wrong_one() {
    let Some(dir) = importers() else { return };
    for f in FIXTURES.iter().filter(|f| f.password.is_some()) {
        let bytes = std::fs::read(dir.join(f.file)).unwrap();
        let none = read(&bytes, None).unwrap_err();
        assert_eq!(
            none,
            ImportError::PasswordNeeded { format: f.format },
            "{}",
            f.file
        );
        let wrong = Zeroizing::new("not the password".to_owned());
        let e = read(&bytes, Some(&wrong)).unwrap_err();
        assert_eq!(
            e,
            ImportError::WrongPassword { format: f.format },
            "{}",
            f.file
        );
        assert!(!e.to_string().contains("not the password"));
    }
}

#[test]
fn damaged_fixtures_give_typed_errors_never_a_panic() {
    let Some(dir) = importers() else { return };
    for f in FIXTURES {
        let bytes = std::fs::read(dir.join(f.file)).unwrap();
        let password = f.password.map(|p| Zeroizing::new(p.to_owned()));
        // Every prefix length class and a flipped byte in the middle.
        for cut in [
            1,
            bytes.len() / 3,
            bytes.len() / 2,
            bytes.len().saturating_sub(7),
        ] {
            let _ = read(&bytes[..cut], password.as_ref());
        }
        let mut flipped = bytes.clone();
        let mid = flipped.len() / 2;
        flipped[mid] ^= 0x55;
        let _ = read(&flipped, password.as_ref());
    }
}
