//! Changing phones from the command line, against the real binary and real
//! files: export → import into another vault, backup now / verify / status
//! / restore, the plaintext confirmation, and typed errors for a wrong
//! password, an unknown file and a file that is not there.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is a failure report.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use serde_json::Value;

const PASS: &str = "correct horse battery staple";
const BACKUP_PW: &str = "backup password 123";
const CHEAP: [&str; 4] = ["--kdf-memory-kib", "8", "--kdf-iterations", "1"];

struct Phone {
    vault: PathBuf,
}

impl Phone {
    fn new(dir: &Path, name: &str) -> Self {
        let p = Phone {
            vault: dir.join(name).join("vault.db"),
        };
        std::fs::create_dir_all(p.vault.parent().unwrap()).unwrap();
        let (ok, out) = p.run(&["init", "--kdf-memory-kib", "8", "--kdf-iterations", "1"]);
        assert!(ok, "{out}");
        p
    }

    fn run(&self, args: &[&str]) -> (bool, Value) {
        self.run_env(args, &[])
    }

    fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> (bool, Value) {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_watchword"));
        cmd.arg("--vault").arg(&self.vault).arg("--json").args(args);
        for v in [
            "WATCHWORD_VAULT",
            "WATCHWORD_IMPORT_PASSWORD",
            "WATCHWORD_BACKUP_PASSWORD",
        ] {
            cmd.env_remove(v);
        }
        cmd.env("WATCHWORD_PASSPHRASE", PASS);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert_eq!(stdout.lines().count(), 1, "one JSON document: {stdout}");
        (out.status.success(), serde_json::from_str(&stdout).unwrap())
    }

    fn accounts(&self) -> Vec<Value> {
        let (ok, out) = self.run(&["list"]);
        assert!(ok, "{out}");
        let mut list = out.as_array().cloned().expect("list prints an array");
        for a in &mut list {
            let o = a.as_object_mut().unwrap();
            for volatile in [
                "id",
                "ref",
                "created_at",
                "updated_at",
                "sort_order",
                "provenance",
            ] {
                o.remove(volatile);
            }
        }
        list
    }
}

fn kind(v: &Value) -> &str {
    v["error"]["kind"].as_str().unwrap_or("<none>")
}

fn old_phone(dir: &Path) -> Phone {
    let p = Phone::new(dir, "old");
    for link in [
        "otpauth://totp/Deno:Mason?secret=4SJHB4GSD43FZBAI7C2HLRJGPQ&issuer=Deno",
        "otpauth://hotp/WWE:Mason?secret=5VAML3X35THCEBVRLV24CGBKOY&algorithm=SHA512&digits=8&counter=10300",
        "otpauth://steam/Boeing:Sophia?secret=JRZCL47CMXVOQMNPZR2F7J4RGI",
    ] {
        let (ok, out) = p.run(&["add", link]);
        assert!(ok, "{out}");
    }
    let (ok, out) = p.run(&["rename", "1", "--group", "Work", "--notes", "desk drawer"]);
    assert!(ok, "{out}");
    p
}

#[test]
fn backup_now_then_restore_on_a_new_phone_gives_the_same_accounts() {
    let dir = tempfile::tempdir().unwrap();
    let old = old_phone(dir.path());
    let backups = dir.path().join("backups");
    let env = [("WATCHWORD_BACKUP_PASSWORD", BACKUP_PW)];
    let mut args = vec![
        "backup",
        "now",
        "--dir",
        backups.to_str().unwrap(),
        "--keep",
        "2",
    ];
    args.extend(CHEAP);
    let (ok, out) = old.run_env(&args, &env);
    assert!(ok, "{out}");
    assert_eq!(out["accounts"], 3);
    let file = out["path"].as_str().unwrap().to_owned();
    let (ok, status) = old.run(&["backup", "status"]);
    assert!(ok, "{status}");
    assert_eq!(status["last_backup"]["accounts"], 3);
    assert!(status["last_backup"]["error"].is_null());
    let (ok, v) = old.run_env(&["backup", "verify", &file], &env);
    assert!(ok, "{v}");
    assert_eq!(v["matches_vault"], true);

    let new = Phone::new(dir.path(), "new");
    let (ok, wrong) = new.run_env(
        &["backup", "restore", &file],
        &[("WATCHWORD_BACKUP_PASSWORD", "nope nope nope")],
    );
    assert!(!ok);
    assert_eq!(kind(&wrong), "wrong_password");
    assert!(
        new.accounts().is_empty(),
        "a wrong password restores nothing"
    );
    let (ok, r) = new.run_env(&["backup", "restore", &file], &env);
    assert!(ok, "{r}");
    assert_eq!(r["import"]["added"].as_array().unwrap().len(), 3);
    assert_eq!(new.accounts().len(), 3);
    assert_eq!(new.accounts(), old.accounts(), "every field, in order");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        !text.contains("4SJHB4GSD43FZBAI7C2HLRJGPQ") && !text.contains("Deno"),
        "encrypted"
    );
}

