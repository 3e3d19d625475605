//! `watchword rm <id>`: delete an account from the vault: `3` a code
//! account (to the trash, for `restore`), `p3` a push account (its key is deleted; the note says who can
//! remove the device on the server).

use serde_json::json;
use watchword_core::{ApiError, listing::AccountRef, push::remove_push_account, vault::TRASH_DAYS};

use crate::{output::Output, unlock};

/// Arguments of `rm`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The account id from `list`: `3`, or `p3` for a push account.
    id: AccountRef,
    #[command(flatten)]
    unlock: unlock::UnlockArgs,
}

/// Deletes the account for good.
pub fn run(vault: Option<&std::path::Path>, args: &Args) -> Result<Output, ApiError> {
    let v = unlock::open_vault(vault, &args.unlock)?;
    match args.id {
        AccountRef::Otp(id) => {
            v.delete_account(id)?;
            unlock::after_change(&v);
            Ok(Output {
                human: format!(
                    "Deleted account #{id} (restore it within {TRASH_DAYS} days: watchword restore {id})"
                ),
                json: json!({"deleted": id}),
            })
        }
        AccountRef::Push(id) => {
            let removed = remove_push_account(&v, id)?;
            Ok(Output {
                human: format!(
                    "Deleted push account {} {}\n{}",
                    args.id, removed.account.label, removed.note
                ),
                json: json!({
                    "deleted": args.id.to_string(),
                    "push": removed,
                }),
            })
        }
    }
}
