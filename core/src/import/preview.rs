//! Before and after an import: what it would do to a vault
//! ([`ImportPreview`]), doing it in one transaction with the person's
//! choice for duplicates ([`OnDuplicate`]), and what it did
//! ([`ImportReport`]).

use serde::Serialize;

use super::{ImportFile, ImportFormat, NotImported};
use crate::{
    ApiError,
    account::{Account, AccountSummary},
    otp::OtpKind,
    vault::{BatchEntry, Vault},
};

/// What to do with an account the vault already has (same secret, issuer
/// and name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OnDuplicate {
    /// Leave the stored account as it is; the imported copy is dropped.
    #[default]
    Skip,
    /// Add the imported copy too.
    KeepBoth,
    /// Write the imported account over the stored one (same id and place
    /// in the list).
    Replace,
}

/// One account of the file, as the preview lists it (no secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PreviewLine {
    /// "Issuer (name)".
    pub label: String,
    /// TOTP, HOTP or Steam.
    pub kind: OtpKind,
    /// The stored account it duplicates, if any.
    pub duplicate_of: Option<i64>,
}

/// What importing a file would do, shown before anything is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportPreview {
    /// The recognised format.
    pub format: ImportFormat,
    /// Every account of the file, in its order.
    pub accounts: Vec<PreviewLine>,
    /// Entries that cannot be imported, and why.
    pub not_imported: Vec<NotImported>,
}

impl ImportPreview {
    /// How many accounts are new to the vault.
    pub fn new_count(&self) -> u32 {
        count(self.accounts.iter().filter(|l| l.duplicate_of.is_none()))
    }

    /// How many are already in it.
    pub fn duplicate_count(&self) -> u32 {
        count(self.accounts.iter().filter(|l| l.duplicate_of.is_some()))
    }
}

fn count<T>(it: impl Iterator<Item = T>) -> u32 {
    u32::try_from(it.count()).unwrap_or(u32::MAX)
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    /// The recognised format.
    pub format: ImportFormat,
    /// Accounts added, in the file's order.
    pub added: Vec<AccountSummary>,
    /// Stored accounts overwritten ([`OnDuplicate::Replace`]).
    pub replaced: Vec<AccountSummary>,
    /// Stored accounts left as they were because the file had them too
    /// ([`OnDuplicate::Skip`]).
    pub skipped: Vec<i64>,
    /// Entries that could not be imported, and why.
    pub not_imported: Vec<NotImported>,
}

impl ImportFile {
    /// What [`ImportFile::apply`] would do to `vault`; changes nothing.
    pub fn preview(&self, vault: &Vault) -> Result<ImportPreview, ApiError> {
        let stored = vault.list_accounts(None)?;
        let accounts = self
            .accounts()
            .map(|a| PreviewLine {
                label: a.label(),
                kind: a.otp.kind,
                duplicate_of: stored
                    .iter()
                    .find(|s| s.account.same_identity(a))
                    .map(|s| s.id),
            })
            .collect();
        Ok(ImportPreview {
            format: self.format,
            accounts,
            not_imported: self.not_imported().cloned().collect(),
        })
    }

    /// Stores the file's accounts in `vault`, all in one transaction:
    /// either every account lands or none does. Duplicates of stored
    /// accounts, and repeats within the file, follow `on_duplicate`.
    pub fn apply(
        &self,
        vault: &Vault,
        on_duplicate: OnDuplicate,
    ) -> Result<ImportReport, ApiError> {
        self.apply_reporting(vault, on_duplicate, &mut |_, _| {})
    }

