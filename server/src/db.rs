//! The server's SQLite file: schema and opening. One connection behind a
//! mutex (SQLite has one writer anyway); WAL so admin commands can read
//! while `serve` runs.

use std::path::Path;

use rusqlite::Connection;

/// 2: typed push addresses (`devices.push_kind`, the token as JSON) and
/// the `deliveries` record.
const SCHEMA_VERSION: i32 = 4;

/// The audit log (`audit.rs`): append-only, enforced by triggers.
const AUDIT: &str = "
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    event TEXT NOT NULL,
    user TEXT,
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
    user TEXT NOT NULL REFERENCES users(name),
    code_hash BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    failed_tries INTEGER NOT NULL DEFAULT 0,
    used_at INTEGER,
    device_id TEXT
);
CREATE TABLE IF NOT EXISTS devices (
    id TEXT PRIMARY KEY,
    user TEXT NOT NULL REFERENCES users(name),
    public_key TEXT NOT NULL,
    name TEXT NOT NULL,
    push_token TEXT,
    created_at INTEGER NOT NULL,
    push_kind TEXT,
    last_seen INTEGER,
    revoked_at INTEGER
);
CREATE INDEX IF NOT EXISTS devices_user ON devices(user);
CREATE TABLE IF NOT EXISTS challenges (
    id TEXT PRIMARY KEY,
    user TEXT NOT NULL REFERENCES users(name),
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
CREATE INDEX IF NOT EXISTS challenges_user_status ON challenges(user, status);
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

/// Opens (creating if needed) the database at `path`.
pub fn open(path: &Path) -> rusqlite::Result<Connection> {
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
        tx.commit()?;
    }
    conn.execute_batch(SCHEMA)?;
    // New in version 4 too; IF NOT EXISTS makes it safe on every open.
    conn.execute_batch(AUDIT)?;
    conn.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    Ok(conn)
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
        let row: (String, Option<i64>, Option<i64>) = conn
            .query_row(
                "SELECT name, last_seen, revoked_at FROM devices WHERE id = 'd1'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!(row, ("phone".to_owned(), None, None));
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
