//! Relying parties and their API keys. Each application that raises
//! sign-ins has its own named key (`rp-key add NAME`), stored only as a
//! hash; a key can be listed and revoked by name. A relying party sees only
//! the challenges it raised: another's challenge id is `challenge_not_found`
//! to it, exactly as an id that does not exist.
//!
//! The unnamed `rp-key` of earlier versions is the key named `default`
//! (`rotate_rp_key` replaces it).

use ring::digest;
use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use subtle::ConstantTimeEq as _;
use watchword_core::push::{ErrorCode, keys::random_b64};

use crate::{
    PushServer,
    audit::{AuditEvent, AuditKind},
    error::{ServerError, ServerResult},
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
        let db = self.db()?;
        let taken: bool = db
            .query_row(
                "SELECT 1 FROM rp_keys WHERE name = ?1 AND revoked_at IS NULL",
                params![name],
                |_| Ok(true),
            )
            .optional()?
            .unwrap_or(false);
        if taken {
            return Err(ServerError::bad_request(format!(
                "relying party {name} already has a key (revoke it first)"
            )));
        }
        db.execute(
            "INSERT OR REPLACE INTO rp_keys(name, key_hash, created_at, revoked_at) VALUES (?1, ?2, ?3, NULL)",
            params![name, hash_rp_key(&key), now],
        )?;
        self.record_audit(&db, now, AuditKind::RpKeyAdded, &rp_event(name))?;
        tracing::info!(relying_party = %name, "relying-party key added");
        Ok(key)
    }

    /// Makes a new key for the relying party named `default` (replacing
    /// its old one) and returns it.
    pub fn rotate_rp_key(&self) -> ServerResult<String> {
        let key = new_key()?;
        let now = self.now();
        let db = self.db()?;
        db.execute(
            "INSERT OR REPLACE INTO rp_keys(name, key_hash, created_at, revoked_at) VALUES (?1, ?2, ?3, NULL)",
            params![DEFAULT_RP, hash_rp_key(&key), now],
        )?;
        self.record_audit(&db, now, AuditKind::RpKeyAdded, &rp_event(DEFAULT_RP))?;
        Ok(key)
    }

    /// Every relying party, by name.
    pub fn rp_keys(&self) -> ServerResult<Vec<RelyingParty>> {
        let db = self.db()?;
        let mut stmt =
            db.prepare("SELECT name, created_at, revoked_at FROM rp_keys ORDER BY name")?;
        let rows = stmt.query_map([], |r| {
            Ok(RelyingParty {
                name: r.get(0)?,
                created_at: r.get(1)?,
                revoked_at: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Revokes `name`'s key: its calls are refused from now on. The
    /// challenges it raised stay (devices may still answer them).
    pub fn revoke_rp_key(&self, name: &str) -> ServerResult<()> {
        let now = self.now();
        let db = self.db()?;
        let changed = db.execute(
            "UPDATE rp_keys SET revoked_at = ?2 WHERE name = ?1 AND revoked_at IS NULL",
            params![name, now],
        )?;
        if changed == 0 {
            return Err(ServerError::bad_request(format!(
                "no relying party {name} with a live key"
            )));
        }
        self.record_audit(&db, now, AuditKind::RpKeyRevoked, &rp_event(name))?;
        tracing::info!(relying_party = %name, "relying-party key revoked");
        Ok(())
    }

    /// The relying party whose bearer key `presented` is. Every live
    /// key's hash is compared in constant time: neither a key nor its hash
    /// leaks through how long a refusal takes.
    pub fn check_rp_key(&self, presented: &str) -> ServerResult<String> {
        let presented = hash_rp_key(presented);
        let db = self.db()?;
        let mut stmt = db.prepare("SELECT name, key_hash FROM rp_keys WHERE revoked_at IS NULL")?;
        let keys = stmt
            .query_map([], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut found = None;
        for (name, hash) in keys {
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
