//! `watchword clock [--set-ms N | --reset]`: the correction added to this
//! machine's clock for codes, kept (sealed) in the vault.
//!
//! A phone or laptop clock that is off makes every TOTP code wrong at the
//! edge of its period. Push activation learns the offset from the server;
//! this command shows it or sets it by hand. `codes` applies it.

use serde_json::json;
use watchword_core::ApiError;

use crate::{output::Output, unlock};

/// Arguments of `clock`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Store this correction, in milliseconds (negative when the clock is
    /// ahead).
    #[arg(long, allow_negative_numbers = true, conflicts_with = "reset")]
    set_ms: Option<i64>,
    /// Store no correction (0).
    #[arg(long)]
    reset: bool,
    #[command(flatten)]
    unlock: unlock::UnlockArgs,
}

/// Shows, sets or resets the offset, and prints the one in effect.
pub fn run(vault: Option<&std::path::Path>, args: &Args) -> Result<Output, ApiError> {
    let v = unlock::open_vault(vault, &args.unlock)?;
    let change = if args.reset { Some(0) } else { args.set_ms };
    if let Some(offset_ms) = change {
        v.set_clock_offset_ms(offset_ms)?;
    }
    let offset_ms = v.clock_offset_ms()?;
    let verb = if change.is_some() { "is now" } else { "is" };
    Ok(Output {
        human: format!("The clock correction for codes {verb} {offset_ms} ms."),
        json: json!({ "clock_offset_ms": offset_ms }),
    })
}
