//! Exports: the vault's accounts as a file for another app or another
//! phone. One decision in one place: which formats exist, which of them
//! are plaintext (and so need the person's explicit confirmation), which
//! need a password, and which accounts are left out and why.
//!
//! - [`ExportFormat::Watchword`]: the own encrypted backup (`backup/`).
//! - [`ExportFormat::Aegis`] / [`ExportFormat::AegisPlain`]: Aegis vault
//!   JSON (`aegis.rs`), which Aegis, 2FAS, Ente and others import.
//! - [`ExportFormat::Otpauth`]: one `otpauth://` link a line.
//!
//! (Google Authenticator's QR export is `enrol/vault_export.rs`.)
//! Server-provisioned accounts (push accounts, accounts marked not to leave
//! the device) are never exported: they are listed as "enrol again on the
//! new phone" ([`Export::left_out`]).

pub mod aegis;

use std::path::Path;

use serde::Serialize;
use zeroize::Zeroizing;

use crate::{
    ApiError,
    backup::{BackupContents, write_backup},
    import::NotImported,
    vault::{KdfParams, PresenceAction, Vault},
};

/// A file format the vault can be exported as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExportFormat {
    /// Watchword's encrypted backup (argon2id + AES-256-GCM).
    Watchword,
    /// Aegis JSON, encrypted with a password (scrypt + AES-256-GCM).
    Aegis,
    /// Aegis JSON in plaintext.
    AegisPlain,
    /// `otpauth://` links, one a line, in plaintext.
    Otpauth,
}

impl ExportFormat {
    /// True when the file holds the secrets readable by anyone: the person
    /// must confirm explicitly (CLI flag, biometric check on a phone).
    pub fn is_plaintext(self) -> bool {
        matches!(self, ExportFormat::AegisPlain | ExportFormat::Otpauth)
    }

    /// True when the format is encrypted with a password.
    pub fn needs_password(self) -> bool {
        !self.is_plaintext()
    }

    /// The usual file name extension.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Watchword => crate::backup::BACKUP_EXTENSION,
            ExportFormat::Aegis | ExportFormat::AegisPlain => "json",
            ExportFormat::Otpauth => "txt",
        }
    }
}

/// An export: the file's bytes (secrets inside: zeroized on drop) and what
/// it left out.
#[derive(Debug)]
pub struct Export {
    /// The format.
    pub format: ExportFormat,
    /// The file's bytes.
    pub bytes: Zeroizing<Vec<u8>>,
    /// How many accounts it holds.
    pub accounts: u32,
    /// Accounts not in it, and why (enrol them again on the new phone).
    pub left_out: Vec<NotImported>,
}

/// What writing an export to a file did (no secrets).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportReport {
    /// The format.
    pub format: ExportFormat,
    /// Where.
    pub path: String,
    /// How many accounts it holds.
    pub accounts: u32,
    /// Accounts not in it, and why.
    pub left_out: Vec<NotImported>,
}

fn check(
    format: ExportFormat,
    password: Option<&str>,
    plaintext_confirmed: bool,
) -> Result<(), ApiError> {
    if format.is_plaintext() && !plaintext_confirmed {
        return Err(ApiError::Cancelled {
            message: "this export holds your secrets in plaintext: confirm it explicitly \
                      (the CLI's --plaintext flag), or choose an encrypted format"
                .into(),
        });
    }
    if format.needs_password() && password.is_none_or(str::is_empty) {
        return Err(ApiError::PasswordNeeded {
            message: "an encrypted export needs a password to protect it".into(),
        });
    }
    Ok(())
}

