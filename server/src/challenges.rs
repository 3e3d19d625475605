//! Sign-in challenges: creation by a relying party (with push-fatigue
//! limits), status, the device's signed pending fetch, and answers.

use watchword_core::push::{
    ChallengeStatus, Decision, ErrorCode,
    keys::{random_b64, random_below, random_hex, verify},
    protocol::{
        AnswerFields, AnswerRequest, AnswerResponse, ChallengeStatusResponse,
        CreateChallengeRequest, CreateChallengeResponse, PENDING_PATH, PendingResponse,
        PushPayload, REPLAY_WINDOW_SECS, WireChallenge, answer_input, challenge_input, check_field,
        request_input,
    },
};

use crate::{
    PushServer,
    audit::{AuditEvent, AuditKind},
    delivery::{PushNotification, records},
    enrolment::check_id,
    error::{ServerError, ServerResult},
    params,
    store::Tx,
};

/// The signed-request headers of a device call.
#[derive(Debug, Clone)]
pub struct SignedRequest {
    /// `Watchword-Device`.
    pub device_id: String,
    /// `Watchword-Timestamp`.
    pub timestamp: i64,
    /// `Watchword-Nonce`.
    pub nonce: String,
    /// `Watchword-Signature`.
    pub signature: String,
}

pub(crate) struct Device {
    pub(crate) user: String,
    pub(crate) public_key: String,
}

struct ChallengeRow {
    user: String,
    nonce: String,
    expires_at: i64,
    number: Option<u8>,
    status: ChallengeStatus,
    wrong_tries: u32,
    answered_at: Option<i64>,
}

fn bad(e: impl std::fmt::Display) -> ServerError {
    ServerError::bad_request(e.to_string())
}

impl PushServer {
    /// A relying party asks `user` to approve a sign-in. Returns the
    /// challenge and the notifications to dispatch.
    pub fn create_challenge(
        &self,
        request: &CreateChallengeRequest,
    ) -> ServerResult<(CreateChallengeResponse, Vec<PushNotification>)> {
        self.create_challenge_as(None, request)
    }

    /// [`Self::create_challenge`] for the relying party `rp` (from its
    /// key): only `rp` sees the challenge's status.
    pub fn create_challenge_for(
        &self,
        rp: &str,
        request: &CreateChallengeRequest,
    ) -> ServerResult<(CreateChallengeResponse, Vec<PushNotification>)> {
        self.create_challenge_as(Some(rp), request)
    }

