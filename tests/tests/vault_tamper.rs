//! Tampering: bytes flipped inside a row's ciphertext, two rows'
//! ciphertexts swapped in the file, the file truncated or damaged. Each
//! gives a typed error (`corrupt_vault`), nothing panics, and the file is
//! not written.

// Test helpers outside #[test] fns may unwrap too: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use watchword_core::{
    ApiError,
    account::{Account, Provenance},
    otp::{OtpParams, Secret},
    sensitive::Sensitive,
    vault::{AccountUpdate, KdfParams, PassphraseKeyProvider, Vault, VaultError},
};

fn provider() -> PassphraseKeyProvider {
    PassphraseKeyProvider::new(
        Sensitive::new("tamper".to_owned()),
        KdfParams::FAST_INSECURE_FOR_TESTS,
    )
}

/// A closed vault with two accounts of equal-length records; returns the
/// path and the two ids.
fn vault(dir: &Path) -> (PathBuf, i64, i64) {
    let path = dir.join("t.db");
    let v = Vault::create(&path, &provider()).unwrap();
    let mut ids = Vec::new();
    for (name, key) in [("alpha", [1u8; 20]), ("bravo", [2u8; 20])] {
        let a = Account::new(
            Some("Tamper".into()),
            name.into(),
            OtpParams::hotp(Secret::from_bytes(key.to_vec()).unwrap(), 0),
            Provenance::Manual,
        );
        ids.push(v.add_account(a, false).unwrap().id);
    }
    drop(v);
    (path, ids[0], ids[1])
}

fn blob(path: &Path, id: i64, column: &str) -> Vec<u8> {
    let c = rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .unwrap();
    c.query_row(
        &format!("SELECT {column} FROM accounts WHERE id = ?1"),
        [id],
        |r| r.get(0),
    )
    .unwrap()
}

fn find(haystack: &[u8], needle: &[u8]) -> usize {
    let at: Vec<usize> = haystack
        .windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .map(|(i, _)| i)
        .collect();
    assert_eq!(at.len(), 1, "ciphertext should appear once in the file");
    at[0]
}

/// A write operation on the open vault.
type WriteOp<'a> = dyn Fn() -> Result<(), VaultError> + 'a;

/// Panics unless `path` holds exactly `before`.
fn assert_unchanged(path: &Path, before: &[u8], what: &str, errors: &[VaultError]) {
    let after = std::fs::read(path).unwrap();
    if after != before {
        let first = after.iter().zip(before).position(|(a, b)| a != b);
        panic!(
            "{what} wrote the file: {} -> {} bytes, first difference at {first:?}; errors {errors:?}",
            before.len(),
            after.len()
        );
    }
}

/// Runs every read path, then the write paths, on a tampered vault and
/// returns the errors. Reads never change the file; a write that fails
/// leaves it as it was (one that succeeds may write: the damage was
/// elsewhere).
fn exercise(path: &Path, id: i64) -> Vec<VaultError> {
    let before = std::fs::read(path).unwrap();
    let mut errors = Vec::new();
    let v = match Vault::open(path, &provider()) {
        Err(e) => {
            errors.push(e);
            assert_unchanged(path, &before, "open", &errors);
            return errors;
        }
        Ok(v) => v,
    };
    for r in [
        v.get_account(id).map(drop),
        v.list_accounts(None).map(drop),
        v.codes_at(0, None).map(drop),
    ] {
        errors.extend(r.err());
    }
    assert_unchanged(path, &before, "reading", &errors);
    let writes: [(&str, Box<WriteOp<'_>>); 2] = [
        ("next", Box::new(|| v.next_hotp_code(id).map(drop))),
        (
            "update",
            Box::new(|| {
                v.update_account(
                    id,
                    AccountUpdate {
                        name: Some("x".into()),
                        ..Default::default()
                    },
                )
                .map(drop)
            }),
        ),
    ];
    for (what, write) in writes {
        let before = std::fs::read(path).unwrap();
        if let Err(e) = write() {
            errors.push(e);
            assert_unchanged(path, &before, what, &errors);
        }
    }
    errors
}

fn all_corrupt(errors: &[VaultError]) -> bool {
    !errors.is_empty()
        && errors.iter().all(|e| {
            matches!(e, VaultError::Corrupt(_))
                && ApiError::from(clone(e)).kind() == "corrupt_vault"
        })
}

fn clone(e: &VaultError) -> VaultError {
    VaultError::Corrupt(e.to_string())
}

#[test]
fn flipped_bytes_in_a_ciphertext_are_detected() {
    let dir = tempfile::tempdir().unwrap();
    let (path, id, _) = vault(dir.path());
    let pristine = std::fs::read(&path).unwrap();
    for column in ["sealed"] {
        let ct = blob(&path, id, column);
        let at = find(&pristine, &ct);
        // Format byte, nonce, body, tag.
        for offset in [0, 5, 20, ct.len() - 1] {
            let mut bytes = pristine.clone();
            bytes[at + offset] ^= 0x40;
            std::fs::write(&path, &bytes).unwrap();
            let errors = exercise(&path, id);
            assert!(all_corrupt(&errors), "{column}+{offset}: {errors:?}");
            assert_eq!(errors.len(), 5, "{column}+{offset}: every path fails");
        }
    }
}

#[test]
fn ciphertexts_swapped_between_rows_are_detected() {
    let dir = tempfile::tempdir().unwrap();
    let (path, a, b) = vault(dir.path());
    let mut bytes = std::fs::read(&path).unwrap();
    let (ca, cb) = (blob(&path, a, "sealed"), blob(&path, b, "sealed"));
    assert_eq!(ca.len(), cb.len());
    let (ia, ib) = (find(&bytes, &ca), find(&bytes, &cb));
    bytes[ia..ia + ca.len()].copy_from_slice(&cb);
    bytes[ib..ib + cb.len()].copy_from_slice(&ca);
    std::fs::write(&path, &bytes).unwrap();
    for id in [a, b] {
        let errors = exercise(&path, id);
        assert!(all_corrupt(&errors), "{errors:?}");
    }
}

#[test]
fn truncated_files_are_corrupt_and_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let (path, id, _) = vault(dir.path());
    let pristine = std::fs::read(&path).unwrap();
    let len = pristine.len();
    for keep in [0, 10, 16, 100, 1024, 4096, len / 2, len - 4096, len - 1] {
        std::fs::write(&path, &pristine[..keep]).unwrap();
        let errors = exercise(&path, id);
        assert!(
            all_corrupt(&errors),
            "truncated to {keep}/{len}: {errors:?}"
        );
    }
}

#[test]
fn random_damage_never_panics_or_writes() {
    let dir = tempfile::tempdir().unwrap();
    let (path, id, _) = vault(dir.path());
    let pristine = std::fs::read(&path).unwrap();
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    for _ in 0..150 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let mut bytes = pristine.clone();
        let at = (x as usize) % bytes.len();
        bytes[at] ^= 1 << (x % 8);
        std::fs::write(&path, &bytes).unwrap();
        // Any outcome but a panic or a write: flips in unused space change
        // nothing; the rest must be typed errors.
        for e in exercise(&path, id) {
            assert!(
                matches!(
                    e,
                    VaultError::Corrupt(_) | VaultError::WrongKey | VaultError::TooNew { .. }
                ),
                "byte {at}: {e:?}"
            );
        }
    }
}
