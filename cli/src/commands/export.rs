//! `watchword export`: the vault for another app or another phone.
//!
//! - `export FILE --format watchword|aegis|aegis-plain|otpauth`: a file.
//!   The encrypted formats ask for a password (twice); the plaintext ones
//!   hold every secret readable by anyone and need `--plaintext`.
//! - `export --google [--png DIR]`: Google Authenticator export links (ten
//!   accounts a link), and optionally PNG QR codes another phone can scan.
//!
//! Accounts that may not leave the device and push accounts are listed as
//! "enrol again on the new phone", never exported.

use std::path::PathBuf;

use serde_json::json;
use watchword_core::{
    ApiError,
    enrol::vault_export::export_vault_google,
    export::{ExportFormat, export_to_file},
};

use super::file_password::{BACKUP_PASSWORD_ENV, KdfArgs, PasswordArgs};
use crate::{output::Output, unlock};

/// The file formats, as the flag spells them.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// Watchword's encrypted backup.
    Watchword,
    /// Aegis JSON, encrypted.
    Aegis,
    /// Aegis JSON, plaintext (needs --plaintext).
    AegisPlain,
    /// otpauth:// links, one a line, plaintext (needs --plaintext).
    Otpauth,
}

impl From<Format> for ExportFormat {
    fn from(f: Format) -> Self {
        match f {
            Format::Watchword => ExportFormat::Watchword,
            Format::Aegis => ExportFormat::Aegis,
            Format::AegisPlain => ExportFormat::AegisPlain,
            Format::Otpauth => ExportFormat::Otpauth,
        }
    }
}

/// Arguments of `export`.
#[derive(Debug, clap::Args)]
#[command(group = clap::ArgGroup::new("what").required(true).args(["format", "google"]))]
pub struct Args {
    /// The file to write (with --format).
    #[arg(requires = "format")]
    file: Option<PathBuf>,
    /// The file's format.
    #[arg(long, value_enum, requires = "file")]
    format: Option<Format>,
    /// Yes, write the secrets in plaintext (aegis-plain, otpauth).
    #[arg(long)]
    plaintext: bool,
    /// Google Authenticator export links (`otpauth-migration://`).
    #[arg(long, conflicts_with_all = ["format", "file"])]
    google: bool,
    /// With --google: also write each link as a QR image
    /// `google-export-N.png` in DIR.
    #[arg(long, value_name = "DIR", requires = "google")]
    png: Option<PathBuf>,
    #[command(flatten)]
    password: PasswordArgs,
    #[command(flatten)]
    kdf: KdfArgs,
    #[command(flatten)]
    unlock: unlock::UnlockArgs,
}

/// Exports the vault.
pub fn run(vault: Option<&std::path::Path>, args: &Args) -> Result<Output, ApiError> {
    match (args.format, &args.file) {
        (Some(format), Some(file)) => to_file(vault, args, format.into(), file),
        _ => google(vault, args),
    }
}

fn to_file(
    vault: Option<&std::path::Path>,
    args: &Args,
    format: ExportFormat,
    file: &std::path::Path,
) -> Result<Output, ApiError> {
    let params = args.kdf.params()?;
    if format.is_plaintext() && !args.plaintext {
        return Err(ApiError::Cancelled {
            message: format!(
                "{} holds every secret in plaintext: add --plaintext to confirm, or use --format watchword or aegis",
                file.display()
            ),
        });
    }
    let v = unlock::open_vault(vault, &args.unlock)?;
    let password = if format.needs_password() {
        Some(
            args.password
                .read(BACKUP_PASSWORD_ENV, "Export password", true)?,
        )
    } else {
        None
    };
    let r = export_to_file(
        &v,
        file,
        format,
        password.as_deref().map(String::as_str),
        args.plaintext,
        params,
    )?;
    let mut human = format!("Exported {} account(s) to {}", r.accounts, r.path);
    for n in &r.left_out {
        human.push_str(&format!("\n  not exported: {}: {}", n.label, n.reason));
    }
    if format.is_plaintext() {
        human.push_str("\nThis file holds your secrets in plaintext: import it, then delete it.");
    }
    Ok(Output {
        json: json!(r),
        human,
    })
}

fn google(vault: Option<&std::path::Path>, args: &Args) -> Result<Output, ApiError> {
    let v = unlock::open_vault(vault, &args.unlock)?;
    let export = export_vault_google(&v, args.png.is_some())?;
    let skipped: Vec<_> = export
        .skipped
        .iter()
        .map(|s| json!({"id": s.id, "reason": s.reason}))
        .collect();
    let mut pngs = Vec::new();
    if let Some(dir) = &args.png {
        std::fs::create_dir_all(dir).map_err(|e| {
            ApiError::invalid_input(format!("cannot create {}: {e}", dir.display()))
        })?;
        for (i, png) in export.pngs.iter().enumerate() {
            let path = dir.join(format!("google-export-{}.png", i + 1));
            std::fs::write(&path, png.as_slice()).map_err(|e| {
                ApiError::invalid_input(format!("cannot write {}: {e}", path.display()))
            })?;
            pngs.push(path.display().to_string());
        }
    }
    let links: Vec<&str> = export.links.iter().map(|l| l.as_str()).collect();
    let mut human = links.join("\n");
    if !pngs.is_empty() {
        human.push_str(&format!("\nQR images: {}", pngs.join(", ")));
    }
    if !skipped.is_empty() {
        human.push_str(&format!(
            "\n{} account(s) skipped (see --json)",
            skipped.len()
        ));
    }
    human
        .push_str("\nThese links hold your secrets: scan them on the new phone, then delete them.");
    Ok(Output {
        json: json!({"links": links, "png": pngs, "skipped": skipped}),
        human,
    })
}
