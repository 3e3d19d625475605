//! `watchword add LINK`: adds what a scanned or pasted link holds. A
//! privacyIDEA push link (`otpauth://pipush/...`, `pia://pipush/...`)
//! enrols a push token whose sign-ins then show in `pending`.

use std::path::Path;

use watchword_core::{
    ApiError,
    enrol::{self, Enrolment},
    push::privacyidea::DEFAULT_KEY_BITS,
};

use super::add_privacyidea;
use crate::output::Output;

/// Arguments of `add`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The link (`otpauth://pipush/...`, `pia://pipush/...`).
    link: String,
    /// RSA key size for privacyIDEA push (2048 to 4096; the official app
    /// uses 4096).
    #[arg(long, default_value_t = DEFAULT_KEY_BITS)]
    key_bits: usize,
}

/// Adds the account the link describes.
pub fn run(args: &Args, vault: Option<&Path>) -> Result<Output, ApiError> {
    match enrol::classify(&args.link)? {
        Enrolment::PrivacyIdeaPush(link) => add_privacyidea::enrol(&link, args.key_bits, vault),
        Enrolment::WatchwordActivation { .. } => Err(ApiError::invalid_input(
            "this is a Watchword push activation: use `watchword activate --link ...`",
        )),
        other => Err(ApiError::Unsupported {
            message: format!(
                "adding {} accounts is not in this build; `watchword inspect` shows what the link holds",
                other.kind()
            ),
        }),
    }
}
