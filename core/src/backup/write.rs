//! Writing a backup so that a failure can never cost the previous one.
//!
//! [`write_backup`]: the file is written beside its destination under a
//! temporary name, synced, read back, decrypted with the same password and
//! compared with what the vault holds; only then is it renamed over the
//! destination (atomic on every platform Watchword runs on) and the folder
//! synced. Any failure (disk full, a read-back that differs, a process
//! killed midway) leaves at most a temporary file, which the next backup
//! removes, and the previous backup as it was; the error is returned and
//! recorded as the [`LastBackup`] the shells show.
//!
//! [`backup_now`]: the rotating folder of automatic backups
//! (`watchword-YYYYMMDD-HHMMSS.wwbackup`, the newest `keep` kept).

use std::{
    fs,
    io::Write,
    path::{Path, PathBuf},
};

use serde::{Deserialize, Serialize};

use super::{BACKUP_EXTENSION, BackupContents, BackupError, file};
use crate::{
    ApiError,
    calendar::civil_from_days,
    otp::{Clock, SystemClock},
    vault::{KdfParams, Record, Vault},
};

/// The shortest backup password accepted.
pub const MIN_PASSWORD_CHARS: usize = 8;
const TEMP_SUFFIX: &str = ".partial";
const ROTATING_PREFIX: &str = "watchword-";

/// What a written backup holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackupOutcome {
    /// Where it was written.
    pub path: String,
    /// How many accounts it holds.
    pub accounts: u32,
    /// Accounts not in it that must be enrolled again on a new phone
    /// (push accounts, accounts that may not leave the device).
    pub reenrol: Vec<String>,
    /// When (Unix seconds).
    pub at: i64,
}

/// The last backup attempt, as the accounts screen shows it ("last backup:
/// 2 hours ago, 17 accounts" or the error).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastBackup {
    /// When it was tried (Unix seconds).
    pub at: i64,
    /// Accounts written (0 when it failed).
    pub accounts: u32,
    /// Where it was written, when it was.
    pub path: Option<String>,
    /// Why it failed, when it did.
    pub error: Option<String>,
}

/// The last backup attempt recorded in `vault`, if any.
pub fn last_backup(vault: &Vault) -> Result<Option<LastBackup>, ApiError> {
    Ok(vault
        .record(Record::LastBackup)?
        .and_then(|b| serde_json::from_slice(&b).ok()))
}

fn record(vault: &Vault, last: &LastBackup) {
    match serde_json::to_vec(last) {
        Ok(bytes) => {
            if let Err(e) = vault.set_record(Record::LastBackup, &bytes) {
                tracing::warn!("could not record the backup result: {e}");
            }
        }
        Err(e) => tracing::warn!("could not record the backup result: {e}"),
    }
}

fn now_s() -> i64 {
    SystemClock.now_unix_ms().div_euclid(1000)
}

/// Writes a verified backup of `vault` to `path` with `password` (see the
/// module doc). `params` are the argon2id costs (the default
/// [`KdfParams::STRONG`] everywhere but tests).
pub fn write_backup(
    vault: &Vault,
    path: &Path,
    password: &str,
    params: KdfParams,
) -> Result<BackupOutcome, ApiError> {
    write_backup_with(vault, path, password, params, &mut |f, b| f.write_all(b))
}

/// [`write_backup`] with the byte writer given: tests make it fail midway
/// as a full disk does.
pub(super) fn write_backup_with(
    vault: &Vault,
    path: &Path,
    password: &str,
    params: KdfParams,
    write: &mut dyn FnMut(&mut fs::File, &[u8]) -> std::io::Result<()>,
) -> Result<BackupOutcome, ApiError> {
    let at = now_s();
    let result = attempt(vault, path, password, params, write, at);
    record(
        vault,
        &match &result {
            Ok(o) => LastBackup {
                at,
                accounts: o.accounts,
                path: Some(o.path.clone()),
                error: None,
            },
            Err(e) => LastBackup {
                at,
                accounts: 0,
                path: None,
                error: Some(e.to_string()),
            },
        },
    );
    result
}

fn attempt(
    vault: &Vault,
    path: &Path,
    password: &str,
    params: KdfParams,
    write: &mut dyn FnMut(&mut fs::File, &[u8]) -> std::io::Result<()>,
    at: i64,
) -> Result<BackupOutcome, ApiError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(BackupError::WeakPassword(MIN_PASSWORD_CHARS).into());
    }
    let contents = BackupContents::of_vault(vault)?;
    let bytes = file::encode(&contents, password, params)?;
    let temp = temp_path(path);
    let io = |e: std::io::Error| BackupError::Write(e.kind().to_string());
    let written = (|| -> Result<(), BackupError> {
        let mut f = fs::File::create(&temp).map_err(io)?;
        write(&mut f, &bytes).map_err(io)?;
        f.sync_all().map_err(io)?;
        drop(f);
        let back = fs::read(&temp).map_err(io)?;
        let reread = file::decode(&back, password)
            .map_err(|e| BackupError::Verify(format!("it does not read back: {e}")))?;
        if reread != contents {
            return Err(BackupError::Verify(
                "what it holds differs from the vault".into(),
            ));
        }
        fs::rename(&temp, path).map_err(io)?;
        sync_dir(path);
        Ok(())
    })();
    if let Err(e) = written {
        let _ = fs::remove_file(&temp);
        return Err(e.into());
    }
    Ok(BackupOutcome {
        path: path.display().to_string(),
        accounts: u32::try_from(contents.accounts.len()).unwrap_or(u32::MAX),
        reenrol: contents.reenrol.into_iter().map(|n| n.label).collect(),
        at,
    })
}

