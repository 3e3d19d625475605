//! Push accounts in the encrypted vault: the vault's generic push-account
//! table holds each account's display fields in the clear-to-the-user
//! columns and everything else (device key, server key, URL, clock offset)
//! as the sealed JSON state blob. Also how a person sees, renames and
//! removes them ([`push_account_summaries`], [`rename_push_account`],
//! [`remove_push_account`]).

use std::sync::Arc;

use serde::Serialize;

use super::{
    Provider, PushError,
    history::History,
    store::{PushAccount, PushStore},
};
use crate::{
    ApiError,
    sensitive::Sensitive,
    vault::{
        self, Record, Vault,
        push::{PushAccountUpdate, StoredPushAccount},
    },
};

/// A [`PushStore`] over an open vault.
#[derive(Clone)]
pub struct VaultPushStore {
    vault: Arc<Vault>,
}

impl std::fmt::Debug for VaultPushStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VaultPushStore").finish_non_exhaustive()
    }
}

/// The vault's name for the rows this store owns. Both protocols' accounts
/// live in them: which protocol an account speaks is inside its sealed
/// blob ([`PushAccount::provider`]).
const VAULT_ROW_KIND: &str = "watchword";

impl VaultPushStore {
    /// Push accounts of `vault`.
    pub fn new(vault: Arc<Vault>) -> Self {
        Self { vault }
    }

    fn stored(&self) -> Result<Vec<(StoredPushAccount, PushAccount)>, PushError> {
        stored(&self.vault)
    }
}

/// Every push account of `vault`, its row and its decoded state.
fn stored(vault: &Vault) -> Result<Vec<(StoredPushAccount, PushAccount)>, PushError> {
    let rows = vault
        .list_push_accounts(Some(VAULT_ROW_KIND))
        .map_err(store_error)?;
    rows.into_iter()
        .map(|row| {
            // EXPOSE: the sealed state is parsed into an account whose key is Sensitive again.
            let account = PushAccount::from_secret_json(row.account.state.expose())?;
            Ok((row, account))
        })
        .collect()
}

/// A push account as a list shows it: no keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PushAccountSummary {
    /// Id in the vault's push-account sequence (`p<id>` on the command line).
    pub id: i64,
    /// The protocol it speaks.
    pub provider: Provider,
    /// The organisation shown (renamable).
    pub issuer: Option<String>,
    /// The user name shown (renamable).
    pub name: String,
    /// The one-line name to show: `Example Corp (alice)`.
    pub label: String,
    /// The server's base URL.
    pub server: String,
    /// The device id (Watchword) or token serial (privacyIDEA).
    pub device_id: String,
    /// Position in the list.
    pub sort_order: i64,
    /// Added (Unix seconds).
    pub created_at: i64,
}

impl PushAccountSummary {
    fn of(row: &StoredPushAccount, account: &PushAccount) -> Self {
        let a = &row.account;
        PushAccountSummary {
            id: row.id,
            provider: account.provider,
            issuer: a.issuer.clone(),
            name: a.name.clone(),
            label: crate::account::label(a.issuer.as_deref(), &a.name),
            server: account.base_url.clone(),
            device_id: account.device_id.clone(),
            sort_order: row.sort_order,
            created_at: row.created_at,
        }
    }

    fn matches(&self, needle: &str) -> bool {
        let needle = needle.to_lowercase();
        [Some(&self.name), self.issuer.as_ref(), Some(&self.server)]
            .into_iter()
            .flatten()
            .any(|f| f.to_lowercase().contains(&needle))
    }
}

/// What removing a push account did, and what is left to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PushRemoval {
    /// The account removed.
    pub account: PushAccountSummary,
    /// Whether its server was told (neither protocol lets a device remove
    /// itself today).
    pub server_told: bool,
    /// What the person should do next, in one sentence.
    pub note: String,
}

/// Every push account of `vault` whose name, issuer or server contains
/// `filter` (any case), in list order.
pub fn push_account_summaries(
    vault: &Vault,
    filter: Option<&str>,
) -> Result<Vec<PushAccountSummary>, PushError> {
    let filter = filter.map(str::trim).filter(|f| !f.is_empty());
    Ok(stored(vault)?
        .iter()
        .map(|(row, account)| PushAccountSummary::of(row, account))
        .filter(|s| filter.is_none_or(|f| s.matches(f)))
        .collect())
}

fn find(vault: &Vault, id: i64) -> Result<(StoredPushAccount, PushAccount), PushError> {
    stored(vault)?
        .into_iter()
        .find(|(row, _)| row.id == id)
        .ok_or_else(|| PushError::NotFound(format!("push account p{id}")))
}

/// Changes how push account `id` is shown: `name`, and `issuer` (`Some("")`
/// removes it). What the server calls the user is not changed.
pub fn rename_push_account(
    vault: &Vault,
    id: i64,
    name: Option<String>,
    issuer: Option<String>,
) -> Result<PushAccountSummary, ApiError> {
    let (_, account) = find(vault, id)?;
    if name.as_deref().is_some_and(|n| n.trim().is_empty()) {
        return Err(ApiError::invalid_input("the account name cannot be empty"));
    }
    let row = vault.update_push_account(
        id,
        PushAccountUpdate {
            name,
            issuer: issuer.map(|i| Some(i).filter(|i| !i.is_empty())),
            ..PushAccountUpdate::default()
        },
    )?;
    Ok(PushAccountSummary::of(&row, &account))
}

