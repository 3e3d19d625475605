//! The Watchword push protocol v1, shared by the device and the reference
//! server: paths, headers, wire messages, error codes and the canonical
//! signing inputs.
//!
//! `docs/push-protocol.md` is the prose form of this file. Every signature
//! covers a *canonical* byte string built here, never "the JSON as sent":
//! a domain tag (`watchword-v1/<message>`) on the first line so a signature
//! for one message can never be replayed as another, then one field per
//! line. Fields are refused if they hold a line break (see
//! [`check_field`]), which makes the encoding unambiguous.

use serde::{Deserialize, Serialize};

/// Path (relative to the server's base URL) of activation; the enrolment id
/// follows.
pub const ACTIVATE_PATH: &str = "/v1/activate/";
/// Path of the relying party's challenge creation.
pub const CHALLENGES_PATH: &str = "/v1/challenges";
/// Path of the device's signed pending fetch.
pub const PENDING_PATH: &str = "/v1/device/pending";
/// Path of the device's signed push-token change.
pub const PUSH_TOKEN_PATH: &str = "/v1/device/push-token";
/// Path prefix of a device answer: `/v1/device/challenges/<id>/answer`.
pub const DEVICE_CHALLENGES_PATH: &str = "/v1/device/challenges/";

/// Header carrying the device id of a signed request.
pub const HEADER_DEVICE: &str = "watchword-device";
/// Header carrying the Unix time (seconds) of a signed request.
pub const HEADER_TIMESTAMP: &str = "watchword-timestamp";
/// Header carrying the single-use nonce of a signed request.
pub const HEADER_NONCE: &str = "watchword-nonce";
/// Header carrying the signature of a signed request.
pub const HEADER_SIGNATURE: &str = "watchword-signature";

/// How far a signed request's timestamp may be from server time, seconds.
pub const REPLAY_WINDOW_SECS: i64 = 120;
/// Length of an activation code, in digits.
pub const ACTIVATION_CODE_DIGITS: usize = 9;
/// Longest text field accepted (app, location, names), in bytes.
pub const MAX_FIELD_LEN: usize = 200;

/// The path of the answer endpoint of challenge `id`.
pub fn answer_path(id: &str) -> String {
    format!("{DEVICE_CHALLENGES_PATH}{id}/answer")
}

/// Why a field cannot go into a signing input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldError {
    /// The field holds a CR or LF (it would forge a line of the input).
    #[error("{0} must not contain a line break")]
    LineBreak(&'static str),
    /// The field is longer than [`MAX_FIELD_LEN`].
    #[error("{0} is longer than {MAX_FIELD_LEN} bytes")]
    TooLong(&'static str),
}

/// Checks that `value` can be one line of a signing input.
pub fn check_field(name: &'static str, value: &str) -> Result<(), FieldError> {
    if value.contains(['\n', '\r']) {
        return Err(FieldError::LineBreak(name));
    }
    if value.len() > MAX_FIELD_LEN {
        return Err(FieldError::TooLong(name));
    }
    Ok(())
}

/// What the device answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// "Yes, that is me" (with the number when the challenge needs one).
    Approve,
    /// "No" (I changed my mind, or it was a mistake).
    Deny,
    /// "I did not start this": a fraud report; causes a cool-down.
    Fraud,
}

impl Decision {
    /// The wire and signing-input spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Approve => "approve",
            Decision::Deny => "deny",
            Decision::Fraud => "fraud",
        }
    }

    /// Parses the wire spelling.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "approve" => Some(Decision::Approve),
            "deny" => Some(Decision::Deny),
            "fraud" => Some(Decision::Fraud),
            _ => None,
        }
    }
}

/// The status a relying party sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChallengeStatus {
    /// Not answered yet and not expired.
    Pending,
    /// The user approved (with the right number).
    Approved,
    /// The user denied, or typed a wrong number too often.
    Denied,
    /// The user reported fraud.
    Fraud,
    /// Nobody answered in time.
    Expired,
}

