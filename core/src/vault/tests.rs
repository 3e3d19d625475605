//! Unit tests of the vault against real SQLite files in a temp directory.

use std::{path::Path, sync::Arc};

use super::*;
use crate::{
    account::{Account, Provenance},
    otp::{OtpAuthUri, OtpParams, Secret},
    sensitive::Sensitive,
};

fn pass(p: &str) -> PassphraseKeyProvider {
    PassphraseKeyProvider::new(
        Sensitive::new(p.to_owned()),
        KdfParams::FAST_INSECURE_FOR_TESTS,
    )
}

fn account(link: &str) -> Account {
    Account::from_uri(&OtpAuthUri::parse(link).unwrap(), Provenance::Qr)
}

fn new_vault(dir: &Path) -> Vault {
    Vault::create(&dir.join("v.db"), &pass("pw")).unwrap()
}

#[test]
fn accounts_survive_close_and_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.db");
    let v = Vault::create(&path, &pass("pw")).unwrap();
    let a = v
        .add_account(
            account(
                "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME&image=x&serial=7",
            ),
            false,
        )
        .unwrap();
    let b = v
        .add_account(
            account("otpauth://hotp/Bank:bob?secret=GEZDGNBVGY3TQOJQ&counter=5"),
            false,
        )
        .unwrap();
    assert!(b.id > a.id && b.sort_order > a.sort_order);
    drop(v);

    let v = Vault::open(&path, &pass("pw")).unwrap();
    let got = v.get_account(a.id).unwrap();
    assert_eq!(got.account, a.account);
    assert_eq!(
        got.account.to_uri().format().as_str(),
        "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME&algorithm=SHA1&digits=6&period=30&image=x&serial=7"
    );
    let all = v.list_accounts(None).unwrap();
    assert_eq!(all.iter().map(|s| s.id).collect::<Vec<_>>(), [a.id, b.id]);
    assert_eq!(v.list_accounts(Some("bank")).unwrap().len(), 1);
    assert_eq!(v.list_accounts(Some("ALICE")).unwrap()[0].id, a.id);
    assert!(v.list_accounts(Some("nobody")).unwrap().is_empty());
}

#[test]
fn duplicates_are_refused_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let v = new_vault(dir.path());
    let link = "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME";
    let first = v.add_account(account(link), false).unwrap();
    match v.add_account(account(link), false) {
        Err(VaultError::Duplicate { existing }) => assert_eq!(existing, first.id),
        other => panic!("{other:?}"),
    }
    assert_eq!(v.list_accounts(None).unwrap().len(), 1);
    // Another name or secret is not a duplicate; force keeps both.
    v.add_account(
        account("otpauth://totp/ACME:bob?secret=JBSWY3DPEHPK3PXP&issuer=ACME"),
        false,
    )
    .unwrap();
    v.add_account(account(link), true).unwrap();
    assert_eq!(v.list_accounts(None).unwrap().len(), 3);
}

