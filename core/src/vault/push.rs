//! Push-approval accounts: a provider name, what to show, and an opaque
//! provider-specific state.
//!
//! The vault does not interpret `state`: the push module of each provider
//! (`watchword`, `privacyidea`) keeps there what it needs (private keys,
//! server URL, serial, tokens), as JSON bytes by convention. It is sealed
//! like every other field and held in [`Sensitive`] memory, so it never
//! prints. Push accounts are not exportable unless their creator says so:
//! their keys were provisioned for this device.
//!
//! Ids are their own sequence, separate from OTP account ids.

use rusqlite::{Transaction, TransactionBehavior};
use serde::{Deserialize, Serialize};

use super::{
    Vault, VaultError, VaultResult, now,
    rows::{PUSH_ACCOUNTS, SealedRow},
};
use crate::sensitive::Sensitive;

const TABLE: &str = PUSH_ACCOUNTS.name;

/// A push-approval account as the vault holds it: what to show, and the
/// push module's sealed state. (The push module's own view of an account,
/// keys and all, is `push::PushAccount`.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushAccountRecord {
    /// Which module owns the state (lower-case letters, digits, `-` and
    /// `_`; `watchword` for the push module's store, whatever the protocol).
    pub provider: String,
    /// The organisation or service shown to the user.
    pub issuer: Option<String>,
    /// The user name shown.
    pub name: String,
    /// Provider-specific state (JSON bytes by convention), never printed.
    pub state: Sensitive<Vec<u8>>,
    /// Whether export may include it; false by default.
    pub exportable: bool,
}

impl PushAccountRecord {
    /// A non-exportable push account.
    pub fn new(provider: &str, issuer: Option<String>, name: String, state: Vec<u8>) -> Self {
        Self {
            provider: provider.to_owned(),
            issuer,
            name,
            state: Sensitive::new(state),
            exportable: false,
        }
    }
}

/// A push account as stored, with its id and timestamps (Unix seconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPushAccount {
    /// Id in the push-account sequence.
    pub id: i64,
    /// The account.
    pub account: PushAccountRecord,
    /// Position in the list.
    pub sort_order: i64,
    /// When it was added.
    pub created_at: i64,
    /// When it last changed.
    pub updated_at: i64,
}

/// Changes to a push account; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PushAccountUpdate {
    /// New issuer (`Some(None)` clears it).
    pub issuer: Option<Option<String>>,
    /// New user name.
    pub name: Option<String>,
    /// New provider state (replaces the old one).
    pub state: Option<Sensitive<Vec<u8>>>,
    /// New position in the list.
    pub sort_order: Option<i64>,
}

#[derive(Serialize, Deserialize)]
struct Details {
    provider: String,
    issuer: Option<String>,
    name: String,
    exportable: bool,
}

fn check_provider(provider: &str) -> VaultResult<()> {
    let ok = !provider.is_empty()
        && provider.len() <= 64
        && provider
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(VaultError::Invalid(format!(
            "push provider {provider:?} must be 1-64 lower-case letters, digits, '-' or '_'"
        )))
    }
}

impl Vault {
    fn decrypt_push(&self, mut row: SealedRow) -> VaultResult<StoredPushAccount> {
        let details = self.open_field(TABLE, "details", row.id, row.take(0))?;
        let state = self.open_field(TABLE, "state", row.id, row.take(1))?;
        let d: Details = serde_json::from_slice(&details)
            .map_err(|e| VaultError::Corrupt(format!("push account details: {e}")))?;
        Ok(StoredPushAccount {
            id: row.id,
            account: PushAccountRecord {
                provider: d.provider,
                issuer: d.issuer,
                name: d.name,
                state: Sensitive::new(state.to_vec()),
                exportable: d.exportable,
            },
            sort_order: row.sort_order,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }

    fn write_push(&self, tx: &Transaction<'_>, id: i64, a: &PushAccountRecord) -> VaultResult<()> {
        let details = serde_json::to_vec(&Details {
            provider: a.provider.clone(),
            issuer: a.issuer.clone(),
            name: a.name.clone(),
            exportable: a.exportable,
        })
        .map_err(|e| VaultError::Storage(format!("cannot encode push account: {e}")))?;
        let details = self.seal(TABLE, "details", id, &details)?;
        // EXPOSE: the state is sealed right here.
        let state = self.seal(TABLE, "state", id, a.state.expose())?;
        PUSH_ACCOUNTS.reseal(tx, id, vec![details, state])
    }

    fn read_push_in(&self, conn: &rusqlite::Connection, id: i64) -> VaultResult<StoredPushAccount> {
        let row = PUSH_ACCOUNTS.one(conn, id)?;
        self.decrypt_push(row)
    }

    /// Adds a push account at the end of the list.
    pub fn add_push_account(&self, account: PushAccountRecord) -> VaultResult<StoredPushAccount> {
        check_provider(&account.provider)?;
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (id, sort_order, t) = PUSH_ACCOUNTS.insert_empty(&tx)?;
        self.write_push(&tx, id, &account)?;
        tx.commit()?;
        Ok(StoredPushAccount {
            id,
            account,
            sort_order,
            created_at: t,
            updated_at: t,
        })
    }

    /// The push account with this id.
    pub fn get_push_account(&self, id: i64) -> VaultResult<StoredPushAccount> {
        let conn = self.conn();
        self.read_push_in(&conn, id)
    }

    /// Every push account in list order, optionally only one provider's.
    pub fn list_push_accounts(
        &self,
        provider: Option<&str>,
    ) -> VaultResult<Vec<StoredPushAccount>> {
        let rows = PUSH_ACCOUNTS.all(&self.conn())?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let stored = self.decrypt_push(row)?;
            if provider.is_none_or(|p| stored.account.provider == p) {
                out.push(stored);
            }
        }
        Ok(out)
    }

    /// Changes a push account (display fields, state, order).
    pub fn update_push_account(
        &self,
        id: i64,
        update: PushAccountUpdate,
    ) -> VaultResult<StoredPushAccount> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut stored = self.read_push_in(&tx, id)?;
        let a = &mut stored.account;
        if let Some(issuer) = update.issuer {
            a.issuer = issuer;
        }
        if let Some(name) = update.name {
            a.name = name;
        }
        if let Some(state) = update.state {
            a.state = state;
        }
        self.write_push(&tx, id, &stored.account)?;
        if let Some(order) = update.sort_order {
            PUSH_ACCOUNTS.set_sort_order(&tx, id, order)?;
            stored.sort_order = order;
        }
        stored.updated_at = now();
        tx.commit()?;
        Ok(stored)
    }

    /// Removes a push account for good.
    pub fn delete_push_account(&self, id: i64) -> VaultResult<()> {
        PUSH_ACCOUNTS.delete(&self.conn(), id)
    }
}
