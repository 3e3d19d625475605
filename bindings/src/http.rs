//! HTTP through the shell: the phone's own stack (`HttpURLConnection` /
//! OkHttp on Android, `URLSession` on iOS) carries the core's requests, so
//! certificates are checked against the trust store the user and their
//! employer manage, the system proxy and VPN apply, and the library carries
//! no TLS stack. The core still builds, signs, checks and times out every
//! request (`watchword_core::http`).

use std::sync::Arc;

use watchword_core::http as core_http;

/// An HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum HttpMethod {
    /// GET.
    Get,
    /// HEAD.
    Head,
    /// POST.
    Post,
}

/// One header.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HttpHeader {
    /// The name.
    pub name: String,
    /// The value.
    pub value: String,
}

/// A request for the shell to send. The body may hold an activation code or
/// an enrolment credential: send it, never log it.
#[derive(Clone, uniffi::Record)]
pub struct HttpRequest {
    /// The method.
    pub method: HttpMethod,
    /// The full URL, query included.
    pub url: String,
    /// Headers to send, in order.
    pub headers: Vec<HttpHeader>,
    /// The body (empty for GET and HEAD).
    pub body: Vec<u8>,
    /// Whole-exchange timeout for the platform request, milliseconds.
    pub timeout_ms: u64,
}

impl std::fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// What the server answered, whatever the status (a 4xx is a response,
/// not an error: the core reads the server's refusal from it).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// Response headers (the core reads `Date`).
    pub headers: Vec<HttpHeader>,
    /// The body.
    pub body: Vec<u8>,
}

/// Why the shell got no response: `HttpException` in Kotlin.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum HttpError {
    /// No response in time.
    #[error("timed out")]
    Timeout,
    /// The server could not be reached (no network, DNS, refused, TLS).
    #[error("connection failed: {reason}")]
    Connect {
        /// What the platform said.
        reason: String,
    },
    /// Any other failure.
    #[error("{reason}")]
    Failed {
        /// What the platform said.
        reason: String,
    },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for HttpError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        Self::Failed { reason: e.reason }
    }
}

/// Sends the core's HTTP requests with the platform's stack. Kotlin
/// implements `suspend fun send(request: HttpRequest): HttpResponse`,
/// Swift `func send(request: HttpRequest) async throws -> HttpResponse`.
/// Follow redirects; return every response whatever its status; throw
/// `HttpError` only when there is no response.
#[uniffi::export(foreign)]
#[async_trait::async_trait]
pub trait HttpTransport: Send + Sync {
    /// Sends `request` and returns the response.
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, HttpError>;
}

/// Adapts a shell's [`HttpTransport`] to the core's trait.
pub(crate) struct ForeignHttp(pub(crate) Arc<dyn HttpTransport>);

impl ForeignHttp {
    /// The core's transport over the shell's.
    pub(crate) fn core(http: Arc<dyn HttpTransport>) -> Arc<dyn core_http::HttpTransport> {
        Arc::new(Self(http))
    }
}

fn headers_out(headers: Vec<(String, String)>) -> Vec<HttpHeader> {
    headers
        .into_iter()
        .map(|(name, value)| HttpHeader { name, value })
        .collect()
}

impl From<core_http::HttpRequest> for HttpRequest {
    fn from(r: core_http::HttpRequest) -> Self {
        Self {
            method: match r.method {
                core_http::Method::Get => HttpMethod::Get,
                core_http::Method::Head => HttpMethod::Head,
                core_http::Method::Post => HttpMethod::Post,
            },
            timeout_ms: u64::try_from(r.timeout.as_millis()).unwrap_or(u64::MAX),
            body: r.body.to_vec(),
            url: r.url,
            headers: headers_out(r.headers),
        }
    }
}

impl From<HttpResponse> for core_http::HttpResponse {
    fn from(r: HttpResponse) -> Self {
        Self {
            status: r.status,
            headers: r.headers.into_iter().map(|h| (h.name, h.value)).collect(),
            body: r.body,
        }
    }
}

impl From<HttpError> for core_http::TransportError {
    fn from(e: HttpError) -> Self {
        match e {
            HttpError::Timeout => Self::Timeout,
            HttpError::Connect { reason } => Self::Connect(reason),
            HttpError::Failed { reason } => Self::Other(reason),
        }
    }
}

#[async_trait::async_trait]
impl core_http::HttpTransport for ForeignHttp {
    async fn send(
        &self,
        request: core_http::HttpRequest,
    ) -> Result<core_http::HttpResponse, core_http::TransportError> {
        Ok(self.0.send(request.into()).await?.into())
    }
}
