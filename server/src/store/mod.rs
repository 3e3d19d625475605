//! Where the server keeps its state: one SQLite file (the default: nothing
//! to install) or a PostgreSQL database (`--db postgres://...`, for several
//! instances behind a load balancer). Every query in the server is written
//! once, in the SQL both understand, against [`Tx`]; the two backends
//! differ only in how they connect, migrate and bind parameters
//! (`sqlite.rs`, `postgres.rs`).
//!
//! Portable SQL here means: `$1`-style parameters (rewritten to `?1` for
//! SQLite), `INSERT ... ON CONFLICT`, `CASE` instead of two-argument
//! `MIN`/`MAX`, no booleans, and the user column named `user_name` (`user`
//! is a reserved word in PostgreSQL that silently means `current_user`).
//! Rows that a decision reads and then changes are read with
//! [`Tx::for_update`], so two instances cannot both act on the same row.

mod postgres;
mod sqlite;
mod value;

use std::{
    cell::{Cell, RefCell},
    path::{Path, PathBuf},
    str::FromStr,
    sync::{Mutex, MutexGuard},
};

pub(crate) use value::{Row, Value};

use crate::error::{ServerError, ServerResult};

/// Which database the server runs on, as `--db` names it: a file path
/// (SQLite) or a `postgres://` / `postgresql://` URL.
#[derive(Clone, PartialEq, Eq)]
pub enum DbLocation {
    /// A SQLite file, created if missing.
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL (it may hold a password: never printed).
    Postgres(String),
}

impl std::fmt::Debug for DbLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self}")
    }
}

impl std::fmt::Display for DbLocation {
    /// The file, or the PostgreSQL host and database without credentials.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DbLocation::Sqlite(path) => write!(f, "{}", path.display()),
            DbLocation::Postgres(url) => {
                let rest = url.split_once("://").map_or(url.as_str(), |(_, r)| r);
                let rest = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
                let rest = rest.split_once('?').map_or(rest, |(r, _)| r);
                write!(f, "postgres://{rest}")
            }
        }
    }
}

impl FromStr for DbLocation {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() {
            return Err("--db needs a SQLite file path or a postgres:// URL".to_owned());
        }
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            Ok(DbLocation::Postgres(s.to_owned()))
        } else {
            Ok(DbLocation::Sqlite(PathBuf::from(s)))
        }
    }
}

impl From<&Path> for DbLocation {
    fn from(p: &Path) -> Self {
        DbLocation::Sqlite(p.to_owned())
    }
}

impl From<&PathBuf> for DbLocation {
    fn from(p: &PathBuf) -> Self {
        DbLocation::Sqlite(p.clone())
    }
}

impl From<PathBuf> for DbLocation {
    fn from(p: PathBuf) -> Self {
        DbLocation::Sqlite(p)
    }
}

impl From<&DbLocation> for DbLocation {
    fn from(d: &DbLocation) -> Self {
        d.clone()
    }
}

/// The open database.
pub(crate) enum Store {
    /// One connection behind a mutex: SQLite has one writer anyway.
    Sqlite(Mutex<rusqlite::Connection>),
    /// A pool of connections driven by the store's own thread.
    Postgres(Box<postgres::PgStore>),
}

impl Store {
    /// Opens (creating and migrating as needed) the database.
    pub(crate) fn open(location: &DbLocation) -> ServerResult<Self> {
        match location {
            DbLocation::Sqlite(path) => Ok(Store::Sqlite(Mutex::new(
                sqlite::open(path).map_err(|e| ServerError::internal("open database", e))?,
            ))),
            DbLocation::Postgres(url) => {
                Ok(Store::Postgres(Box::new(postgres::PgStore::open(url)?)))
            }
        }
    }

    /// A transaction that will write: on SQLite it takes the write lock at
    /// once (`BEGIN IMMEDIATE`), so it never fails half-way for a lock.
    /// Rolled back when dropped without [`Tx::commit`].
    pub(crate) fn begin(&self) -> ServerResult<Tx<'_>> {
        self.start(true)
    }

    /// Statements that only read: a deferred transaction on SQLite; on
    /// PostgreSQL each statement by itself (no snapshot spans them, and
    /// no `BEGIN`/`COMMIT` round trips are spent on a read).
    pub(crate) fn read(&self) -> ServerResult<Tx<'_>> {
        self.start(false)
    }

    fn start(&self, write: bool) -> ServerResult<Tx<'_>> {
        let conn = match self {
            Store::Sqlite(conn) => {
                let guard = lock(conn);
                guard.execute_batch(if write { "BEGIN IMMEDIATE" } else { "BEGIN" })?;
                Conn::Sqlite(guard)
            }
            Store::Postgres(pg) => Conn::Postgres(pg.begin(write)?),
        };
        Ok(Tx {
            conn: RefCell::new(conn),
            open: Cell::new(true),
        })
    }

    /// SQLite only: writes the WAL back into the file and empties it.
    pub(crate) fn checkpoint(&self) -> ServerResult<()> {
        match self {
            Store::Sqlite(conn) => sqlite::checkpoint(&lock(conn)),
            Store::Postgres(_) => Ok(()),
        }
    }

    /// Which backend, for messages and metrics.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Store::Sqlite(_) => "sqlite",
            Store::Postgres(_) => "postgres",
        }
    }
}

