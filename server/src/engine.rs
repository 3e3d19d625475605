//! The server's state and the operations every front end (HTTP, admin
//! commands, the CLI demo) shares. Enrolment and challenge logic live in
//! `enrolment.rs` and `challenges.rs` as more `impl PushServer` blocks.

use std::{
    path::Path,
    sync::{Arc, Mutex, MutexGuard},
};

use rusqlite::{Connection, OptionalExtension, params};
use watchword_core::{
    otp::{Clock, SystemClock},
    push::keys::{PreparedSigner, SigningKey},
    vault::KeyProvider,
};

use crate::{
    db,
    delivery::{LogSender, PushSender, Senders, Vapid},
    error::{ServerError, ServerResult},
    policy::Policy,
    server_key,
};

/// The push server: database, server key, clock, policy, push sender.
pub struct PushServer {
    conn: Mutex<Connection>,
    clock: Arc<dyn Clock>,
    key: SigningKey,
    signer: PreparedSigner,
    /// Keys the activation-code hashes (derived from the sealed key).
    pub(crate) code_key: ring::hmac::Key,
    pub(crate) policy: Policy,
    sender: Arc<dyn PushSender>,
    vapid: Vapid,
    metrics: crate::metrics::Metrics,
}

impl std::fmt::Debug for PushServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PushServer")
            .field("public_key", &self.key.public_key_b64())
            .finish_non_exhaustive()
    }
}

impl PushServer {
    /// Opens the server on the database at `path`, its signing key sealed
    /// by `keys`, with the system clock, default policy and a log sender.
    pub fn open(path: &Path, keys: &dyn KeyProvider) -> ServerResult<Self> {
        Self::open_with(
            path,
            keys,
            Arc::new(SystemClock),
            Policy::default(),
            Arc::new(Senders::log_only(Arc::new(LogSender::default()))),
        )
    }

    /// Opens with the key provider that seals the signing key, and an
    /// injected clock, policy and push sender.
    pub fn open_with(
        path: &Path,
        keys: &dyn KeyProvider,
        clock: Arc<dyn Clock>,
        policy: Policy,
        sender: Arc<dyn PushSender>,
    ) -> ServerResult<Self> {
        let conn = db::open(path).map_err(|e| ServerError::internal("open database", e))?;
        let key = server_key::load_or_create(&conn, keys)?;
        let code_key = server_key::activation_code_key(&key)?;
        let signer =
            PreparedSigner::new(&key).map_err(|e| ServerError::internal("server key", e))?;
        let vapid = Vapid::load_or_create(&conn, &key, false)?;
        Ok(Self {
            conn: Mutex::new(conn),
            clock,
            key,
            signer,
            code_key,
            policy,
            sender,
            vapid,
            metrics: crate::metrics::Metrics::default(),
        })
    }

    /// The server's public key (base64url point), as devices pin it.
    pub fn public_key(&self) -> String {
        self.key.public_key_b64()
    }

    /// Server time, Unix seconds.
    pub fn now(&self) -> i64 {
        self.clock.now_unix_ms().div_euclid(1000)
    }

    /// Signs `message` with the server key.
    pub(crate) fn sign(&self, message: &[u8]) -> ServerResult<String> {
        self.signer
            .sign(message)
            .map_err(|e| ServerError::internal("sign", e))
    }

    pub(crate) fn db(&self) -> ServerResult<MutexGuard<'_, Connection>> {
        self.conn
            .lock()
            .map_err(|_| ServerError::internal("database", "lock poisoned"))
    }

    /// Remembers the public base URL (for activation URLs made by
    /// `enrol` when the server is not running).
    pub fn set_public_url(&self, url: &str) -> ServerResult<()> {
        self.db()?.execute(
            "INSERT OR REPLACE INTO meta(key, value) VALUES ('public_url', ?1)",
            params![url.as_bytes()],
        )?;
        Ok(())
    }

    /// The remembered public base URL.
    pub fn public_url(&self) -> ServerResult<Option<String>> {
        let v: Option<Vec<u8>> = self
            .db()?
            .query_row("SELECT value FROM meta WHERE key = 'public_url'", [], |r| {
                r.get(0)
            })
            .optional()?;
        Ok(v.and_then(|b| String::from_utf8(b).ok()))
    }

    /// The server's metrics (`/metrics`).
    pub fn metrics(&self) -> &crate::metrics::Metrics {
        &self.metrics
    }

    /// Appends an audit event (inside the caller's transaction) and counts
    /// it.
    pub(crate) fn record_audit(
        &self,
        conn: &Connection,
        at: i64,
        kind: crate::audit::AuditKind,
        event: &crate::audit::AuditEvent,
    ) -> ServerResult<()> {
        crate::audit::record(conn, at, kind, event)?;
        self.metrics.event(kind);
        Ok(())
    }

    /// Whether the database answers (`/healthz`).
    pub fn healthy(&self) -> ServerResult<()> {
        self.db()?.query_row("SELECT 1", [], |_| Ok(()))?;
        Ok(())
    }

    /// The push sender.
    pub(crate) fn sender(&self) -> &dyn PushSender {
        self.sender.as_ref()
    }

    /// The server's VAPID identity (Web Push).
    pub fn vapid(&self) -> &Vapid {
        &self.vapid
    }

    /// Stores the VAPID contact push services see (`mailto:` or
    /// `https:`).
    pub fn set_vapid_subject(&self, subject: &str) -> ServerResult<()> {
        self.vapid.set_subject(&*self.db()?, subject)
    }

    /// Replaces the VAPID key (used from the next open) and returns the
    /// new public key. Devices need not change anything: Web Push
    /// endpoints of UnifiedPush distributors are not bound to a key.
    pub fn rotate_vapid_key(&self) -> ServerResult<String> {
        let db = self.db()?;
        let vapid = Vapid::load_or_create(&db, &self.key, true)?;
        self.record_audit(
            &db,
            self.now(),
            crate::audit::AuditKind::VapidKeyRotated,
            &crate::audit::AuditEvent::default(),
        )?;
        Ok(vapid.public_key().to_owned())
    }
}
