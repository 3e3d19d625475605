//! HTTP to a privacyIDEA server: form POSTs and signed GETs against the
//! token's URL, the `{"result": {...}, "detail": {...}}` envelope, and the
//! server's clock from the `Date` header (privacyIDEA puts no time in its
//! bodies; the phone's poll must be within ±60 s of it).

use serde_json::Value;

use super::PiError;

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

/// Sends `request` and decodes the envelope. HTTP errors and
/// `result.status=false` become [`PiError::Refused`] with the server's
/// message; the server time is returned in either case.
pub async fn send(request: reqwest::RequestBuilder) -> (Result<PiReply, PiError>, Option<i64>) {
    let response = match request.send().await {
        Ok(r) => r,
        Err(e) => {
            let msg = if e.is_timeout() {
                "timed out".to_owned()
            } else if e.is_connect() {
                "connection failed".to_owned()
            } else {
                e.without_url().to_string()
            };
            return (Err(PiError::Network(msg)), None);
        }
    };
    let server_time = response
        .headers()
        .get(reqwest::header::DATE)
        .and_then(|v| v.to_str().ok())
        .and_then(|s| httpdate::parse_http_date(s).ok())
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .and_then(|d| i64::try_from(d.as_secs()).ok());
    let status = response.status();
    let body: Value = match response.bytes().await {
        Ok(b) => match serde_json::from_slice(&b) {
            Ok(v) => v,
            Err(_) => {
                return (
                    Err(PiError::Protocol(format!(
                        "HTTP {status}, body is not JSON"
                    ))),
                    server_time,
                );
            }
        },
        Err(e) => {
            return (
                Err(PiError::Network(e.without_url().to_string())),
                server_time,
            );
        }
    };
    let result = &body["result"];
    if !status.is_success() || result["status"] != Value::Bool(true) {
        let message = result["error"]["message"]
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| format!("HTTP {status}"));
        return (
            Err(PiError::Refused {
                status: status.as_u16(),
                message,
            }),
            server_time,
        );
    }
    (
        Ok(PiReply {
            value: result["value"].clone(),
            detail: body["detail"].clone(),
            server_time,
        }),
        server_time,
    )
}
