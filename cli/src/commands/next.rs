//! `watchword next <id>`: the next code of an HOTP account.

use serde_json::json;
use watchword_core::ApiError;

use crate::{output::Output, unlock};

/// Arguments of `next`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The account id (from `list`).
    id: i64,
    #[command(flatten)]
    unlock: unlock::UnlockArgs,
}

/// Steps the counter (committed to disk first) and prints the code.
pub fn run(vault: Option<&std::path::Path>, args: &Args) -> Result<Output, ApiError> {
    let v = unlock::open_vault(vault, &args.unlock)?;
    let c = v.next_hotp_code(args.id)?;
    unlock::after_change(&v);
    Ok(Output {
        human: format!("{}  (counter {})", c.code, c.counter),
        json: json!({"id": args.id, "code": c.code, "counter": c.counter}),
    })
}
