//! `watchword add <otpauth-uri>` or `watchword add --secret B32 --issuer I
//! --name N [...]`: store an account in the vault. A privacyIDEA push link
//! (`otpauth://pipush/...`) enrols a push token instead.

use watchword_core::{
    ApiError,
    account::{Account, Provenance},
    enrol::{self, Enrolment},
    otp::{Algorithm, Digits, OtpAuthUri, OtpParams, Secret, params::check_period},
    push::privacyidea::DEFAULT_KEY_BITS,
};

use crate::{account_view, output::Output, unlock};

/// Arguments of `add`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// An otpauth:// link (or give --secret and --name instead).
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

/// Builds the account from the arguments (before asking for a passphrase).
fn account(args: &Args) -> Result<Account, ApiError> {
    let mut account = match (&args.link, &args.secret) {
        (Some(link), _) => Account::from_uri(&OtpAuthUri::parse(link)?, Provenance::Manual),
        (None, Some(secret)) => {
            let secret = Secret::from_base32(secret)?;
            let mut otp = if args.hotp {
                OtpParams::hotp(secret, args.counter.unwrap_or(0))
            } else if args.steam {
                OtpParams::steam(secret)
            } else {
                OtpParams::totp(secret)
            };
            if let Some(d) = args.digits {
                otp.digits = Digits::new(d)?;
            }
            if let Some(p) = args.period {
                otp.period = check_period(p)?;
            }
            if let Some(a) = &args.algorithm {
                otp.algorithm = a.parse::<Algorithm>()?;
            }
            Account::new(None, String::new(), otp, Provenance::Manual)
        }
        (None, None) => {
            return Err(ApiError::invalid_input(
                "give an otpauth:// link, or --secret with --name (and --issuer)",
            ));
        }
    };
    if let Some(name) = &args.name {
        account.name = name.clone();
    }
    if let Some(issuer) = &args.issuer {
        account.issuer = Some(issuer.clone()).filter(|i| !i.is_empty());
    }
    account.group = args.group.clone().or(account.group);
    account.icon = args.icon.clone().or(account.icon);
    account.notes = args.notes.clone().or(account.notes);
    Ok(account)
}

/// Adds the account and prints it with its id.
pub fn run(vault: Option<&std::path::Path>, args: &Args) -> Result<Output, ApiError> {
    // A privacyIDEA push QR (`otpauth://pipush/...`, `pia://pipush/...`)
    // enrols a push token instead of storing an OTP account.
    if let Some(Ok(Enrolment::PrivacyIdeaPush(link))) = args.link.as_deref().map(enrol::classify) {
        return super::add_privacyidea::enrol(&link, DEFAULT_KEY_BITS, vault, &args.unlock);
    }
    let account = account(args)?;
    let v = unlock::open_vault(vault, &args.unlock)?;
    let stored = v.add_account(account, args.force)?;
    Ok(Output {
        human: format!("Added {}", account_view::line(&stored)),
        json: account_view::json(&stored)?,
    })
}
