//! The server's SQLite file: schema and opening. One connection behind a
//! mutex (SQLite has one writer anyway); WAL so admin commands can read
//! while `serve` runs.

use std::path::Path;

use rusqlite::Connection;

/// 2: typed push addresses (`devices.push_kind`, the token as JSON) and
/// the `deliveries` record.
const SCHEMA_VERSION: i32 = 2;

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
    push_kind TEXT
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
    answered_by TEXT
);
CREATE INDEX IF NOT EXISTS challenges_user_status ON challenges(user, status);
CREATE TABLE IF NOT EXISTS nonces (
    device_id TEXT NOT NULL,
    nonce TEXT NOT NULL,
    seen_at INTEGER NOT NULL,
    PRIMARY KEY (device_id, nonce)
);
CREATE INDEX IF NOT EXISTS nonces_seen ON nonces(seen_at);
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
    if version == 1 {
        let tx = conn.unchecked_transaction()?;
        tx.execute_batch(MIGRATE_1_TO_2)?;
        tx.commit()?;
    }
    conn.execute_batch(SCHEMA)?;
    conn.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    Ok(conn)
}
