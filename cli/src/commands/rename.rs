//! `watchword rename <id> [NAME] [--issuer I] [--group G] [--icon I]
//! [--notes N] [--sort-order N] [--counter N]`: change how an account is
//! shown, or an HOTP account's counter. A push
//! account (`p<id>`) has a name and an issuer only.

use watchword_core::{
    ApiError, listing::AccountRef, push::rename_push_account, vault::AccountUpdate,
};

use crate::{account_view, output::Output, unlock};

/// Arguments of `rename`. An empty value clears an optional field.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The account id from `list`: `3`, or `p3` for a push account.
    id: AccountRef,
    /// New account name.
    name: Option<String>,
    /// New issuer ("" removes it).
    #[arg(long)]
    issuer: Option<String>,
    /// New group ("" removes it).
    #[arg(long)]
    group: Option<String>,
    /// New icon ("" removes it).
    #[arg(long)]
    icon: Option<String>,
    /// New notes ("" removes them).
    #[arg(long)]
    notes: Option<String>,
    /// New position in the list.
    #[arg(long, allow_negative_numbers = true)]
    sort_order: Option<i64>,
    /// New HOTP counter: the counter of the next code (see also `resync`).
    #[arg(long)]
    counter: Option<u64>,
    #[command(flatten)]
    unlock: unlock::UnlockArgs,
}

fn clearable(v: &Option<String>) -> Option<Option<String>> {
    v.as_ref()
        .map(|s| Some(s.clone()).filter(|s| !s.is_empty()))
}

/// Applies the changes and prints the account.
pub fn run(vault: Option<&std::path::Path>, args: &Args) -> Result<Output, ApiError> {
    let update = AccountUpdate {
        name: args.name.clone(),
        issuer: clearable(&args.issuer),
        icon: clearable(&args.icon),
        group: clearable(&args.group),
        notes: clearable(&args.notes),
        sort_order: args.sort_order,
        counter: args.counter,
    };
    if update == AccountUpdate::default() {
        return Err(ApiError::invalid_input(
            "nothing to change: give a new name or --issuer/--group/--icon/--notes/--sort-order/--counter",
        ));
    }
    if update.name.as_deref() == Some("") {
        return Err(ApiError::invalid_input("the account name cannot be empty"));
    }
    let v = unlock::open_vault(vault, &args.unlock)?;
    match args.id {
        AccountRef::Otp(id) => {
            let updated = v.update_account(id, update)?.summary();
            unlock::after_change(&v);
            Ok(Output {
                human: format!("Updated {}", account_view::line(&updated)),
                json: account_view::json(&updated)?,
            })
        }
        AccountRef::Push(id) => {
            if update.group.is_some()
                || update.icon.is_some()
                || update.notes.is_some()
                || update.sort_order.is_some()
                || update.counter.is_some()
            {
                return Err(ApiError::invalid_input(
                    "a push account has a name and an issuer only",
                ));
            }
            let updated = rename_push_account(&v, id, args.name.clone(), args.issuer.clone())?;
            Ok(Output {
                human: format!("Updated {}", account_view::push_line(&updated)),
                json: account_view::json(&updated)?,
            })
        }
    }
}
