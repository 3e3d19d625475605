//! Enrolment by an administrator and activation by a device.
//!
//! The administrator gets a 9-digit code (single use, 10-minute expiry,
//! locked after 5 wrong tries) and an activation URL
//! `<base>/v1/activate/<enrolment_id>`; only a hash of the code is stored.

use ring::hmac;
use serde::Serialize;
use watchword_core::push::{
    ErrorCode,
    activation::activation_link,
    keys::{check_public_key, random_below, random_hex},
    protocol::{
        self, ACTIVATE_PATH, ActivateRequest, ActivateResponse, activation_input, check_field,
    },
};
use zeroize::Zeroizing;

use crate::{
    PushServer,
    audit::{AuditEvent, AuditKind},
    error::{ServerError, ServerResult},
    params,
};

/// What the administrator hands to the user.
#[derive(Clone, Serialize)]
pub struct Enrolment {
    /// The user.
    pub user: String,
    /// The enrolment id (also in the URL).
    pub enrolment_id: String,
    /// The 9-digit activation code (secret until used).
    pub code: String,
    /// The activation URL.
    pub url: String,
    /// The QR link `watchword://activate?code=...&url=...`.
    pub link: String,
    /// When the code expires, Unix seconds.
    pub expires_at: i64,
}

impl std::fmt::Debug for Enrolment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Enrolment")
            .field("user", &self.user)
            .field("url", &self.url)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// HMAC-SHA256 of the enrolment id and code under the server's code key
/// (`server_key::activation_code_key`). Enrolments stored before the hash
/// was keyed no longer match: they expire within minutes; issue new ones.
fn code_message(enrolment_id: &str, code: &str) -> Zeroizing<Vec<u8>> {
    Zeroizing::new(format!("watchword-v1/activation-code\n{enrolment_id}\n{code}").into_bytes())
}

fn check_user(user: &str) -> ServerResult<()> {
    check_field("user", user).map_err(|e| ServerError::bad_request(e.to_string()))?;
    if user.trim().is_empty() {
        return Err(ServerError::bad_request("user must not be empty"));
    }
    Ok(())
}

impl PushServer {
    /// Creates an enrolment for `user` (creating the user if new).
    /// `base_url` is the server's public base URL.
    pub fn enrol(&self, user: &str, base_url: &str) -> ServerResult<Enrolment> {
        check_user(user)?;
        let now = self.now();
        let enrolment_id = format!(
            "e{}",
            random_hex(12).map_err(|e| ServerError::internal("random", e))?
        );
        let code = Zeroizing::new(format!(
            "{:09}",
            random_below(1_000_000_000).map_err(|e| ServerError::internal("random", e))?
        ));
        let expires_at = now + self.policy.activation_ttl;
        let tx = self.store().begin()?;
        tx.execute(
            "INSERT INTO users(name, organisation) VALUES ($1, $2) ON CONFLICT(name) DO NOTHING",
            params![user, &self.policy.organisation],
        )?;
        tx.execute(
            "INSERT INTO enrolments(id, user_name, code_hash, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5)",
            params![
                &enrolment_id,
                user,
                hmac::sign(&self.code_key, &code_message(&enrolment_id, &code)).as_ref(),
                now,
                expires_at
            ],
        )?;
        self.record_audit(
            &tx,
            now,
            AuditKind::ActivationIssued,
            &AuditEvent {
                user: Some(user.to_owned()),
                ..AuditEvent::default()
            },
        )?;
        tx.commit()?;
        let url = format!(
            "{}{ACTIVATE_PATH}{enrolment_id}",
            base_url.trim_end_matches('/')
        );
        Ok(Enrolment {
            user: user.to_owned(),
            link: activation_link(&code, &url),
            enrolment_id,
            code: code.to_string(),
            url,
            expires_at,
        })
    }

