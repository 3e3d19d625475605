//! The SQLite backend: the file's schema and its migrations (the schema
//! version is SQLite's `user_version`), and running the store's portable
//! SQL on a connection. WAL, so admin commands can read while `serve` runs.

use std::{borrow::Cow, path::Path};

use rusqlite::{Connection, types::ValueRef};

use super::{Row, Value};
use crate::error::{ServerError, ServerResult};

/// 2: typed push addresses; 3: last seen, revoked; 4: named relying
/// parties, the audit log; 5: `user` columns renamed `user_name` (one SQL
/// for SQLite and PostgreSQL, where `user` is reserved).
pub(super) const SCHEMA_VERSION: i32 = 5;

/// The audit log (`audit.rs`): append-only, enforced by triggers.
const AUDIT: &str = "
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    event TEXT NOT NULL,
    user_name TEXT,
    device TEXT,
    rp TEXT,
    challenge TEXT,
    app TEXT,
    location TEXT,
    ip TEXT
);
CREATE INDEX IF NOT EXISTS audit_at ON audit(at);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
";

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    organisation TEXT NOT NULL,
    cooldown_until INTEGER NOT NULL DEFAULT 0,
    cooldown_reason TEXT
);
CREATE TABLE IF NOT EXISTS enrolments (
    id TEXT PRIMARY KEY,
    user_name TEXT NOT NULL REFERENCES users(name),
    code_hash BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    failed_tries INTEGER NOT NULL DEFAULT 0,
    used_at INTEGER,
    device_id TEXT
);
CREATE TABLE IF NOT EXISTS devices (
    id TEXT PRIMARY KEY,
    user_name TEXT NOT NULL REFERENCES users(name),
    public_key TEXT NOT NULL,
    name TEXT NOT NULL,
    push_token TEXT,
    created_at INTEGER NOT NULL,
    push_kind TEXT,
    last_seen INTEGER,
    revoked_at INTEGER
);
CREATE INDEX IF NOT EXISTS devices_user ON devices(user_name);
CREATE TABLE IF NOT EXISTS challenges (
    id TEXT PRIMARY KEY,
    user_name TEXT NOT NULL REFERENCES users(name),
    nonce TEXT NOT NULL,
    app TEXT NOT NULL,
    location TEXT NOT NULL,
    ip TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    number INTEGER,
    status TEXT NOT NULL,
    wrong_tries INTEGER NOT NULL DEFAULT 0,
    answered_at INTEGER,
    answered_by TEXT,
    rp TEXT
);
CREATE INDEX IF NOT EXISTS challenges_user_status ON challenges(user_name, status);
CREATE TABLE IF NOT EXISTS nonces (
    device_id TEXT NOT NULL,
    nonce TEXT NOT NULL,
    seen_at INTEGER NOT NULL,
    PRIMARY KEY (device_id, nonce)
);
CREATE INDEX IF NOT EXISTS nonces_seen ON nonces(seen_at);
CREATE TABLE IF NOT EXISTS rp_keys (
    name TEXT PRIMARY KEY,
    key_hash BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);
CREATE TABLE IF NOT EXISTS deliveries (
    challenge_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    kind TEXT,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    detail TEXT,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (challenge_id, device_id)
);
";

/// Version 1 kept an untyped `push_token` no sender could use: the column
/// `push_kind` is added and old tokens are cleared (those devices poll
/// until they register a typed address).
const MIGRATE_1_TO_2: &str = "
ALTER TABLE devices ADD COLUMN push_kind TEXT;
UPDATE devices SET push_token = NULL;
";

/// Version 3 knows when a device was last seen (a verified signed request)
/// and whether an administrator revoked it.
const MIGRATE_2_TO_3: &str = "
ALTER TABLE devices ADD COLUMN last_seen INTEGER;
ALTER TABLE devices ADD COLUMN revoked_at INTEGER;
";

/// Version 4 names relying parties (each its own key) and records which one
/// raised each challenge; the one unnamed key becomes `default`.
const MIGRATE_3_TO_4: &str = "
ALTER TABLE challenges ADD COLUMN rp TEXT;
CREATE TABLE rp_keys (
    name TEXT PRIMARY KEY,
    key_hash BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);
INSERT INTO rp_keys(name, key_hash, created_at)
    SELECT 'default', value, 0 FROM meta WHERE key = 'rp_key_hash';
DELETE FROM meta WHERE key = 'rp_key_hash';
";

/// Version 5 names the user column `user_name` in every table that has
/// one (the indexes follow the rename); a table made later by `SCHEMA`
/// has the new name already.
fn migrate_4_to_5(tx: &Connection) -> rusqlite::Result<()> {
    for table in ["enrolments", "devices", "challenges", "audit"] {
        let has_user: bool = tx.query_row(
            "SELECT COUNT(*) > 0 FROM pragma_table_info(?1) WHERE name = 'user'",
            [table],
            |r| r.get(0),
        )?;
        if has_user {
            tx.execute_batch(&format!(
                "ALTER TABLE {table} RENAME COLUMN user TO user_name"
            ))?;
        }
    }
    Ok(())
}

