//! Requests to a push server over the host's [`HttpTransport`]: timeouts,
//! and retries with backoff on network errors only. A refusal (any HTTP
//! error status with a protocol error body) is returned at once and never
//! retried: retrying a refusal would only hide it.

use std::{sync::Arc, time::Duration};

use serde::de::DeserializeOwned;

use super::{PushError, protocol::ErrorBody};
#[cfg(feature = "reqwest")]
pub use crate::http::install_ring_provider;
use crate::http::{HttpRequest, HttpResponse, HttpTransport, TransportError, send_with_timeout};

/// Retry and timeout settings.
#[derive(Debug, Clone, Copy)]
pub struct ClientConfig {
    /// Connect timeout (the reqwest transport; a phone's transport is
    /// given the whole-request timeout).
    pub connect_timeout: Duration,
    /// Whole-request timeout.
    pub request_timeout: Duration,
    /// Retries after the first attempt, on network errors only.
    pub retries: u32,
    /// First backoff; doubles on each retry.
    pub backoff: Duration,
    /// Longest one operation (`pending`, `handle_push`, `respond`, an
    /// activation) spends on the network, all attempts and waits
    /// included; then it fails with `Network`. An answer to a sign-in is
    /// also cut when the sign-in expires, whichever is first.
    pub budget: Duration,
}

/// The default [`ClientConfig::budget`]: what the API promises the shells.
pub const DEFAULT_BUDGET: Duration = Duration::from_secs(20);

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(15),
            retries: 3,
            backoff: Duration::from_millis(250),
            budget: DEFAULT_BUDGET,
        }
    }
}

/// A push-server HTTP client over a transport.
#[derive(Clone)]
pub struct ServerClient {
    http: Arc<dyn HttpTransport>,
    config: ClientConfig,
}

impl std::fmt::Debug for ServerClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerClient")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// A reply: the decoded body, or a refusal, with the server time either way.
#[derive(Debug)]
pub struct Reply<T> {
    /// The decoded success body, or the refusal.
    pub result: Result<T, PushError>,
    /// The server's time from the body (for the clock offset).
    pub server_time: Option<i64>,
}

impl ServerClient {
    /// A client on reqwest with default timeouts and retries.
    #[cfg(feature = "reqwest")]
    pub fn new() -> Result<Self, PushError> {
        Self::with_config(ClientConfig::default())
    }

    /// A client on reqwest with `config`.
    #[cfg(feature = "reqwest")]
    pub fn with_config(config: ClientConfig) -> Result<Self, PushError> {
        let http = crate::http::ReqwestTransport::new(config.connect_timeout)
            .map_err(|e| PushError::Network(e.to_string()))?;
        Ok(Self::with_transport(Arc::new(http), config))
    }

    /// A client on the host's `transport` (a phone's HTTP stack).
    pub fn with_transport(transport: Arc<dyn HttpTransport>, config: ClientConfig) -> Self {
        Self {
            http: transport,
            config,
        }
    }

    /// When an operation that starts now must be over.
    pub fn deadline(&self) -> tokio::time::Instant {
        tokio::time::Instant::now() + self.config.budget
    }

    /// Sends one request, once, within the configured request timeout.
    /// privacyIDEA push (its own envelope) and clock sync use this.
    pub async fn exchange(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let request = request.timeout(self.config.request_timeout).header(
            "User-Agent",
            concat!("watchword/", env!("CARGO_PKG_VERSION")),
        );
        send_with_timeout(self.http.as_ref(), request).await
    }

    /// Sends the request `build` makes, retrying on network errors with
    /// exponential backoff. `build` runs again for every attempt, so a
    /// signed request gets a fresh nonce and timestamp each time.
    pub async fn send<T: DeserializeOwned>(
        &self,
        mut build: impl FnMut() -> Result<HttpRequest, PushError>,
    ) -> Reply<T> {
        let mut delay = self.config.backoff;
        let mut attempt = 0;
        loop {
            let request = match build() {
                Ok(r) => r,
                Err(e) => {
                    return Reply {
                        result: Err(e),
                        server_time: None,
                    };
                }
            };
            match self.exchange(request).await {
                Ok(response) => return decode(&response),
                Err(e) if attempt < self.config.retries => {
                    tracing::debug!(error = %e, attempt, "push request failed; retrying");
                    tokio::time::sleep(delay).await;
                    delay = delay.saturating_mul(2);
                    attempt += 1;
                }
                Err(e) => {
                    return Reply {
                        result: Err(PushError::Network(e.to_string())),
                        server_time: None,
                    };
                }
            }
        }
    }
}

/// Runs `operation` until `deadline`; past it, the operation is dropped
/// (with its HTTP request) and the result is `Network`.
pub async fn within<T>(
    deadline: tokio::time::Instant,
    operation: impl std::future::Future<Output = Result<T, PushError>>,
) -> Result<T, PushError> {
    tokio::time::timeout_at(deadline, operation)
        .await
        .unwrap_or_else(|_| {
            Err(PushError::Network(
                "the server did not answer in time".into(),
            ))
        })
}

/// A JSON POST of `body` to `url`.
pub fn post_json(url: &str, body: &impl serde::Serialize) -> Result<HttpRequest, PushError> {
    HttpRequest::post_json(url, body).map_err(|e| PushError::Protocol(e.to_string()))
}

fn decode<T: DeserializeOwned>(response: &HttpResponse) -> Reply<T> {
    let bytes = &response.body;
    let server_time = serde_json::from_slice::<serde_json::Value>(bytes)
        .ok()
        .and_then(|v| v.get("server_time").and_then(serde_json::Value::as_i64));
    let result = if response.is_success() {
        serde_json::from_slice::<T>(bytes).map_err(|e| PushError::Protocol(e.to_string()))
    } else {
        Err(refusal(response.status, bytes))
    };
    Reply {
        result,
        server_time,
    }
}

fn refusal(status: u16, bytes: &[u8]) -> PushError {
    match serde_json::from_slice::<ErrorBody>(bytes) {
        Ok(body) => PushError::Refused {
            code: body.error.code,
            message: body.error.message,
            tries_left: body.error.tries_left,
            retry_after: body.error.retry_after,
            status: body.error.status,
        },
        Err(_) => PushError::Protocol(format!("HTTP {status} without a protocol error body")),
    }
}

#[cfg(test)]
#[cfg(feature = "reqwest")]
mod tests {
    use super::*;

    #[tokio::test]
    async fn network_errors_are_retried_then_reported() {
        // Bind then drop a listener: the port is closed, connects fail fast.
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let client = ServerClient::with_config(ClientConfig {
            retries: 2,
            backoff: Duration::from_millis(1),
            ..ClientConfig::default()
        })
        .unwrap();
        let mut attempts = 0;
        let reply: Reply<serde_json::Value> = client
            .send(|| {
                attempts += 1;
                Ok(HttpRequest::get(&format!(
                    "http://127.0.0.1:{port}/v1/device/pending"
                )))
            })
            .await;
        assert_eq!(attempts, 3);
        assert_eq!(
            reply.result.unwrap_err(),
            PushError::Network("connection failed".into())
        );
    }
}