#[test]
fn export_then_import_previews_duplicates_and_refuses_plaintext_without_a_yes() {
    let dir = tempfile::tempdir().unwrap();
    let old = old_phone(dir.path());
    let list = dir.path().join("links.txt");
    let l = list.to_str().unwrap();
    let (ok, no) = old.run(&["export", l, "--format", "otpauth"]);
    assert!(!ok);
    assert_eq!(kind(&no), "cancelled");
    assert!(!list.exists());
    let (ok, out) = old.run(&["export", l, "--format", "otpauth", "--plaintext"]);
    assert!(ok, "{out}");
    assert_eq!(out["accounts"], 3);

    let new = Phone::new(dir.path(), "new");
    let (ok, add) = new.run(&[
        "add",
        "otpauth://totp/Deno:Mason?secret=4SJHB4GSD43FZBAI7C2HLRJGPQ&issuer=Deno",
    ]);
    assert!(ok, "{add}");
    let (ok, p) = new.run(&["import", l, "--dry-run"]);
    assert!(ok, "{p}");
    assert_eq!(p["preview"]["format"], "otpauth_list");
    let lines = p["preview"]["accounts"].as_array().unwrap();
    assert_eq!(lines.len(), 3);
    assert_eq!(
        lines
            .iter()
            .filter(|l| !l["duplicate_of"].is_null())
            .count(),
        1
    );
    assert_eq!(new.accounts().len(), 1, "--dry-run stores nothing");
    let (ok, r) = new.run(&["import", l]);
    assert!(ok, "{r}");
    assert_eq!(r["report"]["added"].as_array().unwrap().len(), 2);
    assert_eq!(r["report"]["skipped"].as_array().unwrap().len(), 1);
    assert_eq!(new.accounts().len(), 3);

    // Encrypted Watchword export, imported with its password.
    let enc = dir.path().join("export.wwbackup");
    let e = enc.to_str().unwrap();
    let mut args = vec!["export", e, "--format", "watchword"];
    args.extend(CHEAP);
    let (ok, out) = old.run_env(&args, &[("WATCHWORD_BACKUP_PASSWORD", BACKUP_PW)]);
    assert!(ok, "{out}");
    let third = Phone::new(dir.path(), "third");
    let (ok, needs) = third.run_env(
        &["import", e],
        &[("WATCHWORD_IMPORT_PASSWORD", "wrong password!")],
    );
    assert!(!ok);
    assert_eq!(kind(&needs), "wrong_password");
    let (ok, r) = third.run_env(&["import", e], &[("WATCHWORD_IMPORT_PASSWORD", BACKUP_PW)]);
    assert!(ok, "{r}");
    assert_eq!(r["report"]["format"], "watchword");
    assert_eq!(third.accounts(), old.accounts());
}

#[test]
fn files_that_are_not_exports_get_typed_errors_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let p = Phone::new(dir.path(), "p");
    let junk = dir.path().join("junk.bin");
    std::fs::write(&junk, b"\x00\x01 not an export").unwrap();
    let (ok, e) = p.run(&["import", junk.to_str().unwrap()]);
    assert!(!ok);
    assert_eq!(kind(&e), "unsupported");
    assert!(e["error"]["message"].as_str().unwrap().contains("Aegis"));
    let (ok, e) = p.run(&["import", dir.path().join("missing.json").to_str().unwrap()]);
    assert!(!ok);
    assert_eq!(kind(&e), "invalid_input");
    let broken = dir.path().join("broken.txt");
    std::fs::write(
        &broken,
        "otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP\notpauth://totp/B:b?secret=!!\n",
    )
    .unwrap();
    let (ok, e) = p.run(&["import", broken.to_str().unwrap()]);
    assert!(!ok);
    assert_eq!(kind(&e), "damaged_file");
    assert!(
        e["error"]["message"].as_str().unwrap().contains("line 2"),
        "{e}"
    );
    assert!(p.accounts().is_empty(), "all or nothing");
}

