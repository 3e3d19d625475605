//! The PostgreSQL backend, for organisations that run several server
//! instances on one database. tokio-postgres does the protocol; the store
//! owns a small thread with its own tokio runtime that drives every
//! connection, and the server's (synchronous) code hands each query to it
//! and waits. So a query may be made from any thread (an HTTP handler, an
//! admin command, a test) without nesting runtimes, exactly like a SQLite
//! call. Connections are pooled (at most [`POOL_MAX`] an instance) and
//! each keeps its prepared statements.
//!
//! The schema is versioned in `watchword_schema` and migrated on open
//! under an advisory lock, so instances starting together migrate once.
//!
//! TLS to PostgreSQL is not built in: run it on the same host or private
//! network (or behind a TLS tunnel), as the README says.

use std::{
    collections::HashMap,
    future::Future,
    sync::{Arc, Condvar, Mutex, mpsc},
    time::Duration,
};

use bytes::BytesMut;
use tokio_postgres::{
    Client, NoTls, Statement,
    types::{IsNull, ToSql, Type, to_sql_checked},
};

use super::{Row, Value};
use crate::error::{ServerError, ServerResult};

/// Connections one instance opens at most.
pub(super) const POOL_MAX: usize = 16;

/// How long a query (or a wait for a free connection) may take before the
/// request fails instead of hanging.
const WAIT: Duration = Duration::from_secs(30);

/// The advisory-lock key that serialises migrations across instances.
const MIGRATION_LOCK: i64 = 0x7761_7463_6877_6f72; // "watchwor"

