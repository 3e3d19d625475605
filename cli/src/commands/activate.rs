//! `watchword activate --code C --url U` (or `--link watchword://activate?...`):
//! activates a push account on this device.

use std::path::Path;

use serde_json::json;
use watchword_core::{
    ApiError,
    enrol::{self, Enrolment},
    otp::SystemClock,
    push::{Activation, PushService},
};

use super::{push_common::runtime, push_store};
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
    // The shared classifier recognises every activation form: a Watchword
    // activation or a privacyIDEA push link enrols, a Microsoft one is
    // explained.
    let enrolment = match (&args.link, &args.code, &args.url) {
        (Some(link), _, _) => enrol::classify(link)?,
        (None, Some(code), Some(url)) => enrol::activation_from_typed(code, url)?,
        _ => {
            return Err(ApiError::invalid_input("give --code and --url, or --link"));
        }
    };
    activate_enrolment(&enrolment, vault, &args.unlock, &args.name)
}

/// Activates a classified enrolment (the path `activate` and `add` share).
pub fn activate_enrolment(
    enrolment: &Enrolment,
    vault: Option<&Path>,
    unlock: &UnlockArgs,
    device_name: &str,
) -> Result<Output, ApiError> {
    let activation = match enrolment {
        e @ Enrolment::WatchwordActivation { .. } => Activation::from_enrolment(e)
            .ok_or_else(|| ApiError::invalid_input("not an activation"))??,
        Enrolment::MicrosoftActivation { explanation, .. } => {
            return Err(ApiError::MicrosoftManaged {
                message: explanation.text.clone(),
            });
        }
        Enrolment::PrivacyIdeaPush(link) => {
            return super::add_privacyidea::enrol(
                link,
                watchword_core::push::privacyidea::DEFAULT_KEY_BITS,
                vault,
                unlock,
            );
        }
        other => {
            return Err(ApiError::InvalidLink {
                message: format!(
                    "this is not an activation ({}); use `watchword inspect` to see what it is",
                    other.kind()
                ),
            });
        }
    };
    let store = push_store::open(vault, unlock)?;
    let service = PushService::new(store, std::sync::Arc::new(SystemClock))?;
    let a = runtime()?.block_on(service.activate(&activation, device_name, None))?;
    Ok(Output {
        human: format!(
            "Activated {} on {} (device {}).",
            a.account, a.server, a.device_id
        ),
        json: json!({
            "device_id": a.device_id,
            "account": a.account,
            "server": a.server,
            "clock_offset": a.clock_offset,
        }),
    })
}