    fn create_challenge_as(
        &self,
        rp: Option<&str>,
        request: &CreateChallengeRequest,
    ) -> ServerResult<(CreateChallengeResponse, Vec<PushNotification>)> {
        for (name, v) in [
            ("user", &request.user),
            ("app", &request.app),
            ("location", &request.location),
            ("ip", &request.ip),
        ] {
            check_field(name, v).map_err(bad)?;
        }
        if request.app.trim().is_empty() {
            return Err(ServerError::bad_request("app must not be empty"));
        }
        let ttl = request.ttl.unwrap_or(self.policy.default_ttl);
        let (lo, hi) = self.policy.ttl_range;
        if !(lo..=hi).contains(&ttl) {
            return Err(ServerError::bad_request(format!(
                "ttl must be {lo}..={hi} seconds"
            )));
        }
        let now = self.now();
        let tx = self.store().begin()?;
        // The user's row is locked until commit: on several instances the
        // open-request limit and the cool-down are checked one request at
        // a time.
        let user = tx.query_opt(
            &format!(
                "SELECT cooldown_until, cooldown_reason FROM users WHERE name = $1{}",
                tx.for_update()
            ),
            params![&request.user],
        )?;
        let Some(user) = user else {
            return Err(ServerError::new(ErrorCode::UnknownUser, "no such user"));
        };
        let (cooldown_until, reason): (i64, Option<String>) = (user.get(0)?, user.get(1)?);
        if cooldown_until > now {
            let mut e = ServerError::new(
                ErrorCode::CoolDown,
                format!(
                    "sign-in requests for this user are paused ({})",
                    reason.as_deref().unwrap_or("cool-down")
                ),
            );
            e.retry_after = Some(cooldown_until - now);
            return Err(e);
        }
        let devices = tx
            .query(
                "SELECT id, push_token FROM devices WHERE user_name = $1 AND revoked_at IS NULL",
                params![&request.user],
            )?
            .iter()
            .map(|r| Ok((r.get::<String>(0)?, r.get::<Option<String>>(1)?)))
            .collect::<ServerResult<Vec<_>>>()?;
        if devices.is_empty() {
            return Err(ServerError::new(
                ErrorCode::NoDevice,
                "this user has no activated device",
            ));
        }
        let open: u32 = tx
            .query_one(
                "SELECT COUNT(*) FROM challenges
                 WHERE user_name = $1 AND status = 'pending' AND expires_at > $2",
                params![&request.user, now],
            )?
            .get(0)?;
        if open >= self.policy.max_open_per_user {
            return Err(ServerError::new(
                ErrorCode::TooManyOpen,
                format!("this user already has {open} open sign-in requests",),
            ));
        }
        let random = |e| ServerError::internal("random", e);
        let id = format!("c{}", random_hex(16).map_err(random)?);
        let nonce = random_b64(16).map_err(random)?;
        let number = if request.number_matching.unwrap_or(true) {
            Some(10 + u8::try_from(random_below(90).map_err(random)?).unwrap_or(0))
        } else {
            None
        };
        let expires_at = now + ttl;
        tx.execute(
            "INSERT INTO challenges(id, user_name, nonce, app, location, ip, created_at, expires_at, number, status, rp)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', $10)",
            params![&id, &request.user, &nonce, &request.app, &request.location, &request.ip, now, expires_at, number, rp],
        )?;
        self.record_audit(
            &tx,
            now,
            AuditKind::ChallengeCreated,
            &AuditEvent {
                user: Some(request.user.clone()),
                rp: rp.map(str::to_owned),
                challenge: Some(id.clone()),
                app: Some(request.app.clone()),
                location: Some(request.location.clone()),
                ip: Some(request.ip.clone()),
                ..AuditEvent::default()
            },
        )?;
        tx.commit()?;
        let notes = devices
            .into_iter()
            .map(|(device_id, push_token)| PushNotification {
                // A token that does not parse (written by hand, or by a
                // future version) is treated as none: the device polls.
                push: push_token.and_then(|t: String| serde_json::from_str(&t).ok()),
                expires_at,
                payload: PushPayload {
                    v: 1,
                    device_id,
                    challenge_id: id.clone(),
                },
            })
            .collect();
        Ok((
            CreateChallengeResponse {
                id,
                number,
                created_at: now,
                expires_at,
                server_time: now,
            },
            notes,
        ))
    }

    /// What the relying party sees.
    pub fn challenge_status(&self, id: &str) -> ServerResult<ChallengeStatusResponse> {
        self.challenge_status_as(None, id)
    }

    /// [`Self::challenge_status`] as relying party `rp` sees it: a
    /// challenge another relying party (or the administrator) raised is
    /// `challenge_not_found`, as if it did not exist.
    pub fn challenge_status_for(
        &self,
        rp: &str,
        id: &str,
    ) -> ServerResult<ChallengeStatusResponse> {
        self.challenge_status_as(Some(rp), id)
    }

    fn challenge_status_as(
        &self,
        rp: Option<&str>,
        id: &str,
    ) -> ServerResult<ChallengeStatusResponse> {
        check_id(id)?;
        let now = self.now();
        let db = self.store().read()?;
        if let Some(rp) = rp {
            let owner: Option<String> = db
                .query_opt("SELECT rp FROM challenges WHERE id = $1", params![id])?
                .map(|r| r.get::<Option<String>>(0))
                .transpose()?
                .flatten();
            if owner.as_deref() != Some(rp) {
                return Err(ServerError::new(
                    ErrorCode::ChallengeNotFound,
                    "no such challenge",
                ));
            }
        }
        let row = load_challenge(&db, id, false)?;
        Ok(ChallengeStatusResponse {
            id: id.to_owned(),
            status: effective_status(&row, now),
            answered_at: row.answered_at,
            expires_at: row.expires_at,
            server_time: now,
            deliveries: records::for_challenge(&db, id)?,
        })
    }

