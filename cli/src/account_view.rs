//! How vault accounts print: JSON (every field but the secret) and one
//! human line, from the core's summaries.

use serde::Serialize;
use serde_json::Value;
use watchword_core::{
    ApiError,
    account::AccountSummary,
    listing::{AccountRef, ListedAccount},
    push::PushAccountSummary,
};

/// The JSON object of an account.
pub fn json(account: &impl Serialize) -> Result<Value, ApiError> {
    serde_json::to_value(account)
        .map_err(|e| ApiError::invalid_input(format!("cannot describe the account: {e}")))
}

/// `#3  ACME (alice@example.com)  totp`.
pub fn line(summary: &AccountSummary) -> String {
    format!(
        "#{}  {}  {}",
        summary.id,
        summary.label,
        summary.kind.as_str()
    )
}

/// `#p1  Example Corp (alice)  push (privacyidea) at https://pi.example.org`.
pub fn push_line(summary: &PushAccountSummary) -> String {
    format!(
        "{}  {}  push ({}) at {}",
        AccountRef::Push(summary.id),
        summary.label,
        summary.provider.as_str(),
        summary.server
    )
}

/// One line of `list`, whatever the account.
pub fn listed_line(listed: &ListedAccount) -> String {
    match listed {
        ListedAccount::Otp { account } => line(account),
        ListedAccount::Push { account } => push_line(account),
    }
}
