//! A device's requests made by hand, field by field, so tests can send
//! what a real device never would: replays, other devices' keys, stale
//! times, the same request to two server instances at once.

// Helpers panic on failure, like the tests that call them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use reqwest::StatusCode;
use watchword_core::push::{
    Decision, ErrorCode, PushAccount,
    keys::{SigningKey, random_b64},
    protocol::{
        self, AnswerFields, AnswerRequest, ErrorBody, HEADER_DEVICE, HEADER_NONCE,
        HEADER_SIGNATURE, HEADER_TIMESTAMP, PENDING_PATH,
    },
};

/// An independent client: signed pending fetch with explicit fields.
pub async fn raw_pending(
    base: &str,
    account: &PushAccount,
    key: &SigningKey,
    timestamp: i64,
    nonce: &str,
) -> (StatusCode, serde_json::Value) {
    let input =
        protocol::request_input("GET", PENDING_PATH, &account.device_id, timestamp, nonce).unwrap();
    let r = reqwest::Client::new()
        .get(format!("{base}{PENDING_PATH}"))
        .header(HEADER_DEVICE, &account.device_id)
        .header(HEADER_TIMESTAMP, timestamp.to_string())
        .header(HEADER_NONCE, nonce)
        .header(HEADER_SIGNATURE, key.sign(&input).unwrap())
        .send()
        .await
        .unwrap();
    (r.status(), r.json().await.unwrap())
}

/// Posts an answer as it is, for its status and body.
pub async fn post_answer(
    base: &str,
    id: &str,
    body: &AnswerRequest,
) -> (StatusCode, serde_json::Value) {
    let r = reqwest::Client::new()
        .post(format!("{base}{}", protocol::answer_path(id)))
        .json(body)
        .send()
        .await
        .unwrap();
    (r.status(), r.json().await.unwrap())
}

/// The error code of a refusal body.
pub fn code_of(v: &serde_json::Value) -> ErrorCode {
    serde_json::from_value::<ErrorBody>(v.clone())
        .unwrap()
        .error
        .code
}

/// Signs an answer with `key` claiming `device_id`.
#[allow(clippy::too_many_arguments)]
pub fn signed_answer(
    key: &SigningKey,
    device_id: &str,
    id: &str,
    challenge_nonce: &str,
    decision: Decision,
    number: Option<u8>,
    timestamp: i64,
) -> AnswerRequest {
    let request_nonce = random_b64(16).unwrap();
    let input = protocol::answer_input(&AnswerFields {
        challenge_id: id,
        challenge_nonce,
        device_id,
        decision,
        number,
        timestamp,
        request_nonce: &request_nonce,
    })
    .unwrap();
    AnswerRequest {
        device_id: device_id.into(),
        decision,
        number,
        timestamp,
        request_nonce,
        signature: key.sign(&input).unwrap(),
    }
}