    /// The device's signed pending fetch: open challenges of its user, each
    /// signed for this device.
    pub fn pending(&self, request: &SignedRequest) -> ServerResult<PendingResponse> {
        let now = self.now();
        let tx = self.store().begin()?;
        let device = load_device(&tx, &request.device_id)?;
        check_timestamp(request.timestamp, now)?;
        let input = request_input(
            "GET",
            PENDING_PATH,
            &request.device_id,
            request.timestamp,
            &request.nonce,
        )
        .map_err(bad)?;
        verify(&device.public_key, &input, &request.signature).map_err(|_| {
            ServerError::new(ErrorCode::BadSignature, "request signature does not verify")
        })?;
        remember_nonce(&tx, &request.device_id, &request.nonce, now)?;
        let organisation: String = tx
            .query_one(
                "SELECT organisation FROM users WHERE name = $1",
                params![&device.user],
            )?
            .get(0)?;
        let mut challenges = Vec::new();
        for r in tx.query(
            "SELECT id, nonce, app, location, ip, created_at, expires_at, number FROM challenges
             WHERE user_name = $1 AND status = 'pending' AND expires_at > $2
             ORDER BY created_at, id",
            params![&device.user, now],
        )? {
            let mut c = WireChallenge {
                id: r.get(0)?,
                nonce: r.get(1)?,
                user: device.user.clone(),
                organisation: organisation.clone(),
                app: r.get(2)?,
                location: r.get(3)?,
                ip: r.get(4)?,
                created_at: r.get(5)?,
                expires_at: r.get(6)?,
                needs_number: r.get::<Option<u8>>(7)?.is_some(),
                signature: String::new(),
            };
            c.signature = self.sign(&challenge_input(&c, &request.device_id).map_err(bad)?)?;
            challenges.push(c);
        }
        tx.commit()?;
        Ok(PendingResponse {
            challenges,
            server_time: now,
        })
    }

    /// A device answers challenge `id`.
    pub fn answer(&self, id: &str, request: &AnswerRequest) -> ServerResult<AnswerResponse> {
        check_id(id)?;
        let now = self.now();
        let tx = self.store().begin()?;
        let device = load_device(&tx, &request.device_id)?;
        check_timestamp(request.timestamp, now)?;
        // Locked until commit: two answers through two instances are
        // decided one after the other.
        let row = load_challenge(&tx, id, true)?;
        let input = answer_input(&AnswerFields {
            challenge_id: id,
            challenge_nonce: &row.nonce,
            device_id: &request.device_id,
            decision: request.decision,
            number: request.number,
            timestamp: request.timestamp,
            request_nonce: &request.request_nonce,
        })
        .map_err(bad)?;
        verify(&device.public_key, &input, &request.signature).map_err(|_| {
            ServerError::new(ErrorCode::BadSignature, "answer signature does not verify")
        })?;
        if device.user != row.user {
            return Err(ServerError::new(
                ErrorCode::WrongDevice,
                "this challenge is not for this device",
            ));
        }
        remember_nonce(&tx, &request.device_id, &request.request_nonce, now)?;
        // The nonce is spent even if the answer is refused below.
        let status = effective_status(&row, now);
        let result = self.decide(
            &tx,
            id,
            &row,
            status,
            &device.user,
            &request.device_id,
            request,
            now,
        );
        tx.commit()?;
        result
    }

