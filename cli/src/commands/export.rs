//! `watchword export --google [--png DIR]`: the vault's accounts as Google
//! Authenticator export links (ten accounts a link), and optionally as PNG
//! QR codes another phone can scan.
//!
//! The output holds secrets: that is what an export is for. Accounts that
//! may not leave the device (`exportable = false`) or that Google cannot
//! express (Steam, periods other than 30 s, ...) are listed as skipped.

use std::path::PathBuf;

use serde_json::json;
use watchword_core::{
    ApiError,
    enrol::{export_google_migration, qr_image::render_png},
};

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
    let stored = v.list_accounts(None)?;
    let mut skipped = Vec::new();
    let mut ids = Vec::new();
    let mut uris = Vec::new();
    for s in &stored {
        if s.account.exportable {
            ids.push(s.id);
            uris.push(s.account.to_uri());
        } else {
            skipped.push(json!({"id": s.id, "reason": "this account may not leave the device"}));
        }
    }
    let export = export_google_migration(&uris)?;
    for (index, reason) in &export.skipped {
        skipped.push(json!({"id": ids.get(*index), "reason": reason}));
    }
    let mut pngs = Vec::new();
    if let Some(dir) = &args.png {
        std::fs::create_dir_all(dir).map_err(|e| {
            ApiError::invalid_input(format!("cannot create {}: {e}", dir.display()))
        })?;
        for (i, link) in export.links.iter().enumerate() {
            let path = dir.join(format!("google-export-{}.png", i + 1));
            std::fs::write(&path, render_png(link)?.as_slice()).map_err(|e| {
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
