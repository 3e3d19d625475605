//! The vault's SQLite schema, connection settings and migrations.
//!
//! Versioned by `PRAGMA user_version`. In clear: ids, timestamps, sort
//! order, setting names and the schema version. Everything else is sealed
//! with the data key (`crypto.rs`), each ciphertext bound to its table,
//! column, row and the schema version.
//!
//! Connection settings, and why:
//! - `journal_mode=WAL`: readers never block the writer (the phone UI
//!   reads codes while a sync writes), and a commit is one append.
//! - `synchronous=FULL`: every commit is fsynced to the WAL before it
//!   returns, so a committed HOTP counter step survives power loss, not
//!   only a crashed process. The cost (one fsync per write) is invisible
//!   at a user's write rate.
//! - `busy_timeout`: a second process (CLI while the app runs, two CLI
//!   runs) waits for the lock instead of failing at once.
//! - `foreign_keys=ON`: none today; on so future tables get them checked.

use std::time::Duration;

use rusqlite::{Connection, OptionalExtension};

use super::{VaultError, VaultResult};

/// The schema version this build writes and reads.
pub const SCHEMA_VERSION: i64 = 1;

/// Marker in the `meta` table that says "this is a Watchword vault".
pub const MAGIC: &str = "watchword-vault";

/// How long a writer waits for another process's lock.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Version 1: the whole schema.
const V1: &str = "
CREATE TABLE meta (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    magic       TEXT    NOT NULL,
    wrapped_key BLOB    NOT NULL,  -- data key, wrapped by the KeyProvider
    canary      BLOB    NOT NULL,  -- known text sealed with the data key
    created_at  INTEGER NOT NULL
);
-- OTP accounts. sealed: one ciphertext of the whole account (record.rs:
-- secret and generator settings, issuer, name, icon, group, notes,
-- provenance, exportable, link extras). One per row rather than one per
-- field: reading 1000 accounts is one AES-GCM open each.
CREATE TABLE accounts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    sort_order  INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    sealed      BLOB    NOT NULL
);
CREATE INDEX accounts_by_sort_order ON accounts (sort_order, id);
-- Push-approval accounts. details: sealed JSON (provider, issuer, name,
-- exportable). state: sealed provider-specific bytes (keys, tokens).
CREATE TABLE push_accounts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    sort_order  INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    details     BLOB    NOT NULL,
    state       BLOB    NOT NULL
);
CREATE INDEX push_accounts_by_sort_order ON push_accounts (sort_order, id);
-- Vault-wide settings (clock offset, ...), each value sealed.
CREATE TABLE settings (
    name        TEXT    PRIMARY KEY,
    value       BLOB    NOT NULL
);
";

/// Per-connection settings that write nothing to the file.
pub fn configure(conn: &Connection) -> VaultResult<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    Ok(())
}

/// Creates the schema in a new, empty database.
pub fn create(conn: &mut Connection) -> VaultResult<()> {
    let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(VaultError::Storage(format!(
            "the file system does not support WAL mode (got {mode})"
        )));
    }
    let tx = conn.transaction()?;
    tx.execute_batch(V1)?;
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    tx.commit()?;
    Ok(())
}

/// What [`check`] reads from a vault: enough to unlock it.
pub struct Meta {
    /// The schema version in the file.
    pub version: i64,
    /// The data key as the key provider wrapped it.
    pub wrapped_key: Vec<u8>,
    /// Known text sealed with the data key.
    pub canary: Vec<u8>,
}

/// Checks, without writing anything, that the database is a Watchword
/// vault this build can read, and reads what unlocking needs.
pub fn check(conn: &Connection) -> VaultResult<Meta> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version == 0 {
        return Err(VaultError::Corrupt("not a Watchword vault".into()));
    }
    if version > SCHEMA_VERSION {
        return Err(VaultError::TooNew {
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    let row: Option<(String, Vec<u8>, Vec<u8>)> = conn
        .query_row(
            "SELECT magic, wrapped_key, canary FROM meta WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()
        .map_err(|e| match VaultError::from(e) {
            VaultError::Storage(m)
                if m.contains("no such") || m.contains("Invalid column type") =>
            {
                VaultError::Corrupt("not a Watchword vault (no usable meta table)".into())
            }
            other => other,
        })?;
    match row {
        Some((magic, wrapped_key, canary)) if magic == MAGIC => Ok(Meta {
            version,
            wrapped_key,
            canary,
        }),
        _ => Err(VaultError::Corrupt("not a Watchword vault".into())),
    }
}

/// Brings a vault at `from` up to [`SCHEMA_VERSION`]. Runs after the key
/// was checked, inside the caller's transaction, so a migration that
/// changes what a column means can re-seal rows (the schema version is
/// part of every ciphertext's associated data). Version 1 is the first:
/// nothing to do yet.
pub fn migrate(_tx: &rusqlite::Transaction<'_>, from: i64) -> VaultResult<()> {
    match from {
        SCHEMA_VERSION => Ok(()),
        other => Err(VaultError::Corrupt(format!(
            "unknown schema version {other}"
        ))),
    }
}