    #[allow(clippy::too_many_arguments)]
    fn decide(
        &self,
        tx: &Tx<'_>,
        id: &str,
        row: &ChallengeRow,
        status: ChallengeStatus,
        user: &str,
        device_id: &str,
        request: &AnswerRequest,
        now: i64,
    ) -> ServerResult<AnswerResponse> {
        match status {
            ChallengeStatus::Pending => {}
            ChallengeStatus::Expired => {
                let first = tx.execute(
                    "UPDATE challenges SET status = 'expired' WHERE id = $1 AND status = 'pending'",
                    params![id],
                )?;
                if first > 0 {
                    self.record_audit(
                        tx,
                        now,
                        AuditKind::ChallengeExpired,
                        &AuditEvent {
                            user: Some(user.to_owned()),
                            device: Some(device_id.to_owned()),
                            challenge: Some(id.to_owned()),
                            ..AuditEvent::default()
                        },
                    )?;
                }
                return Err(ServerError::new(
                    ErrorCode::ChallengeExpired,
                    "this sign-in request has expired",
                ));
            }
            done => {
                let mut e = ServerError::new(
                    ErrorCode::AlreadyAnswered,
                    "this sign-in request was already answered",
                );
                e.status = Some(done);
                return Err(e);
            }
        }
        let finish = |status: ChallengeStatus| -> ServerResult<AnswerResponse> {
            tx.execute(
                "UPDATE challenges SET status = $2, answered_at = $3, answered_by = $4 WHERE id = $1",
                params![id, status.as_str(), now, device_id],
            )?;
            let kind = match status {
                ChallengeStatus::Approved => AuditKind::ChallengeApproved,
                ChallengeStatus::Fraud => AuditKind::ChallengeFraud,
                _ => AuditKind::ChallengeDenied,
            };
            self.record_audit(
                tx,
                now,
                kind,
                &AuditEvent {
                    user: Some(user.to_owned()),
                    device: Some(device_id.to_owned()),
                    challenge: Some(id.to_owned()),
                    ..AuditEvent::default()
                },
            )?;
            Ok(AnswerResponse {
                status,
                server_time: now,
            })
        };
        match request.decision {
            Decision::Approve => {
                if let Some(expected) = row.number {
                    let Some(given) = request.number else {
                        return Err(ServerError::new(
                            ErrorCode::NumberRequired,
                            "approve needs the number shown on the sign-in screen",
                        ));
                    };
                    if given != expected {
                        let tries = row.wrong_tries + 1;
                        let left = self.policy.max_number_tries.saturating_sub(tries);
                        tx.execute(
                            "UPDATE challenges SET wrong_tries = $2 WHERE id = $1",
                            params![id, tries],
                        )?;
                        if left == 0 {
                            finish(ChallengeStatus::Denied)?;
                            self.after_denial(tx, user, now)?;
                        }
                        return Err(ServerError::new(
                            ErrorCode::WrongNumber,
                            "that is not the number on the sign-in screen",
                        )
                        .with_tries_left(left));
                    }
                }
                finish(ChallengeStatus::Approved)
            }
            Decision::Deny => {
                let r = finish(ChallengeStatus::Denied)?;
                self.after_denial(tx, user, now)?;
                Ok(r)
            }
            Decision::Fraud => {
                let r = finish(ChallengeStatus::Fraud)?;
                tx.execute(
                    "UPDATE users SET cooldown_reason = 'fraud reported',
                         cooldown_until = CASE WHEN cooldown_until > $2 THEN cooldown_until ELSE $2 END
                     WHERE name = $1",
                    params![user, now + self.policy.fraud_cooldown],
                )?;
                Ok(r)
            }
        }
    }

    /// Three denials within the window start a cool-down.
    fn after_denial(&self, tx: &Tx<'_>, user: &str, now: i64) -> ServerResult<()> {
        let denials: u32 = tx
            .query_one(
                "SELECT COUNT(*) FROM challenges
                 WHERE user_name = $1 AND status = 'denied' AND answered_at > $2",
                params![user, now - self.policy.deny_window],
            )?
            .get(0)?;
        if denials >= self.policy.max_denials {
            tx.execute(
                "UPDATE users SET cooldown_reason = 'too many denials',
                     cooldown_until = CASE WHEN cooldown_until > $2 THEN cooldown_until ELSE $2 END
                 WHERE name = $1",
                params![user, now + self.policy.deny_cooldown],
            )?;
        }
        Ok(())
    }
}

