//! The transport trait and its error: what a host implements to carry
//! [`HttpRequest`]s.

use std::time::Duration;

use super::{HttpRequest, HttpResponse};

/// Why a request got no response. A response with an error status is not a
/// transport error: it is an [`HttpResponse`] for the protocol to read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    /// No response within the request's timeout.
    #[error("timed out")]
    Timeout,
    /// The server could not be reached (DNS, refused, TLS handshake).
    #[error("connection failed")]
    Connect(String),
    /// The response body is larger than [`super::MAX_RESPONSE_BYTES`].
    #[error("the server's reply is too large")]
    TooLarge,
    /// Anything else the transport reports.
    #[error("{0}")]
    Other(String),
}

/// Sends requests. Implemented by [`super::ReqwestTransport`] and, through
/// the bindings, by the phone shells with the platform HTTP stack.
///
/// A transport follows redirects, sends the body and headers as given, and
/// returns every response, whatever its status. It must never log the body
/// (it may hold an activation code or an enrolment credential), and should
/// stop reading a body past [`super::MAX_RESPONSE_BYTES`] (the core refuses
/// a larger one anyway).
#[async_trait::async_trait]
pub trait HttpTransport: Send + Sync {
    /// Sends `request` and returns the response.
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError>;
}

/// Sends `request` on `transport` and gives up after the request's timeout
/// even if the transport does not (a foreign stack with a longer default
/// must not hold a sign-in past its deadline).
pub async fn send_with_timeout(
    transport: &dyn HttpTransport,
    request: HttpRequest,
) -> Result<HttpResponse, TransportError> {
    // A little slack so the transport's own timeout, when it has one, is
    // the one that fires and reports.
    let limit = request.timeout.saturating_add(Duration::from_millis(500));
    let response = tokio::time::timeout(limit, transport.send(request))
        .await
        .unwrap_or(Err(TransportError::Timeout))?;
    if response.body.len() > super::MAX_RESPONSE_BYTES {
        return Err(TransportError::TooLarge);
    }
    Ok(response)
}

/// A transport that never answers, like a phone stack stuck on a dead
/// connection: for the core's tests of timeouts and budgets.
#[cfg(test)]
pub(crate) struct Silent;

#[cfg(test)]
#[async_trait::async_trait]
impl HttpTransport for Silent {
    async fn send(&self, _request: HttpRequest) -> Result<HttpResponse, TransportError> {
        std::future::pending().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Answers every request with a body of `len` bytes.
    struct Sized(usize);

    #[async_trait::async_trait]
    impl HttpTransport for Sized {
        async fn send(&self, _request: HttpRequest) -> Result<HttpResponse, TransportError> {
            Ok(HttpResponse {
                status: 200,
                headers: vec![],
                body: vec![b' '; self.0],
            })
        }
    }

    #[tokio::test]
    async fn a_body_over_the_limit_is_refused() {
        let max = crate::http::MAX_RESPONSE_BYTES;
        let ok = send_with_timeout(&Sized(max), HttpRequest::get("https://s/")).await;
        assert_eq!(ok.map(|r| r.body.len()), Ok(max));
        assert_eq!(
            send_with_timeout(&Sized(max + 1), HttpRequest::get("https://s/")).await,
            Err(TransportError::TooLarge)
        );
    }

    #[tokio::test]
    async fn a_transport_that_never_answers_times_out() {
        let request =
            HttpRequest::get("https://example.invalid/").timeout(Duration::from_millis(10));
        let started = std::time::Instant::now();
        assert_eq!(
            send_with_timeout(&Silent, request).await,
            Err(TransportError::Timeout)
        );
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}
