//! Relying parties and their API keys. Each application that raises
//! sign-ins has its own named key (`rp-key add NAME`), stored only as a
//! hash; a key can be listed and revoked by name. A relying party sees only
//! the challenges it raised: another's challenge id is `challenge_not_found`
//! to it, exactly as an id that does not exist.
//!
//! The unnamed `rp-key` of earlier versions is the key named `default`
//! (`rotate_rp_key` replaces it).

use ring::digest;
use serde::Serialize;
use subtle::ConstantTimeEq as _;
use watchword_core::push::{ErrorCode, keys::random_b64};

use crate::{
    PushServer,
    audit::{AuditEvent, AuditKind},
    error::{ServerError, ServerResult},
    params,
    store::Tx,
};

/// The name of the key `rotate_rp_key` replaces.
pub const DEFAULT_RP: &str = "default";

/// A relying party as the administrator sees it (never its key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RelyingParty {
    /// Its name.
    pub name: String,
    /// When its key was made, Unix seconds.
    pub created_at: i64,
    /// When its key was revoked.
    pub revoked_at: Option<i64>,
}

/// A relying-party name: 1 to 64 letters, digits, `.`, `_` or `-`.
fn check_name(name: &str) -> ServerResult<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(ServerError::bad_request(
            "a relying-party name is 1 to 64 letters, digits, '.', '_' or '-'",
        ))
    }
}

fn hash_rp_key(key: &str) -> Vec<u8> {
    let mut ctx = digest::Context::new(&digest::SHA256);
    ctx.update(b"watchword-v1/rp-key\n");
    ctx.update(key.as_bytes());
    ctx.finish().as_ref().to_vec()
}

fn rp_event(name: &str) -> AuditEvent {
    AuditEvent {
        rp: Some(name.to_owned()),
        ..AuditEvent::default()
    }
}

fn new_key() -> ServerResult<String> {
    Ok(format!(
        "wwrp_{}",
        random_b64(24).map_err(|e| ServerError::internal("rp key", e))?
    ))
}

impl PushServer {
    /// Makes a key for a new relying party `name` and returns it (shown
    /// once; only its hash is stored). A name in use is refused.
    pub fn add_rp_key(&self, name: &str) -> ServerResult<String> {
        check_name(name)?;
        let key = new_key()?;
        let now = self.now();
        let tx = self.store().begin()?;
        let taken = tx
            .query_opt(
                &format!(
                    "SELECT 1 FROM rp_keys WHERE name = $1 AND revoked_at IS NULL{}",
                    tx.for_update()
                ),
                params![name],
            )?
            .is_some();
        if taken {
            return Err(ServerError::bad_request(format!(
                "relying party {name} already has a key (revoke it first)"
            )));
        }
        upsert_key(&tx, name, &key, now)?;
        self.record_audit(&tx, now, AuditKind::RpKeyAdded, &rp_event(name))?;
        tx.commit()?;
        tracing::info!(relying_party = %name, "relying-party key added");
        Ok(key)
    }

    /// Makes a new key for the relying party named `default` (replacing
    /// its old one) and returns it.
    pub fn rotate_rp_key(&self) -> ServerResult<String> {
        let key = new_key()?;
        let now = self.now();
        let tx = self.store().begin()?;
        upsert_key(&tx, DEFAULT_RP, &key, now)?;
        self.record_audit(&tx, now, AuditKind::RpKeyAdded, &rp_event(DEFAULT_RP))?;
        tx.commit()?;
        Ok(key)
    }

    /// Every relying party, by name.
    pub fn rp_keys(&self) -> ServerResult<Vec<RelyingParty>> {
        self.store()
            .read()?
            .query(
                "SELECT name, created_at, revoked_at FROM rp_keys ORDER BY name",
                params![],
            )?
            .iter()
            .map(|r| {
                Ok(RelyingParty {
                    name: r.get(0)?,
                    created_at: r.get(1)?,
                    revoked_at: r.get(2)?,
                })
            })
            .collect()
    }

    /// Revokes `name`'s key: its calls are refused from now on. The
    /// challenges it raised stay (devices may still answer them).
    pub fn revoke_rp_key(&self, name: &str) -> ServerResult<()> {
        let now = self.now();
        let tx = self.store().begin()?;
        let changed = tx.execute(
            "UPDATE rp_keys SET revoked_at = $2 WHERE name = $1 AND revoked_at IS NULL",
            params![name, now],
        )?;
        if changed == 0 {
            return Err(ServerError::bad_request(format!(
                "no relying party {name} with a live key"
            )));
        }
        self.record_audit(&tx, now, AuditKind::RpKeyRevoked, &rp_event(name))?;
        tx.commit()?;
        tracing::info!(relying_party = %name, "relying-party key revoked");
        Ok(())
    }

    /// The relying party whose bearer key `presented` is. Every live
    /// key's hash is compared in constant time: neither a key nor its hash
    /// leaks through how long a refusal takes.
    pub fn check_rp_key(&self, presented: &str) -> ServerResult<String> {
        let presented = hash_rp_key(presented);
        let keys = self.store().read()?.query(
            "SELECT name, key_hash FROM rp_keys WHERE revoked_at IS NULL",
            params![],
        )?;
        let mut found = None;
        for row in keys {
            let (name, hash): (String, Vec<u8>) = (row.get(0)?, row.get(1)?);
            if bool::from(hash.as_slice().ct_eq(&presented)) {
                found = Some(name);
            }
        }
        found.ok_or_else(|| {
            ServerError::new(
                ErrorCode::Unauthorized,
                "missing or wrong relying-party API key",
            )
        })
    }
}

/// Stores `name`'s key (hashed), replacing a revoked or `default` one.
fn upsert_key(tx: &Tx<'_>, name: &str, key: &str, now: i64) -> ServerResult<()> {
    tx.execute(
        "INSERT INTO rp_keys(name, key_hash, created_at, revoked_at) VALUES ($1, $2, $3, NULL)
         ON CONFLICT(name) DO UPDATE SET key_hash = excluded.key_hash,
             created_at = excluded.created_at, revoked_at = NULL",
        params![name, hash_rp_key(key), now],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_short_plain_words() {
        for good in ["outlook", "vpn-gateway", "hr.portal_2"] {
            assert!(check_name(good).is_ok(), "{good}");
        }
        for bad in ["", "has space", "ünïcode", &"x".repeat(65), "a/b"] {
            let e = check_name(bad).unwrap_err();
            assert_eq!(e.code, ErrorCode::BadRequest, "{bad}");
        }
    }
}
