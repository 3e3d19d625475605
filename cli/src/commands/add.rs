//! `watchword add <text>` or `watchword add --secret B32 --issuer I
//! --name N [...]`: store accounts in the vault.
//!
//! The text goes to core's one enrolment entry point (`commands::enrol`):
//! an otpauth link adds one account, a Google export link adds all of its
//! accounts (those already stored are reported, not added twice), a bare
//! secret needs `--name`, a Watchword activation link activates, a
//! privacyIDEA push link (`otpauth://pipush/...`) enrols a push token, and
//! a Microsoft activation is refused with `microsoft_managed` and what to
//! do instead.

use watchword_core::{
    ApiError,
    account::Account,
    enrol::{EnrolChoices, EnrolInput},
    otp::{OtpKind, TypedSettings},
};

use crate::{output::Output, unlock};

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
    let Some(secret) = &args.secret else {
        return Err(ApiError::invalid_input(
            "give an otpauth:// link, or --secret with --name (and --issuer)",
        ));
    };
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
    let mut account = Account::from_typed(None, String::new(), kind, secret, &settings)?;
    choices(args).apply_to(&mut account);
    Ok(account)
}

/// --issuer, --name, --group, --icon, --notes and --force, as core's
/// enrolment takes them (for a link and for --secret alike).
fn choices(args: &Args) -> EnrolChoices {
    EnrolChoices {
        issuer: args.issuer.clone(),
        name: args.name.clone(),
        group: args.group.clone(),
        icon: args.icon.clone(),
        notes: args.notes.clone(),
        force: args.force,
    }
}

/// Adds what the text or flags describe and prints it with its ids.
pub fn run(vault: Option<&std::path::Path>, args: &Args) -> Result<Output, ApiError> {
    let Some(text) = &args.link else {
        let account = account_from_flags(args)?;
        let v = unlock::open_vault(vault, &args.unlock)?;
        let added = v.add_account(account, args.force)?.summary();
        unlock::after_change(&v);
        return super::enrol::added(&added);
    };
    let input = EnrolInput::Pasted { text: text.clone() };
    super::enrol::run(&input, &choices(args), "watchword-cli", vault, &args.unlock)
}
