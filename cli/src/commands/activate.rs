//! `watchword activate --code C --url U` (or `--link watchword://activate?...`):
//! activates a push account on this device, through core's one enrolment
//! entry point (`commands::enrol`): a privacyIDEA push link enrols, a
//! Microsoft activation is explained.

use std::path::Path;

use watchword_core::{
    ApiError,
    enrol::{EnrolChoices, EnrolInput},
};

use crate::{output::Output, unlock::UnlockArgs};

/// Arguments of `activate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The 9-digit activation code (spaces allowed).
    #[arg(long, requires = "url", conflicts_with = "link")]
    code: Option<String>,
    /// The activation URL.
    #[arg(long, requires = "code")]
    url: Option<String>,
    /// The scanned `watchword://activate?...` link instead of code and URL.
    #[arg(long)]
    link: Option<String>,
    /// A name for this device that the administrator sees.
    #[arg(long, default_value = "watchword-cli")]
    name: String,
    #[command(flatten)]
    unlock: UnlockArgs,
}

/// Activates the account and stores it in the vault.
pub fn run(args: &Args, vault: Option<&Path>) -> Result<Output, ApiError> {
    let input = match (&args.link, &args.code, &args.url) {
        (Some(link), _, _) => EnrolInput::Pasted { text: link.clone() },
        (None, Some(code), Some(url)) => EnrolInput::Typed {
            code: code.clone(),
            url: url.clone(),
        },
        _ => return Err(ApiError::invalid_input("give --code and --url, or --link")),
    };
    super::enrol::run(
        &input,
        &EnrolChoices::default(),
        &args.name,
        vault,
        &args.unlock,
    )
}
