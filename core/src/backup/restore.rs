//! A backup back into a vault: its accounts stored all or nothing (with
//! the import's duplicate handling), its clock offset restored, and the
//! accounts to enrol again listed.

use super::{BackupContents, file};
use crate::{
    ApiError,
    import::{ImportFile, ImportFormat, ImportItem, ImportReport, OnDuplicate},
    vault::Vault,
};

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RestoreReport {
    /// The accounts stored, replaced or skipped, as an import reports them.
    pub import: ImportReport,
    /// Whether the clock offset was restored (only into a vault that had
    /// none, so a newer correction is not overwritten by an older one).
    pub clock_offset_restored: bool,
}

impl BackupContents {
    /// The contents as an import: accounts, and the ones to enrol again as
    /// "not imported" with their reason.
    pub(crate) fn into_import(self) -> ImportFile {
        let mut items: Vec<ImportItem> =
            self.accounts.into_iter().map(ImportItem::Account).collect();
        items.extend(self.reenrol.into_iter().map(ImportItem::NotImported));
        ImportFile {
            format: ImportFormat::Watchword,
            items,
        }
    }
}

/// Restores the backup `bytes` (opened with `password`) into `vault`.
pub fn restore(
    vault: &Vault,
    bytes: &[u8],
    password: &str,
    on_duplicate: OnDuplicate,
) -> Result<RestoreReport, ApiError> {
    let contents = file::decode(bytes, password)?;
    let offset = contents.clock_offset_ms;
    let import = contents.into_import().apply(vault, on_duplicate)?;
    let clock_offset_restored = offset != 0 && vault.clock_offset_ms()? == 0;
    if clock_offset_restored {
        vault.set_clock_offset_ms(offset)?;
    }
    Ok(RestoreReport {
        import,
        clock_offset_restored,
    })
}