/// Writes `bytes` to `path` through a synced temporary file renamed into
/// place: an existing file is only ever replaced by a complete one.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), ApiError> {
    let temp = temp_path(path);
    let io = |e: std::io::Error| BackupError::Write(e.kind().to_string());
    let result = (|| -> Result<(), BackupError> {
        let mut f = fs::File::create(&temp).map_err(io)?;
        f.write_all(bytes).map_err(io)?;
        f.sync_all().map_err(io)?;
        fs::rename(&temp, path).map_err(io)?;
        sync_dir(path);
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    Ok(result?)
}

/// `<path>.partial`: beside the destination, so the rename stays on one
/// file system.
fn temp_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(TEMP_SUFFIX);
    path.with_file_name(name)
}

/// Makes the rename durable (POSIX: sync the folder). Best effort: not
/// every platform lets a folder be opened.
fn sync_dir(path: &Path) {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && let Ok(d) = fs::File::open(dir)
    {
        let _ = d.sync_all();
    }
}

/// Opens the backup at `path` with `password` and, with a `vault`, says
/// whether it holds what the vault holds now.
pub fn verify_backup(
    path: &Path,
    password: &str,
    vault: Option<&Vault>,
) -> Result<(BackupContents, Option<bool>), ApiError> {
    let bytes = fs::read(path).map_err(|e| ApiError::Storage {
        message: format!("cannot read {}: {}", path.display(), e.kind()),
    })?;
    let contents = file::decode(&bytes, password)?;
    let same = match vault {
        Some(v) => Some(BackupContents::of_vault(v)? == contents),
        None => None,
    };
    Ok((contents, same))
}

/// Writes a new backup into `folder` (made if missing) as
/// `watchword-YYYYMMDD-HHMMSS.wwbackup` and keeps only the newest `keep`
/// (at least 1) of those; other files in the folder are never touched.
/// Stale temporary files of killed attempts are removed.
pub fn backup_now(
    vault: &Vault,
    folder: &Path,
    password: &str,
    params: KdfParams,
    keep: u32,
) -> Result<BackupOutcome, ApiError> {
    let storage = |e: std::io::Error| ApiError::Storage {
        message: format!("backup folder {}: {}", folder.display(), e.kind()),
    };
    fs::create_dir_all(folder).map_err(storage)?;
    let stamp = stamp(now_s());
    // Same-second backups get -2, -3...: after the highest there is, so a
    // rotated-away name is never reused out of order.
    let stem = format!("{ROTATING_PREFIX}{stamp}");
    let highest = fs::read_dir(folder)
        .map_err(storage)?
        .flatten()
        .map(|e| sort_key(&e.file_name().to_string_lossy()))
        .filter(|(s, _)| *s == stem)
        .map(|(_, n)| n)
        .max();
    let path = match highest {
        None => folder.join(format!("{stem}.{BACKUP_EXTENSION}")),
        Some(n) => folder.join(format!("{stem}-{}.{BACKUP_EXTENSION}", n + 1)),
    };
    let outcome = write_backup(vault, &path, password, params)?;
    let mut ours: Vec<(String, PathBuf)> = Vec::new();
    for entry in fs::read_dir(folder).map_err(storage)?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.starts_with(ROTATING_PREFIX) {
            continue;
        }
        if name.ends_with(TEMP_SUFFIX) {
            let _ = fs::remove_file(entry.path());
        } else if name.ends_with(&format!(".{BACKUP_EXTENSION}")) {
            ours.push((name, entry.path()));
        }
    }
    // The stamp sorts by time; same-second backups by their -n suffix.
    ours.sort_by_key(|(name, _)| sort_key(name));
    let excess = ours.len().saturating_sub(keep.max(1) as usize);
    for (_, old) in ours.into_iter().take(excess) {
        let _ = fs::remove_file(old);
    }
    Ok(outcome)
}

fn sort_key(name: &str) -> (String, u32) {
    let stem = name.trim_end_matches(&format!(".{BACKUP_EXTENSION}"));
    match stem.rsplit_once('-') {
        Some((head, n)) if head.len() > ROTATING_PREFIX.len() + 8 && n.len() < 4 => {
            (head.to_owned(), n.parse().unwrap_or(1))
        }
        _ => (stem.to_owned(), 1),
    }
}

/// `YYYYMMDD-HHMMSS` in UTC.
fn stamp(unix_s: i64) -> String {
    let days = unix_s.div_euclid(86_400);
    let secs = unix_s.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}{m:02}{d:02}-{:02}{:02}{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_sort_by_time() {
        assert_eq!(stamp(0), "19700101-000000");
        assert_eq!(stamp(1_796_601_600 + 3661), "20261207-010101");
        assert!(
            sort_key("watchword-20261207-010101.wwbackup")
                < sort_key("watchword-20261207-010101-2.wwbackup")
        );
        assert!(
            sort_key("watchword-20261207-010101-2.wwbackup")
                < sort_key("watchword-20261207-010101-10.wwbackup")
        );
    }
}