/// The 64 MiB limit (`import::MAX_IMPORT_BYTES`) is checked from the
/// file's size: sparse files, so nothing that size is written, and one of
/// 1 TiB that could not even be held in memory, let alone read in time.
#[test]
fn files_over_64_mib_are_refused_from_their_size_without_being_read() {
    const LIMIT: u64 = 64 * 1024 * 1024;
    let dir = tempfile::tempdir().unwrap();
    let p = Phone::new(dir.path(), "p");
    for size in [LIMIT + 1, 1 << 40] {
        let big = dir.path().join(format!("export-{size}.json"));
        std::fs::File::create(&big).unwrap().set_len(size).unwrap();
        let started = std::time::Instant::now();
        let (ok, e) = p.run(&["import", big.to_str().unwrap()]);
        assert!(!ok);
        assert_eq!(kind(&e), "invalid_input", "{e}");
        assert_eq!(
            e["error"]["message"],
            format!("the file is {size} bytes, too large to be an authenticator export"),
        );
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "{size} bytes took {:?}",
            started.elapsed()
        );
        let (ok, e) = p.run(&["import", "--dry-run", big.to_str().unwrap()]);
        assert!(!ok);
        assert_eq!(kind(&e), "invalid_input", "{e}");
    }
    assert!(p.accounts().is_empty());
}

#[test]
fn automatic_backups_follow_changes() {
    let dir = tempfile::tempdir().unwrap();
    let p = Phone::new(dir.path(), "p");
    let auto = dir.path().join("auto");
    let env = [("WATCHWORD_BACKUP_PASSWORD", BACKUP_PW)];
    let (ok, on) = p.run_env(
        &[
            "backup",
            "auto",
            "--dir",
            auto.to_str().unwrap(),
            "--keep",
            "2",
        ],
        &env,
    );
    assert!(ok, "{on}");
    assert_eq!(on["auto_backup"]["keep"], 2);
    let count = || std::fs::read_dir(&auto).map(|d| d.count()).unwrap_or(0);
    let first = count();
    let (ok, _) = p.run(&["list"]);
    assert!(ok);
    assert_eq!(count(), first, "reading changes nothing, so no backup");
    let (ok, out) = p.run(&["add", "otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP"]);
    assert!(ok, "{out}");
    assert_eq!(count(), first + 1, "a change writes one");
    let (ok, status) = p.run(&["backup", "status"]);
    assert!(ok, "{status}");
    assert_eq!(status["last_backup"]["accounts"], 1);
    for link in [
        "otpauth://totp/B:b?secret=JBSWY3DPEHPK3PXP",
        "otpauth://totp/C:c?secret=JBSWY3DPEHPK3PXP",
    ] {
        let (ok, out) = p.run(&["add", link]);
        assert!(ok, "{out}");
    }
    assert_eq!(count(), 2, "--keep 2");
    let (ok, off) = p.run(&["backup", "auto", "--off"]);
    assert!(ok, "{off}");
    let (ok, _) = p.run(&["rm", "1"]);
    assert!(ok);
    let (ok, status) = p.run(&["backup", "status"]);
    assert!(ok);
    assert!(status["auto_backup"].is_null());
    assert_eq!(
        status["last_backup"]["accounts"], 3,
        "no backup after --off"
    );
}

/// A process killed while it writes a backup over an older one (SIGKILL
/// once its temporary file exists: with the real argon2id cost, reading the
/// new file back to verify it takes a few hundred milliseconds) leaves the
/// older backup byte for byte, and the next backup replaces what the killed
/// one left.
#[test]
fn a_backup_killed_midway_keeps_the_previous_one() {
    let dir = tempfile::tempdir().unwrap();
    let p = old_phone(dir.path());
    let file = dir.path().join("phone.wwbackup");
    let partial = dir.path().join("phone.wwbackup.partial");
    let f = file.to_str().unwrap();
    let env = [("WATCHWORD_BACKUP_PASSWORD", BACKUP_PW)];
    let mut cheap = vec!["export", f, "--format", "watchword"];
    cheap.extend(CHEAP);
    let (ok, out) = p.run_env(&cheap, &env);
    assert!(ok, "{out}");
    let previous = std::fs::read(&file).unwrap();
    let (ok, _) = p.run(&["add", "otpauth://totp/New:one?secret=JBSWY3DPEHPK3PXP"]);
    assert!(ok);
    let mut child = Command::new(env!("CARGO_BIN_EXE_watchword"))
        .arg("--vault")
        .arg(&p.vault)
        .args(["export", f, "--format", "watchword"])
        .env("WATCHWORD_PASSPHRASE", PASS)
        .env("WATCHWORD_BACKUP_PASSWORD", BACKUP_PW)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !partial.exists() {
        assert!(
            std::time::Instant::now() < deadline,
            "the backup never started"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "finished before it could be killed"
        );
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(
        std::fs::read(&file).unwrap(),
        previous,
        "the previous backup is intact"
    );
    let (ok, v) = p.run_env(&["backup", "verify", f], &env);
    assert!(ok, "{v}");
    assert_eq!(v["accounts"], 3, "and still opens");
    let (ok, out) = p.run_env(&cheap, &env);
    assert!(ok, "{out}");
    assert!(
        !partial.exists(),
        "the next backup replaces what the killed one left"
    );
    assert_eq!(out["accounts"], 4);
}