/// Version 1: the schema of SQLite version 5 (`sqlite.rs`), in
/// PostgreSQL's types; the audit log refuses UPDATE and DELETE.
const V1: &str = r#"
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value BYTEA NOT NULL
);
CREATE TABLE users (
    name TEXT PRIMARY KEY,
    organisation TEXT NOT NULL,
    cooldown_until BIGINT NOT NULL DEFAULT 0,
    cooldown_reason TEXT
);
CREATE TABLE enrolments (
    id TEXT PRIMARY KEY,
    user_name TEXT NOT NULL REFERENCES users(name),
    code_hash BYTEA NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    failed_tries BIGINT NOT NULL DEFAULT 0,
    used_at BIGINT,
    device_id TEXT
);
CREATE TABLE devices (
    id TEXT PRIMARY KEY,
    user_name TEXT NOT NULL REFERENCES users(name),
    public_key TEXT NOT NULL,
    name TEXT NOT NULL,
    push_token TEXT,
    created_at BIGINT NOT NULL,
    push_kind TEXT,
    last_seen BIGINT,
    revoked_at BIGINT
);
CREATE INDEX devices_user ON devices(user_name);
CREATE TABLE challenges (
    id TEXT PRIMARY KEY,
    user_name TEXT NOT NULL REFERENCES users(name),
    nonce TEXT NOT NULL,
    app TEXT NOT NULL,
    location TEXT NOT NULL,
    ip TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    number BIGINT,
    status TEXT NOT NULL,
    wrong_tries BIGINT NOT NULL DEFAULT 0,
    answered_at BIGINT,
    answered_by TEXT,
    rp TEXT
);
CREATE INDEX challenges_user_status ON challenges(user_name, status);
CREATE TABLE nonces (
    device_id TEXT NOT NULL,
    nonce TEXT NOT NULL,
    seen_at BIGINT NOT NULL,
    PRIMARY KEY (device_id, nonce)
);
CREATE INDEX nonces_seen ON nonces(seen_at);
CREATE TABLE rp_keys (
    name TEXT PRIMARY KEY,
    key_hash BYTEA NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE TABLE deliveries (
    challenge_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    kind TEXT,
    state TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    detail TEXT,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (challenge_id, device_id)
);
CREATE TABLE audit (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at BIGINT NOT NULL,
    event TEXT NOT NULL,
    user_name TEXT,
    device TEXT,
    rp TEXT,
    challenge TEXT,
    app TEXT,
    location TEXT,
    ip TEXT
);
CREATE INDEX audit_at ON audit(at);
CREATE FUNCTION watchword_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END
$$;
CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE OR TRUNCATE ON audit
    FOR EACH STATEMENT EXECUTE FUNCTION watchword_audit_append_only();
"#;

/// Every schema version after the empty database, in order.
const MIGRATIONS: &[(i64, &str)] = &[(1, V1)];

/// The pool and the thread that drives its connections.
pub(crate) struct PgStore {
    config: tokio_postgres::Config,
    driver: Driver,
    pool: Mutex<Pool>,
    freed: Condvar,
}

#[derive(Default)]
struct Pool {
    idle: Vec<PgConn>,
    open: usize,
}

struct PgConn {
    client: Arc<Client>,
    statements: HashMap<String, Statement>,
}

/// The thread whose current-thread runtime runs every connection and
/// query; stopped (and its connections closed) when the store goes.
struct Driver {
    handle: tokio::runtime::Handle,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Driver {
    fn start() -> std::io::Result<Self> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let handle = runtime.handle().clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("watchword-postgres".to_owned())
            .spawn(move || {
                runtime.block_on(async {
                    let _ = stopped.await;
                });
            })?;
        Ok(Self {
            handle,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// Runs `work` on the driver and waits for it (at most [`WAIT`]).
    fn run<T: Send + 'static>(
        &self,
        work: impl Future<Output = T> + Send + 'static,
    ) -> ServerResult<T> {
        let (tx, rx) = mpsc::sync_channel(1);
        self.handle.spawn(async move {
            let _ = tx.send(work.await);
        });
        rx.recv_timeout(WAIT).map_err(|e| match e {
            mpsc::RecvTimeoutError::Timeout => {
                ServerError::internal("database", "PostgreSQL did not answer in time")
            }
            mpsc::RecvTimeoutError::Disconnected => {
                ServerError::internal("database", "the PostgreSQL driver stopped")
            }
        })
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn pg_error(context: &str, e: tokio_postgres::Error) -> ServerError {
    // The database's own words (constraint, syntax) go to the log only.
    let detail = e.as_db_error().map_or_else(
        || e.to_string(),
        |d| format!("{}: {}", d.code().code(), d.message()),
    );
    ServerError::internal(context, detail)
}

impl PgStore {
    /// Connects to `url`, checks it answers, and migrates the schema.
    pub(crate) fn open(url: &str) -> ServerResult<Self> {
        let mut config: tokio_postgres::Config = url.parse().map_err(|e| {
            ServerError::bad_request(format!("not a PostgreSQL connection URL: {e}"))
        })?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        config.application_name("watchword-server");
        // As libpq does: the password may come from the environment, so it
        // need not be in the URL (and so in `ps` and shell history).
        if config.get_password().is_none()
            && let Ok(password) = std::env::var("PGPASSWORD")
        {
            config.password(password);
        }
        let driver = Driver::start().map_err(|e| ServerError::internal("postgres driver", e))?;
        let store = Self {
            config,
            driver,
            pool: Mutex::new(Pool::default()),
            freed: Condvar::new(),
        };
        store.migrate()?;
        Ok(store)
    }

    fn migrate(&self) -> ServerResult<()> {
        let mut lease = self.begin(true)?;
        lease.execute(
            "SELECT pg_advisory_xact_lock($1)",
            &[Value::Int(MIGRATION_LOCK)],
        )?;
        lease.batch("CREATE TABLE IF NOT EXISTS watchword_schema (version BIGINT NOT NULL)")?;
        let current: i64 = lease
            .query(
                "SELECT COALESCE(MAX(version), 0) FROM watchword_schema",
                &[],
            )?
            .first()
            .map(|r| r.get(0))
            .transpose()?
            .unwrap_or(0);
        let latest = MIGRATIONS.last().map_or(0, |(v, _)| *v);
        if current > latest {
            return Err(ServerError::internal(
                "open database",
                format!("database schema {current} is newer than this server ({latest})"),
            ));
        }
        for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > current) {
            lease.batch(sql)?;
            lease.execute(
                "INSERT INTO watchword_schema(version) VALUES ($1)",
                &[Value::Int(*version)],
            )?;
            tracing::info!(version, "PostgreSQL schema migrated");
        }
        lease.commit()
    }

    /// A pooled connection: for `write`, a transaction (its `BEGIN` goes
    /// out with the first statement, in the same round trip); otherwise
    /// each statement on its own (reads need no transaction, and save the
    /// two round trips of one).
    pub(super) fn begin(&self, write: bool) -> ServerResult<Lease<'_>> {
        let conn = self.checkout()?;
        Ok(Lease {
            store: self,
            conn: Some(conn),
            state: if write {
                TxState::Pending
            } else {
                TxState::None
            },
            broken: false,
        })
    }

    fn pool(&self) -> ServerResult<std::sync::MutexGuard<'_, Pool>> {
        self.pool
            .lock()
            .map_err(|_| ServerError::internal("database", "pool lock poisoned"))
    }

    fn checkout(&self) -> ServerResult<PgConn> {
        let mut pool = self.pool()?;
        loop {
            if let Some(conn) = pool.idle.pop() {
                if !conn.client.is_closed() {
                    return Ok(conn);
                }
                pool.open -= 1;
                continue;
            }
            if pool.open < POOL_MAX {
                pool.open += 1;
                drop(pool);
                let conn = self.connect();
                if conn.is_err() {
                    self.pool()?.open -= 1;
                    self.freed.notify_one();
                }
                return conn;
            }
            let (guard, waited) = self
                .freed
                .wait_timeout(pool, WAIT)
                .map_err(|_| ServerError::internal("database", "pool lock poisoned"))?;
            pool = guard;
            if waited.timed_out() && pool.idle.is_empty() && pool.open >= POOL_MAX {
                return Err(ServerError::internal(
                    "database",
                    "no PostgreSQL connection became free",
                ));
            }
        }
    }

    fn connect(&self) -> ServerResult<PgConn> {
        let config = self.config.clone();
        let client = self
            .driver
            .run(async move {
                let (client, connection) = config.connect(NoTls).await?;
                tokio::spawn(async move {
                    if let Err(e) = connection.await {
                        tracing::warn!(error = %e, "PostgreSQL connection ended");
                    }
                });
                Ok::<_, tokio_postgres::Error>(client)
            })?
            .map_err(|e| pg_error("connect to PostgreSQL", e))?;
        Ok(PgConn {
            client: Arc::new(client),
            statements: HashMap::new(),
        })
    }

    fn give_back(&self, conn: PgConn, keep: bool) {
        if let Ok(mut pool) = self.pool.lock() {
            if keep && !conn.client.is_closed() {
                pool.idle.push(conn);
            } else {
                pool.open -= 1;
            }
        }
        self.freed.notify_one();
    }
}

/// Where a [`Lease`] is with its transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TxState {
    /// No transaction: each statement commits by itself (reads).
    None,
    /// `BEGIN` is still to be sent, with the first statement.
    Pending,
    /// Inside the transaction.
    Open,
}

/// A connection taken from the pool; back in it when dropped (rolled back
/// first if a transaction is still open, closed if anything went wrong).
pub(super) struct Lease<'s> {
    store: &'s PgStore,
    conn: Option<PgConn>,
    state: TxState,
    broken: bool,
}

