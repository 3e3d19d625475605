//! `watchword export --google [--png DIR]`: the vault's accounts as Google
//! Authenticator export links (ten accounts a link), and optionally as PNG
//! QR codes another phone can scan.
//!
//! The output holds secrets: that is what an export is for. Accounts that
//! may not leave the device (`exportable = false`) or that Google cannot
//! express (Steam, periods other than 30 s, ...) are listed as skipped.

use std::path::PathBuf;

use serde_json::json;
use watchword_core::{ApiError, enrol::vault_export::export_vault_google};

use crate::{output::Output, unlock};

/// Arguments of `export`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Google Authenticator export links (`otpauth-migration://`); the only
    /// format so far, and required so later formats cannot be picked by
    /// accident.
    #[arg(long, required = true)]
    google: bool,
    /// Also write each link as a QR image `google-export-N.png` in DIR.
    #[arg(long, value_name = "DIR")]
    png: Option<PathBuf>,
    #[command(flatten)]
    unlock: unlock::UnlockArgs,
}

/// Exports the vault.
pub fn run(vault: Option<&std::path::Path>, args: &Args) -> Result<Output, ApiError> {
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
