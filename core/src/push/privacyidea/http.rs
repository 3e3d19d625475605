//! HTTP to a privacyIDEA server: form POSTs and signed GETs against the
//! token's URL, the `{"result": {...}, "detail": {...}}` envelope, and the
//! server's clock from the `Date` header (privacyIDEA puts no time in its
//! bodies; the phone's poll must be within ±60 s of it).

use serde_json::Value;

use super::PiError;
use crate::{
    http::{HttpRequest, HttpResponse},
    push::client::ServerClient,
};

/// A decoded privacyIDEA reply.
#[derive(Debug)]
pub struct PiReply {
    /// `result.value` of a successful reply.
    pub value: Value,
    /// `detail`, or null.
    pub detail: Value,
    /// Server time from the `Date` header, Unix seconds.
    pub server_time: Option<i64>,
}

/// Sends `request` once on `client` and decodes the envelope. HTTP errors
/// and `result.status=false` become [`PiError::Refused`] with the server's
/// message; the server time is returned in either case.
pub async fn send(
    client: &ServerClient,
    request: HttpRequest,
) -> (Result<PiReply, PiError>, Option<i64>) {
    let response = match client.exchange(request).await {
        Ok(r) => r,
        Err(e) => return (Err(PiError::Network(e.to_string())), None),
    };
    let server_time = response.date_unix_secs();
    (decode_reply(&response), server_time)
}

/// Decodes privacyIDEA's `{"result": {...}, "detail": {...}}` envelope
/// from one response: whatever the server (or someone in between) sent.
/// An HTTP error or `result.status` not `true` is [`PiError::Refused`] with
/// the server's message; a body that is not JSON is [`PiError::Protocol`].
pub fn decode_reply(response: &HttpResponse) -> Result<PiReply, PiError> {
    let server_time = response.date_unix_secs();
    let status = response.status;
    let body: Value = serde_json::from_slice(&response.body)
        .map_err(|_| PiError::Protocol(format!("HTTP {status}, body is not JSON")))?;
    let result = &body["result"];
    if !response.is_success() || result["status"] != Value::Bool(true) {
        let message = result["error"]["message"]
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| format!("HTTP {status}"));
        return Err(PiError::Refused { status, message });
    }
    Ok(PiReply {
        value: result["value"].clone(),
        detail: body["detail"].clone(),
        server_time,
    })
}
