//! Enrolling a privacyIDEA push token from its QR link, for `add` and
//! `activate`: the vault is opened before any key is made or anything is
//! sent, because enrolment step 2 works once per token.

use std::{path::Path, sync::Arc};

use serde_json::json;
use watchword_core::{ApiError, enrol::PrivacyIdeaPush, otp::SystemClock, push::PushService};

use super::{push_common::runtime, push_store};
use crate::{output::Output, unlock::UnlockArgs};

/// Enrols `link` with a `key_bits` RSA device key and stores the account.
pub fn enrol(
    link: &PrivacyIdeaPush,
    key_bits: usize,
    vault: Option<&Path>,
    unlock: &UnlockArgs,
) -> Result<Output, ApiError> {
    let store = push_store::open(vault, unlock)?;
    let service = PushService::new(store, Arc::new(SystemClock))?;
    let a = runtime()?.block_on(service.enrol_privacyidea_with_key_bits(link, key_bits, None))?;
    Ok(Output {
        human: format!(
            "Enrolled privacyIDEA push token {} ({}) from {}.",
            a.device_id, a.account, a.server
        ),
        json: json!({
            "device_id": a.device_id,
            "account": a.account,
            "server": a.server,
            "provider": watchword_core::push::Provider::PrivacyIdea.as_str(),
            "clock_offset": a.clock_offset,
        }),
    })
}
