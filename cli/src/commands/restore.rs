//! `watchword restore <id>`: brings a deleted account back from the trash.

use watchword_core::ApiError;

use crate::{account_view, output::Output, unlock};

/// Arguments of `restore`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The id the account had (from `trash`, or what `rm` printed).
    id: i64,
    #[command(flatten)]
    unlock: unlock::UnlockArgs,
}

/// Restores the account (with a new id, at the end of the list).
pub fn run(vault: Option<&std::path::Path>, args: &Args) -> Result<Output, ApiError> {
    let v = unlock::open_vault(vault, &args.unlock)?;
    let restored = v.restore_account(args.id)?;
    unlock::after_change(&v);
    Ok(Output {
        human: format!("Restored {}", account_view::line(&restored)),
        json: account_view::json(&restored)?,
    })
}
