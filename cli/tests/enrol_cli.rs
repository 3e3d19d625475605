//! Enrolment through the real binary: `add <text>` for every kind, Google
//! export to links and PNG QR codes, and `scan --add` reading them back with
//! Watchword's own decoder.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is a failure report.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use serde_json::Value;

const PASS: &str = "enrol test passphrase";

/// Google Authenticator's own samples in the third-party corpus, or `None`
/// when it is absent (skipped and counted).
fn migration_dir() -> Option<PathBuf> {
    watchword_testkit::corpus("cli enrol: Google Authenticator's sample export screenshot")
        .map(|d| d.join("testdata/google-migration-extract_otp_secrets"))
}

fn run(vault: &Path, args: &[&str]) -> (bool, Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_watchword"))
        .arg("--json")
        .arg("--vault")
        .arg(vault)
        .args(args)
        .env("WATCHWORD_PASSPHRASE", PASS)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let v = serde_json::from_str(stdout.trim())
        .unwrap_or_else(|e| panic!("{args:?}: not one JSON document ({e}): {stdout:?}"));
    (out.status.success(), v)
}

fn new_vault(dir: &Path, name: &str) -> PathBuf {
    let v = dir.join(name);
    let (ok, out) = run(
        &v,
        &["init", "--kdf-memory-kib", "8", "--kdf-iterations", "1"],
    );
    assert!(ok, "{out}");
    v
}

/// Accounts of every shape Google's export can carry (SHA1/SHA256/SHA512,
/// 6 or 8 digits, TOTP and HOTP), as links.
const VARIED: [&str; 4] = [
    "otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example",
    "otpauth://totp/Work:bob@example.org?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Work&algorithm=SHA256&digits=8",
    "otpauth://totp/carol?secret=JBSWY3DPEHPK3PXQ&algorithm=SHA512",
    "otpauth://hotp/Bank:dave?secret=GEZDGNBVGY3TQOJQ&issuer=Bank&counter=7",
];

/// A Google Authenticator export (`otpauth-migration://` links) of
/// `accounts`, made by Watchword's own exporter from a scratch vault.
fn google_export(dir: &Path, accounts: &[&str]) -> Vec<String> {
    let source = new_vault(dir, "export-source.db");
    for link in accounts {
        let (ok, out) = run(&source, &["add", link]);
        assert!(ok, "{out}");
    }
    let (ok, export) = run(&source, &["export", "--google"]);
    assert!(ok, "{export}");
    export["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap().to_owned())
        .collect()
}

/// (issuer, name, code at t=59) of every account: what must survive a trip.
fn accounts_and_codes(vault: &Path) -> Vec<(Value, Value, Value)> {
    let (ok, codes) = run(vault, &["codes", "--at", "59"]);
    assert!(ok, "{codes}");
    let mut out: Vec<_> = codes
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["issuer"].clone(), c["name"].clone(), c["code"].clone()))
        .collect();
    out.sort_by_key(|t| format!("{t:?}"));
    out
}

#[test]
fn a_google_export_adds_every_account_once() {
    let dir = tempfile::tempdir().unwrap();
    let v = new_vault(dir.path(), "v.db");
    let links = google_export(dir.path(), &VARIED[..2]);
    assert_eq!(links.len(), 1);
    let two = &links[0];
    let (ok, out) = run(&v, &["add", two]);
    assert!(ok, "{out}");
    assert_eq!(out["added"].as_array().unwrap().len(), 2);
    assert_eq!(out["added"][0]["provenance"], "import:google_migration");
    assert_eq!(out["batch"]["size"], 1);
    // The same QR again: nothing new.
    let (ok, again) = run(&v, &["add", two]);
    assert!(ok, "{again}");
    assert_eq!(again["added"].as_array().unwrap().len(), 0);
    assert_eq!(again["already_present"].as_array().unwrap().len(), 2);
    let (_, list) = run(&v, &["list"]);
    assert_eq!(list.as_array().unwrap().len(), 2);
}