impl ChallengeStatus {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ChallengeStatus::Pending => "pending",
            ChallengeStatus::Approved => "approved",
            ChallengeStatus::Denied => "denied",
            ChallengeStatus::Fraud => "fraud",
            ChallengeStatus::Expired => "expired",
        }
    }

    /// Parses the wire spelling.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(ChallengeStatus::Pending),
            "approved" => Some(ChallengeStatus::Approved),
            "denied" => Some(ChallengeStatus::Denied),
            "fraud" => Some(ChallengeStatus::Fraud),
            "expired" => Some(ChallengeStatus::Expired),
            _ => None,
        }
    }
}

/// Every refusal the server can give, each with its own code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Malformed request (bad JSON, missing field, line break in a field).
    BadRequest,
    /// Relying-party call without a valid API key.
    Unauthorized,
    /// No enrolment behind this activation URL.
    ActivationNotFound,
    /// Wrong activation code (tries left in `tries_left`).
    ActivationWrongCode,
    /// The activation code was already used.
    ActivationUsed,
    /// The activation code is older than 10 minutes.
    ActivationExpired,
    /// Five wrong codes: the enrolment is locked.
    ActivationLocked,
    /// The device id is not known (or was removed).
    UnknownDevice,
    /// The request's signature does not verify with the device key.
    BadSignature,
    /// The request's timestamp is outside the replay window.
    StaleTimestamp,
    /// The request's nonce was already used.
    ReplayedNonce,
    /// No such user.
    UnknownUser,
    /// The user has no activated device to ask.
    NoDevice,
    /// The user already has the maximum of open challenges.
    TooManyOpen,
    /// The user is in a cool-down (after denials or a fraud report).
    CoolDown,
    /// No such challenge.
    ChallengeNotFound,
    /// The challenge belongs to another user's devices.
    WrongDevice,
    /// The challenge expired before the answer.
    ChallengeExpired,
    /// The challenge already has an answer.
    AlreadyAnswered,
    /// Approve with a wrong number (the challenge stays open).
    WrongNumber,
    /// Approve without the number the challenge needs.
    NumberRequired,
    /// The request body is over the server's limit (16 KiB).
    TooLarge,
    /// A server fault.
    Internal,
}

impl ErrorCode {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::ActivationNotFound => "activation_not_found",
            ErrorCode::ActivationWrongCode => "activation_wrong_code",
            ErrorCode::ActivationUsed => "activation_used",
            ErrorCode::ActivationExpired => "activation_expired",
            ErrorCode::ActivationLocked => "activation_locked",
            ErrorCode::UnknownDevice => "unknown_device",
            ErrorCode::BadSignature => "bad_signature",
            ErrorCode::StaleTimestamp => "stale_timestamp",
            ErrorCode::ReplayedNonce => "replayed_nonce",
            ErrorCode::UnknownUser => "unknown_user",
            ErrorCode::NoDevice => "no_device",
            ErrorCode::TooManyOpen => "too_many_open",
            ErrorCode::CoolDown => "cool_down",
            ErrorCode::ChallengeNotFound => "challenge_not_found",
            ErrorCode::WrongDevice => "wrong_device",
            ErrorCode::ChallengeExpired => "challenge_expired",
            ErrorCode::AlreadyAnswered => "already_answered",
            ErrorCode::WrongNumber => "wrong_number",
            ErrorCode::NumberRequired => "number_required",
            ErrorCode::TooLarge => "too_large",
            ErrorCode::Internal => "internal",
        }
    }

    /// The HTTP status the server sends with this code.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::BadRequest | ErrorCode::NumberRequired => 400,
            ErrorCode::Unauthorized
            | ErrorCode::UnknownDevice
            | ErrorCode::BadSignature
            | ErrorCode::StaleTimestamp => 401,
            ErrorCode::ActivationWrongCode | ErrorCode::WrongDevice => 403,
            ErrorCode::ActivationNotFound
            | ErrorCode::UnknownUser
            | ErrorCode::ChallengeNotFound => 404,
            ErrorCode::ReplayedNonce | ErrorCode::NoDevice | ErrorCode::AlreadyAnswered => 409,
            ErrorCode::ActivationUsed
            | ErrorCode::ActivationExpired
            | ErrorCode::ChallengeExpired => 410,
            ErrorCode::TooLarge => 413,
            ErrorCode::WrongNumber => 422,
            ErrorCode::ActivationLocked => 423,
            ErrorCode::TooManyOpen | ErrorCode::CoolDown => 429,
            ErrorCode::Internal => 500,
        }
    }
}

