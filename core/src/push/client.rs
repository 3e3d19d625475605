//! HTTP to a push server: reqwest over rustls with ring's crypto provider,
//! timeouts, and retries with backoff on network errors only. A refusal
//! (any HTTP error status with a protocol error body) is returned at once
//! and never retried: retrying a refusal would only hide it.

use std::time::Duration;

use reqwest::{RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;

use super::{PushError, protocol::ErrorBody};

/// Retry and timeout settings.
#[derive(Debug, Clone, Copy)]
pub struct ClientConfig {
    /// Connect timeout.
    pub connect_timeout: Duration,
    /// Whole-request timeout.
    pub request_timeout: Duration,
    /// Retries after the first attempt, on network errors only.
    pub retries: u32,
    /// First backoff; doubles on each retry.
    pub backoff: Duration,
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(15),
            retries: 3,
            backoff: Duration::from_millis(250),
        }
    }
}

/// A push-server HTTP client.
#[derive(Debug, Clone)]
pub struct PushClient {
    http: reqwest::Client,
    config: ClientConfig,
}

/// A reply: the decoded body, or a refusal, with the server time either way.
#[derive(Debug)]
pub struct Reply<T> {
    /// The decoded success body, or the refusal.
    pub result: Result<T, PushError>,
    /// The server's time from the body (for the clock offset).
    pub server_time: Option<i64>,
}

impl PushClient {
    /// A client with default timeouts and retries.
    pub fn new() -> Result<Self, PushError> {
        Self::with_config(ClientConfig::default())
    }

    /// A client with `config`.
    pub fn with_config(config: ClientConfig) -> Result<Self, PushError> {
        install_ring_provider();
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .user_agent(concat!("watchword/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| PushError::Network(e.to_string()))?;
        Ok(Self { http, config })
    }

    /// Sends the request `build` makes, retrying on network errors with
    /// exponential backoff. `build` runs again for every attempt, so a
    /// signed request gets a fresh nonce and timestamp each time.
    pub async fn send<T: DeserializeOwned>(
        &self,
        mut build: impl FnMut(&reqwest::Client) -> Result<RequestBuilder, PushError>,
    ) -> Reply<T> {
        let mut delay = self.config.backoff;
        let mut attempt = 0;
        loop {
            let request = match build(&self.http) {
                Ok(r) => r,
                Err(e) => {
                    return Reply {
                        result: Err(e),
                        server_time: None,
                    };
                }
            };
            match request.send().await {
                Ok(response) => return decode(response).await,
                Err(e) if attempt < self.config.retries => {
                    tracing::debug!(error = %e, attempt, "push request failed; retrying");
                    tokio::time::sleep(delay).await;
                    delay = delay.saturating_mul(2);
                    attempt += 1;
                }
                Err(e) => {
                    return Reply {
                        result: Err(PushError::Network(network_message(e))),
                        server_time: None,
                    };
                }
            }
        }
    }
}

/// Installs ring as rustls' process-wide crypto provider (reqwest is built
/// without a compiled-in one). Call before building any reqwest client;
/// calling it again is harmless.
pub fn install_ring_provider() {
    // An error only means a provider is already installed.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

async fn decode<T: DeserializeOwned>(response: reqwest::Response) -> Reply<T> {
    let status = response.status();
    let bytes = match response.bytes().await {
        Ok(b) => b,
        Err(e) => {
            return Reply {
                result: Err(PushError::Network(network_message(e))),
                server_time: None,
            };
        }
    };
    let server_time = serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|v| v.get("server_time").and_then(serde_json::Value::as_i64));
    let result = if status.is_success() {
        serde_json::from_slice::<T>(&bytes).map_err(|e| PushError::Protocol(e.to_string()))
    } else {
        Err(refusal(status, &bytes))
    };
    Reply {
        result,
        server_time,
    }
}

fn refusal(status: StatusCode, bytes: &[u8]) -> PushError {
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

fn network_message(e: reqwest::Error) -> String {
    // reqwest's Display includes the URL; ours hold no secrets (ids only),
    // but keep the message short and stable.
    if e.is_timeout() {
        "timed out".to_owned()
    } else if e.is_connect() {
        "connection failed".to_owned()
    } else {
        e.without_url().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn network_errors_are_retried_then_reported() {
        // Bind then drop a listener: the port is closed, connects fail fast.
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let client = PushClient::with_config(ClientConfig {
            retries: 2,
            backoff: Duration::from_millis(1),
            ..ClientConfig::default()
        })
        .unwrap();
        let mut attempts = 0;
        let reply: Reply<serde_json::Value> = client
            .send(|http| {
                attempts += 1;
                Ok(http.get(format!("http://127.0.0.1:{port}/v1/device/pending")))
            })
            .await;
        assert_eq!(attempts, 3);
        assert_eq!(
            reply.result.unwrap_err(),
            PushError::Network("connection failed".into())
        );
    }
}
