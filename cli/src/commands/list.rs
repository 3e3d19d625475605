//! `watchword list [FILTER]`: every account in the vault, code or push,
//! without secrets.

use serde_json::Value;
use watchword_core::{ApiError, listing::list_all};

use crate::{account_view, output::Output, unlock};

/// Arguments of `list`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only accounts whose issuer, name or group contains this (any case).
    filter: Option<String>,
    #[command(flatten)]
    unlock: unlock::UnlockArgs,
}

/// Lists the accounts in list order.
pub fn run(vault: Option<&std::path::Path>, args: &Args) -> Result<Output, ApiError> {
    let v = unlock::open_vault(vault, &args.unlock)?;
    let accounts = list_all(&v, args.filter.as_deref())?;
    let json = accounts
        .iter()
        .map(account_view::json)
        .collect::<Result<Vec<Value>, _>>()?;
    let human = if accounts.is_empty() {
        "No accounts.".to_owned()
    } else {
        accounts
            .iter()
            .map(account_view::listed_line)
            .collect::<Vec<_>>()
            .join("\n")
    };
    Ok(Output {
        json: Value::Array(json),
        human,
    })
}