/// The SQLite connection. A request that panicked while holding it has
/// already rolled its transaction back ([`Tx`]'s drop runs while the panic
/// unwinds), so the connection is sound: a poisoned lock is taken over
/// rather than failing every later request.
fn lock(conn: &Mutex<rusqlite::Connection>) -> MutexGuard<'_, rusqlite::Connection> {
    conn.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

enum Conn<'s> {
    Sqlite(MutexGuard<'s, rusqlite::Connection>),
    Postgres(postgres::Lease<'s>),
}

/// One transaction on either backend. Methods take `&self` so helpers can
/// share it (`&Tx`) the way they shared a rusqlite transaction.
pub(crate) struct Tx<'s> {
    conn: RefCell<Conn<'s>>,
    open: Cell<bool>,
}

impl Tx<'_> {
    /// Runs a statement; returns the number of rows it changed.
    pub(crate) fn execute(&self, sql: &str, params: &[Value]) -> ServerResult<u64> {
        match &mut *self.conn.borrow_mut() {
            Conn::Sqlite(c) => sqlite::execute(c, sql, params),
            Conn::Postgres(c) => c.execute(sql, params),
        }
    }

    /// Runs a query; returns every row.
    pub(crate) fn query(&self, sql: &str, params: &[Value]) -> ServerResult<Vec<Row>> {
        match &mut *self.conn.borrow_mut() {
            Conn::Sqlite(c) => sqlite::query(c, sql, params),
            Conn::Postgres(c) => c.query(sql, params),
        }
    }

    /// The first row, if any.
    pub(crate) fn query_opt(&self, sql: &str, params: &[Value]) -> ServerResult<Option<Row>> {
        Ok(self.query(sql, params)?.into_iter().next())
    }

    /// The one row a query must return (a `COUNT`, a row known to exist).
    pub(crate) fn query_one(&self, sql: &str, params: &[Value]) -> ServerResult<Row> {
        self.query_opt(sql, params)?
            .ok_or_else(|| ServerError::internal("database", "query returned no row"))
    }

    /// What to append to a `SELECT` whose rows this transaction will decide
    /// on and change: PostgreSQL locks them until commit (another instance
    /// waits); SQLite's `BEGIN IMMEDIATE` already holds the one write lock.
    pub(crate) fn for_update(&self) -> &'static str {
        match &*self.conn.borrow() {
            Conn::Sqlite(_) => "",
            Conn::Postgres(_) => " FOR UPDATE",
        }
    }

    /// SQLite only: rows deleted from now on have their bytes zeroed (a
    /// secret is about to be removed; [`Store::checkpoint`] then empties
    /// the WAL). PostgreSQL databases never held a clear key.
    pub(crate) fn wipe_deleted(&self) -> ServerResult<()> {
        match &mut *self.conn.borrow_mut() {
            Conn::Sqlite(c) => Ok(c.pragma_update(None, "secure_delete", true)?),
            Conn::Postgres(_) => Ok(()),
        }
    }

    /// Makes the changes permanent.
    pub(crate) fn commit(self) -> ServerResult<()> {
        self.open.set(false);
        match &mut *self.conn.borrow_mut() {
            Conn::Sqlite(c) => {
                c.execute_batch("COMMIT")?;
                Ok(())
            }
            Conn::Postgres(c) => c.commit(),
        }
    }
}

impl Drop for Tx<'_> {
    fn drop(&mut self) {
        if !self.open.get() {
            return;
        }
        let rolled_back = match self.conn.get_mut() {
            Conn::Sqlite(c) => c.execute_batch("ROLLBACK").map_err(ServerError::from),
            Conn::Postgres(c) => c.rollback(),
        };
        if let Err(e) = rolled_back {
            tracing::error!(error = %e, "rollback failed");
        }
    }
}

/// Parameters for a [`Tx`] query: `params![a, b, c]`, each anything with
/// `Into<Value>` (strings, integers, bytes, options of those).
#[macro_export]
#[doc(hidden)]
macro_rules! params {
    () => { &[] as &[$crate::store::Value] };
    ($($v:expr),+ $(,)?) => { &[$($crate::store::Value::from($v)),+] as &[$crate::store::Value] };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_parse_and_print_without_credentials() {
        let pg: DbLocation = "postgres://ww:s3cret@db.internal:5432/watchword?sslmode=disable"
            .parse()
            .unwrap();
        assert!(matches!(pg, DbLocation::Postgres(_)));
        assert_eq!(pg.to_string(), "postgres://db.internal:5432/watchword");
        assert!(!format!("{pg:?}").contains("s3cret"));
        let file: DbLocation = "state/server.db".parse().unwrap();
        assert_eq!(file, DbLocation::Sqlite(PathBuf::from("state/server.db")));
        assert!("".parse::<DbLocation>().is_err());
    }
}
