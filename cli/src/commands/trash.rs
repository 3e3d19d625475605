//! `watchword trash`: the deleted accounts that `restore` can still bring
//! back (kept 7 days).

use serde_json::Value;
use watchword_core::{ApiError, vault::TRASH_DAYS};

use crate::{commands::push_common::utc, output::Output, unlock};

/// Arguments of `trash`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Delete everything in the trash for good.
    #[arg(long)]
    empty: bool,
    #[command(flatten)]
    unlock: unlock::UnlockArgs,
}

/// Lists (or empties) the trash.
pub fn run(vault: Option<&std::path::Path>, args: &Args) -> Result<Output, ApiError> {
    let v = unlock::open_vault(vault, &args.unlock)?;
    if args.empty {
        v.empty_trash()?;
        return Ok(Output {
            human: "The trash is empty.".to_owned(),
            json: Value::Array(vec![]),
        });
    }
    let trash = v.trash()?;
    let human = if trash.is_empty() {
        "The trash is empty.".to_owned()
    } else {
        trash
            .iter()
            .map(|t| {
                format!(
                    "#{}  {}  {}  deleted {}",
                    t.id,
                    t.label,
                    t.kind.as_str(),
                    utc(t.deleted_at)
                )
            })
            .chain(std::iter::once(format!(
                "Restore one within {TRASH_DAYS} days: watchword restore <id>"
            )))
            .collect::<Vec<_>>()
            .join("\n")
    };
    Ok(Output {
        human,
        json: serde_json::to_value(&trash)
            .map_err(|e| ApiError::invalid_input(format!("cannot describe the trash: {e}")))?,
    })
}
