//! `watchword-server`: the reference server of Watchword's open push
//! protocol (`docs/push-protocol.md`).
//!
//! - [`PushServer`] (`engine.rs`): SQLite state, the server key, the clock,
//!   the limits; enrolment (`enrolment.rs`) and challenges
//!   (`challenges.rs`) and device push addresses (`devices.rs`) are its
//!   methods, shared by HTTP and admin commands.
//! - [`http`]: the axum API; [`start`] runs it on a loopback port;
//!   [`openapi`]: its description (`docs/openapi.json`), served too.
//! - [`delivery`]: how devices are woken (APNs, FCM, Web Push), retried
//!   and recorded.

pub mod admin;
pub mod admin_http;
pub mod audit;
mod challenges;
pub mod delivery;
mod devices;
mod engine;
mod enrolment;
pub mod error;
pub mod http;
pub mod metrics;
pub mod openapi;
pub mod policy;
pub mod relying_parties;
mod server_key;
pub mod store;
pub mod tls;

use std::{net::SocketAddr, sync::Arc};

pub use challenges::SignedRequest;
pub use engine::PushServer;
pub use enrolment::Enrolment;
pub use error::{ServerError, ServerResult};
pub use policy::Policy;
pub use store::DbLocation;
use tokio::{net::TcpListener, sync::oneshot, task::JoinHandle};

/// A running HTTP server.
#[derive(Debug)]
pub struct ServerHandle {
    /// Where it listens.
    pub addr: SocketAddr,
    tls: bool,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

impl ServerHandle {
    /// `http://<addr>`, or `https://<addr>` with TLS.
    pub fn base_url(&self) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    /// Stops accepting, finishes open requests, and waits.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = (&mut self.task).await;
    }
}

/// Binds `addr` (use port 0 for any free port) and serves `server` in a
/// background task. Remembers the public URL for `enrol`.
pub async fn start(server: Arc<PushServer>, addr: SocketAddr) -> std::io::Result<ServerHandle> {
    start_with(server, addr, None).await
}

/// [`start`], over TLS when `tls` is given ([`tls::server_config`]).
pub async fn start_with(
    server: Arc<PushServer>,
    addr: SocketAddr,
    tls: Option<Arc<rustls::ServerConfig>>,
) -> std::io::Result<ServerHandle> {
    let listener = TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    server
        .set_public_url(&format!("{scheme}://{addr}"))
        .map_err(std::io::Error::other)?;
    let (tx, rx) = oneshot::channel::<()>();
    let app = http::router(server);
    let with_tls = tls.is_some();
    let task = tokio::spawn(async move {
        let stop = async {
            let _ = rx.await;
        };
        match tls {
            Some(config) => tls::serve(listener, config, app, stop).await,
            None => {
                if let Err(e) = axum::serve(listener, app)
                    .with_graceful_shutdown(stop)
                    .await
                {
                    tracing::error!(error = %e, "server stopped");
                }
            }
        }
    });
    Ok(ServerHandle {
        addr,
        tls: with_tls,
        shutdown: Some(tx),
        task,
    })
}
