//! A Web Push endpoint on this machine's loopback, playing the part a
//! UnifiedPush distributor plays on a phone: push servers POST encrypted
//! messages to it (RFC 8030), it answers `201 Created` and hands the bytes
//! on. Decrypting and acting on them is the core's
//! (`PushService::handle_web_push`); this only receives.

use std::net::SocketAddr;

use axum::{
    Router,
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode},
    routing::post,
};
use tokio::sync::mpsc;
use watchword_core::ApiError;

/// Largest message taken (Web Push services accept 4096 bytes).
const MAX_MESSAGE: usize = 8 * 1024;

/// One received message.
#[derive(Debug)]
pub struct Received {
    /// The encrypted body.
    pub body: Vec<u8>,
    /// Its `TTL` header: seconds the sender said it is worth delivering.
    pub ttl: Option<u64>,
}

/// A running receiver.
pub struct Receiver {
    /// The endpoint URL to register.
    pub endpoint: String,
    /// Messages as they arrive.
    pub messages: mpsc::Receiver<Received>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts a receiver on `addr` (port 0: any free port).
pub async fn start(addr: SocketAddr) -> Result<Receiver, ApiError> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| ApiError::Internal {
            message: format!("cannot listen on {addr}: {e}"),
        })?;
    let local = listener.local_addr().map_err(|e| ApiError::Internal {
        message: format!("listen: {e}"),
    })?;
    let (tx, rx) = mpsc::channel(16);
    let app = Router::new()
        .route("/push", post(receive))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_MESSAGE))
        .with_state(tx);
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(Receiver {
        endpoint: format!("http://{local}/push"),
        messages: rx,
        task,
    })
}

async fn receive(
    State(tx): State<mpsc::Sender<Received>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    // RFC 8030 section 5: a message without TTL is refused; ours are
    // aes128gcm (RFC 8291) and nothing else.
    let ttl = headers
        .get("ttl")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    let coding = headers
        .get("content-encoding")
        .and_then(|v| v.to_str().ok());
    if ttl.is_none() || coding != Some("aes128gcm") {
        return StatusCode::BAD_REQUEST;
    }
    match tx.try_send(Received {
        body: body.to_vec(),
        ttl,
    }) {
        Ok(()) => StatusCode::CREATED,
        Err(_) => StatusCode::TOO_MANY_REQUESTS,
    }
}