/// The vault's accounts in `format`. `password` protects the encrypted
/// formats; `plaintext_confirmed` is the person's explicit yes for the
/// plaintext ones. `params` are the Watchword backup's argon2id costs.
pub fn export_vault(
    vault: &Vault,
    format: ExportFormat,
    password: Option<&str>,
    plaintext_confirmed: bool,
    params: KdfParams,
) -> Result<Export, ApiError> {
    check(format, password, plaintext_confirmed)?;
    let contents = BackupContents::of_vault(vault)?;
    let left_out = contents.reenrol.clone();
    let accounts = u32::try_from(contents.accounts.len()).unwrap_or(u32::MAX);
    let bytes = match format {
        ExportFormat::Watchword => Zeroizing::new(crate::backup::encode(
            &contents,
            password.unwrap_or_default(),
            params,
        )?),
        ExportFormat::Aegis => to_bytes(aegis::aegis_json(&contents.accounts, password)?),
        ExportFormat::AegisPlain => to_bytes(aegis::aegis_json(&contents.accounts, None)?),
        ExportFormat::Otpauth => {
            let mut text = Zeroizing::new(String::new());
            for a in &contents.accounts {
                text.push_str(&a.to_uri().format());
                text.push('\n');
            }
            to_bytes(text)
        }
    };
    Ok(Export {
        format,
        bytes,
        accounts,
        left_out,
    })
}

fn to_bytes(text: Zeroizing<String>) -> Zeroizing<Vec<u8>> {
    Zeroizing::new(text.as_bytes().to_vec())
}

/// [`export_vault`] once the person confirmed a plaintext export with the
/// presence check ([`PresenceAction::ExportSecrets`]): what the phones
/// call. Encrypted formats ask nothing more than their password.
pub async fn export_vault_confirmed(
    vault: &Vault,
    format: ExportFormat,
    password: Option<&str>,
) -> Result<Export, ApiError> {
    if format.is_plaintext() {
        vault
            .confirm_presence(PresenceAction::ExportSecrets)
            .await?;
    }
    export_vault(vault, format, password, true, KdfParams::STRONG)
}

