//! The server's state and the operations every front end (HTTP, admin
//! commands, the CLI demo) shares. Enrolment and challenge logic live in
//! `enrolment.rs` and `challenges.rs` as more `impl PushServer` blocks.

use std::sync::Arc;

use watchword_core::{
    otp::{Clock, SystemClock},
    push::keys::{PreparedSigner, SigningKey},
    vault::KeyProvider,
};

use crate::{
    delivery::{LogSender, PushSender, Senders, Vapid},
    error::{ServerError, ServerResult},
    params,
    policy::Policy,
    server_key,
    store::{DbLocation, Store, Tx},
};

/// The push server: database, server key, clock, policy, push sender.
pub struct PushServer {
    store: Store,
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
    /// Opens the server on the database `db` (a SQLite path or a
    /// PostgreSQL URL), its signing key sealed by `keys`, with the system
    /// clock, default policy and a log sender.
    pub fn open(db: impl Into<DbLocation>, keys: &dyn KeyProvider) -> ServerResult<Self> {
        Self::open_with(
            db,
            keys,
            Arc::new(SystemClock),
            Policy::default(),
            Arc::new(Senders::log_only(Arc::new(LogSender::default()))),
        )
    }

    /// Opens with the key provider that seals the signing key, and an
    /// injected clock, policy and push sender.
    pub fn open_with(
        db: impl Into<DbLocation>,
        keys: &dyn KeyProvider,
        clock: Arc<dyn Clock>,
        policy: Policy,
        sender: Arc<dyn PushSender>,
    ) -> ServerResult<Self> {
        let store = Store::open(&db.into())?;
        let key = server_key::load_or_create(&store, keys)?;
        let code_key = server_key::activation_code_key(&key)?;
        let signer =
            PreparedSigner::new(&key).map_err(|e| ServerError::internal("server key", e))?;
        let vapid = Vapid::load_or_create(&store, &key, false)?;
        Ok(Self {
            store,
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

    /// The database.
    pub(crate) fn store(&self) -> &Store {
        &self.store
    }

    /// Which database backend the server runs on (`sqlite`, `postgres`).
    pub fn backend(&self) -> &'static str {
        self.store.kind()
    }

    /// Remembers the public base URL (for activation URLs made by
    /// `enrol` when the server is not running).
    pub fn set_public_url(&self, url: &str) -> ServerResult<()> {
        set_meta(&self.store, "public_url", url.as_bytes())
    }

    /// The remembered public base URL.
    pub fn public_url(&self) -> ServerResult<Option<String>> {
        Ok(get_meta(&self.store.read()?, "public_url")?.and_then(|b| String::from_utf8(b).ok()))
    }

    /// The server's metrics (`/metrics`).
    pub fn metrics(&self) -> &crate::metrics::Metrics {
        &self.metrics
    }

    /// Appends an audit event (inside the caller's transaction) and counts
    /// it.
    pub(crate) fn record_audit(
        &self,
        tx: &Tx<'_>,
        at: i64,
        kind: crate::audit::AuditKind,
        event: &crate::audit::AuditEvent,
    ) -> ServerResult<()> {
        crate::audit::record(tx, at, kind, event)?;
        self.metrics.event(kind);
        Ok(())
    }

    /// Whether the database answers (`/healthz`).
    pub fn healthy(&self) -> ServerResult<()> {
        self.store.read()?.query_one("SELECT 1", params![])?;
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
        self.vapid.set_subject(&self.store, subject)
    }

    /// Replaces the VAPID key (used from the next open) and returns the
    /// new public key. Devices need not change anything: Web Push
    /// endpoints of UnifiedPush distributors are not bound to a key.
    pub fn rotate_vapid_key(&self) -> ServerResult<String> {
        let vapid = Vapid::load_or_create(&self.store, &self.key, true)?;
        let tx = self.store.begin()?;
        self.record_audit(
            &tx,
            self.now(),
            crate::audit::AuditKind::VapidKeyRotated,
            &crate::audit::AuditEvent::default(),
        )?;
        tx.commit()?;
        Ok(vapid.public_key().to_owned())
    }
}

/// A value of the `meta` table.
pub(crate) fn get_meta(tx: &Tx<'_>, key: &str) -> ServerResult<Option<Vec<u8>>> {
    tx.query_opt("SELECT value FROM meta WHERE key = $1", params![key])?
        .map(|r| r.get(0))
        .transpose()
}

/// Sets a value of the `meta` table, in a transaction of its own.
pub(crate) fn set_meta(store: &Store, key: &str, value: &[u8]) -> ServerResult<()> {
    let tx = store.begin()?;
    put_meta(&tx, key, value)?;
    tx.commit()
}

/// Sets a value of the `meta` table inside `tx`.
pub(crate) fn put_meta(tx: &Tx<'_>, key: &str, value: &[u8]) -> ServerResult<()> {
    tx.execute(
        "INSERT INTO meta(key, value) VALUES ($1, $2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}
