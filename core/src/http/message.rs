//! Requests and responses as plain values: what the protocols build and
//! read, and what crosses to a phone's HTTP stack.

use std::{fmt, time::Duration};

use zeroize::Zeroizing;

/// The largest response body the core reads: protocol replies are a few
/// kilobytes; a server that sends more is broken or hostile.
pub const MAX_RESPONSE_BYTES: usize = 1024 * 1024;

/// Default whole-request timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);

/// The HTTP methods the protocols use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET (privacyIDEA polls).
    Get,
    /// HEAD (clock sync: only the `Date` header is wanted).
    Head,
    /// POST (activation, answers, enrolment).
    Post,
}

impl Method {
    /// The method's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Head => "HEAD",
            Self::Post => "POST",
        }
    }
}

/// One request. The body may hold a secret (an activation code, a
/// privacyIDEA enrolment credential): it is zeroized when dropped and
/// `Debug` shows only its length.
#[derive(Clone)]
pub struct HttpRequest {
    /// The method.
    pub method: Method,
    /// The full URL, query included.
    pub url: String,
    /// Header names and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body (empty for GET and HEAD).
    pub body: Zeroizing<Vec<u8>>,
    /// How long the whole exchange may take.
    pub timeout: Duration,
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &names)
            .field("body_len", &self.body.len())
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl HttpRequest {
    fn new(method: Method, url: &str) -> Self {
        Self {
            method,
            url: url.to_owned(),
            headers: Vec::new(),
            body: Zeroizing::new(Vec::new()),
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// A GET of `url`.
    pub fn get(url: &str) -> Self {
        Self::new(Method::Get, url)
    }

    /// A HEAD of `url`.
    pub fn head(url: &str) -> Self {
        Self::new(Method::Head, url)
    }

    /// A POST of `body` as JSON.
    pub fn post_json(url: &str, body: &impl serde::Serialize) -> Result<Self, serde_json::Error> {
        let mut request = Self::new(Method::Post, url);
        request.body = Zeroizing::new(serde_json::to_vec(body)?);
        Ok(request.header("Content-Type", "application/json"))
    }

    /// A POST of `fields` as `application/x-www-form-urlencoded`.
    pub fn post_form<K: AsRef<str>, V: AsRef<str>>(url: &str, fields: &[(K, V)]) -> Self {
        let mut encoded = Zeroizing::new(String::new());
        url::form_urlencoded::Serializer::new(&mut *encoded).extend_pairs(fields);
        let mut request = Self::new(Method::Post, url);
        request.body = Zeroizing::new(encoded.as_bytes().to_vec());
        request.header("Content-Type", "application/x-www-form-urlencoded")
    }

    /// A GET of `url` with `pairs` appended to its query string.
    pub fn get_with_query<K: AsRef<str>, V: AsRef<str>>(
        url: &str,
        pairs: &[(K, V)],
    ) -> Result<Self, url::ParseError> {
        let mut parsed = url::Url::parse(url)?;
        parsed.query_pairs_mut().extend_pairs(pairs);
        Ok(Self::get(parsed.as_str()))
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Sets the timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

/// One response, whatever its status.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// Header names and values as received.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("headers", &self.headers.len())
            .field("body_len", &self.body.len())
            .finish()
    }
}

impl HttpResponse {
    /// True for a 2xx status.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The first value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The server's clock from the `Date` header, Unix seconds, in any
    /// form a server writes ([`super::date`]).
    pub fn date_unix_secs(&self) -> Option<i64> {
        super::date::parse_http_date(self.header("date")?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_body_is_encoded_and_never_printed() {
        let r = HttpRequest::post_form(
            "https://pi.example/ttype/push",
            &[
                ("enrollment_credential", "s3cret&x=1"),
                ("serial", "PIPU 1"),
            ],
        );
        assert_eq!(
            String::from_utf8(r.body.to_vec()).unwrap(),
            "enrollment_credential=s3cret%26x%3D1&serial=PIPU+1"
        );
        assert_eq!(r.method, Method::Post);
        let debug = format!("{r:?}");
        assert!(!debug.contains("s3cret"), "{debug}");
        assert!(debug.contains("Content-Type"));
    }

    #[test]
    fn query_pairs_are_appended_to_the_url() {
        let r = HttpRequest::get_with_query(
            "https://pi.example/ttype/push?x=1",
            &[
                ("serial", "PIPU0001"),
                ("timestamp", "2026-01-01T00:00:00+00:00"),
            ],
        )
        .unwrap();
        assert_eq!(
            r.url,
            "https://pi.example/ttype/push?x=1&serial=PIPU0001&timestamp=2026-01-01T00%3A00%3A00%2B00%3A00"
        );
        assert_eq!(
            HttpRequest::get_with_query("not a url", &[("a", "b")]).err(),
            Some(url::ParseError::RelativeUrlWithoutBase)
        );
    }

    #[test]
    fn json_bodies_and_response_headers() {
        let r = HttpRequest::post_json("https://s/", &serde_json::json!({"a": 1})).unwrap();
        assert_eq!(&r.body[..], br#"{"a":1}"#);
        let response = HttpResponse {
            status: 404,
            headers: vec![("Date".into(), "Sun, 06 Nov 1994 08:49:37 GMT".into())],
            body: vec![],
        };
        assert!(!response.is_success());
        assert_eq!(
            response.header("DATE"),
            Some("Sun, 06 Nov 1994 08:49:37 GMT")
        );
        assert_eq!(response.date_unix_secs(), Some(784_111_777));
        let bad = HttpResponse {
            headers: vec![("date".into(), "yesterday".into())],
            ..response
        };
        assert_eq!(bad.date_unix_secs(), None);
    }
}