#[test]
fn microsoft_and_bad_text_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let v = new_vault(dir.path(), "v.db");
    let before = std::fs::read(&v).unwrap();
    for (text, kind) in [
        (
            "phonefactor://activate_account?code=123456789&url=https%3A%2F%2Fx.phonefactor.net%2Fpad%2F9",
            "microsoft_managed",
        ),
        (
            "https://login.microsoftonline.com/authenticatorApp/activateAccount?accountType=mfa&code=123456789&url=https%3A%2F%2Fmobileappcommunicator.auth.microsoft.com%2Factivatev2%2F1%2Fx",
            "microsoft_managed",
        ),
        ("otpauth-migration://offline?data=XXXX", "invalid_link"),
        ("hello there", "invalid_link"),
        ("JBSW Y3DP EHPK 3PXP", "invalid_input"),
    ] {
        let (ok, e) = run(&v, &["add", text]);
        assert!(!ok, "{text}");
        assert_eq!(e["error"]["kind"], kind, "{text}: {e}");
        assert!(!e.to_string().contains("123456789"), "{e}");
    }
    let (_, e) = run(
        &v,
        &[
            "add",
            "phonefactor://activate_account?code=1&url=https%3A%2F%2Fx.phonefactor.net",
        ],
    );
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("different authenticator app")
    );
    assert_eq!(std::fs::read(&v).unwrap(), before, "the vault file changed");
    // A bare secret with a name is fine.
    let (ok, out) = run(
        &v,
        &[
            "add",
            "JBSW Y3DP EHPK 3PXP",
            "--name",
            "bob",
            "--issuer",
            "Bank",
        ],
    );
    assert!(ok, "{out}");
    assert_eq!(out["name"], "bob");
}

#[test]
fn export_to_png_and_scan_back_gives_the_same_accounts() {
    let dir = tempfile::tempdir().unwrap();
    let a = new_vault(dir.path(), "a.db");
    for link in VARIED {
        assert!(run(&a, &["add", link]).0);
    }
    // 12 distinct accounts: more than one export QR.
    for i in 0..12 {
        let link = format!(
            "otpauth://totp/Issuer{i}:user{i}?secret=JBSWY3DPEHPK3PX{}&issuer=Issuer{i}",
            ["A", "Q"][i % 2]
        );
        let (ok, out) = run(&a, &["add", &link, "--force"]);
        assert!(ok, "{out}");
    }
    let (ok, steam) = run(
        &a,
        &[
            "add",
            "otpauth://steam/Steam:me?secret=JRZCL47CMXVOQMNPZR2F7J4RGI",
        ],
    );
    assert!(ok, "{steam}");
    let png_dir = dir.path().join("export");
    let (ok, export) = run(
        &a,
        &["export", "--google", "--png", png_dir.to_str().unwrap()],
    );
    assert!(ok, "{export}");
    let links = export["links"].as_array().unwrap();
    let pngs = export["png"].as_array().unwrap();
    assert_eq!(links.len(), 2);
    assert_eq!(pngs.len(), 2);
    // Steam cannot be expressed by Google: skipped, with its id.
    assert_eq!(export["skipped"].as_array().unwrap().len(), 1);
    assert_eq!(export["skipped"][0]["id"], steam["id"]);

    let b = new_vault(dir.path(), "b.db");
    for png in pngs {
        let (ok, out) = run(&b, &["scan", png.as_str().unwrap(), "--add"]);
        assert!(ok, "{out}");
        assert_eq!(out["payloads"].as_array().unwrap().len(), 1);
    }
    let mut want = accounts_and_codes(&a);
    want.retain(|(_, name, _)| name != "me");
    assert_eq!(accounts_and_codes(&b), want);
}

