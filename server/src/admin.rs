//! What an administrator does with devices and users: list a user's
//! devices (name, activated, last seen, how it is woken), revoke a lost
//! phone, remove a user. A revoked device is unknown to every signed
//! request from that moment (`unknown_device`): its pending fetches and its
//! answers change nothing, and no notification goes to it. Its row stays,
//! marked revoked, so the listing still shows what happened.

use ring::digest;
use serde::Serialize;
use subtle::ConstantTimeEq as _;
use watchword_core::push::{ErrorCode, PushTokenKind, keys::random_b64};

use crate::{
    PushServer,
    audit::{AuditEvent, AuditKind},
    engine::{get_meta, put_meta},
    error::{ServerError, ServerResult},
    params,
};

/// The `meta` row with the hash of the administrator key.
const ADMIN_KEY_HASH: &str = "admin_key_hash";

fn hash_admin_key(key: &str) -> Vec<u8> {
    let mut ctx = digest::Context::new(&digest::SHA256);
    ctx.update(b"watchword-v1/admin-key\n");
    ctx.update(key.as_bytes());
    ctx.finish().as_ref().to_vec()
}

/// One device as an administrator sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeviceInfo {
    /// The device id (what `revoke` takes).
    pub id: String,
    /// The user it belongs to.
    pub user: String,
    /// The name the device gave itself at activation.
    pub name: String,
    /// When it was activated, Unix seconds.
    pub activated_at: i64,
    /// Its last verified signed request, Unix seconds.
    pub last_seen: Option<i64>,
    /// How it is woken (none: it polls).
    pub push: Option<PushTokenKind>,
    /// When an administrator revoked it.
    pub revoked_at: Option<i64>,
}

/// What removing a user did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserRemoved {
    /// Devices revoked.
    pub devices_revoked: usize,
    /// Unused activation codes cancelled.
    pub activations_cancelled: usize,
    /// Open sign-in requests ended (as expired).
    pub requests_ended: usize,
}

impl PushServer {
    /// The devices of `user` (revoked ones too when `include_revoked`),
    /// oldest first.
    pub fn devices(&self, user: &str, include_revoked: bool) -> ServerResult<Vec<DeviceInfo>> {
        self.store()
            .read()?
            .query(
                "SELECT id, user_name, name, created_at, last_seen, push_kind, revoked_at
                 FROM devices WHERE user_name = $1 AND ($2 = 1 OR revoked_at IS NULL)
                 ORDER BY created_at, id",
                params![user, i64::from(include_revoked)],
            )?
            .iter()
            .map(|r| {
                Ok(DeviceInfo {
                    id: r.get(0)?,
                    user: r.get(1)?,
                    name: r.get(2)?,
                    activated_at: r.get(3)?,
                    last_seen: r.get(4)?,
                    push: r
                        .get::<Option<String>>(5)?
                        .as_deref()
                        .and_then(PushTokenKind::parse),
                    revoked_at: r.get(6)?,
                })
            })
            .collect()
    }

    /// Revokes device `id` (a lost or replaced phone): from now on its
    /// signed requests are refused as `unknown_device` and nothing is sent
    /// to it. Revoking a revoked device is refused the same way, so a typo
    /// is never mistaken for success.
    pub fn revoke_device(&self, id: &str) -> ServerResult<DeviceInfo> {
        let now = self.now();
        let tx = self.store().begin()?;
        let user: Option<String> = tx
            .query_opt(
                &format!(
                    "SELECT user_name FROM devices WHERE id = $1 AND revoked_at IS NULL{}",
                    tx.for_update()
                ),
                params![id],
            )?
            .map(|r| r.get(0))
            .transpose()?;
        let Some(user) = user else {
            return Err(ServerError::new(
                ErrorCode::UnknownDevice,
                format!("no active device {id}"),
            ));
        };
        // Its push address goes too: nothing may be sent to a lost phone.
        tx.execute(
            "UPDATE devices SET revoked_at = $2, push_token = NULL WHERE id = $1",
            params![id, now],
        )?;
        self.record_audit(
            &tx,
            now,
            AuditKind::DeviceRevoked,
            &AuditEvent {
                user: Some(user.clone()),
                device: Some(id.to_owned()),
                ..AuditEvent::default()
            },
        )?;
        tx.commit()?;
        tracing::info!(device = %id, %user, "device revoked");
        self.devices(&user, true)?
            .into_iter()
            .find(|d| d.id == id)
            .ok_or_else(|| ServerError::internal("revoke", "the revoked device is gone"))
    }

    /// Removes `user`: revokes every device, cancels unused activation
    /// codes and ends open sign-in requests. Enrolling the user again
    /// later starts afresh.
    pub fn remove_user(&self, user: &str) -> ServerResult<UserRemoved> {
        let now = self.now();
        let tx = self.store().begin()?;
        let known = tx
            .query_opt(
                &format!("SELECT 1 FROM users WHERE name = $1{}", tx.for_update()),
                params![user],
            )?
            .is_some();
        if !known {
            return Err(ServerError::new(
                ErrorCode::UnknownUser,
                format!("no user {user}"),
            ));
        }
        let count = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
        let devices_revoked = count(tx.execute(
            "UPDATE devices SET revoked_at = $2, push_token = NULL
             WHERE user_name = $1 AND revoked_at IS NULL",
            params![user, now],
        )?);
        let activations_cancelled = count(tx.execute(
            "UPDATE enrolments SET expires_at = $2
             WHERE user_name = $1 AND used_at IS NULL AND expires_at > $2",
            params![user, now],
        )?);
        let requests_ended = count(tx.execute(
            "UPDATE challenges SET status = 'expired',
                 expires_at = CASE WHEN expires_at < $2 THEN expires_at ELSE $2 END
             WHERE user_name = $1 AND status = 'pending'",
            params![user, now],
        )?);
        self.record_audit(
            &tx,
            now,
            AuditKind::UserRemoved,
            &AuditEvent {
                user: Some(user.to_owned()),
                ..AuditEvent::default()
            },
        )?;
        tx.commit()?;
        tracing::info!(%user, devices_revoked, activations_cancelled, requests_ended, "user removed");
        Ok(UserRemoved {
            devices_revoked,
            activations_cancelled,
            requests_ended,
        })
    }

    /// A new administrator key for the admin HTTP API (`Authorization:
    /// Bearer wwadm_...`), replacing the old one; printed once, only its
    /// hash is kept. Until one is made, the admin API refuses everyone.
    pub fn rotate_admin_key(&self) -> ServerResult<String> {
        let key = format!(
            "wwadm_{}",
            random_b64(32).map_err(|e| ServerError::internal("admin key", e))?
        );
        let now = self.now();
        let tx = self.store().begin()?;
        put_meta(&tx, ADMIN_KEY_HASH, &hash_admin_key(&key))?;
        self.record_audit(&tx, now, AuditKind::AdminKeyChanged, &AuditEvent::default())?;
        tx.commit()?;
        tracing::info!("administrator key replaced");
        Ok(key)
    }

    /// Whether `presented` is the administrator key (compared in constant
    /// time); `unauthorized` otherwise, and when no key was ever made.
    pub fn check_admin_key(&self, presented: &str) -> ServerResult<()> {
        let stored = get_meta(&self.store().read()?, ADMIN_KEY_HASH)?;
        let presented = hash_admin_key(presented);
        match stored {
            Some(hash) if bool::from(hash.as_slice().ct_eq(&presented)) => Ok(()),
            _ => Err(ServerError::new(
                ErrorCode::Unauthorized,
                "missing or wrong administrator key",
            )),
        }
    }
}
