//! `watchword rm <id>`: delete an account from the vault.

use serde_json::json;
use watchword_core::ApiError;

use crate::{output::Output, unlock};

/// Arguments of `rm`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The account id (from `list`).
    id: i64,
    #[command(flatten)]
    unlock: unlock::UnlockArgs,
}

/// Deletes the account for good.
pub fn run(vault: Option<&std::path::Path>, args: &Args) -> Result<Output, ApiError> {
    let v = unlock::open_vault(vault, &args.unlock)?;
    v.delete_account(args.id)?;
    Ok(Output {
        human: format!("Deleted account #{}", args.id),
        json: json!({"deleted": args.id}),
    })
}