    /// A device activates enrolment `enrolment_id`.
    pub fn activate(
        &self,
        enrolment_id: &str,
        request: &ActivateRequest,
    ) -> ServerResult<ActivateResponse> {
        let now = self.now();
        check_public_key(&request.public_key)
            .map_err(|_| ServerError::bad_request("public_key is not a P-256 point"))?;
        check_field("device_name", &request.device_name)
            .map_err(|e| ServerError::bad_request(e.to_string()))?;
        if let Some(push) = &request.push {
            push.check()
                .map_err(|e| ServerError::bad_request(e.to_string()))?;
        }
        let tx = self.store().begin()?;
        // Locked until commit: tries on two instances are counted one
        // after the other, never both from the same count.
        let row = tx.query_opt(
            &format!(
                "SELECT user_name, code_hash, expires_at, failed_tries, used_at
                 FROM enrolments WHERE id = $1{}",
                tx.for_update()
            ),
            params![enrolment_id],
        )?;
        let Some(row) = row else {
            return Err(ServerError::new(
                ErrorCode::ActivationNotFound,
                "no enrolment behind this activation URL",
            ));
        };
        let (user, hash, expires_at, failed, used_at): (String, Vec<u8>, i64, u32, Option<i64>) = (
            row.get(0)?,
            row.get(1)?,
            row.get(2)?,
            row.get(3)?,
            row.get(4)?,
        );
        let max = self.policy.activation_max_tries;
        if used_at.is_some() {
            return Err(ServerError::new(
                ErrorCode::ActivationUsed,
                "this activation code was already used",
            ));
        }
        if failed >= max {
            return Err(ServerError::new(
                ErrorCode::ActivationLocked,
                "too many wrong codes: ask for a new enrolment",
            ));
        }
        if now >= expires_at {
            return Err(ServerError::new(
                ErrorCode::ActivationExpired,
                "this activation code has expired: ask for a new enrolment",
            ));
        }
        // Constant time: the comparison tells nothing about the hash.
        if hmac::verify(
            &self.code_key,
            &code_message(enrolment_id, &request.code),
            &hash,
        )
        .is_err()
        {
            let failed = failed + 1;
            tx.execute(
                "UPDATE enrolments SET failed_tries = $2 WHERE id = $1",
                params![enrolment_id, failed],
            )?;
            self.record_audit(
                &tx,
                now,
                if failed >= max {
                    AuditKind::ActivationLocked
                } else {
                    AuditKind::ActivationFailed
                },
                &AuditEvent {
                    user: Some(user.clone()),
                    ..AuditEvent::default()
                },
            )?;
            tx.commit()?;
            return Err(if failed >= max {
                ServerError::new(
                    ErrorCode::ActivationLocked,
                    "too many wrong codes: ask for a new enrolment",
                )
            } else {
                ServerError::new(ErrorCode::ActivationWrongCode, "wrong activation code")
                    .with_tries_left(max - failed)
            });
        }
        let device_id = format!(
            "d{}",
            random_hex(12).map_err(|e| ServerError::internal("random", e))?
        );
        let organisation: String = tx
            .query_one(
                "SELECT organisation FROM users WHERE name = $1",
                params![&user],
            )?
            .get(0)?;
        tx.execute(
            "INSERT INTO devices(id, user_name, public_key, name, push_token, push_kind, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            params![
                &device_id,
                &user,
                &request.public_key,
                &request.device_name,
                request.push.as_ref().map(|p| p.canonical_json()),
                request.push.as_ref().map(|p| p.kind().as_str()),
                now
            ],
        )?;
        tx.execute(
            "UPDATE enrolments SET used_at = $2, device_id = $3 WHERE id = $1",
            params![enrolment_id, now, &device_id],
        )?;
        self.record_audit(
            &tx,
            now,
            AuditKind::DeviceActivated,
            &AuditEvent {
                user: Some(user.clone()),
                device: Some(device_id.clone()),
                ..AuditEvent::default()
            },
        )?;
        let mut response = ActivateResponse {
            device_id,
            user,
            organisation,
            server_public_key: self.public_key(),
            server_time: now,
            signature: String::new(),
        };
        let input = activation_input(enrolment_id, &response, &request.public_key)
            .map_err(|e| ServerError::bad_request(e.to_string()))?;
        response.signature = self.sign(&input)?;
        tx.commit()?;
        Ok(response)
    }
}

