//! Which database a test's push server runs on. The push test suites are
//! one suite for both backends: by default each test gets a SQLite file in
//! its temporary directory; with `WATCHWORD_TEST_DB=postgres` (test.sh's
//! second run) each gets a fresh database of the PostgreSQL at
//! `WATCHWORD_PG_URL` (tests/postgres/server.sh), so no test sees another's
//! rows. The several-instance tests always need PostgreSQL: [`pg_url`]
//! skips them (counted) outside CI and fails them under `CI=true`.

// Test helpers panic on failure, like the tests that call them.
#![allow(clippy::expect_used)]

use std::{
    path::Path,
    sync::atomic::{AtomicU32, Ordering},
};

use watchword_server::DbLocation;

/// Whether this run puts every test server on PostgreSQL.
pub fn on_postgres() -> bool {
    std::env::var("WATCHWORD_TEST_DB").as_deref() == Ok("postgres")
}

/// The database for a test server whose files live in `dir`.
///
/// # Panics
/// When PostgreSQL was asked for and cannot be reached.
pub fn test_db(dir: &Path) -> DbLocation {
    if on_postgres() {
        let url = std::env::var("WATCHWORD_PG_URL")
            .expect("WATCHWORD_TEST_DB=postgres needs WATCHWORD_PG_URL (tests/postgres/server.sh)");
        fresh_database(&url)
    } else {
        DbLocation::Sqlite(dir.join("server.db"))
    }
}

/// The PostgreSQL the tests may use, or `None` (the test is skipped and
/// counted) outside CI.
///
/// # Panics
/// Under `CI=true` without `WATCHWORD_PG_URL`.
pub fn pg_url(what: &str) -> Option<String> {
    if let Ok(url) = std::env::var("WATCHWORD_PG_URL") {
        return Some(url);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI=true but WATCHWORD_PG_URL is not set: run tests/postgres/server.sh start"
    );
    watchword_testkit::corpus::report_skip(
        what,
        "WATCHWORD_PG_URL is not set (tests/postgres/server.sh start; eval \"$(tests/postgres/server.sh env)\")",
    );
    None
}

/// A new, empty database on the server of `url` (a database the test's role
/// may create databases from); its URL.
///
/// # Panics
/// When the server cannot be reached or refuses.
pub fn fresh_database(url: &str) -> DbLocation {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let name = format!(
        "ww_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos())
    );
    let create = format!("CREATE DATABASE {name}");
    on_postgres_thread(url, move |client| {
        Box::pin(async move {
            client
                .batch_execute(&create)
                .await
                .expect("create a test database");
        })
    });
    let base = url.rsplit_once('/').map_or(url, |(base, _)| base);
    DbLocation::Postgres(format!("{base}/{name}"))
}

/// Runs one statement on a test server's database from the outside (as
/// someone holding the database would); the rows changed, or the
/// database's refusal as text.
///
/// # Panics
/// When the database cannot be opened at all.
pub fn sql_execute(db: &DbLocation, sql: &str) -> Result<u64, String> {
    match db {
        DbLocation::Sqlite(path) => rusqlite::Connection::open(path)
            .expect("open the test database")
            .execute(sql, [])
            .map(|n| n as u64)
            .map_err(|e| e.to_string()),
        DbLocation::Postgres(url) => {
            let sql = sql.to_owned();
            on_postgres_thread(url, move |client| {
                Box::pin(async move {
                    client.execute(&sql, &[]).await.map_err(|e| {
                        e.as_db_error()
                            .map_or(e.to_string(), |d| d.message().to_owned())
                    })
                })
            })
        }
    }
}

/// The first column of every row of `sql`, as text (NULL as `None`).
///
/// # Panics
/// When the database cannot be opened or the query fails.
pub fn sql_texts(db: &DbLocation, sql: &str) -> Vec<Option<String>> {
    match db {
        DbLocation::Sqlite(path) => {
            let conn = rusqlite::Connection::open(path).expect("open the test database");
            let mut stmt = conn.prepare(sql).expect("prepare");
            stmt.query_map([], |r| r.get::<_, Option<String>>(0))
                .expect("query")
                .collect::<Result<_, _>>()
                .expect("rows")
        }
        DbLocation::Postgres(url) => {
            let sql = sql.to_owned();
            on_postgres_thread(url, move |client| {
                Box::pin(async move {
                    let rows = client.query(&sql, &[]).await.expect("query");
                    rows.iter().map(|r| r.get::<_, Option<String>>(0)).collect()
                })
            })
        }
    }
}

/// Everything the database holds, as bytes to search for secrets: the
/// SQLite file and its WAL, or every PostgreSQL table's rows as text.
///
/// # Panics
/// When the database cannot be read.
pub fn everything_stored(db: &DbLocation) -> Vec<u8> {
    match db {
        DbLocation::Sqlite(path) => {
            let mut bytes = std::fs::read(path).expect("read the database");
            let mut wal = path.as_os_str().to_owned();
            wal.push("-wal");
            bytes.extend(std::fs::read(wal).unwrap_or_default());
            bytes
        }
        DbLocation::Postgres(_) => {
            let tables = sql_texts(
                db,
                "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public'",
            );
            let mut out = Vec::new();
            for table in tables.into_iter().flatten() {
                for row in sql_texts(db, &format!("SELECT t::text FROM {table} t")) {
                    out.extend(row.unwrap_or_default().into_bytes());
                    out.push(b'\n');
                }
            }
            out
        }
    }
}

type PgWork<T> = Box<
    dyn FnOnce(
            tokio_postgres::Client,
        ) -> std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send>>
        + Send,
>;

fn on_postgres_thread<T: Send + 'static>(
    url: &str,
    work: impl FnOnce(
        tokio_postgres::Client,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send>>
    + Send
    + 'static,
) -> T {
    let url = url.to_owned();
    let work: PgWork<T> = Box::new(work);
    // Its own thread and runtime: callers may be inside a tokio test.
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async move {
            let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
                .await
                .expect("connect to the test PostgreSQL");
            tokio::spawn(connection);
            work(client).await
        })
    })
    .join()
    .expect("PostgreSQL thread")
}