/// The body of every refusal: `{"error": {...}, "server_time": T}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// The refusal.
    pub error: ErrorDetail,
    /// Server time (Unix seconds), so even a refusal corrects the clock.
    pub server_time: i64,
}

/// One refusal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// The machine-readable code.
    pub code: ErrorCode,
    /// A human message (never a secret).
    pub message: String,
    /// Tries left (wrong activation code, wrong number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tries_left: Option<u32>,
    /// Seconds until the cool-down ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<i64>,
    /// The current status (with `already_answered`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ChallengeStatus>,
}

/// Device -> server: `POST <base>/v1/activate/<enrolment_id>`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ActivateRequest {
    /// The 9-digit activation code (digits only).
    pub code: String,
    /// The device's P-256 public key: base64url (no padding) of the 65-byte
    /// uncompressed point.
    pub public_key: String,
    /// A name for the device that the administrator sees.
    pub device_name: String,
    /// Where the server sends this device's notifications (APNs, FCM,
    /// Web Push); without one the device polls.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub push: Option<super::PushToken>,
    /// Before typed tokens: an untyped token no sender can use. Accepted
    /// from older devices and ignored.
    #[serde(default, skip_serializing)]
    pub push_token: Option<String>,
}

/// Device -> server: `POST <base>/v1/device/push-token`, the device's new
/// push address (or none: stop sending, poll).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PushTokenUpdate {
    /// The device.
    pub device_id: String,
    /// The new address; `None` removes it.
    #[serde(default)]
    pub push: Option<super::PushToken>,
    /// Unix seconds (device clock corrected by the learned offset).
    pub timestamp: i64,
    /// Single-use request nonce.
    pub request_nonce: String,
    /// Device signature over [`push_token_input`].
    pub signature: String,
}

/// Server -> device: the new address is registered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushTokenUpdated {
    /// Server time, Unix seconds.
    pub server_time: i64,
}

/// Signing input of a push-token change (the device signs):
/// `watchword-v1/push-token\n<device_id>\n<ts>\n<nonce>\n<canonical token JSON or empty>`.
pub fn push_token_input(
    device_id: &str,
    timestamp: i64,
    request_nonce: &str,
    push: Option<&super::PushToken>,
) -> Result<Vec<u8>, FieldError> {
    check_field("device_id", device_id)?;
    check_field("request_nonce", request_nonce)?;
    let token = push
        .map(super::PushToken::canonical_json)
        .unwrap_or_default();
    Ok(
        format!("watchword-v1/push-token\n{device_id}\n{timestamp}\n{request_nonce}\n{token}")
            .into_bytes(),
    )
}

/// Server -> device: the activation result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivateResponse {
    /// The new device id.
    pub device_id: String,
    /// The account's user name.
    pub user: String,
    /// The account's organisation.
    pub organisation: String,
    /// The server's P-256 public key (base64url, uncompressed point).
    pub server_public_key: String,
    /// Server time, Unix seconds.
    pub server_time: i64,
    /// Server signature over [`activation_input`].
    pub signature: String,
}

/// Relying party -> server: `POST <base>/v1/challenges`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CreateChallengeRequest {
    /// Whose sign-in.
    pub user: String,
    /// The application being signed in to.
    pub app: String,
    /// Where the sign-in comes from (e.g. "Utrecht, NL").
    #[serde(default)]
    pub location: String,
    /// The sign-in's IP address.
    #[serde(default)]
    pub ip: String,
    /// Seconds to answer (default 60, 10..=600).
    #[serde(default)]
    pub ttl: Option<i64>,
    /// Number matching (default true).
    #[serde(default)]
    pub number_matching: Option<bool>,
}

/// Server -> relying party: the new challenge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateChallengeResponse {
    /// The challenge id.
    pub id: String,
    /// The number the sign-in screen shows (only the relying party sees it).
    pub number: Option<u8>,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub expires_at: i64,
    /// Server time, Unix seconds.
    pub server_time: i64,
}

