//! `watchword passphrase [--new-passphrase-file PATH]`: change the vault's
//! passphrase.
//!
//! The data key is re-wrapped under a key derived from the new passphrase
//! (argon2id, a fresh salt); the accounts themselves are not re-encrypted,
//! so the change is one small write and nothing else moves.

use std::path::PathBuf;

use serde_json::json;
use watchword_core::{
    ApiError,
    vault::{KdfParams, PassphraseKeyProvider},
};

use crate::{output::Output, unlock};

/// Arguments of `passphrase`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Read the new passphrase from the first line of this file (else
    /// WATCHWORD_NEW_PASSPHRASE, else a prompt, twice).
    #[arg(long, value_name = "PATH")]
    new_passphrase_file: Option<PathBuf>,
    #[command(flatten)]
    unlock: unlock::UnlockArgs,
}

/// Unlocks with the current passphrase, then re-wraps with the new one.
pub fn run(vault: Option<&std::path::Path>, args: &Args) -> Result<Output, ApiError> {
    let v = unlock::open_vault(vault, &args.unlock)?;
    let new = unlock::read_new_passphrase(args.new_passphrase_file.as_deref())?;
    v.change_key(&PassphraseKeyProvider::new(new, KdfParams::STRONG))?;
    Ok(Output {
        human: "Passphrase changed. Use the new one from now on.".into(),
        json: json!({ "changed": true }),
    })
}
