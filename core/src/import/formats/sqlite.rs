//! Opening another app's SQLite database (Google Authenticator's,
//! Microsoft Authenticator's, Stratum's) from the bytes of the file, in
//! memory and read-only: no plaintext copy of its secrets is written to
//! disk, and nothing in it can change anything.

use rusqlite::{Connection, MAIN_DB};
use zeroize::Zeroizing;

/// The database in `bytes`, opened read-only in memory, with SQLite's
/// defences for untrusted files on (no triggers or views calling
/// functions from the schema, cell checks).
pub(super) fn open(bytes: &[u8]) -> Result<Connection, String> {
    let bad = |e: rusqlite::Error| format!("not a readable SQLite database ({e})");
    let mut conn = Connection::open_in_memory().map_err(bad)?;
    conn.execute_batch("PRAGMA trusted_schema = OFF; PRAGMA cell_size_check = ON;")
        .map_err(bad)?;
    let bytes = without_wal(bytes);
    conn.deserialize_read_exact(MAIN_DB, bytes.as_slice(), bytes.len(), true)
        .map_err(bad)?;
    // Reading the schema proves it is a database at all.
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    })
    .map_err(bad)?;
    Ok(conn)
}

/// A copy of the database marked as a rollback-journal one. Apps keep
/// their databases in WAL mode (header bytes 18 and 19 are 2, Stratum's
/// is), which SQLite's in-memory deserialisation cannot open. A WAL file
/// beside it is not in these bytes anyway: the main file is all there is
/// to read.
fn without_wal(bytes: &[u8]) -> Zeroizing<Vec<u8>> {
    let mut copy = Zeroizing::new(bytes.to_vec());
    if let Some(versions) = copy.get_mut(18..20).filter(|v| **v == [2, 2]) {
        versions.copy_from_slice(&[1, 1]);
    }
    copy
}

/// True when `bytes` is a database with a table named `table` that has
/// every column in `columns`.
pub(super) fn has_table(bytes: &[u8], table: &str, columns: &[&str]) -> bool {
    if !bytes.starts_with(b"SQLite format 3\0") {
        return false;
    }
    let Ok(conn) = open(bytes) else { return false };
    let Ok(mut stmt) = conn.prepare(&format!(
        "PRAGMA table_info(\"{}\")",
        table.replace('"', "")
    )) else {
        return false;
    };
    let Ok(names) = stmt
        .query_map([], |r| r.get::<_, String>(1))
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
    else {
        return false;
    };
    columns
        .iter()
        .all(|c| names.iter().any(|n| n.eq_ignore_ascii_case(c)))
}
