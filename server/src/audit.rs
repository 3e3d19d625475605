//! The audit log: an append-only record of what happened to whom, for the
//! people who must later answer "who approved that sign-in?". One row an
//! event, written in the same transaction as the change it records, so the
//! log and the state never disagree. The table refuses UPDATE and DELETE
//! (SQLite triggers); nothing secret is ever in it: no activation code, no
//! key, no number.
//!
//! `watchword-server audit --db D --since T --json` prints it as JSON lines.

use serde::Serialize;

use crate::{PushServer, error::ServerResult, params, store::Tx};

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditKind {
    /// An administrator issued an activation code.
    ActivationIssued,
    /// A wrong activation code was tried.
    ActivationFailed,
    /// The code's tries ran out.
    ActivationLocked,
    /// A device activated with a code.
    DeviceActivated,
    /// An administrator revoked a device.
    DeviceRevoked,
    /// An administrator removed a user.
    UserRemoved,
    /// A relying party (or the administrator) raised a sign-in.
    ChallengeCreated,
    /// A device approved it.
    ChallengeApproved,
    /// A device denied it.
    ChallengeDenied,
    /// A device reported it as fraud.
    ChallengeFraud,
    /// An answer came after it expired (it stays expired).
    ChallengeExpired,
    /// A relying-party key was made or renewed.
    RpKeyAdded,
    /// A relying-party key was revoked.
    RpKeyRevoked,
    /// The server's Web Push (VAPID) key was replaced.
    VapidKeyRotated,
    /// The administrator key (admin HTTP API) was set or replaced.
    AdminKeyChanged,
}

impl AuditKind {
    /// The name stored and printed.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditKind::ActivationIssued => "activation_issued",
            AuditKind::ActivationFailed => "activation_failed",
            AuditKind::ActivationLocked => "activation_locked",
            AuditKind::DeviceActivated => "device_activated",
            AuditKind::DeviceRevoked => "device_revoked",
            AuditKind::UserRemoved => "user_removed",
            AuditKind::ChallengeCreated => "challenge_created",
            AuditKind::ChallengeApproved => "challenge_approved",
            AuditKind::ChallengeDenied => "challenge_denied",
            AuditKind::ChallengeFraud => "challenge_fraud",
            AuditKind::ChallengeExpired => "challenge_expired",
            AuditKind::RpKeyAdded => "rp_key_added",
            AuditKind::RpKeyRevoked => "rp_key_revoked",
            AuditKind::VapidKeyRotated => "vapid_key_rotated",
            AuditKind::AdminKeyChanged => "admin_key_changed",
        }
    }
}

/// One event to record: its kind and whatever of the context it has.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AuditEvent {
    /// The user concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// The device concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
    /// The relying party concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rp: Option<String>,
    /// The challenge (sign-in) concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub challenge: Option<String>,
    /// The application signed in to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app: Option<String>,
    /// Where the sign-in came from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// The sign-in's IP address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
}

/// One recorded event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditRecord {
    /// Its place in the log (increasing).
    pub seq: i64,
    /// When, Unix seconds.
    pub at: i64,
    /// What happened.
    pub event: String,
    /// The context.
    #[serde(flatten)]
    pub context: AuditEvent,
}

/// Appends one event (inside the caller's transaction).
pub(crate) fn record(tx: &Tx<'_>, at: i64, kind: AuditKind, e: &AuditEvent) -> ServerResult<()> {
    let blank = |v: &Option<String>| v.clone().filter(|s| !s.is_empty());
    tx.execute(
        "INSERT INTO audit(at, event, user_name, device, rp, challenge, app, location, ip)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        params![
            at,
            kind.as_str(),
            &e.user,
            &e.device,
            &e.rp,
            &e.challenge,
            blank(&e.app),
            blank(&e.location),
            blank(&e.ip)
        ],
    )?;
    Ok(())
}

impl PushServer {
    /// The audit log from Unix time `since` on, oldest first.
    pub fn audit_since(&self, since: i64) -> ServerResult<Vec<AuditRecord>> {
        self.store()
            .read()?
            .query(
                "SELECT seq, at, event, user_name, device, rp, challenge, app, location, ip
                 FROM audit WHERE at >= $1 ORDER BY seq",
                params![since],
            )?
            .iter()
            .map(|r| {
                Ok(AuditRecord {
                    seq: r.get(0)?,
                    at: r.get(1)?,
                    event: r.get(2)?,
                    context: AuditEvent {
                        user: r.get(3)?,
                        device: r.get(4)?,
                        rp: r.get(5)?,
                        challenge: r.get(6)?,
                        app: r.get(7)?,
                        location: r.get(8)?,
                        ip: r.get(9)?,
                    },
                })
            })
            .collect()
    }
}
