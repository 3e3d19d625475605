//! Watchword's own backup (`backup/`), read as an import: its accounts, and
//! the push accounts to enrol again as "not imported". (`watchword backup
//! restore` also restores the clock offset.)

use super::Input;
use crate::{
    backup::{self, BackupError},
    import::{ImportError, ImportFormat, ImportItem},
};

const FORMAT: ImportFormat = ImportFormat::Watchword;

/// True when the file starts with a Watchword backup header.
pub(super) fn detect(input: &Input<'_>) -> bool {
    backup::is_backup(input.bytes)
}

/// Opens the backup with `password`.
pub(super) fn read(
    input: &Input<'_>,
    password: Option<&str>,
) -> Result<Vec<ImportItem>, ImportError> {
    let password = password.ok_or(ImportError::PasswordNeeded { format: FORMAT })?;
    match backup::decode(input.bytes, password) {
        Ok(contents) => Ok(contents.into_import().items),
        Err(BackupError::WrongPassword) => Err(ImportError::WrongPassword { format: FORMAT }),
        Err(e) => Err(ImportError::damaged(FORMAT, e.to_string())),
    }
}