#[test]
fn the_sample_export_screenshot_decodes_and_enrols() {
    let Some(migration_dir) = migration_dir() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let v = new_vault(dir.path(), "v.db");
    let png = migration_dir.join("example_export.png");
    let (ok, out) = run(&v, &["scan", png.to_str().unwrap(), "--add"]);
    assert!(ok, "{out}");
    let payload = out["payloads"][0].as_str().unwrap();
    assert!(payload.starts_with("otpauth-migration://offline?data="));
    let added = out["added"][0]["added"].as_array().unwrap();
    let names: Vec<&str> = added.iter().map(|a| a["name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 3, "{out}");
    assert!(names.iter().all(|n| n.contains("@example")), "{names:?}");
    // Their QR without an enrolment in it adds nothing and says why.
    let (ok, e) = run(
        &v,
        &[
            "scan",
            migration_dir
                .join("tests-data/qr_but_without_otp.png")
                .to_str()
                .unwrap(),
            "--add",
        ],
    );
    assert!(!ok);
    assert_eq!(e["error"]["kind"], "invalid_link", "{e}");
}

/// A screenshot of a QR code that holds no enrolment adds nothing, says
/// why, and leaves the vault file as it was.
#[test]
fn a_qr_without_an_enrolment_adds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let v = new_vault(dir.path(), "v.db");
    let before = std::fs::read(&v).unwrap();
    let png = dir.path().join("hello.png");
    std::fs::write(
        &png,
        watchword_testkit::Scene::new(640, 480)
            .code("https://example.com/hello", 150, 80, 6)
            .render()
            .png(),
    )
    .unwrap();
    let (ok, e) = run(&v, &["scan", png.to_str().unwrap(), "--add"]);
    assert!(!ok, "{e}");
    assert_eq!(e["error"]["kind"], "invalid_link", "{e}");
    assert_eq!(std::fs::read(&v).unwrap(), before, "the vault file changed");
}

/// The QR codes of a three-part export added out of order, each in its own
/// run of the CLI: each says what is still to scan, the last "all 3
/// scanned", and a part added again adds nothing.
#[test]
fn a_multi_qr_export_scanned_out_of_order_ends_all_scanned() {
    let dir = tempfile::tempdir().unwrap();
    let links: Vec<String> = (0..25)
        .map(|i| {
            format!(
                "otpauth://totp/Acme:user{i}?secret=JBSWY3DPEHPK3PX{}&issuer=Acme",
                (b'A' + (i % 26) as u8) as char
            )
        })
        .collect();
    let links: Vec<&str> = links.iter().map(String::as_str).collect();
    let export = google_export(dir.path(), &links);
    assert_eq!(export.len(), 3);
    let vault = new_vault(dir.path(), "phone.db");
    let batch = |i: usize| {
        let (ok, v) = run(&vault, &["add", &export[i]]);
        assert!(ok, "{v}");
        v["batch"].clone()
    };
    let second = batch(1);
    assert_eq!(
        (second["scanned"].as_u64(), second["missing"].clone()),
        (Some(1), serde_json::json!([0, 2]))
    );
    assert_eq!(batch(0)["missing"], serde_json::json!([2]));
    let last = batch(2);
    assert_eq!(
        (last["scanned"].as_u64(), last["missing"].clone()),
        (Some(3), serde_json::json!([]))
    );
    let out = Command::new(env!("CARGO_BIN_EXE_watchword"))
        .args(["--vault", vault.to_str().unwrap(), "add", &export[2]])
        .env("WATCHWORD_PASSPHRASE", PASS)
        .output()
        .unwrap();
    let human = String::from_utf8(out.stdout).unwrap();
    assert!(
        human.contains("This was QR 3 of 3 of a Google Authenticator export: all 3 scanned."),
        "{human}"
    );
    assert!(!human.contains("Added #"), "nothing added twice: {human}");
}

/// A pasted list of links (an Ente or text-file export) adds each line,
/// skipping blank lines and comments; a bad line refuses the whole list and
/// names it; nothing was stored then.
#[test]
fn a_pasted_list_of_links_adds_each_line() {
    let dir = tempfile::tempdir().unwrap();
    let vault = new_vault(dir.path(), "v.db");
    let list = format!("# exported\n{}\n\n{}\n", VARIED[0], VARIED[1]);
    let (ok, v) = run(&vault, &["inspect", &list]);
    assert!(ok, "{v}");
    assert_eq!(v["kind"], "otp_list");
    assert_eq!(v["accounts"].as_array().unwrap().len(), 2);
    let bad = format!("{}\notpauth://totp/x?issuer=a\n", VARIED[2]);
    let (ok, v) = run(&vault, &["add", &bad]);
    assert!(!ok);
    assert_eq!(v["error"]["kind"], "invalid_link");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("line 2 of the list"),
        "{v}"
    );
    let (_, listed) = run(&vault, &["list"]);
    assert_eq!(
        listed,
        serde_json::json!([]),
        "nothing stored from a refused list"
    );
    let (ok, v) = run(&vault, &["add", &list]);
    assert!(ok, "{v}");
    assert_eq!(v["added"].as_array().unwrap().len(), 2);
    let (ok, v) = run(&vault, &["add", &list]);
    assert!(ok, "{v}");
    assert_eq!(v["already_present"].as_array().unwrap().len(), 2);
}
