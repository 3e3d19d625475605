//! Opening another app's SQLite database (Google Authenticator's,
//! Microsoft Authenticator's, Stratum's) from the bytes of the file, in
//! memory and read-only: no plaintext copy of its secrets is written to
//! disk, and nothing in it can change anything.

use rusqlite::{Connection, MAIN_DB};

/// The database in `bytes`, opened read-only in memory, with SQLite's
/// defences for untrusted files on (no triggers or views calling
/// functions from the schema, cell checks).
pub(super) fn open(bytes: &[u8]) -> Result<Connection, String> {
    let bad = |e: rusqlite::Error| format!("not a readable SQLite database ({e})");
    let mut conn = Connection::open_in_memory().map_err(bad)?;
    conn.execute_batch("PRAGMA trusted_schema = OFF; PRAGMA cell_size_check = ON;")
        .map_err(bad)?;
    conn.deserialize_read_exact(MAIN_DB, bytes, bytes.len(), true)
        .map_err(bad)?;
    // Reading the schema proves it is a database at all.
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0))
        .map_err(bad)?;
    Ok(conn)
}

/// The names of the tables in `conn`.
pub(super) fn tables(conn: &Connection) -> Vec<String> {
    conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .and_then(|mut s| {
            s.query_map([], |r| r.get::<_, String>(0))?
                .collect::<Result<Vec<_>, _>>()
        })
        .unwrap_or_default()
}

/// True when `bytes` is a database with a table named `table` that has
/// every column in `columns`.
pub(super) fn has_table(bytes: &[u8], table: &str, columns: &[&str]) -> bool {
    if !bytes.starts_with(b"SQLite format 3\0") {
        return false;
    }
    let Ok(conn) = open(bytes) else { return false };
    let Ok(mut stmt) = conn.prepare(&format!("PRAGMA table_info(\"{}\")", table.replace('"', ""))) else {
        return false;
    };
    let Ok(names) = stmt
        .query_map([], |r| r.get::<_, String>(1))
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
    else {
        return false;
    };
    columns.iter().all(|c| names.iter().any(|n| n.eq_ignore_ascii_case(c)))
}