#[test]
fn update_delete_and_not_found() {
    let dir = tempfile::tempdir().unwrap();
    let v = new_vault(dir.path());
    let a = v
        .add_account(
            account("otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP"),
            false,
        )
        .unwrap();
    let b = v
        .add_account(
            account("otpauth://totp/Zed:zoe?secret=GEZDGNBVGY3TQOJQ"),
            false,
        )
        .unwrap();
    let updated = v
        .update_account(
            a.id,
            AccountUpdate {
                name: Some("alice@acme.test".into()),
                issuer: Some(Some("ACME Corp".into())),
                icon: Some(Some("acme".into())),
                group: Some(Some("Work".into())),
                notes: Some(Some("recovery codes in the safe".into())),
                sort_order: Some(b.sort_order + 1),
                counter: None,
            },
        )
        .unwrap();
    let got = v.get_account(a.id).unwrap();
    assert_eq!(got.account, updated.account);
    assert_eq!(got.account.name, "alice@acme.test");
    assert_eq!(got.account.group.as_deref(), Some("Work"));
    assert_eq!(
        got.account.otp, a.account.otp,
        "secret and settings unchanged"
    );
    // New sort order moves it after b.
    let order: Vec<i64> = v
        .list_accounts(None)
        .unwrap()
        .iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(order, [b.id, a.id]);
    assert_eq!(v.list_accounts(Some("work")).unwrap().len(), 1);
    v.update_account(
        a.id,
        AccountUpdate {
            issuer: Some(None),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(v.get_account(a.id).unwrap().account.issuer, None);

    v.delete_account(a.id).unwrap();
    assert!(matches!(v.get_account(a.id), Err(VaultError::NotFound { id, .. }) if id == a.id));
    assert!(matches!(
        v.delete_account(a.id),
        Err(VaultError::NotFound { .. })
    ));
    assert!(matches!(
        v.update_account(a.id, AccountUpdate::default()),
        Err(VaultError::NotFound { .. })
    ));
    // Ids are never reused.
    let c = v
        .add_account(
            account("otpauth://totp/New:n?secret=JBSWY3DPEHPK3PXP"),
            false,
        )
        .unwrap();
    assert!(c.id > b.id);
}

#[test]
fn hotp_counter_is_committed_before_the_code() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.db");
    let v = Vault::create(&path, &pass("pw")).unwrap();
    // RFC 4226 secret: codes for counters 0.. are 755224, 287082, 359152.
    let secret = Secret::from_bytes(b"12345678901234567890".to_vec()).unwrap();
    let id = v
        .add_account(
            Account::new(
                None,
                "rfc".into(),
                OtpParams::hotp(secret, 0),
                Provenance::Manual,
            ),
            false,
        )
        .unwrap()
        .id;
    assert_eq!(v.next_hotp_code(id).unwrap().code, "755224");
    let c = v.next_hotp_code(id).unwrap();
    assert_eq!((c.code.as_str(), c.counter), ("287082", 1));
    drop(v);
    let v = Vault::open(&path, &pass("pw")).unwrap();
    assert_eq!(v.get_account(id).unwrap().account.otp.counter, 2);
    assert_eq!(v.next_hotp_code(id).unwrap().code, "359152");
    let codes = v.codes_at(0, None).unwrap();
    assert_eq!(codes[0].code, None, "hotp codes only come from next");

    let totp = v
        .add_account(account("otpauth://totp/T:t?secret=JBSWY3DPEHPK3PXP"), false)
        .unwrap();
    assert!(matches!(
        v.next_hotp_code(totp.id),
        Err(VaultError::Invalid(_))
    ));
    assert!(matches!(
        v.next_hotp_code(999),
        Err(VaultError::NotFound { .. })
    ));
    let codes = v.codes_at(59_000, Some("t")).unwrap();
    let Some(c) = &codes.iter().find(|c| c.id == totp.id).unwrap().code else {
        panic!("timed")
    };
    // Same as `watchword code ... --at 59` in the README.
    assert_eq!((c.code.as_str(), c.valid_for), ("996554", 1));
}

#[test]
fn counter_overflow_is_an_error_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let v = new_vault(dir.path());
    let secret = Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
    let id = v
        .add_account(
            Account::new(
                None,
                "max".into(),
                OtpParams::hotp(secret, u64::MAX),
                Provenance::Manual,
            ),
            false,
        )
        .unwrap()
        .id;
    assert!(matches!(v.next_hotp_code(id), Err(VaultError::Invalid(_))));
    assert_eq!(v.get_account(id).unwrap().account.otp.counter, u64::MAX);
}