/// Server -> relying party: `GET <base>/v1/challenges/<id>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeStatusResponse {
    /// The challenge id.
    pub id: String,
    /// Where it stands.
    pub status: ChallengeStatus,
    /// When it was answered (Unix seconds), if it was.
    pub answered_at: Option<i64>,
    /// Unix seconds.
    pub expires_at: i64,
    /// Server time, Unix seconds.
    pub server_time: i64,
    /// How the notification to each of the user's devices went: whether
    /// the phone was reached.
    #[serde(default)]
    pub deliveries: Vec<Delivery>,
}

/// Where the notification to one device stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Being sent.
    Sending,
    /// Accepted by the push service.
    Sent,
    /// A transient failure; trying again within the challenge's lifetime.
    Retrying,
    /// Not delivered (refused, or no time left to retry).
    Failed,
    /// The push service no longer knows the device: its token was dropped
    /// (the device polls until it registers a new one).
    TokenDropped,
    /// The device registered no push address: it polls.
    NoAddress,
}

impl DeliveryState {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Sending => "sending",
            DeliveryState::Sent => "sent",
            DeliveryState::Retrying => "retrying",
            DeliveryState::Failed => "failed",
            DeliveryState::TokenDropped => "token_dropped",
            DeliveryState::NoAddress => "no_address",
        }
    }

    /// Reads [`Self::as_str`] back.
    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Sending,
            Self::Sent,
            Self::Retrying,
            Self::Failed,
            Self::TokenDropped,
            Self::NoAddress,
        ]
        .into_iter()
        .find(|d| d.as_str() == s)
    }
}

/// The notification of one challenge to one device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    /// The device.
    pub device_id: String,
    /// Through which push service (none: the device polls).
    pub kind: Option<super::PushTokenKind>,
    /// Where it stands.
    pub state: DeliveryState,
    /// Send attempts so far.
    pub attempts: u32,
    /// The last failure, as the push service put it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Unix seconds of the last change.
    pub updated_at: i64,
}

/// One challenge as the server sends it to a device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireChallenge {
    /// The challenge id.
    pub id: String,
    /// A random per-challenge nonce the answer signs.
    pub nonce: String,
    /// User of the account.
    pub user: String,
    /// Organisation of the account.
    pub organisation: String,
    /// Application signed in to.
    pub app: String,
    /// Where the sign-in comes from.
    pub location: String,
    /// IP of the sign-in.
    pub ip: String,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub expires_at: i64,
    /// Whether approve needs the number from the sign-in screen.
    pub needs_number: bool,
    /// Server signature over [`challenge_input`] for the fetching device.
    pub signature: String,
}

/// Server -> device: the pending list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingResponse {
    /// Open challenges for this device's user.
    pub challenges: Vec<WireChallenge>,
    /// Server time, Unix seconds.
    pub server_time: i64,
}

/// Device -> server: `POST <base>/v1/device/challenges/<id>/answer`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AnswerRequest {
    /// The answering device.
    pub device_id: String,
    /// The answer.
    pub decision: Decision,
    /// The typed number (approve with number matching).
    #[serde(default)]
    pub number: Option<u8>,
    /// Unix seconds (device clock corrected by the learned offset).
    pub timestamp: i64,
    /// Single-use request nonce.
    pub request_nonce: String,
    /// Device signature over [`answer_input`].
    pub signature: String,
}

/// Server -> device: the answer was taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerResponse {
    /// The challenge's status now.
    pub status: ChallengeStatus,
    /// Server time, Unix seconds.
    pub server_time: i64,
}

/// The notification payload a push sender delivers: ids only, the content
/// is fetched over TLS with a signed request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushPayload {
    /// Protocol version, 1. Read from a number or, as FCM data messages
    /// carry every value, a string.
    #[serde(deserialize_with = "number_or_string")]
    pub v: u32,
    /// The device the push is for.
    pub device_id: String,
    /// The challenge to fetch.
    pub challenge_id: String,
}

