//! Watchword's own encrypted backup: everything needed to get the same
//! accounts on a new phone, in one file only the password opens.
//!
//! - `contents.rs`: what a backup holds (every account field, in list
//!   order; the clock offset; the push accounts to enrol again, by name
//!   only, since their keys must never leave the device).
//! - `file.rs`: the file format (argon2id + AES-256-GCM, the header
//!   authenticated), written out in `docs/backup-format.md`.
//! - `write.rs`: writing one safely: to a temporary file, synced, read back,
//!   decrypted and compared with the vault, then renamed into place; a
//!   failure leaves the previous backup as it was. Also the rotating folder
//!   of backups and the last result the shells show.
//! - `auto.rs`: automatic backups after every change (settings and
//!   password sealed in the vault).
//! - `restore.rs`: a backup back into a vault.

mod auto;
mod contents;
mod error;
mod file;
mod restore;
mod write;

pub use auto::{
    AutoBackup, auto_backup, backup_if_changed, backup_if_changed_with, disable_auto_backup,
    set_auto_backup,
};
pub use contents::BackupContents;
pub use error::BackupError;
pub use file::{BACKUP_EXTENSION, is_backup};
pub use restore::{RestoreReport, restore};
pub use write::{
    BackupOutcome, LastBackup, MIN_PASSWORD_CHARS, backup_now, last_backup, verify_backup,
    write_backup,
};

pub(crate) use file::{decode, encode};
pub(crate) use write::write_atomically;

#[cfg(test)]
mod tests;