/// Removes push account `id` from this device: its key is gone, its
/// requests are no longer fetched. The server is not told (neither
/// protocol has a request for it), and the note says who can remove it
/// there.
pub fn remove_push_account(vault: &Vault, id: i64) -> Result<PushRemoval, ApiError> {
    let (row, account) = find(vault, id)?;
    let summary = PushAccountSummary::of(&row, &account);
    vault.delete_push_account(id)?;
    let note = match account.provider {
        Provider::Watchword => format!(
            "Removed from this device. The server at {} still lists device {}: ask your administrator to revoke it.",
            account.base_url, account.device_id
        ),
        Provider::PrivacyIdea => format!(
            "Removed from this device. privacyIDEA at {} still has token {}: ask your administrator to delete it.",
            account.base_url, account.device_id
        ),
    };
    Ok(PushRemoval {
        account: summary,
        server_told: false,
        note,
    })
}

fn store_error(e: vault::VaultError) -> PushError {
    PushError::Store(e.to_string())
}

impl PushStore for VaultPushStore {
    fn list(&self) -> Result<Vec<PushAccount>, PushError> {
        Ok(self.stored()?.into_iter().map(|(_, a)| a).collect())
    }

    fn put(&self, account: &PushAccount) -> Result<(), PushError> {
        let state = account.to_secret_json()?;
        let existing = self
            .stored()?
            .into_iter()
            .find(|(_, a)| a.device_id == account.device_id);
        match existing {
            Some((row, _)) => {
                self.vault
                    .update_push_account(
                        row.id,
                        PushAccountUpdate {
                            state: Some(Sensitive::new(state.to_vec())),
                            ..PushAccountUpdate::default()
                        },
                    )
                    .map_err(store_error)?;
            }
            None => {
                self.vault
                    .add_push_account(vault::push::PushAccountRecord::new(
                        VAULT_ROW_KIND,
                        Some(account.organisation.clone()),
                        account.user.clone(),
                        state.to_vec(),
                    ))
                    .map_err(store_error)?;
            }
        }
        Ok(())
    }

    fn remove(&self, device_id: &str) -> Result<bool, PushError> {
        match self
            .stored()?
            .into_iter()
            .find(|(_, a)| a.device_id == device_id)
        {
            Some((row, _)) => {
                self.vault
                    .delete_push_account(row.id)
                    .map_err(store_error)?;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    fn history(&self) -> Result<History, PushError> {
        let bytes = self
            .vault
            .record(Record::PushHistory)
            .map_err(store_error)?;
        Ok(History::from_bytes(bytes.as_deref().map(Vec::as_slice)))
    }

    fn set_history(&self, history: &History) -> Result<(), PushError> {
        self.vault
            .set_record(Record::PushHistory, &history.to_bytes()?)
            .map_err(store_error)
    }

    fn web_push_keys(&self) -> Result<Option<zeroize::Zeroizing<Vec<u8>>>, PushError> {
        self.vault.record(Record::WebPushKeys).map_err(store_error)
    }

    fn set_web_push_keys(&self, keys: &[u8]) -> Result<(), PushError> {
        self.vault
            .set_record(Record::WebPushKeys, keys)
            .map_err(store_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{push::keys::SigningKey, vault::StaticKeyProvider};

    fn account(device_id: &str, key: &SigningKey, offset: i64) -> PushAccount {
        PushAccount::new(
            device_id.into(),
            "https://mfa.example.org".into(),
            "alice".into(),
            "Example".into(),
            "phone".into(),
            key.public_key_b64(),
            offset,
            key,
        )
    }

    #[test]
    fn accounts_round_trip_through_the_sealed_vault() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vault.db");
        let kp = StaticKeyProvider::new([7; 32]);
        let store = VaultPushStore::new(Arc::new(Vault::create(&path, &kp).unwrap()));
        let key = SigningKey::generate().unwrap();
        store.put(&account("d1", &key, 0)).unwrap();
        store.put(&account("d2", &key, 0)).unwrap();
        // Updating keeps one row per device.
        store.put(&account("d1", &key, 42)).unwrap();
        drop(store);

        let vault = Arc::new(Vault::open(&path, &kp).unwrap());
        let rows = vault.list_push_accounts(None).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].account.provider, "watchword");
        assert_eq!(rows[0].account.name, "alice");
        assert_eq!(rows[0].account.issuer.as_deref(), Some("Example"));
        let store = VaultPushStore::new(vault);
        let list = store.list().unwrap();
        let d1 = list.iter().find(|a| a.device_id == "d1").unwrap();
        assert_eq!(d1.clock_offset, 42);
        assert_eq!(
            d1.signing_key().unwrap().public_key_b64(),
            key.public_key_b64()
        );
        assert!(store.remove("d1").unwrap());
        assert!(!store.remove("d1").unwrap());
        assert_eq!(store.list().unwrap().len(), 1);

        // The device key is sealed: neither it nor the state's field names
        // are in the file.
        let bytes = std::fs::read(&path).unwrap();
        for needle in ["device_key", "server_public_key", &key.public_key_b64()] {
            assert!(!bytes.windows(needle.len()).any(|w| w == needle.as_bytes()));
        }
    }
}
