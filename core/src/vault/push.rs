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

use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, params};
use serde::{Deserialize, Serialize};

use super::{Vault, VaultError, VaultResult, now};
use crate::sensitive::Sensitive;

const TABLE: &str = "push_accounts";

/// A push-approval account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushAccount {
    /// Which protocol: `watchword` or `privacyidea` (lower-case letters,
    /// digits, `-` and `_`).
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

impl PushAccount {
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
    pub account: PushAccount,
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

struct Row {
    id: i64,
    sort_order: i64,
    created_at: i64,
    updated_at: i64,
    details: Vec<u8>,
    state: Vec<u8>,
}

const SELECT: &str =
    "SELECT id, sort_order, created_at, updated_at, details, state FROM push_accounts";

fn read_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok(Row {
        id: r.get(0)?,
        sort_order: r.get(1)?,
        created_at: r.get(2)?,
        updated_at: r.get(3)?,
        details: r.get(4)?,
        state: r.get(5)?,
    })
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
    fn decrypt_push(&self, row: Row) -> VaultResult<StoredPushAccount> {
        let details = self.open_field(TABLE, "details", row.id, row.details)?;
        let state = self.open_field(TABLE, "state", row.id, row.state)?;
        let d: Details = serde_json::from_slice(&details)
            .map_err(|e| VaultError::Corrupt(format!("push account details: {e}")))?;
        Ok(StoredPushAccount {
            id: row.id,
            account: PushAccount {
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

    fn write_push(&self, tx: &Transaction<'_>, id: i64, a: &PushAccount) -> VaultResult<()> {
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
        tx.execute(
            "UPDATE push_accounts SET details = ?1, state = ?2, updated_at = ?3 WHERE id = ?4",
            params![details, state, now(), id],
        )?;
        Ok(())
    }

    fn read_push_in(&self, conn: &rusqlite::Connection, id: i64) -> VaultResult<StoredPushAccount> {
        let row = conn
            .prepare_cached(&format!("{SELECT} WHERE id = ?1"))?
            .query_row([id], read_row)
            .optional()?
            .ok_or(VaultError::NotFound {
                what: "push account",
                id,
            })?;
        self.decrypt_push(row)
    }

    /// Adds a push account at the end of the list.
    pub fn add_push_account(&self, account: PushAccount) -> VaultResult<StoredPushAccount> {
        check_provider(&account.provider)?;
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let sort_order: i64 = tx.query_row(
            "SELECT COALESCE(MAX(sort_order), 0) + 1 FROM push_accounts",
            [],
            |r| r.get(0),
        )?;
        let t = now();
        tx.execute(
            "INSERT INTO push_accounts (sort_order, created_at, updated_at, details, state)
             VALUES (?1, ?2, ?2, x'', x'')",
            params![sort_order, t],
        )?;
        let id = tx.last_insert_rowid();
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
        let rows = {
            let conn = self.conn();
            let mut stmt = conn.prepare_cached(&format!("{SELECT} ORDER BY sort_order, id"))?;
            stmt.query_map([], read_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?
        };
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
            tx.execute(
                "UPDATE push_accounts SET sort_order = ?1 WHERE id = ?2",
                params![order, id],
            )?;
            stored.sort_order = order;
        }
        stored.updated_at = now();
        tx.commit()?;
        Ok(stored)
    }

    /// Removes a push account for good.
    pub fn delete_push_account(&self, id: i64) -> VaultResult<()> {
        let n = self
            .conn()
            .execute("DELETE FROM push_accounts WHERE id = ?1", [id])?;
        if n == 0 {
            return Err(VaultError::NotFound {
                what: "push account",
                id,
            });
        }
        Ok(())
    }
}
