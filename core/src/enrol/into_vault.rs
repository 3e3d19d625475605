//! Adding classified text to the vault: every OTP account of a link or an
//! export, accounts already stored reported instead of added twice, and
//! what cannot be added refused with a typed error before anything is
//! written.

use super::{Enrolment, classify};
use crate::{
    ApiError,
    account::{Account, Provenance, StoredAccount},
    vault::{Vault, VaultError},
};

/// The OTP accounts an enrolment holds, ready to store.
///
/// `provenance` is recorded on single accounts (`qr` for a scan, `manual`
/// for a pasted link); accounts from a Google export are always
/// `import:google_migration`. A draft (a bare secret) comes back with an
/// empty name: the caller asks the user for one before storing it.
/// Refused: Microsoft activations (with the explanation), push activations
/// (they go through activation, not here), and unknown text.
pub fn otp_accounts(e: &Enrolment, provenance: Provenance) -> Result<Vec<Account>, ApiError> {
    match e {
        Enrolment::Otp { account, .. } => Ok(vec![Account::from_uri(account, provenance)]),
        Enrolment::GoogleMigration(m) => Ok(m
            .accounts
            .iter()
            .map(|uri| Account::from_uri(uri, Provenance::Import("google_migration".into())))
            .collect()),
        Enrolment::MicrosoftActivation { explanation, .. } => Err(ApiError::MicrosoftManaged {
            message: explanation.text.clone(),
        }),
        Enrolment::WatchwordActivation { .. } | Enrolment::PrivacyIdeaPush(_) => {
            Err(ApiError::invalid_input(
                "this is a push sign-in activation, not a code account: activate it instead",
            ))
        }
        Enrolment::Unknown { reason } => Err(ApiError::InvalidLink {
            message: reason.clone(),
        }),
    }
}

/// What [`add_all`] did.
#[derive(Debug)]
pub struct AddOutcome {
    /// Accounts stored now, with their ids.
    pub added: Vec<StoredAccount>,
    /// Ids of accounts that were already in the vault (same secret, issuer
    /// and name): scanning the same export QR twice adds nothing.
    pub already_present: Vec<i64>,
}

/// Stores each account; duplicates are reported, not added (unless
/// `force`). Any other failure stops and is returned.
pub fn add_all(vault: &Vault, accounts: Vec<Account>, force: bool) -> Result<AddOutcome, ApiError> {
    let mut outcome = AddOutcome {
        added: Vec::with_capacity(accounts.len()),
        already_present: Vec::new(),
    };
    for account in accounts {
        match vault.add_account(account, force) {
            Ok(stored) => outcome.added.push(stored),
            Err(VaultError::Duplicate { existing }) => outcome.already_present.push(existing),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(outcome)
}

/// Classifies `text` and stores every OTP account it carries, as a shell
/// does after a scan (provenance `qr`). Accounts already stored are not
/// added again; when nothing new was added because all were present, that
/// is a `duplicate` error. A bare secret needs its fields, not this call.
pub fn add_text_to_vault(
    vault: &Vault,
    text: &str,
    force: bool,
) -> Result<Vec<StoredAccount>, ApiError> {
    let enrolment = classify(text)?;
    if matches!(enrolment, Enrolment::Otp { draft: true, .. }) {
        return Err(ApiError::invalid_input(
            "a bare secret needs an issuer and a name: add it with its fields",
        ));
    }
    let outcome = add_all(vault, otp_accounts(&enrolment, Provenance::Qr)?, force)?;
    if let ([], [existing, ..]) = (outcome.added.as_slice(), outcome.already_present.as_slice()) {
        return Err(ApiError::Duplicate {
            message: format!("already in the vault (id {existing})"),
        });
    }
    Ok(outcome.added)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sensitive::Sensitive;
    use crate::vault::{KdfParams, PassphraseKeyProvider};

    #[test]
    fn links_are_stored_and_other_kinds_are_typed_errors() {
        let dir = tempfile::tempdir().unwrap();
        let p = PassphraseKeyProvider::new(
            Sensitive::new("pw".to_owned()),
            KdfParams::FAST_INSECURE_FOR_TESTS,
        );
        let vault = Vault::create(&dir.path().join("v.db"), &p).unwrap();
        let link = "otpauth://totp/ACME:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ACME";
        let added = add_text_to_vault(&vault, link, false).unwrap();
        assert_eq!(added.len(), 1);
        assert_eq!(added[0].account.name, "alice");
        assert_eq!(
            add_text_to_vault(&vault, link, false).unwrap_err().kind(),
            "duplicate"
        );
        let ms = "phonefactor://activate_account?code=123456789&url=https://mobileappcommunicator.auth.microsoft.com/activate/123";
        assert_eq!(
            add_text_to_vault(&vault, ms, false).unwrap_err().kind(),
            "microsoft_managed"
        );
        assert_eq!(
            add_text_to_vault(&vault, "hello there", false)
                .unwrap_err()
                .kind(),
            "invalid_link"
        );
        assert_eq!(vault.list_accounts(None).unwrap().len(), 1);
    }
}