#[test]
fn wrong_passphrase_and_wrong_platform_key_leave_the_file_identical() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.db");
    let v = Vault::create(&path, &pass("right")).unwrap();
    v.add_account(account("otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP"), false)
        .unwrap();
    drop(v);
    let before = std::fs::read(&path).unwrap();
    assert!(matches!(
        Vault::open(&path, &pass("wrong")),
        Err(VaultError::WrongKey)
    ));
    assert_eq!(std::fs::read(&path).unwrap(), before);

    // A platform provider that "unwraps" to some other 32 bytes: the
    // canary catches it.
    let kp = dir.path().join("k.db");
    drop(Vault::create(&kp, &StaticKeyProvider::new([1; 32])).unwrap());
    let before = std::fs::read(&kp).unwrap();
    struct Liar;
    impl KeyProvider for Liar {
        fn wrap(&self, _: Zeroizing<Vec<u8>>) -> Result<Vec<u8>, KeyProviderError> {
            Ok(vec![])
        }
        fn unwrap(&self, _: Vec<u8>) -> Result<Zeroizing<Vec<u8>>, KeyProviderError> {
            Ok(Zeroizing::new(vec![7; 32]))
        }
    }
    assert!(matches!(Vault::open(&kp, &Liar), Err(VaultError::WrongKey)));
    assert!(matches!(
        Vault::open(&kp, &StaticKeyProvider::new([2; 32])),
        Err(VaultError::WrongKey)
    ));
    struct Locked;
    impl KeyProvider for Locked {
        fn wrap(&self, _: Zeroizing<Vec<u8>>) -> Result<Vec<u8>, KeyProviderError> {
            Err(KeyProviderError::Unavailable {
                message: "locked".into(),
            })
        }
        fn unwrap(&self, _: Vec<u8>) -> Result<Zeroizing<Vec<u8>>, KeyProviderError> {
            Err(KeyProviderError::Unavailable {
                message: "user not authenticated".into(),
            })
        }
    }
    assert!(matches!(
        Vault::open(&kp, &Locked),
        Err(VaultError::KeyProvider(_))
    ));
    assert_eq!(std::fs::read(&kp).unwrap(), before);
    assert!(Vault::open(&kp, &StaticKeyProvider::new([1; 32])).is_ok());
}

#[test]
fn create_refuses_existing_files_and_open_refuses_foreign_ones() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.db");
    std::fs::write(&p, b"my notes").unwrap();
    assert!(matches!(
        Vault::create(&p, &pass("pw")),
        Err(VaultError::AlreadyExists(_))
    ));
    assert!(matches!(
        Vault::open(&p, &pass("pw")),
        Err(VaultError::Corrupt(_))
    ));
    assert_eq!(std::fs::read(&p).unwrap(), b"my notes");

    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    assert!(matches!(
        Vault::open(&empty, &pass("pw")),
        Err(VaultError::Corrupt(_))
    ));
    assert_eq!(std::fs::read(&empty).unwrap(), b"");

    // Another program's SQLite database.
    let foreign = dir.path().join("foreign.db");
    let c = rusqlite::Connection::open(&foreign).unwrap();
    c.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .unwrap();
    drop(c);
    let before = std::fs::read(&foreign).unwrap();
    assert!(matches!(
        Vault::open(&foreign, &pass("pw")),
        Err(VaultError::Corrupt(_))
    ));
    c_user_version(&foreign, 1);
    let before_v = std::fs::read(&foreign).unwrap();
    assert_ne!(before, before_v);
    assert!(matches!(
        Vault::open(&foreign, &pass("pw")),
        Err(VaultError::Corrupt(_))
    ));
    assert_eq!(std::fs::read(&foreign).unwrap(), before_v);

    let missing = dir.path().join("none.db");
    assert!(matches!(
        Vault::open(&missing, &pass("pw")),
        Err(VaultError::Missing(_))
    ));
    assert!(!missing.exists(), "open never creates a file");
    // No leftovers from create.
    let _ = new_vault(dir.path());
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("creating"))
        .collect();
    assert!(names.is_empty(), "{names:?}");
}

fn c_user_version(p: &Path, v: i64) {
    let c = rusqlite::Connection::open(p).unwrap();
    c.pragma_update(None, "user_version", v).unwrap();
}

