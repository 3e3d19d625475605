//! Learning how far this device's clock is off from a web server's `Date`
//! header, so codes are right even when the phone clock is not.
//!
//! Push activation learns the offset from the push server; a user with
//! only OTP accounts has no such server, but every HTTPS server stamps its
//! replies with the time (RFC 9110 sec. 6.6.1). The header has one-second
//! resolution, so the estimate pairs the middle of that second with the
//! middle of the request's round trip: good to about half a second plus
//! half the round trip, far inside a 30-second period.

use url::Url;

use crate::{
    http::{
        HttpRequest, HttpTransport,
        secure_url::{self, UrlRefusal},
    },
    otp::Clock,
    push::client::{ClientConfig, ServerClient},
    vault::{Vault, VaultError},
};

/// What went wrong learning the offset.
#[derive(Debug, thiserror::Error)]
pub enum ClockSyncError {
    /// Not a URL, or not http(s).
    #[error("not a usable server URL: {0}")]
    BadUrl(String),
    /// Plain http to a host other than this machine.
    #[error("{0} is plain http; use https so the time cannot be altered on the way")]
    InsecureUrl(String),
    /// The request failed.
    #[error("cannot reach the time server: {0}")]
    Network(String),
    /// The reply had no (valid) `Date` header.
    #[error("the server's reply has no valid Date header to take the time from")]
    NoDate,
    /// The offset could not be stored.
    #[error(transparent)]
    Vault(#[from] VaultError),
}

/// An offset learned from a server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockSync {
    /// Add this to the device clock to get the server's time, ms.
    pub offset_ms: i64,
    /// How far off the estimate may be, ms (half the header's one-second
    /// resolution plus half the round trip).
    pub uncertainty_ms: i64,
}

/// Asks `url` for its time over `client` and compares it with `clock` (the device clock
/// without any correction). https, or http to this machine only.
pub async fn offset_from_server(
    client: &ServerClient,
    url: &str,
    clock: &dyn Clock,
) -> Result<ClockSync, ClockSyncError> {
    let url = Url::parse(url.trim()).map_err(|e| ClockSyncError::BadUrl(e.to_string()))?;
    secure_url::check(&url).map_err(|refusal| match refusal {
        UrlRefusal::PlainHttp => ClockSyncError::InsecureUrl(url.to_string()),
        other => ClockSyncError::BadUrl(other.to_string()),
    })?;
    let sent = clock.now_unix_ms();
    // HEAD: only the headers are wanted. Any status will do; a 404 or 405
    // carries a Date header as well.
    let reply = client
        .exchange(HttpRequest::head(url.as_str()))
        .await
        .map_err(|e| ClockSyncError::Network(e.to_string()))?;
    let received = clock.now_unix_ms();
    let server_secs = reply.date_unix_secs().ok_or(ClockSyncError::NoDate)?;
    let round_trip = received.saturating_sub(sent).max(0);
    let local_mid = sent.saturating_add(round_trip / 2);
    let server_mid = server_secs.saturating_mul(1000).saturating_add(500);
    Ok(ClockSync {
        offset_ms: server_mid.saturating_sub(local_mid),
        uncertainty_ms: 500 + round_trip / 2,
    })
}

/// Learns the offset from `url` and stores it in `vault`, where `codes`
/// (CLI) and `Vault.codes()` (phones) take it from.
pub async fn sync_vault_clock(
    client: &ServerClient,
    vault: &Vault,
    url: &str,
    clock: &dyn Clock,
) -> Result<ClockSync, ClockSyncError> {
    let sync = offset_from_server(client, url, clock).await?;
    vault.set_clock_offset_ms(sync.offset_ms)?;
    Ok(sync)
}

/// [`sync_vault_clock`] over a host's `transport` (a phone's HTTP stack).
pub async fn sync_vault_clock_over(
    transport: std::sync::Arc<dyn HttpTransport>,
    vault: &Vault,
    url: &str,
    clock: &dyn Clock,
) -> Result<ClockSync, ClockSyncError> {
    let client = ServerClient::with_transport(transport, ClientConfig::default());
    sync_vault_clock(&client, vault, url, clock).await
}