/// Exports to the file `path`: the Watchword format through the verified
/// backup writer, the others written to a temporary file and renamed into
/// place (an existing file is replaced only by a complete one).
pub fn export_to_file(
    vault: &Vault,
    path: &Path,
    format: ExportFormat,
    password: Option<&str>,
    plaintext_confirmed: bool,
    params: KdfParams,
) -> Result<ExportReport, ApiError> {
    if format == ExportFormat::Watchword {
        check(format, password, plaintext_confirmed)?;
        let out = write_backup(vault, path, password.unwrap_or_default(), params)?;
        let left_out = BackupContents::of_vault(vault)?.reenrol;
        return Ok(ExportReport {
            format,
            path: out.path,
            accounts: out.accounts,
            left_out,
        });
    }
    let export = export_vault(vault, format, password, plaintext_confirmed, params)?;
    crate::backup::write_atomically(path, &export.bytes)?;
    Ok(ExportReport {
        format,
        path: path.display().to_string(),
        accounts: export.accounts,
        left_out: export.left_out,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::Strategy as _;

    use crate::{
        account::{Account, Provenance, strategies},
        import::{ImportFormat, read},
        vault::StaticKeyProvider,
    };

    fn vault(dir: &Path) -> Vault {
        let v = Vault::create(&dir.join("v.db"), &StaticKeyProvider::new([3; 32])).unwrap();
        v.add_link(
            "otpauth://totp/Deno:Mason?secret=4SJHB4GSD43FZBAI7C2HLRJGPQ&issuer=Deno",
            false,
        )
        .unwrap();
        v.add_link(
            "otpauth://hotp/Issuu:James?secret=YOOMIXWS5GN6RTBPUFFWKTW5M4&counter=1",
            false,
        )
        .unwrap();
        let mut kept =
            Account::from_link("otpauth://totp/Corp:me?secret=JBSWY3DPEHPK3PXP").unwrap();
        kept.exportable = false;
        v.add_account(kept, false).unwrap();
        v
    }

    #[test]
    fn plaintext_needs_a_yes_and_encrypted_needs_a_password() {
        let dir = tempfile::tempdir().unwrap();
        let v = vault(dir.path());
        let fast = KdfParams::FAST_INSECURE_FOR_TESTS;
        let e = export_vault(&v, ExportFormat::Otpauth, None, false, fast).unwrap_err();
        assert_eq!(e.kind(), "cancelled");
        let e = export_vault(&v, ExportFormat::Watchword, None, false, fast).unwrap_err();
        assert_eq!(e.kind(), "password_needed");
        let path = dir.path().join("out.txt");
        let r = export_to_file(&v, &path, ExportFormat::Otpauth, None, false, fast);
        assert!(matches!(r, Err(ApiError::Cancelled { .. })), "{r:?}");
        assert!(!path.exists(), "nothing written without the yes");
    }

    #[test]
    fn otpauth_and_backup_exports_read_back_and_leave_out_what_may_not_leave() {
        let dir = tempfile::tempdir().unwrap();
        let v = vault(dir.path());
        let fast = KdfParams::FAST_INSECURE_FOR_TESTS;
        let list = export_vault(&v, ExportFormat::Otpauth, None, true, fast).unwrap();
        assert_eq!(list.accounts, 2);
        assert_eq!(list.left_out.len(), 1);
        assert_eq!(list.left_out[0].label, "Corp (me)");
        let back = read(&list.bytes, None).unwrap();
        assert_eq!(back.format, ImportFormat::OtpauthList);
        assert_eq!(back.accounts().count(), 2);
        let path = dir.path().join("b.wwbackup");
        let pw = zeroize::Zeroizing::new("long enough password".to_owned());
        let r = export_to_file(&v, &path, ExportFormat::Watchword, Some(&pw), false, fast).unwrap();
        assert_eq!((r.accounts, r.left_out.len()), (2, 1));
        let back = read(&std::fs::read(&path).unwrap(), Some(&pw)).unwrap();
        assert_eq!(back.format, ImportFormat::Watchword);
        assert_eq!(back.accounts().count(), 2);
        assert_eq!(back.not_imported().count(), 1);
    }

    proptest::proptest! {
        // Each case makes a vault on disk.
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]

        /// Any accounts (1 to 8, at least one exportable) in a vault →
        /// the otpauth export → import: every exportable account, in list
        /// order, with all a link holds; the others listed as left out.
        #[test]
        fn any_accounts_survive_an_otpauth_export(
            accounts in proptest::collection::vec(
                strategies::account().prop_map(strategies::linkable),
                1..8,
            ),
        ) {
            proptest::prop_assume!(accounts.iter().any(|a| a.exportable));
            let dir = tempfile::tempdir().unwrap();
            let v = Vault::create(&dir.path().join("v.db"), &StaticKeyProvider::new([3; 32]))
                .unwrap();
            for a in &accounts {
                v.add_account(a.clone(), true).unwrap();
            }
            let fast = KdfParams::FAST_INSECURE_FOR_TESTS;
            let export = export_vault(&v, ExportFormat::Otpauth, None, true, fast).unwrap();
            let exported: Vec<&Account> = accounts.iter().filter(|a| a.exportable).collect();
            proptest::prop_assert_eq!(export.accounts as usize, exported.len());
            proptest::prop_assert_eq!(export.left_out.len(), accounts.len() - exported.len());
            let back = read(&export.bytes, None).unwrap();
            proptest::prop_assert_eq!(back.format, ImportFormat::OtpauthList);
            let provenance = Provenance::import(ImportFormat::OtpauthList.id());
            let want: Vec<Account> = exported
                .iter()
                .map(|a| strategies::as_linked(a, provenance.clone()))
                .collect();
            proptest::prop_assert_eq!(back.accounts().cloned().collect::<Vec<_>>(), want);
            proptest::prop_assert_eq!(back.not_imported().count(), 0);
        }
    }
}
