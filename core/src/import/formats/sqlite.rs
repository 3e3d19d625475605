//! Opening another app's SQLite database (Google Authenticator's,
//! Microsoft Authenticator's, Stratum's) from the bytes of the file, in
//! memory and read-only: no plaintext copy of its secrets is written to
//! disk, and nothing in it can change anything.

use rusqlite::{Connection, MAIN_DB, Row, types::ValueRef};
use zeroize::Zeroizing;

use crate::import::{ImportError, ImportFormat, ImportItem};

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

/// Runs `sql` on the database in `bytes` and makes each row an item with
/// `item`; a row that fails is named by `label` in the error.
pub(super) fn read_rows(
    bytes: &[u8],
    format: ImportFormat,
    sql: &str,
    label: impl Fn(&Row<'_>) -> Option<String>,
    item: impl Fn(&Row<'_>) -> Result<ImportItem, String>,
) -> Result<Vec<ImportItem>, ImportError> {
    let damaged = |why: String| ImportError::damaged(format, why);
    let conn = open(bytes).map_err(damaged)?;
    let mut stmt = conn
        .prepare(sql)
        .map_err(|_| damaged("its accounts table cannot be read".into()))?;
    let mut rows = stmt
        .query([])
        .map_err(|_| damaged("its accounts table cannot be read".into()))?;
    let mut items = Vec::new();
    while let Some(row) = rows
        .next()
        .map_err(|_| damaged("its accounts table is damaged".into()))?
    {
        let made = item(row)
            .map_err(|why| ImportError::entry(format, items.len(), label(row).as_deref(), why))?;
        items.push(made);
    }
    Ok(items)
}

/// The text in column `name`: `None` when the column is absent or NULL.
/// Every database reader uses it.
pub(super) fn text(row: &Row<'_>, name: &str) -> Result<Option<String>, String> {
    match row.get_ref(name) {
        Err(_) | Ok(ValueRef::Null) => Ok(None),
        Ok(ValueRef::Text(t)) => String::from_utf8(t.to_vec())
            .map(Some)
            .map_err(|_| format!("its {name} is not text")),
        Ok(ValueRef::Integer(n)) => Ok(Some(n.to_string())),
        Ok(_) => Err(format!("its {name} is not text")),
    }
}

/// The integer in column `name` (a number written as text accepted):
/// `None` when the column is absent or NULL.
pub(super) fn integer(row: &Row<'_>, name: &str) -> Result<Option<i64>, String> {
    match row.get_ref(name) {
        Err(_) | Ok(ValueRef::Null) => Ok(None),
        Ok(ValueRef::Integer(n)) => Ok(Some(n)),
        Ok(ValueRef::Text(t)) => std::str::from_utf8(t)
            .ok()
            .and_then(|t| t.trim().parse().ok())
            .map(Some)
            .ok_or_else(|| format!("its {name} is not a number")),
        Ok(_) => Err(format!("its {name} is not a number")),
    }
}