#[cfg(test)]
#[cfg(feature = "reqwest")]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use tokio::{
        io::{AsyncReadExt, AsyncWriteExt},
        net::TcpListener,
    };

    use super::*;
    use crate::otp::FixedClock;

    /// A loopback HTTP server answering every request with `head` (the
    /// status line and headers).
    async fn server(head: String) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((mut s, _)) = listener.accept().await {
                let mut buf = [0u8; 2048];
                let _ = s.read(&mut buf).await;
                let _ = s.write_all(head.as_bytes()).await;
            }
        });
        format!("http://{addr}/")
    }

    fn client() -> ServerClient {
        ServerClient::new().unwrap()
    }

    fn date(unix: u64) -> String {
        httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(unix))
    }

    #[tokio::test]
    async fn the_offset_is_the_servers_date_minus_the_device_clock() {
        // The device says 1 700 000 000.000; the server says 120 s later.
        let url = server(format!(
            "HTTP/1.1 405 Method Not Allowed\r\nDate: {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            date(1_700_000_120)
        ))
        .await;
        let clock = FixedClock::new(1_700_000_000_000);
        let sync = offset_from_server(&client(), &url, &clock).await.unwrap();
        // The middle of the server's second against a zero-length round trip.
        assert_eq!(sync.offset_ms, 120_500);
        assert_eq!(sync.uncertainty_ms, 500);
    }

    #[tokio::test]
    async fn every_date_form_a_server_sends_gives_the_same_offset() {
        // 2026-12-06 15:49:09 GMT, a day 1-9 date, in the forms real
        // servers write (Java's RFC_1123_DATE_TIME drops the leading zero).
        let device = FixedClock::new(1_796_572_149_000 - 60_000);
        for form in [
            "Sun, 06 Dec 2026 15:49:09 GMT",
            "Sun, 6 Dec 2026 15:49:09 GMT",
            "Sunday, 06-Dec-26 15:49:09 GMT",
            "Sun Dec  6 15:49:09 2026",
        ] {
            let url = server(format!(
                "HTTP/1.1 200 OK\r\nDate: {form}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            ))
            .await;
            let sync = offset_from_server(&client(), &url, &device)
                .await
                .unwrap_or_else(|e| panic!("{form}: {e}"));
            assert_eq!(sync.offset_ms, 60_500, "{form}");
        }
    }

    #[tokio::test]
    async fn no_date_bad_urls_and_plain_http_are_typed_errors() {
        let url =
            server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".into())
                .await;
        let clock = FixedClock::new(0);
        assert!(matches!(
            offset_from_server(&client(), &url, &clock).await,
            Err(ClockSyncError::NoDate)
        ));
        assert!(matches!(
            offset_from_server(&client(), "not a url", &clock).await,
            Err(ClockSyncError::BadUrl(_))
        ));
        assert!(matches!(
            offset_from_server(&client(), "ftp://127.0.0.1/", &clock).await,
            Err(ClockSyncError::BadUrl(_))
        ));
        assert!(matches!(
            offset_from_server(&client(), "http://example.com/", &clock).await,
            Err(ClockSyncError::InsecureUrl(_))
        ));
        // Nothing listens on port 9 of this machine.
        assert!(matches!(
            offset_from_server(&client(), "http://127.0.0.1:9/", &clock).await,
            Err(ClockSyncError::Network(_))
        ));
    }

    #[tokio::test]
    async fn a_sync_is_stored_in_the_vault() {
        let dir = tempfile::tempdir().unwrap();
        let keys = crate::vault::StaticKeyProvider::new([7; 32]);
        let vault = Vault::create(&dir.path().join("v.db"), &keys).unwrap();
        let url = server(format!(
            "HTTP/1.1 200 OK\r\nDate: {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            date(1_000)
        ))
        .await;
        let sync = sync_vault_clock(&client(), &vault, &url, &FixedClock::new(3_000_000))
            .await
            .unwrap();
        assert_eq!(sync.offset_ms, 1_000_500 - 3_000_000);
        assert_eq!(vault.clock_offset_ms().unwrap(), sync.offset_ms);
    }
}