/// A `u32` sent as a number or as its decimal string.
fn number_or_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        Number(u32),
        Text(String),
    }
    match Either::deserialize(d)? {
        Either::Number(n) => Ok(n),
        Either::Text(t) => t.parse().map_err(serde::de::Error::custom),
    }
}

/// Signing input of a device's signed request (the pending fetch):
/// `watchword-v1/pending-request\n<METHOD>\n<path>\n<device_id>\n<ts>\n<nonce>`.
pub fn request_input(
    method: &str,
    path: &str,
    device_id: &str,
    timestamp: i64,
    nonce: &str,
) -> Result<Vec<u8>, FieldError> {
    check_field("method", method)?;
    check_field("path", path)?;
    check_field("device_id", device_id)?;
    check_field("nonce", nonce)?;
    Ok(
        format!(
            "watchword-v1/pending-request\n{method}\n{path}\n{device_id}\n{timestamp}\n{nonce}"
        )
        .into_bytes(),
    )
}

/// Signing input of a challenge as sent to one device (the server signs):
/// `watchword-v1/challenge\n<id>\n<nonce>\n<device_id>\n<user>\n<organisation>\n<app>\n<location>\n<ip>\n<created_at>\n<expires_at>\n<0|1>`.
pub fn challenge_input(c: &WireChallenge, device_id: &str) -> Result<Vec<u8>, FieldError> {
    for (name, v) in [
        ("id", &c.id),
        ("nonce", &c.nonce),
        ("user", &c.user),
        ("organisation", &c.organisation),
        ("app", &c.app),
        ("location", &c.location),
        ("ip", &c.ip),
    ] {
        check_field(name, v)?;
    }
    check_field("device_id", device_id)?;
    Ok(format!(
        "watchword-v1/challenge\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}",
        c.id,
        c.nonce,
        device_id,
        c.user,
        c.organisation,
        c.app,
        c.location,
        c.ip,
        c.created_at,
        c.expires_at,
        u8::from(c.needs_number)
    )
    .into_bytes())
}

/// The fields of an answer that the device signs.
#[derive(Debug, Clone, Copy)]
pub struct AnswerFields<'a> {
    /// Challenge id.
    pub challenge_id: &'a str,
    /// The challenge's nonce (from the signed challenge).
    pub challenge_nonce: &'a str,
    /// The answering device.
    pub device_id: &'a str,
    /// The answer.
    pub decision: Decision,
    /// The typed number, if any.
    pub number: Option<u8>,
    /// Unix seconds.
    pub timestamp: i64,
    /// Single-use request nonce.
    pub request_nonce: &'a str,
}

/// Signing input of an answer (the device signs):
/// `watchword-v1/answer\n<challenge_id>\n<challenge_nonce>\n<device_id>\n<decision>\n<number or empty>\n<ts>\n<request_nonce>`.
pub fn answer_input(a: &AnswerFields<'_>) -> Result<Vec<u8>, FieldError> {
    check_field("challenge_id", a.challenge_id)?;
    check_field("challenge_nonce", a.challenge_nonce)?;
    check_field("device_id", a.device_id)?;
    check_field("request_nonce", a.request_nonce)?;
    let number = a.number.map(|n| n.to_string()).unwrap_or_default();
    Ok(format!(
        "watchword-v1/answer\n{}\n{}\n{}\n{}\n{}\n{}\n{}",
        a.challenge_id,
        a.challenge_nonce,
        a.device_id,
        a.decision.as_str(),
        number,
        a.timestamp,
        a.request_nonce
    )
    .into_bytes())
}