#[test]
fn newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("v.db");
    drop(Vault::create(&p, &pass("pw")).unwrap());
    c_user_version(&p, schema::SCHEMA_VERSION + 1);
    assert!(matches!(
        Vault::open(&p, &pass("pw")),
        Err(VaultError::TooNew { .. })
    ));
}

#[test]
fn swapped_or_altered_ciphertexts_are_corrupt_not_garbage() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("v.db");
    let v = Vault::create(&p, &pass("pw")).unwrap();
    let a = v
        .add_account(account("otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP"), false)
        .unwrap();
    let b = v
        .add_account(account("otpauth://totp/B:b?secret=GEZDGNBVGY3TQOJQ"), false)
        .unwrap();
    drop(v);
    let raw = rusqlite::Connection::open(&p).unwrap();
    // Copy b's ciphertext over a's.
    raw.execute(
        "UPDATE accounts SET sealed = (SELECT sealed FROM accounts WHERE id = ?2) WHERE id = ?1",
        [a.id, b.id],
    )
    .unwrap();
    drop(raw);
    let v = Vault::open(&p, &pass("pw")).unwrap();
    assert!(matches!(v.get_account(a.id), Err(VaultError::Corrupt(_))));
    assert!(matches!(v.list_accounts(None), Err(VaultError::Corrupt(_))));
    assert!(matches!(
        v.next_hotp_code(a.id),
        Err(VaultError::Corrupt(_))
    ));
    assert!(v.get_account(b.id).is_ok());
    // A ciphertext from another column of the same row id (a push
    // account's state) does not open as an account either.
    let push = v
        .add_push_account(PushAccountRecord::new(
            "watchword",
            None,
            "p".into(),
            b"{}".to_vec(),
        ))
        .unwrap();
    drop(v);
    let raw = rusqlite::Connection::open(&p).unwrap();
    raw.execute(
        "UPDATE accounts SET sealed = (SELECT state FROM push_accounts WHERE id = ?1) WHERE id = ?2",
        [push.id, b.id],
    )
    .unwrap();
    assert_eq!(push.id, a.id, "same row id, other table");
    drop(raw);
    let v = Vault::open(&p, &pass("pw")).unwrap();
    assert!(matches!(v.get_account(b.id), Err(VaultError::Corrupt(_))));
}

