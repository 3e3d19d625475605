//! Passwords of files (an export to import, a backup, an encrypted
//! export), apart from the vault's passphrase: `--password-file` (first
//! line), else an environment variable, else a prompt without echo; and
//! the argon2id cost flags of the files Watchword writes.

use std::path::PathBuf;

use watchword_core::{ApiError, vault::KdfParams};
use zeroize::Zeroizing;

use crate::unlock;

/// The password of the file another app wrote (`import`).
pub const IMPORT_PASSWORD_ENV: &str = "WATCHWORD_IMPORT_PASSWORD";
/// The password of Watchword backups and encrypted exports.
pub const BACKUP_PASSWORD_ENV: &str = "WATCHWORD_BACKUP_PASSWORD";

/// Where a file's password comes from.
#[derive(Debug, Clone, clap::Args)]
pub struct PasswordArgs {
    /// Read the file's password from the first line of this file (else the
    /// environment variable, else a prompt).
    #[arg(long, value_name = "PATH")]
    pub password_file: Option<PathBuf>,
}

impl PasswordArgs {
    /// The password, from the file, `env` or a prompt labelled `label`
    /// (asked twice when `confirm`, for a new one).
    pub fn read(
        &self,
        env: &str,
        label: &str,
        confirm: bool,
    ) -> Result<Zeroizing<String>, ApiError> {
        let secret = unlock::read_secret(self.password_file.as_deref(), env, label, confirm)?;
        // EXPOSE: handed to the core's file readers/writers, which keep it zeroizing.
        Ok(Zeroizing::new(secret.expose().clone()))
    }
}

/// The argon2id cost of a file Watchword writes.
#[derive(Debug, Clone, clap::Args)]
pub struct KdfArgs {
    /// argon2id memory in KiB for the file (default 65536). Lower values are
    /// for tests only: they make the password cheaper to guess.
    #[arg(long, value_name = "KIB")]
    kdf_memory_kib: Option<u32>,
    /// argon2id passes (default 3).
    #[arg(long, value_name = "N")]
    kdf_iterations: Option<u32>,
}

impl KdfArgs {
    /// The parameters, checked.
    pub fn params(&self) -> Result<KdfParams, ApiError> {
        Ok(KdfParams {
            memory_kib: self.kdf_memory_kib.unwrap_or(KdfParams::STRONG.memory_kib),
            iterations: self.kdf_iterations.unwrap_or(KdfParams::STRONG.iterations),
            ..KdfParams::STRONG
        }
        .validate()?)
    }
}
