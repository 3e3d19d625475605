//! Automatic backups: once the person chose a folder, how many to keep and
//! a password, every change to the accounts leads to a new verified backup
//! ([`backup_if_changed`], which the shells call after a change and when
//! the app goes to the background: the core decides whether anything
//! changed).
//!
//! The settings, the password included, are kept sealed in the vault
//! (`Record::AutoBackup`), as Aegis keeps its backup key in a slot: the
//! vault already holds every secret the backup protects. "Changed" means
//! the backup's contents differ from the last successful automatic
//! backup's (a SHA-256 digest of them, also sealed in the vault).

use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use super::{BackupContents, BackupError, BackupOutcome, MIN_PASSWORD_CHARS, backup_now};
use crate::{
    ApiError,
    vault::{KdfParams, Record, Vault},
};

/// The automatic backup settings a shell shows (never the password).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AutoBackup {
    /// The folder backups go to.
    pub folder: String,
    /// How many are kept.
    pub keep: u32,
}

/// The sealed record: settings, password and the digest of the last
/// automatic backup's contents.
struct Stored {
    folder: String,
    keep: u32,
    password: Zeroizing<String>,
    digest: [u8; 32],
}

impl Stored {
    /// `keep (u32) || folder (u32 len, UTF-8) || password (u32 len, UTF-8) || digest (32)`.
    fn to_bytes(&self) -> Result<Zeroizing<Vec<u8>>, ApiError> {
        let mut out = Zeroizing::new(Vec::with_capacity(64 + self.folder.len()));
        out.extend_from_slice(&self.keep.to_be_bytes());
        for s in [self.folder.as_str(), self.password.as_str()] {
            let len = u32::try_from(s.len()).map_err(|_| ApiError::invalid_input("too long"))?;
            out.extend_from_slice(&len.to_be_bytes());
            out.extend_from_slice(s.as_bytes());
        }
        out.extend_from_slice(&self.digest);
        Ok(out)
    }

    fn from_bytes(b: &[u8]) -> Option<Stored> {
        let (keep, mut rest) = b.split_first_chunk::<4>()?;
        let mut string = || -> Option<Zeroizing<String>> {
            let (len, tail) = rest.split_first_chunk::<4>()?;
            let len = usize::try_from(u32::from_be_bytes(*len)).ok()?;
            let (s, tail) = (tail.get(..len)?, tail.get(len..)?);
            rest = tail;
            Some(Zeroizing::new(String::from_utf8(s.to_vec()).ok()?))
        };
        let folder = string()?.to_string();
        let password = string()?;
        let digest: [u8; 32] = rest.try_into().ok()?;
        Some(Stored {
            folder,
            keep: u32::from_be_bytes(*keep),
            password,
            digest,
        })
    }
}

fn load(vault: &Vault) -> Result<Option<Stored>, ApiError> {
    Ok(vault
        .record(Record::AutoBackup)?
        .and_then(|b| Stored::from_bytes(&b)))
}

/// Turns automatic backups on (or changes them): into `folder`, keeping
/// the newest `keep`, encrypted with `password` (at least 8 characters).
/// The next [`backup_if_changed`] writes one.
pub fn set_auto_backup(
    vault: &Vault,
    folder: &Path,
    password: &str,
    keep: u32,
) -> Result<(), ApiError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(BackupError::WeakPassword(MIN_PASSWORD_CHARS).into());
    }
    let stored = Stored {
        folder: folder.display().to_string(),
        keep: keep.max(1),
        password: Zeroizing::new(password.to_owned()),
        digest: [0; 32],
    };
    Ok(vault.set_record(Record::AutoBackup, &stored.to_bytes()?)?)
}

/// Turns automatic backups off (the backups written stay).
pub fn disable_auto_backup(vault: &Vault) -> Result<(), ApiError> {
    Ok(vault.set_record(Record::AutoBackup, &[])?)
}

/// The automatic backup settings, when they are on.
pub fn auto_backup(vault: &Vault) -> Result<Option<AutoBackup>, ApiError> {
    Ok(load(vault)?.map(|s| AutoBackup {
        folder: s.folder,
        keep: s.keep,
    }))
}

/// Writes an automatic backup when they are on and the accounts changed
/// since the last one; `None` when there was nothing to do. A failure is
/// returned and recorded as the last backup (the previous one stays), and
/// the next call tries again.
pub fn backup_if_changed(vault: &Vault) -> Result<Option<BackupOutcome>, ApiError> {
    backup_if_changed_with(vault, KdfParams::STRONG)
}

/// [`backup_if_changed`] with the argon2id costs given (tests).
pub fn backup_if_changed_with(
    vault: &Vault,
    params: KdfParams,
) -> Result<Option<BackupOutcome>, ApiError> {
    let Some(mut stored) = load(vault)? else {
        return Ok(None);
    };
    let digest = BackupContents::of_vault(vault)?.digest()?;
    if digest == stored.digest {
        return Ok(None);
    }
    let out = backup_now(
        vault,
        &PathBuf::from(&stored.folder),
        &stored.password,
        params,
        stored.keep,
    )?;
    stored.digest = digest;
    vault.set_record(Record::AutoBackup, &stored.to_bytes()?)?;
    Ok(Some(out))
}

impl BackupContents {
    /// SHA-256 of the contents' bytes: equal exactly when a backup would
    /// hold the same.
    fn digest(&self) -> Result<[u8; 32], ApiError> {
        let bytes = self.to_bytes()?;
        let d = ring::digest::digest(&ring::digest::SHA256, &bytes);
        let mut out = [0u8; 32];
        out.copy_from_slice(d.as_ref());
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::StaticKeyProvider;

    #[test]
    fn backs_up_once_per_change_and_not_when_off() {
        let dir = tempfile::tempdir().unwrap();
        let v = Vault::create(&dir.path().join("v.db"), &StaticKeyProvider::new([1; 32])).unwrap();
        let fast = KdfParams::FAST_INSECURE_FOR_TESTS;
        assert_eq!(backup_if_changed_with(&v, fast).unwrap(), None, "off");
        let folder = dir.path().join("auto");
        assert_eq!(
            set_auto_backup(&v, &folder, "short", 3).unwrap_err().kind(),
            "invalid_input"
        );
        set_auto_backup(&v, &folder, "a long enough password", 3).unwrap();
        assert_eq!(auto_backup(&v).unwrap().unwrap().keep, 3);
        assert!(
            backup_if_changed_with(&v, fast).unwrap().is_some(),
            "first one"
        );
        assert_eq!(
            backup_if_changed_with(&v, fast).unwrap(),
            None,
            "nothing changed"
        );
        v.add_link("otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP", false)
            .unwrap();
        let out = backup_if_changed_with(&v, fast).unwrap().unwrap();
        assert_eq!(out.accounts, 1);
        assert_eq!(backup_if_changed_with(&v, fast).unwrap(), None);
        assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 2);
        disable_auto_backup(&v).unwrap();
        assert_eq!(auto_backup(&v).unwrap(), None);
        v.add_link("otpauth://totp/B:b?secret=JBSWY3DPEHPK3PXP", false)
            .unwrap();
        assert_eq!(backup_if_changed_with(&v, fast).unwrap(), None, "off again");
    }
}
