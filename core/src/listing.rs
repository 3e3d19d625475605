//! Every account a person has, code or push, in one list: what `watchword
//! list` prints and the phones' account screen shows. OTP accounts and push
//! accounts are numbered apart (`3` and `p3`); [`AccountRef`] reads either.

use std::{fmt, str::FromStr};

use serde::Serialize;

use crate::{
    ApiError,
    account::AccountSummary,
    push::{PushAccountSummary, push_account_summaries},
    vault::Vault,
};

/// One entry of the list. In JSON, the account's own object; a push
/// account's has `"type": "push"` (a code account's type is its kind).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListedAccount {
    /// An account that makes codes (TOTP, HOTP, Steam).
    Otp {
        /// The account.
        account: AccountSummary,
    },
    /// An account that approves sign-ins (Watchword or privacyIDEA push).
    Push {
        /// The account.
        account: PushAccountSummary,
    },
}

impl Serialize for ListedAccount {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Push<'a> {
            #[serde(rename = "type")]
            kind: &'static str,
            #[serde(flatten)]
            account: &'a PushAccountSummary,
        }
        match self {
            ListedAccount::Otp { account } => account.serialize(s),
            ListedAccount::Push { account } => Push {
                kind: "push",
                account,
            }
            .serialize(s),
        }
    }
}

/// An account as a person names it: `3` (a code account) or `p3` (a push
/// account).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountRef {
    /// A code account's id.
    Otp(i64),
    /// A push account's id.
    Push(i64),
}

impl FromStr for AccountRef {
    type Err = ApiError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim().trim_start_matches('#');
        let (push, digits) = match s.strip_prefix(['p', 'P']) {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let id = digits.parse::<i64>().map_err(|_| {
            ApiError::invalid_input(format!(
                "{s:?} is not an account id: give a number from `list` (3, or p3 for a push account)"
            ))
        })?;
        Ok(if push {
            AccountRef::Push(id)
        } else {
            AccountRef::Otp(id)
        })
    }
}

impl fmt::Display for AccountRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AccountRef::Otp(id) => write!(f, "#{id}"),
            AccountRef::Push(id) => write!(f, "#p{id}"),
        }
    }
}

/// Every account of `vault` whose names contain `filter` (any case): code
/// accounts in list order, then push accounts.
pub fn list_all(vault: &Vault, filter: Option<&str>) -> Result<Vec<ListedAccount>, ApiError> {
    let codes = vault
        .account_summaries(filter)?
        .into_iter()
        .map(|account| ListedAccount::Otp { account });
    let push = push_account_summaries(vault, filter)?
        .into_iter()
        .map(|account| ListedAccount::Push { account });
    Ok(codes.chain(push).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_refs_read_both_sequences_and_refuse_the_rest() {
        assert_eq!("3".parse::<AccountRef>().unwrap(), AccountRef::Otp(3));
        assert_eq!("#p12".parse::<AccountRef>().unwrap(), AccountRef::Push(12));
        assert_eq!(AccountRef::Push(12).to_string(), "#p12");
        for bad in ["", "p", "x3", "3.5", "p-"] {
            let r = bad.parse::<AccountRef>();
            assert!(
                matches!(&r, Err(ApiError::InvalidInput { message })
                    if message.contains("is not an account id")),
                "{bad}: {r:?}"
            );
        }
    }
}