#[test]
fn push_accounts_keep_an_opaque_sealed_state() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("v.db");
    let v = Vault::create(&p, &pass("pw")).unwrap();
    let state = br#"{"private_key":"MC4CAQAwBQYDK2VwBCIEIPUSHKEYPUSHKEY"}"#.to_vec();
    let a = v
        .add_push_account(PushAccountRecord::new(
            "privacyidea",
            Some("Example Org".into()),
            "alice".into(),
            state.clone(),
        ))
        .unwrap();
    assert!(!a.account.exportable);
    assert!(!format!("{a:?}").contains("PUSHKEY"));
    let b = v
        .add_push_account(PushAccountRecord::new(
            "watchword",
            None,
            "bob".into(),
            b"{}".to_vec(),
        ))
        .unwrap();
    assert!(matches!(
        v.add_push_account(PushAccountRecord::new("Bad Name", None, "x".into(), vec![])),
        Err(VaultError::Invalid(_))
    ));
    drop(v);
    let v = Vault::open(&p, &pass("pw")).unwrap();
    let got = v.get_push_account(a.id).unwrap();
    assert_eq!(got.account.state.expose(), &state);
    assert_eq!(got.account.issuer.as_deref(), Some("Example Org"));
    assert_eq!(v.list_push_accounts(None).unwrap().len(), 2);
    assert_eq!(v.list_push_accounts(Some("watchword")).unwrap()[0].id, b.id);
    let up = v
        .update_push_account(
            a.id,
            PushAccountUpdate {
                state: Some(Sensitive::new(b"{\"v\":2}".to_vec())),
                name: Some("alice2".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(v.get_push_account(a.id).unwrap().account, up.account);
    v.delete_push_account(a.id).unwrap();
    assert!(matches!(
        v.get_push_account(a.id),
        Err(VaultError::NotFound { .. })
    ));
    assert!(matches!(
        v.delete_push_account(a.id),
        Err(VaultError::NotFound { .. })
    ));
    // OTP accounts are a separate list.
    assert!(v.list_accounts(None).unwrap().is_empty());
    drop(v);
    let file = std::fs::read(&p).unwrap();
    assert!(!file.windows(7).any(|w| w == b"PUSHKEY"));
    assert!(!file.windows(11).any(|w| w == b"Example Org"));
}

#[test]
fn clock_offset_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("v.db");
    let v = Vault::create(&p, &pass("pw")).unwrap();
    assert_eq!(v.clock_offset_ms().unwrap(), 0);
    v.set_clock_offset_ms(-93_500).unwrap();
    v.set_clock_offset_ms(-93_250).unwrap();
    drop(v);
    let v = Vault::open(&p, &pass("pw")).unwrap();
    assert_eq!(v.clock_offset_ms().unwrap(), -93_250);
}

/// `codes_now` is the system clock plus the stored offset: with the clock
/// an hour and a half period off, its codes are those at the corrected
/// time, not at the raw one.
#[test]
fn codes_now_applies_the_stored_offset() {
    use crate::otp::{Clock, SystemClock};
    let dir = tempfile::tempdir().unwrap();
    let v = new_vault(dir.path());
    let link = "otpauth://totp/A:b?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8";
    v.add_account(Account::from_link(link).unwrap(), false)
        .unwrap();
    let offset = 3_600_000 + 15_000;
    v.set_clock_offset_ms(offset).unwrap();
    let code = |c: &[AccountCode]| match &c[0].code {
        Some(t) => t.code.clone(),
        other => panic!("{other:?}"),
    };
    // Retried when the 30 s period turns between the two readings.
    for _ in 0..3 {
        let before = SystemClock.now_unix_ms() + offset;
        let now = v.codes_now(None).unwrap();
        let after = SystemClock.now_unix_ms() + offset;
        if before / 30_000 != after / 30_000 {
            continue;
        }
        assert_eq!(code(&now), code(&v.codes_at(before, None).unwrap()));
        assert_ne!(
            code(&now),
            code(&v.codes_at(before - offset, None).unwrap())
        );
        return;
    }
    panic!("the period turned three times in a row");
}

#[test]
fn change_key_rewraps_without_touching_rows() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("v.db");
    let v = Vault::create(&p, &pass("old")).unwrap();
    let a = v
        .add_account(account("otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP"), false)
        .unwrap();
    v.change_key(&pass("new")).unwrap();
    drop(v);
    assert!(matches!(
        Vault::open(&p, &pass("old")),
        Err(VaultError::WrongKey)
    ));
    let v = Vault::open(&p, &pass("new")).unwrap();
    assert_eq!(v.get_account(a.id).unwrap().account, a.account);
}

#[test]
fn two_connections_write_concurrently_without_losing_anything() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("v.db");
    drop(Vault::create(&p, &pass("pw")).unwrap());
    let secret = Secret::from_bytes(b"12345678901234567890".to_vec()).unwrap();
    let hotp = Vault::open(&p, &pass("pw"))
        .unwrap()
        .add_account(
            Account::new(
                None,
                "shared".into(),
                OtpParams::hotp(secret, 0),
                Provenance::Manual,
            ),
            false,
        )
        .unwrap()
        .id;
    let p = Arc::new(p);
    let workers: Vec<_> = (0..2)
        .map(|w| {
            let p = Arc::clone(&p);
            std::thread::spawn(move || {
                let v = Vault::open(&p, &pass("pw")).unwrap();
                let mut counters = Vec::new();
                for i in 0..25 {
                    v.add_account(
                        account(&format!("otpauth://totp/W{w}:n{i}?secret=JBSWY3DPEHPK3PXP")),
                        false,
                    )
                    .unwrap();
                    counters.push(v.next_hotp_code(hotp).unwrap().counter);
                }
                counters
            })
        })
        .collect();
    let mut counters: Vec<u64> = workers
        .into_iter()
        .flat_map(|w| w.join().unwrap())
        .collect();
    counters.sort_unstable();
    // 50 distinct counters: no step was handed out twice.
    assert_eq!(counters, (0..50).collect::<Vec<u64>>());
    let v = Vault::open(&p, &pass("pw")).unwrap();
    assert_eq!(v.list_accounts(None).unwrap().len(), 51);
    assert_eq!(v.get_account(hotp).unwrap().account.otp.counter, 50);
}

