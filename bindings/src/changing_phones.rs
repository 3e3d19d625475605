//! Changing phones: importing other apps' exports, Watchword's own
//! backups, and exports other apps read. Every method is one call into the
//! core (`watchword_core::{import, backup, export}`); the records and enums
//! are the core's, declared for UniFFI as in `vault.rs`.
//!
//! Files cross as bytes, not paths: Android's Storage Access Framework and
//! iOS's document picker hand the shell a stream, not a file name. The
//! backup folder (`backup_now`) is a path: the app's own storage.

use std::{path::Path, sync::Arc};

use crate::{
    secret::{SecretBytes, SecretText},
    shell::ShellError,
    vault::Vault,
};
use watchword_core::{
    ApiError,
    account::AccountSummary,
    backup::{self, AutoBackup, BackupOutcome, LastBackup, RestoreReport},
    export::{self, Export, ExportFormat},
    import::{
        self, ImportFormat, ImportPreview, ImportReport, NotImported, NotImportedKind, OnDuplicate,
        PreviewLine,
    },
    otp::OtpKind,
    vault::KdfParams,
};

/// The app that wrote an export, recognised from its content.
#[uniffi::remote(Enum)]
pub enum ImportFormat {
    Aegis,
    TwoFas,
    AndOtp,
    AuthenticatorPlus,
    Authy,
    BattleNet,
    Bitwarden,
    Duo,
    FreeOtp,
    FreeOtpPlus,
    GoogleAuthenticator,
    MicrosoftAuthenticator,
    OtpauthList,
    Proton,
    Steam,
    Stratum,
    TotpAuthenticator,
    Watchword,
}

/// What to do with an account the vault already has.
#[uniffi::remote(Enum)]
pub enum OnDuplicate {
    Skip,
    KeepBoth,
    Replace,
}

/// An entry that cannot be imported or exported, and why: `kind` for the
/// shells' text in the user's language, `reason` in English for logs.
#[uniffi::remote(Record)]
pub struct NotImported {
    pub label: String,
    pub kind: NotImportedKind,
    pub reason: String,
}

/// Why an entry could not come along (one text per kind in each shell).
#[uniffi::remote(Enum)]
pub enum NotImportedKind {
    NoGenerator { what: String },
    UnknownType { name: String },
    MoveWithTransferQr,
    AddAgainFromService,
    MicrosoftPushOnly,
    EnrolAgain,
    Other,
}

/// One account of a file, as the preview lists it.
#[uniffi::remote(Record)]
pub struct PreviewLine {
    pub label: String,
    pub kind: OtpKind,
    pub duplicate_of: Option<i64>,
}

/// What importing a file would do; nothing stored yet.
#[uniffi::remote(Record)]
pub struct ImportPreview {
    pub format: ImportFormat,
    pub accounts: Vec<PreviewLine>,
    pub not_imported: Vec<NotImported>,
}

/// What an import did.
#[uniffi::remote(Record)]
pub struct ImportReport {
    pub format: ImportFormat,
    pub added: Vec<AccountSummary>,
    pub replaced: Vec<AccountSummary>,
    pub skipped: Vec<i64>,
    pub not_imported: Vec<NotImported>,
}

/// What a restore did.
#[uniffi::remote(Record)]
pub struct RestoreReport {
    pub import: ImportReport,
    pub clock_offset_restored: bool,
}

/// A written backup.
#[uniffi::remote(Record)]
pub struct BackupOutcome {
    pub path: String,
    pub accounts: u32,
    pub reenrol: Vec<String>,
    pub at: i64,
}

/// The last backup attempt ("last backup: 2 hours ago, 17 accounts").
#[uniffi::remote(Record)]
pub struct LastBackup {
    pub at: i64,
    pub accounts: u32,
    pub path: Option<String>,
    pub error: Option<String>,
}

/// Automatic backup settings (never the password).
#[uniffi::remote(Record)]
pub struct AutoBackup {
    pub folder: String,
    pub keep: u32,
}

/// A format the vault can be exported as.
#[uniffi::remote(Enum)]
pub enum ExportFormat {
    Watchword,
    Aegis,
    AegisPlain,
    Otpauth,
}

/// An export: the file's bytes (secrets inside) and what it left out.
#[uniffi::remote(Record)]
pub struct Export {
    pub format: ExportFormat,
    pub bytes: SecretBytes,
    pub accounts: u32,
    pub left_out: Vec<NotImported>,
}

