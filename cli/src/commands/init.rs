//! `watchword init`: create an encrypted vault protected by a passphrase.

use serde_json::json;
use watchword_core::{ApiError, vault::KdfParams};

use crate::{output::Output, unlock};

/// Arguments of `init`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    unlock: unlock::UnlockArgs,
    /// argon2id memory in KiB (default 65536). Lower values are for test
    /// vaults only: they make the passphrase cheaper to guess.
    #[arg(long, value_name = "KIB")]
    kdf_memory_kib: Option<u32>,
    /// argon2id passes (default 3).
    #[arg(long, value_name = "N")]
    kdf_iterations: Option<u32>,
}

/// Creates the vault; refuses if any file is already at the path.
pub fn run(vault: Option<&std::path::Path>, args: &Args) -> Result<Output, ApiError> {
    let params = KdfParams {
        memory_kib: args.kdf_memory_kib.unwrap_or(KdfParams::STRONG.memory_kib),
        iterations: args.kdf_iterations.unwrap_or(KdfParams::STRONG.iterations),
        ..KdfParams::STRONG
    }
    .validate()?;
    let v = unlock::create_vault(vault, &args.unlock, params)?;
    let path = v.path().display().to_string();
    Ok(Output {
        human: format!("Created an empty vault at {path}"),
        json: json!({
            "vault": path,
            "kdf": {
                "algorithm": "argon2id",
                "memory_kib": params.memory_kib,
                "iterations": params.iterations,
                "parallelism": params.parallelism,
            },
        }),
    })
}