impl Lease<'_> {
    fn conn(&mut self) -> ServerResult<&mut PgConn> {
        self.conn
            .as_mut()
            .ok_or_else(|| ServerError::internal("database", "connection already returned"))
    }

    /// Marks the connection unusable when a call failed for a reason other
    /// than the database refusing the statement (a timeout, a dropped
    /// socket): its state is unknown.
    fn check<T>(&mut self, r: ServerResult<Result<T, tokio_postgres::Error>>) -> ServerResult<T> {
        match r {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => {
                if e.as_db_error().is_none() {
                    self.broken = true;
                }
                Err(pg_error("database", e))
            }
            Err(e) => {
                self.broken = true;
                Err(e)
            }
        }
    }

    fn statement(&mut self, sql: &str) -> ServerResult<Statement> {
        if let Some(s) = self.conn()?.statements.get(sql) {
            return Ok(s.clone());
        }
        let client = self.conn()?.client.clone();
        let owned = sql.to_owned();
        let prepared = self
            .store
            .driver
            .run(async move { client.prepare(&owned).await });
        let statement = self.check(prepared)?;
        self.conn()?
            .statements
            .insert(sql.to_owned(), statement.clone());
        Ok(statement)
    }

    /// Whether this statement must carry the pending `BEGIN`; from here
    /// on the transaction is open (even if the statement fails: it is then
    /// rolled back).
    fn take_begin(&mut self) -> bool {
        let begin = self.state == TxState::Pending;
        if begin {
            self.state = TxState::Open;
        }
        begin
    }

    /// Runs statements with no parameters (DDL).
    pub(super) fn batch(&mut self, sql: &str) -> ServerResult<()> {
        let client = self.conn()?.client.clone();
        let owned = if self.take_begin() {
            format!("BEGIN; {sql}")
        } else {
            sql.to_owned()
        };
        let r = self
            .store
            .driver
            .run(async move { client.batch_execute(&owned).await });
        self.check(r)
    }

    /// Runs a statement; the number of rows changed.
    pub(super) fn execute(&mut self, sql: &str, params: &[Value]) -> ServerResult<u64> {
        let statement = self.statement(sql)?;
        let client = self.conn()?.client.clone();
        let params = params.to_vec();
        let begin = self.take_begin();
        let r = self.store.driver.run(async move {
            let refs: Vec<&(dyn ToSql + Sync)> =
                params.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
            if begin {
                // Sent in this order, answered in one round trip.
                let (began, done) = tokio::join!(
                    client.batch_execute("BEGIN"),
                    client.execute(&statement, &refs)
                );
                began?;
                done
            } else {
                client.execute(&statement, &refs).await
            }
        });
        self.check(r)
    }

    /// Runs a query; every row.
    pub(super) fn query(&mut self, sql: &str, params: &[Value]) -> ServerResult<Vec<Row>> {
        let statement = self.statement(sql)?;
        let client = self.conn()?.client.clone();
        let params = params.to_vec();
        let begin = self.take_begin();
        let r = self.store.driver.run(async move {
            let refs: Vec<&(dyn ToSql + Sync)> =
                params.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
            if begin {
                let (began, rows) = tokio::join!(
                    client.batch_execute("BEGIN"),
                    client.query(&statement, &refs)
                );
                began?;
                rows
            } else {
                client.query(&statement, &refs).await
            }
        });
        self.check(r)?.iter().map(row).collect()
    }

    /// `COMMIT` (nothing when no statement was sent, or outside a
    /// transaction).
    pub(super) fn commit(&mut self) -> ServerResult<()> {
        let open = self.state == TxState::Open;
        self.state = TxState::None;
        if open { self.batch("COMMIT") } else { Ok(()) }
    }

    /// `ROLLBACK` (nothing when there is nothing to undo).
    pub(super) fn rollback(&mut self) -> ServerResult<()> {
        let open = self.state == TxState::Open;
        self.state = TxState::None;
        if open { self.batch("ROLLBACK") } else { Ok(()) }
    }
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        if self.rollback().is_err() {
            self.broken = true;
        }
        if let Some(conn) = self.conn.take() {
            self.store.give_back(conn, !self.broken);
        }
    }
}

