//! `watchword add <text>` or `watchword add --secret B32 --issuer I
//! --name N [...]`: store accounts in the vault.
//!
//! The text goes through the shared classifier: an otpauth link adds one
//! account, a Google export link adds all of its accounts (those already
//! stored are reported, not added twice), a bare secret needs `--name`, a
//! Watchword activation link activates, a privacyIDEA push link
//! (`otpauth://pipush/...`) enrols a push token, and a Microsoft activation
//! is refused with `microsoft_managed` and what to do instead.

use serde_json::json;
use watchword_core::{
    ApiError,
    account::{Account, Provenance},
    enrol::{
        Enrolment, classify,
        into_vault::{add_all, otp_accounts},
    },
    otp::{OtpKind, TypedSettings},
    push::privacyidea::DEFAULT_KEY_BITS,
};

use crate::{account_view, output::Output, unlock};

/// Arguments of `add`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// An otpauth:// or otpauth-migration:// link, a watchword:// activation
    /// link, or a bare secret (or give --secret and --name instead).
    #[arg(conflicts_with_all = ["secret", "digits", "period", "algorithm", "hotp", "steam", "counter"])]
    link: Option<String>,
    /// The base32 secret, typed by hand.
    #[arg(long, requires = "name")]
    secret: Option<String>,
    /// Issuer (with a link: replaces the link's issuer).
    #[arg(long)]
    issuer: Option<String>,
    /// Account name (with a link: replaces the link's name).
    #[arg(long)]
    name: Option<String>,
    /// Code length, 1-10 (default 6).
    #[arg(long)]
    digits: Option<u8>,
    /// Seconds per code (default 30).
    #[arg(long)]
    period: Option<u32>,
    /// SHA1 (default), SHA256 or SHA512.
    #[arg(long)]
    algorithm: Option<String>,
    /// Counter-based (HOTP) instead of time-based.
    #[arg(long, conflicts_with = "steam")]
    hotp: bool,
    /// Steam Guard codes.
    #[arg(long)]
    steam: bool,
    /// First HOTP counter (default 0).
    #[arg(long, requires = "hotp")]
    counter: Option<u64>,
    /// Group to file it under.
    #[arg(long)]
    group: Option<String>,
    /// Icon name or URL.
    #[arg(long)]
    icon: Option<String>,
    /// Notes.
    #[arg(long)]
    notes: Option<String>,
    /// Add even if the same secret, issuer and name is already stored.
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    unlock: unlock::UnlockArgs,
}

/// Builds the account from --secret and the other flags.
fn account_from_flags(args: &Args) -> Result<Account, ApiError> {
    let account = match &args.secret {
        Some(secret) => {
            let kind = if args.hotp {
                OtpKind::Hotp
            } else if args.steam {
                OtpKind::Steam
            } else {
                OtpKind::Totp
            };
            let settings = TypedSettings {
                digits: args.digits,
                period: args.period,
                algorithm: args.algorithm.clone(),
                counter: args.counter,
            };
            Account::from_typed(None, String::new(), kind, secret, &settings)?
        }
        None => {
            return Err(ApiError::invalid_input(
                "give an otpauth:// link, or --secret with --name (and --issuer)",
            ));
        }
    };
    Ok(with_details(account, args))
}

/// Applies --name, --issuer, --group, --icon and --notes.
fn with_details(mut account: Account, args: &Args) -> Account {
    if let Some(name) = &args.name {
        account.name = name.clone();
    }
    if let Some(issuer) = &args.issuer {
        account.issuer = Some(issuer.clone()).filter(|i| !i.is_empty());
    }
    account.group = args.group.clone().or(account.group);
    account.icon = args.icon.clone().or(account.icon);
    account.notes = args.notes.clone().or(account.notes);
    account
}

/// Adds what the text or flags describe and prints it with its ids.
pub fn run(vault: Option<&std::path::Path>, args: &Args) -> Result<Output, ApiError> {
    let Some(text) = &args.link else {
        let account = account_from_flags(args)?;
        let v = unlock::open_vault(vault, &args.unlock)?;
        let stored = v.add_account(account, args.force)?;
        return Ok(Output {
            human: format!("Added {}", account_view::line(&stored)),
            json: account_view::json(&stored)?,
        });
    };
    add_text(
        vault,
        text,
        Provenance::Manual,
        args.force,
        &args.unlock,
        &|a| with_details(a, args),
    )
}

/// Adds scanned or pasted text: the path `add <text>` and `scan --add` share.
/// `details` applies names and the like given on the command line.
pub fn add_text(
    vault: Option<&std::path::Path>,
    text: &str,
    provenance: Provenance,
    force: bool,
    unlock_args: &unlock::UnlockArgs,
    details: &dyn Fn(Account) -> Account,
) -> Result<Output, ApiError> {
    let enrolment = classify(text)?;
    // A privacyIDEA push QR (`otpauth://pipush/...`, `pia://pipush/...`)
    // enrols a push token instead of storing an OTP account.
    if let Enrolment::PrivacyIdeaPush(link) = &enrolment {
        return super::add_privacyidea::enrol(link, DEFAULT_KEY_BITS, vault, unlock_args);
    }
    if matches!(enrolment, Enrolment::WatchwordActivation { .. }) {
        return super::activate::activate_enrolment(
            &enrolment,
            vault,
            unlock_args,
            "watchword-cli",
        );
    }
    // Everything is checked before the vault is opened: bad input asks
    // for no passphrase and changes nothing.
    let accounts: Vec<Account> = otp_accounts(&enrolment, provenance)?
        .into_iter()
        .map(details)
        .collect();
    if let [single] = accounts.as_slice()
        && single.name.trim().is_empty()
        && matches!(enrolment, Enrolment::Otp { draft: true, .. })
    {
        return Err(ApiError::invalid_input(
            "this is a bare secret key: add it with --name (and --issuer)",
        ));
    }
    let v = unlock::open_vault(vault, unlock_args)?;
    let outcome = add_all(&v, accounts, force)?;
    if let (Enrolment::Otp { .. }, [stored], []) = (
        &enrolment,
        outcome.added.as_slice(),
        outcome.already_present.as_slice(),
    ) {
        return Ok(Output {
            human: format!("Added {}", account_view::line(stored)),
            json: account_view::json(stored)?,
        });
    }
    if let (Enrolment::Otp { .. }, [], [existing]) = (
        &enrolment,
        outcome.added.as_slice(),
        outcome.already_present.as_slice(),
    ) {
        return Err(ApiError::Duplicate {
            message: format!(
                "this account is already in the vault (id {existing}); add it with --force to keep both"
            ),
        });
    }
    let mut human = String::new();
    for stored in &outcome.added {
        human.push_str(&format!("Added {}\n", account_view::line(stored)));
    }
    for id in &outcome.already_present {
        human.push_str(&format!("Already in the vault: #{id}\n"));
    }
    let mut json = json!({
        "added": outcome.added.iter().map(account_view::json).collect::<Result<Vec<_>, _>>()?,
        "already_present": outcome.already_present,
    });
    if let Enrolment::GoogleMigration(m) = &enrolment {
        json["batch"] = json!({"index": m.batch_index, "size": m.batch_size, "id": m.batch_id});
        if m.batch_size > 1 {
            human.push_str(&format!(
                "This was QR {} of {} of a Google Authenticator export: scan the others too.\n",
                m.batch_index + 1,
                m.batch_size
            ));
        }
    }
    Ok(Output {
        human: human.trim_end().to_owned(),
        json,
    })
}
