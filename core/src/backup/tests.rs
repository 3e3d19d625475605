//! The backup as a whole: vault → file → a new vault, exactly; writes that
//! fail keep the previous backup; the rotating folder.

use std::{fs, path::Path};

use super::*;
use crate::{
    account::{Account, Provenance},
    import::OnDuplicate,
    otp::OtpAuthUri,
    vault::{KdfParams, StaticKeyProvider, Vault},
};

const PW: &str = "a long backup password";
const FAST: KdfParams = KdfParams::FAST_INSECURE_FOR_TESTS;

fn vault(dir: &Path, name: &str) -> Vault {
    Vault::create(&dir.join(name), &StaticKeyProvider::new([7; 32])).unwrap()
}

/// A vault with one account of each kind and every optional field set.
fn full_vault(dir: &Path) -> Vault {
    let v = vault(dir, "old.db");
    for (link, group, notes) in [
        (
            "otpauth://totp/Deno:Mason?secret=4SJHB4GSD43FZBAI7C2HLRJGPQ&issuer=Deno&image=https%3A%2F%2Fx%2Fi.png",
            Some("Work"),
            Some("desk"),
        ),
        (
            "otpauth://hotp/WWE:Mason?secret=5VAML3X35THCEBVRLV24CGBKOY&algorithm=SHA512&digits=8&counter=10300",
            None,
            None,
        ),
        (
            "otpauth://steam/Boeing:Sophia?secret=JRZCL47CMXVOQMNPZR2F7J4RGI",
            Some("Games"),
            None,
        ),
        (
            "otpauth://totp/SPDX:James?secret=5OM4WOOGPLQEF6UGN3CPEOOLWU&algorithm=SHA256&digits=7&period=20&color=ff0000",
            None,
            Some("ü ✓"),
        ),
    ] {
        let mut a = Account::from_uri(&OtpAuthUri::parse(link).unwrap(), Provenance::Qr);
        a.group = group.map(Into::into);
        a.notes = notes.map(Into::into);
        a.icon = Some("data:image/png;base64,iVBORw0KGgo=".into());
        v.add_account(a, false).unwrap();
    }
    v.set_clock_offset_ms(-4200).unwrap();
    v
}

#[test]
fn backup_then_restore_reproduces_every_field_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let old = full_vault(dir.path());
    let path = dir.path().join("b.wwbackup");
    let out = write_backup(&old, &path, PW, FAST).unwrap();
    assert_eq!(out.accounts, 4);
    let new = vault(dir.path(), "new.db");
    let report = restore(&new, &fs::read(&path).unwrap(), PW, OnDuplicate::Skip).unwrap();
    assert_eq!(report.import.added.len(), 4);
    assert!(report.clock_offset_restored);
    let before: Vec<Account> = old
        .list_accounts(None)
        .unwrap()
        .into_iter()
        .map(|s| s.account)
        .collect();
    let after: Vec<Account> = new
        .list_accounts(None)
        .unwrap()
        .into_iter()
        .map(|s| s.account)
        .collect();
    assert_eq!(before, after, "every field, in list order");
    assert_eq!(new.clock_offset_ms().unwrap(), -4200);
    // Restoring again changes nothing (every account a duplicate).
    let again = restore(&new, &fs::read(&path).unwrap(), PW, OnDuplicate::Skip).unwrap();
    assert!(again.import.added.is_empty());
    assert_eq!(again.import.skipped.len(), 4);
    let (_, same) = verify_backup(&path, PW, Some(&old)).unwrap();
    assert_eq!(same, Some(true));
    let last = last_backup(&old).unwrap().unwrap();
    assert_eq!((last.accounts, last.error), (4, None));
}

#[test]
fn a_wrong_password_restores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let old = full_vault(dir.path());
    let path = dir.path().join("b.wwbackup");
    write_backup(&old, &path, PW, FAST).unwrap();
    let new = vault(dir.path(), "new.db");
    let e = restore(
        &new,
        &fs::read(&path).unwrap(),
        "not the password",
        OnDuplicate::Skip,
    )
    .unwrap_err();
    assert_eq!(e.kind(), "wrong_password");
    assert!(new.list_accounts(None).unwrap().is_empty());
    assert_eq!(new.clock_offset_ms().unwrap(), 0);
}

#[test]
fn a_write_that_fails_midway_keeps_the_previous_backup_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let v = full_vault(dir.path());
    let path = dir.path().join("b.wwbackup");
    write_backup(&v, &path, PW, FAST).unwrap();
    let previous = fs::read(&path).unwrap();
    v.add_account(
        Account::from_link("otpauth://totp/New:one?secret=JBSWY3DPEHPK3PXP").unwrap(),
        false,
    )
    .unwrap();
    // The disk fills up after half the bytes.
    let e = write::write_backup_with(&v, &path, PW, FAST, &mut |f, b| {
        use std::io::Write;
        f.write_all(&b[..b.len() / 2])?;
        Err(std::io::Error::from(std::io::ErrorKind::StorageFull))
    })
    .unwrap_err();
    assert_eq!(e.kind(), "storage");
    assert!(e.message().contains("previous backup is unchanged"), "{e}");
    assert_eq!(
        fs::read(&path).unwrap(),
        previous,
        "the previous backup is intact"
    );
    assert_eq!(
        fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| e
                .as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".partial"))
            .count(),
        0
    );
    let last = last_backup(&v).unwrap().unwrap();
    assert!(last.error.unwrap().contains("could not be written"));
    // A write whose bytes come out different is caught by the read-back.
    let e = write::write_backup_with(&v, &path, PW, FAST, &mut |f, b| {
        use std::io::Write;
        let mut flipped = b.to_vec();
        let i = flipped.len() - 10;
        flipped[i] = if flipped[i] == b'A' { b'B' } else { b'A' };
        f.write_all(&flipped)
    })
    .unwrap_err();
    assert!(e.message().contains("did not verify"), "{e}");
    assert_eq!(fs::read(&path).unwrap(), previous);
}

#[test]
fn weak_passwords_are_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let v = full_vault(dir.path());
    let path = dir.path().join("b.wwbackup");
    assert_eq!(
        write_backup(&v, &path, "short", FAST).unwrap_err().kind(),
        "invalid_input"
    );
    assert!(!path.exists());
}

#[test]
fn the_folder_keeps_the_newest_n_and_cleans_what_a_killed_run_left() {
    let dir = tempfile::tempdir().unwrap();
    let v = full_vault(dir.path());
    let folder = dir.path().join("backups");
    fs::create_dir_all(&folder).unwrap();
    fs::write(
        folder.join("watchword-19990101-000000.wwbackup.partial"),
        b"half",
    )
    .unwrap();
    fs::write(folder.join("mine.txt"), b"not ours").unwrap();
    let mut paths = Vec::new();
    for _ in 0..4 {
        paths.push(backup_now(&v, &folder, PW, FAST, 2).unwrap().path);
    }
    let mut names: Vec<String> = fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(names.contains(&"mine.txt".to_owned()));
    for kept in &paths[2..] {
        assert!(Path::new(kept).exists(), "{kept} kept");
    }
}
