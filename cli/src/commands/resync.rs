//! `watchword resync <id> CODE CODE`: puts an HOTP account's counter back
//! in step with its token from two consecutive codes the token shows.

use serde_json::json;
use watchword_core::ApiError;

use crate::{output::Output, unlock};

/// Arguments of `resync`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The HOTP account's id (from `list`).
    id: i64,
    /// A code the token shows.
    first: String,
    /// The code the token shows next.
    second: String,
    #[command(flatten)]
    unlock: unlock::UnlockArgs,
}

/// Finds the two codes in a bounded window and stores the counter after them.
pub fn run(vault: Option<&std::path::Path>, args: &Args) -> Result<Output, ApiError> {
    let v = unlock::open_vault(vault, &args.unlock)?;
    let counter = v.resync_hotp(args.id, &args.first, &args.second)?;
    unlock::after_change(&v);
    Ok(Output {
        human: format!(
            "Account #{} is in step again: the next code is for counter {counter}.",
            args.id
        ),
        json: json!({"id": args.id, "counter": counter}),
    })
}