    /// [`ImportFile::apply`], telling `progress(stored, total)` as the
    /// accounts are written (for a progress bar on large files).
    pub fn apply_reporting(
        &self,
        vault: &Vault,
        on_duplicate: OnDuplicate,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<ImportReport, ApiError> {
        let stored = vault.list_accounts(None)?;
        let mut plan: Vec<BatchEntry> = Vec::new();
        let mut skipped = Vec::new();
        for a in self.accounts() {
            let existing = stored.iter().find(|s| s.account.same_identity(a));
            let repeat = plan.iter().position(|p| planned(p).same_identity(a));
            match (on_duplicate, existing, repeat) {
                (OnDuplicate::KeepBoth, _, _) | (_, None, None) => {
                    plan.push(BatchEntry::Add(a.clone()));
                }
                (OnDuplicate::Skip, Some(s), _) => skipped.push(s.id),
                (OnDuplicate::Skip, None, Some(_)) => {}
                (OnDuplicate::Replace, _, Some(i)) => {
                    let entry = &mut plan[i];
                    *entry = match entry {
                        BatchEntry::Replace { id, .. } => BatchEntry::Replace {
                            id: *id,
                            account: a.clone(),
                        },
                        BatchEntry::Add(_) => BatchEntry::Add(a.clone()),
                    };
                }
                (OnDuplicate::Replace, Some(s), None) => plan.push(BatchEntry::Replace {
                    id: s.id,
                    account: a.clone(),
                }),
            }
        }
        skipped.dedup();
        let replacing: Vec<bool> = plan
            .iter()
            .map(|p| matches!(p, BatchEntry::Replace { .. }))
            .collect();
        let written = vault.store_batch_reporting(plan, progress)?;
        let (mut added, mut replaced) = (Vec::new(), Vec::new());
        for (w, is_replace) in written.iter().zip(replacing) {
            if is_replace {
                replaced.push(w.summary());
            } else {
                added.push(w.summary());
            }
        }
        Ok(ImportReport {
            format: self.format,
            added,
            replaced,
            skipped,
            not_imported: self.not_imported().cloned().collect(),
        })
    }
}

fn planned(entry: &BatchEntry) -> &Account {
    match entry {
        BatchEntry::Add(a) | BatchEntry::Replace { account: a, .. } => a,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{import::read, vault::StaticKeyProvider};

    const LIST: &str = "otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP\n\
                        otpauth://totp/B:b?secret=JBSWY3DPEHPK3PXP\n\
                        otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP\n";

    fn vault(dir: &std::path::Path) -> Vault {
        let v = Vault::create(&dir.join("v.db"), &StaticKeyProvider::new([5; 32])).unwrap();
        v.add_link("otpauth://totp/B:b?secret=JBSWY3DPEHPK3PXP", false)
            .unwrap();
        v
    }

    #[test]
    fn duplicates_follow_the_choice_and_progress_counts_what_is_stored() {
        let file = read(LIST.as_bytes(), None).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let v = vault(dir.path());
        let p = file.preview(&v).unwrap();
        assert_eq!((p.new_count(), p.duplicate_count()), (2, 1));
        let mut steps = Vec::new();
        let r = file
            .apply_reporting(&v, OnDuplicate::Skip, &mut |d, t| steps.push((d, t)))
            .unwrap();
        assert_eq!((r.added.len(), r.skipped.len()), (1, 1), "A once, B kept");
        assert_eq!(steps, vec![(1, 1)]);
        assert_eq!(v.list_accounts(None).unwrap().len(), 2);

        let dir = tempfile::tempdir().unwrap();
        let v = vault(dir.path());
        let r = file.apply(&v, OnDuplicate::KeepBoth).unwrap();
        assert_eq!(r.added.len(), 3);
        assert_eq!(v.list_accounts(None).unwrap().len(), 4);

        let dir = tempfile::tempdir().unwrap();
        let v = vault(dir.path());
        let r = file.apply(&v, OnDuplicate::Replace).unwrap();
        assert_eq!((r.added.len(), r.replaced.len()), (1, 1));
        assert_eq!(r.replaced[0].id, 1, "B written over in place");
        assert_eq!(v.list_accounts(None).unwrap().len(), 2);
    }
}
