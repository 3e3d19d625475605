//! Plaintext scan: after writing accounts with known secrets and issuers,
//! none of their bytes (raw, base32 either case, hex either case) nor the
//! issuer, name, notes or push state strings appear in the database, its
//! WAL or its shm file, while the vault is open or after it is closed.

// Test helpers outside #[test] fns may unwrap too: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use watchword_core::{
    account::{Account, Provenance},
    otp::{OtpParams, Secret},
    sensitive::Sensitive,
    vault::{KdfParams, PassphraseKeyProvider, PushAccountRecord, Vault},
};

fn provider() -> PassphraseKeyProvider {
    PassphraseKeyProvider::new(
        Sensitive::new("scan".to_owned()),
        KdfParams::FAST_INSECURE_FOR_TESTS,
    )
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Every needle, with a label for the failure message.
fn needles(secrets: &[Vec<u8>], strings: &[String]) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for (i, s) in secrets.iter().enumerate() {
        let b32 = Secret::from_bytes(s.clone())
            .unwrap()
            .to_base32()
            .to_string();
        out.push((format!("secret {i} raw"), s.clone()));
        out.push((format!("secret {i} base32"), b32.clone().into_bytes()));
        out.push((
            format!("secret {i} base32 lower"),
            b32.to_lowercase().into_bytes(),
        ));
        out.push((format!("secret {i} hex"), hex(s).into_bytes()));
        out.push((
            format!("secret {i} HEX"),
            hex(s).to_uppercase().into_bytes(),
        ));
    }
    for s in strings {
        out.push((format!("string {s:?}"), s.clone().into_bytes()));
    }
    out
}

/// Names of files that hold needles, for all of db, -wal, -shm present.
fn scan(db: &Path, needles: &[(String, Vec<u8>)]) -> (Vec<String>, usize) {
    let mut hits = Vec::new();
    let mut scanned = 0;
    for suffix in ["", "-wal", "-shm"] {
        let mut p = db.as_os_str().to_owned();
        p.push(suffix);
        let Ok(content) = std::fs::read(&p) else {
            continue;
        };
        scanned += content.len();
        for (label, needle) in needles {
            if content
                .windows(needle.len())
                .any(|w| w == needle.as_slice())
            {
                hits.push(format!("{label} in {}", Path::new(&p).display()));
            }
        }
    }
    (hits, scanned)
}

#[test]
fn no_secret_or_metadata_is_stored_in_clear() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scan.db");
    let v = Vault::create(&path, &provider()).unwrap();
    let mut secrets = Vec::new();
    let mut strings = Vec::new();
    for i in 0..20u8 {
        // 20 distinct, high-entropy-looking bytes per account.
        let secret: Vec<u8> = (0..20u8)
            .map(|j| j.wrapping_mul(37).wrapping_add(i.wrapping_mul(101)) ^ 0xA5)
            .collect();
        let issuer = format!("ScanIssuer{i}Corporation");
        let name = format!("scan-user-{i}@example.org");
        let notes = format!("ScanNotes{i}RecoveryCodes");
        let mut a = Account::new(
            Some(issuer.clone()),
            name.clone(),
            if i % 2 == 0 {
                OtpParams::totp(Secret::from_bytes(secret.clone()).unwrap())
            } else {
                OtpParams::hotp(Secret::from_bytes(secret.clone()).unwrap(), 0)
            },
            Provenance::import("scanformat"),
        );
        a.notes = Some(notes.clone());
        a.group = Some(format!("ScanGroup{i}"));
        let id = v.add_account(a, false).unwrap().id;
        if i % 2 == 1 {
            v.next_hotp_code(id).unwrap();
        }
        secrets.push(secret);
        strings.extend([issuer, name, notes, format!("ScanGroup{i}")]);
    }
    strings.push("scanformat".into());
    let push_key = b"PushPrivateKeyMaterial-0123456789".to_vec();
    v.add_push_account(PushAccountRecord::new(
        "privacyidea",
        Some("ScanPushOrganisation".into()),
        "ScanPushUser".into(),
        push_key.clone(),
    ))
    .unwrap();
    secrets.push(push_key);
    strings.extend(["ScanPushOrganisation".into(), "ScanPushUser".into()]);
    let needles = needles(&secrets, &strings);

    // While open: the writes are in the WAL.
    let (hits, scanned) = scan(&path, &needles);
    assert!(hits.is_empty(), "plaintext found while open: {hits:#?}");
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    assert!(
        std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0) > 0,
        "expected a WAL to scan"
    );
    // The scan can see content: the vault's clear marker is found.
    let (marker, _) = scan(&path, &[("magic".into(), b"watchword-vault".to_vec())]);
    assert!(!marker.is_empty() && scanned > 0);

    drop(v);
    let (hits, _) = scan(&path, &needles);
    assert!(hits.is_empty(), "plaintext found after close: {hits:#?}");
    // And the data is really there: it decrypts.
    let v = Vault::open(&path, &provider()).unwrap();
    assert_eq!(v.list_accounts(Some("ScanIssuer7")).unwrap().len(), 1);
}
