//! `watchword clock [--sync URL | --set-ms N | --reset]`: the correction
//! added to this machine's clock for codes, kept (sealed) in the vault.
//!
//! A phone or laptop clock that is off makes every TOTP code wrong at the
//! edge of its period. Push activation learns the offset from the server;
//! this command shows it, learns it from any https server's `Date` header
//! (`--sync`), or sets it by hand. `codes` applies it.

use serde_json::json;
use watchword_core::{ApiError, clock_sync, otp::SystemClock};

use crate::{output::Output, unlock};

/// Arguments of `clock`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Learn the correction from this https server's Date header and store it.
    #[arg(long, value_name = "URL", conflicts_with_all = ["set_ms", "reset"])]
    sync: Option<String>,
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
    if let Some(url) = &args.sync {
        let client = watchword_core::push::client::ServerClient::new()?;
        let sync = super::push_common::runtime()?.block_on(clock_sync::sync_vault_clock(
            &client,
            &v,
            url,
            &SystemClock,
        ))?;
        return Ok(Output {
            human: format!(
                "The clock correction for codes is now {} ms (from {url}, within {} ms).",
                sync.offset_ms, sync.uncertainty_ms
            ),
            json: json!({
                "clock_offset_ms": sync.offset_ms,
                "uncertainty_ms": sync.uncertainty_ms,
            }),
        });
    }
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
