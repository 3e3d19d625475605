//! The row bookkeeping the sealed tables share (OTP accounts and push
//! accounts): list order, times, insert-then-seal, re-seal, reorder, delete.
//!
//! Each table has `id, sort_order, created_at, updated_at` and one or more
//! sealed columns. What the sealed columns hold, and how they are encoded,
//! is the business of `accounts.rs` and `push.rs`; this file only moves
//! rows, so both tables behave the same way (and a fix lands in both).

use rusqlite::{Connection, OptionalExtension, Transaction, params_from_iter, types::Value};

use super::{VaultError, VaultResult, now};

/// A table of sealed rows.
pub(crate) struct SealedTable {
    /// The SQL table name; also part of each field's associated data.
    pub name: &'static str,
    /// What a row is, for `NotFound` errors.
    pub what: &'static str,
    /// The sealed columns, in the order [`SealedRow::sealed`] holds them.
    pub columns: &'static [&'static str],
}

/// The OTP accounts.
pub(crate) const ACCOUNTS: SealedTable = SealedTable {
    name: "accounts",
    what: "account",
    columns: &["sealed"],
};

/// The push accounts.
pub(crate) const PUSH_ACCOUNTS: SealedTable = SealedTable {
    name: "push_accounts",
    what: "push account",
    columns: &["details", "state"],
};

/// A row as read, its sealed columns still sealed.
pub(crate) struct SealedRow {
    /// Row id (part of each field's associated data).
    pub id: i64,
    /// Position in the list.
    pub sort_order: i64,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub updated_at: i64,
    /// The sealed columns, in [`SealedTable::columns`] order.
    pub sealed: Vec<Vec<u8>>,
}

impl SealedRow {
    /// The sealed column `index`, taken out (empty if absent, which the
    /// opening then refuses as corrupt).
    pub fn take(&mut self, index: usize) -> Vec<u8> {
        self.sealed
            .get_mut(index)
            .map(std::mem::take)
            .unwrap_or_default()
    }
}

impl SealedTable {
    // The table and column names below are the constants above, never
    // input, so formatting them into SQL is safe.
    fn select(&self) -> String {
        format!(
            "SELECT id, sort_order, created_at, updated_at, {} FROM {}",
            self.columns.join(", "),
            self.name
        )
    }

    fn read_row(&self, r: &rusqlite::Row<'_>) -> rusqlite::Result<SealedRow> {
        let sealed = (0..self.columns.len())
            .map(|i| r.get(4 + i))
            .collect::<rusqlite::Result<Vec<Vec<u8>>>>()?;
        Ok(SealedRow {
            id: r.get(0)?,
            sort_order: r.get(1)?,
            created_at: r.get(2)?,
            updated_at: r.get(3)?,
            sealed,
        })
    }

    /// Every row in list order (sort order, then id).
    pub fn all(&self, conn: &Connection) -> VaultResult<Vec<SealedRow>> {
        let mut stmt =
            conn.prepare_cached(&format!("{} ORDER BY sort_order, id", self.select()))?;
        let rows = stmt
            .query_map([], |r| self.read_row(r))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// The row with this id, or `NotFound`.
    pub fn one(&self, conn: &Connection, id: i64) -> VaultResult<SealedRow> {
        conn.prepare_cached(&format!("{} WHERE id = ?1", self.select()))?
            .query_row([id], |r| self.read_row(r))
            .optional()?
            .ok_or(VaultError::NotFound {
                what: self.what,
                id,
            })
    }

    /// Creates an empty row at the end of the list and returns its id,
    /// sort order and creation time. The id is part of each field's
    /// associated data, so the caller seals the fields now that it is
    /// known, in the same transaction ([`Self::reseal`]).
    pub fn insert_empty(&self, tx: &Transaction<'_>) -> VaultResult<(i64, i64, i64)> {
        let sort_order: i64 = tx.query_row(
            &format!("SELECT COALESCE(MAX(sort_order), 0) + 1 FROM {}", self.name),
            [],
            |r| r.get(0),
        )?;
        let t = now();
        let empties = vec!["x''"; self.columns.len()].join(", ");
        tx.execute(
            &format!(
                "INSERT INTO {} (sort_order, created_at, updated_at, {}) VALUES (?1, ?2, ?2, {empties})",
                self.name,
                self.columns.join(", ")
            ),
            rusqlite::params![sort_order, t],
        )?;
        Ok((tx.last_insert_rowid(), sort_order, t))
    }

    /// Stores freshly sealed columns (in [`Self::columns`] order) and
    /// touches `updated_at`.
    pub fn reseal(&self, tx: &Transaction<'_>, id: i64, sealed: Vec<Vec<u8>>) -> VaultResult<()> {
        let sets: Vec<String> = self
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c} = ?{}", i + 1))
            .collect();
        let n = self.columns.len();
        let sql = format!(
            "UPDATE {} SET {}, updated_at = ?{} WHERE id = ?{}",
            self.name,
            sets.join(", "),
            n + 1,
            n + 2
        );
        let values = sealed
            .into_iter()
            .map(Value::Blob)
            .chain([Value::Integer(now()), Value::Integer(id)]);
        tx.execute(&sql, params_from_iter(values))?;
        Ok(())
    }

    /// Moves a row in the list.
    pub fn set_sort_order(&self, tx: &Transaction<'_>, id: i64, order: i64) -> VaultResult<()> {
        tx.execute(
            &format!("UPDATE {} SET sort_order = ?1 WHERE id = ?2", self.name),
            rusqlite::params![order, id],
        )?;
        Ok(())
    }

    /// Removes a row for good, or `NotFound`.
    pub fn delete(&self, conn: &Connection, id: i64) -> VaultResult<()> {
        let n = conn.execute(&format!("DELETE FROM {} WHERE id = ?1", self.name), [id])?;
        if n == 0 {
            return Err(VaultError::NotFound {
                what: self.what,
                id,
            });
        }
        Ok(())
    }
}