/// Opens (creating if needed) the database at `path`.
pub(super) fn open(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    let version: i32 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version > SCHEMA_VERSION {
        return Err(rusqlite::Error::InvalidParameterName(format!(
            "database schema {version} is newer than this server ({SCHEMA_VERSION})"
        )));
    }
    // Version 0 is a new file: the schema below creates everything.
    if (1..SCHEMA_VERSION).contains(&version) {
        let tx = conn.unchecked_transaction()?;
        if version < 2 {
            tx.execute_batch(MIGRATE_1_TO_2)?;
        }
        if version < 3 {
            tx.execute_batch(MIGRATE_2_TO_3)?;
        }
        if version < 4 {
            tx.execute_batch(MIGRATE_3_TO_4)?;
        }
        if version < 5 {
            migrate_4_to_5(&tx)?;
        }
        tx.commit()?;
    }
    conn.execute_batch(SCHEMA)?;
    // New in version 4 too; IF NOT EXISTS makes it safe on every open.
    conn.execute_batch(AUDIT)?;
    conn.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    Ok(conn)
}

/// The store's `$1` parameters as SQLite's `?1`.
fn dialect(sql: &str) -> Cow<'_, str> {
    if sql.contains('$') {
        Cow::Owned(sql.replace('$', "?"))
    } else {
        Cow::Borrowed(sql)
    }
}

fn bind(v: &Value) -> rusqlite::types::ToSqlOutput<'_> {
    use rusqlite::types::ToSqlOutput::Borrowed;
    Borrowed(match v {
        Value::Null => ValueRef::Null,
        Value::Int(i) => ValueRef::Integer(*i),
        Value::Text(s) => ValueRef::Text(s.as_bytes()),
        Value::Bytes(b) => ValueRef::Blob(b),
    })
}

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(bind(self))
    }
}

/// Runs a statement; the number of rows changed.
pub(super) fn execute(conn: &Connection, sql: &str, params: &[Value]) -> ServerResult<u64> {
    let mut stmt = conn.prepare_cached(&dialect(sql))?;
    let n = stmt.execute(rusqlite::params_from_iter(params))?;
    Ok(n as u64)
}

/// Runs a query; every row.
pub(super) fn query(conn: &Connection, sql: &str, params: &[Value]) -> ServerResult<Vec<Row>> {
    let mut stmt = conn.prepare_cached(&dialect(sql))?;
    let columns = stmt.column_count();
    let mut rows = stmt.query(rusqlite::params_from_iter(params))?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let mut row = Vec::with_capacity(columns);
        for i in 0..columns {
            row.push(match r.get_ref(i)? {
                ValueRef::Null => Value::Null,
                ValueRef::Integer(n) => Value::Int(n),
                ValueRef::Text(t) => Value::Text(
                    String::from_utf8(t.to_vec())
                        .map_err(|e| ServerError::internal("database text", e))?,
                ),
                ValueRef::Blob(b) => Value::Bytes(b.to_vec()),
                ValueRef::Real(_) => {
                    return Err(ServerError::internal("database", "unexpected real"));
                }
            });
        }
        out.push(Row(row));
    }
    Ok(out)
}

/// Writes the WAL back into the file and empties it (after a secret was
/// deleted with `secure_delete`).
pub(super) fn checkpoint(conn: &Connection) -> ServerResult<()> {
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_2_database_is_migrated_keeping_its_devices_and_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v2.db");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(
                "CREATE TABLE users (name TEXT PRIMARY KEY, organisation TEXT NOT NULL,
                     cooldown_until INTEGER NOT NULL DEFAULT 0, cooldown_reason TEXT);
                 CREATE TABLE devices (id TEXT PRIMARY KEY, user TEXT NOT NULL REFERENCES users(name),
                     public_key TEXT NOT NULL, name TEXT NOT NULL, push_token TEXT,
                     created_at INTEGER NOT NULL, push_kind TEXT);
                 CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
                 CREATE TABLE challenges (id TEXT PRIMARY KEY, user TEXT NOT NULL, nonce TEXT NOT NULL,
                     app TEXT NOT NULL, location TEXT NOT NULL, ip TEXT NOT NULL,
                     created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, number INTEGER,
                     status TEXT NOT NULL, wrong_tries INTEGER NOT NULL DEFAULT 0,
                     answered_at INTEGER, answered_by TEXT);
                 INSERT INTO meta(key, value) VALUES ('rp_key_hash', x'0102');
                 INSERT INTO users(name, organisation) VALUES ('alice', 'Example');
                 INSERT INTO devices(id, user, public_key, name, created_at)
                     VALUES ('d1', 'alice', 'pk', 'phone', 100);
                 PRAGMA user_version = 2;",
            )
            .unwrap();
        }
        let conn = open(&path).unwrap();
        let version: i32 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);
        let row: (String, Option<i64>, Option<i64>, String) = conn
            .query_row(
                "SELECT name, last_seen, revoked_at, user_name FROM devices WHERE id = 'd1'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap();
        assert_eq!(row, ("phone".to_owned(), None, None, "alice".to_owned()));
        // The one unnamed relying-party key is now `default`'s.
        let rp: (String, Vec<u8>) = conn
            .query_row("SELECT name, key_hash FROM rp_keys", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!(rp, ("default".to_owned(), vec![1, 2]));
        // Opening again changes nothing.
        drop(conn);
        open(&path).unwrap();
    }

    #[test]
    fn a_newer_database_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("future.db");
        Connection::open(&path)
            .unwrap()
            .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        let e = open(&path).unwrap_err();
        assert!(e.to_string().contains("newer than this server"), "{e}");
    }
}