/// Told how far a long import has got, for a progress bar. Declared
/// throwing so an exception in the shell's code is ignored, never a crash
/// and never the import's failure.
#[uniffi::export(foreign)]
pub trait ImportProgress: Send + Sync {
    /// `done` of `total` accounts stored (in the one transaction).
    fn stored(&self, done: u32, total: u32) -> Result<(), ShellError>;
}

#[uniffi::export]
impl Vault {
    /// The last backup attempt, if any.
    pub fn last_backup(&self) -> Result<Option<LastBackup>, ApiError> {
        backup::last_backup(&self.inner)
    }

    /// Backs up automatically from now on: into `folder`, keeping `keep`,
    /// with `password` (at least 8 characters; kept sealed in the vault).
    pub fn set_auto_backup(
        &self,
        folder: String,
        password: SecretText,
        keep: u32,
    ) -> Result<(), ApiError> {
        backup::set_auto_backup(&self.inner, Path::new(&folder), &password, keep)
    }

    /// Stops automatic backups (the backups written stay).
    pub fn disable_auto_backup(&self) -> Result<(), ApiError> {
        backup::disable_auto_backup(&self.inner)
    }

    /// The automatic backup settings, when on.
    pub fn auto_backup(&self) -> Result<Option<AutoBackup>, ApiError> {
        backup::auto_backup(&self.inner)
    }
}

// Key derivation and decryption take a moment: async, on UniFFI's runtime.
#[uniffi::export(async_runtime = "tokio")]
impl Vault {
    /// Reads another app's export (or a Watchword backup) and says what
    /// importing it would do. `PasswordNeeded` asks for the password;
    /// `WrongPassword`, `DamagedFile`, `Unsupported` say why not.
    pub async fn preview_import(
        &self,
        bytes: SecretBytes,
        password: Option<SecretText>,
    ) -> Result<ImportPreview, ApiError> {
        import::read(&bytes, password.as_ref())?.preview(&self.inner)
    }

    /// Imports the file, all or nothing, duplicates as `on_duplicate` says.
    pub async fn import_file(
        &self,
        bytes: SecretBytes,
        password: Option<SecretText>,
        on_duplicate: OnDuplicate,
    ) -> Result<ImportReport, ApiError> {
        import::read(&bytes, password.as_ref())?.apply(&self.inner, on_duplicate)
    }

    /// [`Self::import_file`], telling `progress` as the accounts are stored.
    pub async fn import_file_with_progress(
        &self,
        bytes: SecretBytes,
        password: Option<SecretText>,
        on_duplicate: OnDuplicate,
        progress: Arc<dyn ImportProgress>,
    ) -> Result<ImportReport, ApiError> {
        import::read(&bytes, password.as_ref())?.apply_reporting(
            &self.inner,
            on_duplicate,
            &mut |done, total| {
                // An observer: its failure is the shell's to log, not the import's.
                let _ = progress.stored(
                    u32::try_from(done).unwrap_or(u32::MAX),
                    u32::try_from(total).unwrap_or(u32::MAX),
                );
            },
        )
    }

    /// Writes a verified backup into `folder` (keeping the newest `keep`).
    pub async fn backup_now(
        &self,
        folder: String,
        password: SecretText,
        keep: u32,
    ) -> Result<BackupOutcome, ApiError> {
        backup::backup_now(
            &self.inner,
            Path::new(&folder),
            &password,
            KdfParams::STRONG,
            keep,
        )
    }

    /// Writes an automatic backup when they are on and the accounts changed
    /// since the last one (call it after a change and when the app goes to
    /// the background); `None` when there was nothing to do.
    pub async fn backup_if_changed(&self) -> Result<Option<BackupOutcome>, ApiError> {
        backup::backup_if_changed(&self.inner)
    }

    /// Restores a Watchword backup's accounts (and clock correction).
    pub async fn restore_backup(
        &self,
        bytes: SecretBytes,
        password: SecretText,
        on_duplicate: OnDuplicate,
    ) -> Result<RestoreReport, ApiError> {
        backup::restore(&self.inner, &bytes, &password, on_duplicate)
    }

    /// The vault as `format`: encrypted formats need `password`; the
    /// plaintext ones await the biometric gate first (a no is `Cancelled`).
    pub async fn export(
        &self,
        format: ExportFormat,
        password: Option<SecretText>,
    ) -> Result<Export, ApiError> {
        // EXPOSE: the export is the secrets, for the file the person chose.
        export::export_vault_confirmed(&self.inner, format, password.as_deref().map(String::as_str))
            .await
    }
}