/// Signing input of the activation reply (the server signs), binding the
/// device key to the new device id and account:
/// `watchword-v1/activation\n<enrolment_id>\n<device_id>\n<user>\n<organisation>\n<device_public_key>\n<server_time>`.
pub fn activation_input(
    enrolment_id: &str,
    r: &ActivateResponse,
    device_public_key: &str,
) -> Result<Vec<u8>, FieldError> {
    check_field("enrolment_id", enrolment_id)?;
    check_field("device_id", &r.device_id)?;
    check_field("user", &r.user)?;
    check_field("organisation", &r.organisation)?;
    check_field("public_key", device_public_key)?;
    Ok(format!(
        "watchword-v1/activation\n{enrolment_id}\n{}\n{}\n{}\n{device_public_key}\n{}",
        r.device_id, r.user, r.organisation, r.server_time
    )
    .into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_payloads_read_as_apns_and_fcm_carry_them() {
        for json in [
            r#"{"aps":{"mutable-content":1},"v":1,"device_id":"d1","challenge_id":"c1"}"#,
            r#"{"v":"1","device_id":"d1","challenge_id":"c1"}"#,
        ] {
            let p: PushPayload = serde_json::from_str(json).unwrap();
            assert_eq!((p.v, p.device_id.as_str()), (1, "d1"));
        }
        // serde_json's error is opaque: a data error from reading "x" as
        // the version number, not a syntax error or a missing field.
        let e =
            serde_json::from_str::<PushPayload>(r#"{"v":"x","device_id":"d","challenge_id":"c"}"#)
                .unwrap_err();
        assert!(
            e.is_data() && e.to_string().contains("invalid digit"),
            "{e}"
        );
    }

    fn sample() -> WireChallenge {
        WireChallenge {
            id: "c_01".into(),
            nonce: "n1".into(),
            user: "alice".into(),
            organisation: "Example".into(),
            app: "Outlook".into(),
            location: "Utrecht, NL".into(),
            ip: "203.0.113.7".into(),
            created_at: 1_700_000_000,
            expires_at: 1_700_000_060,
            needs_number: true,
            signature: String::new(),
        }
    }

    #[test]
    fn signing_inputs_are_byte_exact() {
        assert_eq!(
            request_input("GET", PENDING_PATH, "d_1", 1_700_000_000, "abc").unwrap(),
            b"watchword-v1/pending-request\nGET\n/v1/device/pending\nd_1\n1700000000\nabc"
        );
        assert_eq!(
            challenge_input(&sample(), "d_1").unwrap(),
            b"watchword-v1/challenge\nc_01\nn1\nd_1\nalice\nExample\nOutlook\nUtrecht, NL\n203.0.113.7\n1700000000\n1700000060\n1".as_slice()
        );
        let a = AnswerFields {
            challenge_id: "c_01",
            challenge_nonce: "n1",
            device_id: "d_1",
            decision: Decision::Approve,
            number: Some(42),
            timestamp: 1_700_000_005,
            request_nonce: "r1",
        };
        assert_eq!(
            answer_input(&a).unwrap(),
            b"watchword-v1/answer\nc_01\nn1\nd_1\napprove\n42\n1700000005\nr1".as_slice()
        );
        let deny = AnswerFields {
            decision: Decision::Deny,
            number: None,
            ..a
        };
        assert_eq!(
            answer_input(&deny).unwrap(),
            b"watchword-v1/answer\nc_01\nn1\nd_1\ndeny\n\n1700000005\nr1".as_slice()
        );
    }

    #[test]
    fn a_line_break_in_any_field_is_refused() {
        let mut c = sample();
        c.location = "Utrecht\n1".into();
        assert_eq!(
            challenge_input(&c, "d_1"),
            Err(FieldError::LineBreak("location"))
        );
        assert_eq!(
            request_input("GET", "/p", "d\r", 1, "n"),
            Err(FieldError::LineBreak("device_id"))
        );
        let long = "x".repeat(MAX_FIELD_LEN + 1);
        assert_eq!(check_field("app", &long), Err(FieldError::TooLong("app")));
    }

    #[test]
    fn codes_and_statuses_round_trip() {
        for s in ["pending", "approved", "denied", "fraud", "expired"] {
            assert_eq!(ChallengeStatus::parse(s).unwrap().as_str(), s);
        }
        for d in ["approve", "deny", "fraud"] {
            assert_eq!(Decision::parse(d).unwrap().as_str(), d);
        }
        let json = serde_json::to_string(&ErrorCode::ActivationWrongCode).unwrap();
        assert_eq!(
            json,
            format!("\"{}\"", ErrorCode::ActivationWrongCode.as_str())
        );
        assert_eq!(ErrorCode::CoolDown.http_status(), 429);
    }
}