/// Checks a path segment used as an enrolment or challenge id.
pub(crate) fn check_id(id: &str) -> ServerResult<()> {
    if id.is_empty() || id.len() > 64 || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(ServerError::bad_request("malformed id"));
    }
    protocol::check_field("id", id).map_err(|e| ServerError::bad_request(e.to_string()))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use watchword_core::{otp::FixedClock, vault::StaticKeyProvider};

    use super::*;
    use crate::{Policy, delivery::LogSender};

    #[test]
    fn codes_are_stored_hashed_and_never_printed() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("s.db");
        let server = PushServer::open_with(
            &db,
            &StaticKeyProvider::new([7; 32]),
            Arc::new(FixedClock::new(1_700_000_000_000)),
            Policy::default(),
            Arc::new(LogSender::default()),
        )
        .unwrap();
        let e = server.enrol("alice", "https://mfa.example.org").unwrap();
        assert_eq!(e.code.len(), 9);
        assert!(e.code.bytes().all(|b| b.is_ascii_digit()));
        assert_eq!(e.expires_at, 1_700_000_600);
        assert!(e.url.starts_with("https://mfa.example.org/v1/activate/e"));
        assert!(!format!("{e:?}").contains(&e.code));
        drop(server);
        // Neither the database nor its WAL holds the code in plain text.
        for entry in std::fs::read_dir(dir.path()).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            assert!(
                !bytes.windows(9).any(|w| w == e.code.as_bytes()),
                "activation code found in a server file"
            );
        }
    }

    #[test]
    fn code_hashes_are_keyed_by_the_servers_sealed_key() {
        let dir = tempfile::tempdir().unwrap();
        let stored = |server: &PushServer, id: &str| -> Vec<u8> {
            server
                .store()
                .read()
                .unwrap()
                .query_one(
                    "SELECT code_hash FROM enrolments WHERE id = $1",
                    params![id],
                )
                .unwrap()
                .get(0)
                .unwrap()
        };
        let a =
            PushServer::open(dir.path().join("a.db"), &StaticKeyProvider::new([1; 32])).unwrap();
        let b =
            PushServer::open(dir.path().join("b.db"), &StaticKeyProvider::new([2; 32])).unwrap();
        let e = a.enrol("alice", "https://x").unwrap();
        let hash = stored(&a, &e.enrolment_id);
        // Not computable from the database alone: neither the unkeyed
        // digest of the same message nor what another server's key gives.
        let unkeyed = ring::digest::digest(
            &ring::digest::SHA256,
            &code_message(&e.enrolment_id, &e.code),
        );
        assert_ne!(hash, unkeyed.as_ref());
        assert_ne!(
            hash,
            hmac::sign(&b.code_key, &code_message(&e.enrolment_id, &e.code)).as_ref()
        );
        assert!(hmac::verify(&a.code_key, &code_message(&e.enrolment_id, &e.code), &hash).is_ok());
    }

    #[test]
    fn bad_users_and_ids_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let server =
            PushServer::open(dir.path().join("s.db"), &StaticKeyProvider::new([7; 32])).unwrap();
        for user in ["", "  ", "al\nice"] {
            assert_eq!(
                server.enrol(user, "https://x").unwrap_err().code,
                ErrorCode::BadRequest
            );
        }
        for id in ["", "e/1", "e 1", &"e".repeat(65)] {
            assert_eq!(
                check_id(id),
                Err(ServerError::bad_request("malformed id")),
                "{id:?}"
            );
        }
        assert!(check_id("e0123abc").is_ok());
    }
}
