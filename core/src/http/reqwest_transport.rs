//! The desktop transport: reqwest over rustls with ring's crypto provider.

use std::time::Duration;

use super::{HttpRequest, HttpResponse, HttpTransport, MAX_RESPONSE_BYTES, Method, TransportError};

/// reqwest on rustls (ring provider), certificates checked by the
/// platform verifier. Used by the CLI, the server's tests and desktop
/// builds; the phone shells bring their own stack.
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
}

impl ReqwestTransport {
    /// A transport whose connections time out after `connect_timeout`.
    pub fn new(connect_timeout: Duration) -> Result<Self, TransportError> {
        install_ring_provider();
        // No user agent here: `ServerClient::exchange` sets it on every
        // request, whatever the transport.
        let client = reqwest::Client::builder()
            .connect_timeout(connect_timeout)
            .redirect(secure_redirects())
            .build()
            .map_err(|e| TransportError::Other(e.to_string()))?;
        Ok(Self { client })
    }
}

/// Follows a redirect only to a URL the core's transport rule
/// ([`super::secure_url::check`]) allows: a server reached over TLS cannot
/// send the activation code or a signed answer on to plain HTTP.
fn secure_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        if attempt.previous().len() >= 5 {
            attempt.error("too many redirects")
        } else if super::secure_url::check(attempt.url()).is_err() {
            attempt.error("a redirect to an insecure URL")
        } else {
            attempt.follow()
        }
    })
}

/// Installs ring as rustls' process-wide crypto provider (reqwest is built
/// without a compiled-in one). Call before building any reqwest client;
/// calling it again is harmless.
pub fn install_ring_provider() {
    // An error only means a provider is already installed.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

fn transport_error(e: reqwest::Error) -> TransportError {
    // reqwest's Display includes the URL; keep messages short and stable.
    if e.is_timeout() {
        TransportError::Timeout
    } else if e.is_connect() {
        TransportError::Connect(e.without_url().to_string())
    } else {
        TransportError::Other(e.without_url().to_string())
    }
}

#[async_trait::async_trait]
impl HttpTransport for ReqwestTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let method = match request.method {
            Method::Get => reqwest::Method::GET,
            Method::Head => reqwest::Method::HEAD,
            Method::Post => reqwest::Method::POST,
        };
        let mut builder = self
            .client
            .request(method, &request.url)
            .timeout(request.timeout);
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        if request.method == Method::Post {
            builder = builder.body(request.body.to_vec());
        }
        let response = builder.send().await.map_err(transport_error)?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .filter_map(|(n, v)| Some((n.as_str().to_owned(), v.to_str().ok()?.to_owned())))
            .collect();
        let mut response = response;
        let mut body = Vec::new();
        // Read no more than the core accepts: a hostile server's endless
        // body must not fill the memory first.
        while let Some(chunk) = response.chunk().await.map_err(transport_error)? {
            if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
                return Err(TransportError::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        Ok(HttpResponse {
            status,
            headers,
            body,
        })
    }
}

#[cfg(test)]
mod tests {
    use tokio::{
        io::{AsyncReadExt, AsyncWriteExt},
        net::TcpListener,
    };

    use super::*;

    /// A loopback server whose reply body never ends.
    async fn endless_server() -> String {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut s, _) = listener.accept().await.unwrap();
            let mut buf = [0u8; 2048];
            let _ = s.read(&mut buf).await;
            let _ = s
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n")
                .await;
            let chunk = [b' '; 64 * 1024];
            while s.write_all(&chunk).await.is_ok() {}
        });
        format!("http://{addr}/")
    }

    /// A loopback server answering every request with a 307 to `to`.
    async fn redirecting_server(to: &'static str) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((mut s, _)) = listener.accept().await {
                let mut buf = [0u8; 2048];
                let _ = s.read(&mut buf).await;
                let reply = format!(
                    "HTTP/1.1 307 Temporary Redirect\r\nLocation: {to}\r\nContent-Length: 0\r\n\r\n"
                );
                let _ = s.write_all(reply.as_bytes()).await;
            }
        });
        format!("http://{addr}/")
    }

    #[tokio::test]
    async fn a_redirect_to_plain_http_is_not_followed() {
        let transport = ReqwestTransport::new(Duration::from_secs(5)).unwrap();
        // 192.0.2.0/24 is TEST-NET-1: nothing is ever contacted there; the
        // policy stops before connecting.
        let url = redirecting_server("http://192.0.2.1/v1/activate/e1").await;
        let r = transport
            .send(HttpRequest::get(&url).timeout(Duration::from_secs(10)))
            .await;
        assert!(
            matches!(&r, Err(TransportError::Other(why)) if why.contains("redirect")),
            "{r:?}"
        );
        // A loop ends too.
        let r = transport
            .send(HttpRequest::get(&redirecting_server("/again").await))
            .await;
        assert!(
            matches!(&r, Err(TransportError::Other(why)) if why.contains("redirect")),
            "{r:?}"
        );
    }

    #[tokio::test]
    async fn an_endless_body_stops_at_the_limit() {
        let transport = ReqwestTransport::new(Duration::from_secs(5)).unwrap();
        let url = endless_server().await;
        let result = transport
            .send(HttpRequest::get(&url).timeout(Duration::from_secs(20)))
            .await;
        assert_eq!(result, Err(TransportError::TooLarge));
    }

    #[tokio::test]
    async fn every_status_is_a_response_with_its_headers() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut s, _) = listener.accept().await.unwrap();
            // Headers and body may come in separate reads.
            let mut received = Vec::new();
            let mut buf = [0u8; 2048];
            while !received.ends_with(b"a=b+c") {
                let n = s.read(&mut buf).await.unwrap();
                if n == 0 {
                    break;
                }
                received.extend_from_slice(&buf[..n]);
            }
            let head = String::from_utf8_lossy(&received).to_string();
            // Echo what arrived, so the test sees the method, form body and header.
            let reply = format!(
                "HTTP/1.1 409 Conflict\r\nX-Echo: yes\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{head}",
                head.len()
            );
            let _ = s.write_all(reply.as_bytes()).await;
        });
        let transport = ReqwestTransport::new(Duration::from_secs(5)).unwrap();
        let request = HttpRequest::post_form(&format!("http://{addr}/x"), &[("a", "b c")])
            .header("watchword-device", "d1");
        let response = transport.send(request).await.unwrap();
        assert_eq!(response.status, 409);
        assert_eq!(response.header("x-echo"), Some("yes"));
        let echoed = String::from_utf8(response.body).unwrap();
        assert!(echoed.starts_with("POST /x HTTP/1.1"), "{echoed}");
        assert!(echoed.contains("watchword-device: d1"), "{echoed}");
        assert!(echoed.ends_with("a=b+c"), "{echoed}");
    }
}