fn row(r: &tokio_postgres::Row) -> ServerResult<Row> {
    let bad = |e: tokio_postgres::Error| pg_error("database column", e);
    let mut out = Vec::with_capacity(r.len());
    for (i, column) in r.columns().iter().enumerate() {
        let ty = column.type_();
        let v = if *ty == Type::INT8 {
            r.try_get::<_, Option<i64>>(i).map_err(bad)?.map(Value::Int)
        } else if *ty == Type::INT4 {
            r.try_get::<_, Option<i32>>(i)
                .map_err(bad)?
                .map(|v| Value::Int(v.into()))
        } else if *ty == Type::INT2 {
            r.try_get::<_, Option<i16>>(i)
                .map_err(bad)?
                .map(|v| Value::Int(v.into()))
        } else if *ty == Type::BOOL {
            r.try_get::<_, Option<bool>>(i)
                .map_err(bad)?
                .map(|v| Value::Int(v.into()))
        } else if *ty == Type::BYTEA {
            r.try_get::<_, Option<Vec<u8>>>(i)
                .map_err(bad)?
                .map(Value::Bytes)
        } else if [Type::TEXT, Type::VARCHAR, Type::NAME, Type::BPCHAR].contains(ty) {
            r.try_get::<_, Option<String>>(i)
                .map_err(bad)?
                .map(Value::Text)
        } else if *ty == Type::VOID {
            None
        } else {
            return Err(ServerError::internal(
                "database",
                format!("unexpected column type {ty}"),
            ));
        };
        out.push(v.unwrap_or(Value::Null));
    }
    Ok(Row(out))
}

impl ToSql for Value {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            // A parameter's type is what PostgreSQL inferred from where it
            // stands: the column's BIGINT mostly, INTEGER next to a literal.
            Value::Int(i) => match *ty {
                Type::INT8 => i.to_sql(ty, out),
                Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(*i)?.to_sql(ty, out),
                _ => Err(format!("an integer where PostgreSQL expects {ty}").into()),
            },
            Value::Text(s) => s.as_str().to_sql(ty, out),
            Value::Bytes(b) => b.as_slice().to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}