#[test]
fn an_hotp_counter_can_be_set_and_resynced_from_two_codes() {
    let dir = tempfile::tempdir().unwrap();
    let v = new_vault(dir.path());
    // RFC 4226 Appendix D: counter 5 = 254676, 6 = 287922, 7 = 162583.
    let id = v
        .add_link(
            "otpauth://hotp/H:carol?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=0",
            false,
        )
        .unwrap()
        .id;
    assert_eq!(v.resync_hotp(id, "254676", " 287922 ").unwrap(), 7);
    assert_eq!(v.next_hotp_code(id).unwrap().code, "162583");
    // Out of order, or not consecutive: refused, nothing changed.
    for (first, second) in [("287922", "254676"), ("254676", "162583")] {
        let r = v.resync_hotp(id, first, second);
        assert!(
            matches!(&r, Err(VaultError::Invalid(m)) if m.contains("do not follow each other")),
            "{first} {second}: {r:?}"
        );
    }
    assert_eq!(v.get_account(id).unwrap().account.otp.counter, 8);
    let set = AccountUpdate {
        counter: Some(5),
        ..AccountUpdate::default()
    };
    v.update_account(id, set.clone()).unwrap();
    assert_eq!(v.next_hotp_code(id).unwrap().code, "254676");
    let totp = v
        .add_link(
            "otpauth://totp/T:x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
            false,
        )
        .unwrap()
        .id;
    let r = v.update_account(totp, set);
    assert!(
        matches!(&r, Err(VaultError::Invalid(m)) if m.contains("not hotp")),
        "{r:?}"
    );
    let r = v.resync_hotp(totp, "254676", "287922");
    assert!(
        matches!(&r, Err(VaultError::Invalid(m)) if m.contains("not hotp")),
        "{r:?}"
    );
}

#[test]
fn a_deleted_account_can_be_restored_from_the_trash() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.db");
    let v = Vault::create(&path, &pass("pw")).unwrap();
    let link = "otpauth://totp/ACME:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ACME";
    let a = v.add_link(link, false).unwrap();
    let code_before = v.codes_at(59_000, None).unwrap()[0].code.clone();
    v.delete_account(a.id).unwrap();
    assert!(v.list_accounts(None).unwrap().is_empty());
    assert!(matches!(
        v.delete_account(a.id),
        Err(VaultError::NotFound { .. })
    ));
    drop(v);
    // The trash survives a restart, sealed: the secret is not in the file.
    let bytes = std::fs::read(&path).unwrap();
    assert!(!bytes.windows(8).any(|w| w == b"12345678"));
    let v = Vault::open(&path, &pass("pw")).unwrap();
    let trash = v.trash().unwrap();
    assert_eq!(trash.len(), 1);
    assert_eq!(
        (trash[0].id, trash[0].label.as_str()),
        (a.id, "ACME (alice)")
    );
    let back = v.restore_account(a.id).unwrap();
    assert_eq!(back.label, "ACME (alice)");
    assert_eq!(
        v.codes_at(59_000, None).unwrap()[0].code,
        code_before,
        "the same secret"
    );
    assert!(v.trash().unwrap().is_empty());
    assert!(matches!(
        v.restore_account(a.id),
        Err(VaultError::NotFound { .. })
    ));
    v.delete_account(back.id).unwrap();
    v.empty_trash().unwrap();
    assert!(v.trash().unwrap().is_empty());
}