fn effective_status(row: &ChallengeRow, now: i64) -> ChallengeStatus {
    if row.status == ChallengeStatus::Pending && now >= row.expires_at {
        ChallengeStatus::Expired
    } else {
        row.status
    }
}

pub(crate) fn check_timestamp(timestamp: i64, now: i64) -> ServerResult<()> {
    // abs_diff: any i64 a request claims, however extreme, is just far
    // away (a subtraction would overflow).
    if timestamp.abs_diff(now) > REPLAY_WINDOW_SECS.unsigned_abs() {
        return Err(ServerError::new(
            ErrorCode::StaleTimestamp,
            format!("timestamp is more than {REPLAY_WINDOW_SECS} s from server time"),
        ));
    }
    Ok(())
}

pub(crate) fn load_device(tx: &Tx<'_>, device_id: &str) -> ServerResult<Device> {
    check_field("device_id", device_id).map_err(bad)?;
    let row = tx
        .query_opt(
            // A revoked device is unknown from the moment it is revoked.
            "SELECT user_name, public_key FROM devices WHERE id = $1 AND revoked_at IS NULL",
            params![device_id],
        )?
        .ok_or_else(|| ServerError::new(ErrorCode::UnknownDevice, "unknown device"))?;
    Ok(Device {
        user: row.get(0)?,
        public_key: row.get(1)?,
    })
}

/// Challenge `id`; with `lock`, its row stays locked until the
/// transaction ends (it is about to be decided).
fn load_challenge(tx: &Tx<'_>, id: &str, lock: bool) -> ServerResult<ChallengeRow> {
    let row = tx
        .query_opt(
            &format!(
                "SELECT user_name, nonce, expires_at, number, status, wrong_tries, answered_at
                 FROM challenges WHERE id = $1{}",
                if lock { tx.for_update() } else { "" }
            ),
            params![id],
        )?
        .ok_or_else(|| ServerError::new(ErrorCode::ChallengeNotFound, "no such challenge"))?;
    let status: String = row.get(4)?;
    let status = ChallengeStatus::parse(&status)
        .ok_or_else(|| ServerError::internal("challenge status", &status))?;
    Ok(ChallengeRow {
        user: row.get(0)?,
        nonce: row.get(1)?,
        expires_at: row.get(2)?,
        number: row.get(3)?,
        status,
        wrong_tries: row.get(5)?,
        answered_at: row.get(6)?,
    })
}

/// Records a verified request's nonce (a second use is a replay) and when
/// its device was last seen. Nonces older than twice the window can no
/// longer pass the timestamp check and are dropped.
pub(crate) fn remember_nonce(
    tx: &Tx<'_>,
    device_id: &str,
    nonce: &str,
    now: i64,
) -> ServerResult<()> {
    check_field("nonce", nonce).map_err(bad)?;
    if nonce.len() < 16 {
        return Err(ServerError::bad_request("nonce is too short"));
    }
    tx.execute(
        "DELETE FROM nonces WHERE seen_at < $1",
        params![now - 2 * REPLAY_WINDOW_SECS - 1],
    )?;
    let inserted = tx.execute(
        "INSERT INTO nonces(device_id, nonce, seen_at) VALUES ($1, $2, $3)
         ON CONFLICT(device_id, nonce) DO NOTHING",
        params![device_id, nonce, now],
    )?;
    if inserted == 0 {
        return Err(ServerError::new(
            ErrorCode::ReplayedNonce,
            "this request was already received (replay)",
        ));
    }
    // Called only after the signature verified: the device was here.
    tx.execute(
        "UPDATE devices SET last_seen = $2 WHERE id = $1",
        params![device_id, now],
    )?;
    Ok(())
}
