//! The push services a Watchword server sends through, played on loopback
//! from their public documentation, since the real ones cannot be reached
//! from CI (and need Apple's and Google's keys):
//!
//! - [`ApnsService`]: Apple's provider API: HTTP/2 over TLS,
//!   `POST /3/device/<token>`, the headers it requires, an ES256 provider
//!   token checked against the key's public half, and its refusals
//!   (`{"reason": ...}` with 400/403/410/413/429/503).
//! - [`FcmService`]: Google's OAuth2 token endpoint (an RS256 assertion
//!   exchanged for an access token) and FCM's HTTP v1 `messages:send`,
//!   with its error bodies (`UNREGISTERED`, `UNAVAILABLE`, ...).
//! - [`WebPushService`]: a Web Push endpoint (RFC 8030), as a UnifiedPush
//!   distributor runs it: takes `aes128gcm` bodies with `TTL`, answers
//!   `201`, or `410`/`429` for the endpoints that play those.
//!
//! What each service does with a token is chosen by the token's prefix
//! (below), so one test can ask for a gone device or a busy service.

// A test helper: failing loudly is what it is for.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use axum::{
    Router,
    body::{Body, Bytes},
    extract::{Request, State},
    http::{HeaderMap, StatusCode, Version},
    response::{IntoResponse, Response},
    routing::post,
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use ring::{
    rand::SystemRandom,
    signature::{
        ECDSA_P256_SHA256_FIXED, ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair,
        RSA_PKCS1_2048_8192_SHA256, UnparsedPublicKey,
    },
};
use serde_json::{Value, json};

/// APNs tokens (hex) by what the service does with them.
pub mod apns_tokens {
    /// Accepted.
    pub const OK: &str = "aaaa0001";
    /// `410 Unregistered`: the app was removed.
    pub const GONE: &str = "04100001";
    /// `400 BadDeviceToken`.
    pub const BAD: &str = "04000001";
    /// `429 TooManyRequests` once, then accepted.
    pub const BUSY_ONCE: &str = "04290001";
    /// `503 ServiceUnavailable`, always.
    pub const DOWN: &str = "05030001";
    /// `403 ExpiredProviderToken` once, then accepted.
    pub const EXPIRED_TOKEN_ONCE: &str = "04030001";
    /// Answers after 5 seconds.
    pub const SLOW: &str = "51050001";
}

/// FCM registration tokens by what the service does with them.
pub mod fcm_tokens {
    /// Accepted.
    pub const OK: &str = "ok-registration-1";
    /// `404 UNREGISTERED`.
    pub const GONE: &str = "gone-registration-1";
    /// `503 UNAVAILABLE` (Retry-After: 1) once, then accepted.
    pub const BUSY_ONCE: &str = "busy-registration-1";
    /// Every access token is revoked first: `401` once, then accepted.
    pub const REVOKE_ONCE: &str = "revoke-registration-1";
}

/// A TLS (HTTP/2 and HTTP/1.1) server on 127.0.0.1 with a certificate of
/// a CA made for it.
struct Tls {
    url: String,
    ca_pem: String,
    connections: Arc<AtomicUsize>,
}

/// A certificate authority made on the spot and a leaf it signed for
/// `localhost` and `127.0.0.1`: what a loopback TLS server presents and
/// what its clients trust.
pub struct TestPki {
    /// The CA certificate, PEM (clients add it as a root).
    pub ca_pem: String,
    /// The leaf certificate, PEM.
    pub leaf_pem: String,
    /// The leaf certificate, DER.
    pub leaf_der: Vec<u8>,
    /// The leaf's private key, PKCS#8 PEM.
    pub key_pem: String,
    /// The leaf's private key, PKCS#8 DER.
    pub key_der: Vec<u8>,
}

impl TestPki {
    /// A new CA and leaf.
    pub fn new() -> Self {
        use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair as RcKey};
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "Watchword test CA");
        let ca_key = RcKey::generate().unwrap();
        let ca = ca_params.self_signed(&ca_key).unwrap();
        let leaf_key = RcKey::generate().unwrap();
        let leaf = CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
            .unwrap()
            .signed_by(&leaf_key, &ca, &ca_key)
            .unwrap();
        Self {
            ca_pem: ca.pem(),
            leaf_pem: leaf.pem(),
            leaf_der: leaf.der().to_vec(),
            key_pem: leaf_key.serialize_pem(),
            key_der: leaf_key.serialize_der(),
        }
    }
}

impl Default for TestPki {
    fn default() -> Self {
        Self::new()
    }
}

fn serve_tls(router: Router) -> Tls {
    let pki = TestPki::new();
    let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(
        vec![pki.leaf_der.clone().into()],
        rustls::pki_types::PrivateKeyDer::Pkcs8(pki.key_der.clone().into()),
    )
    .unwrap();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    std_listener.set_nonblocking(true).unwrap();
    let addr = std_listener.local_addr().unwrap();
    let connections = Arc::new(AtomicUsize::new(0));
    let counted = connections.clone();
    tokio::spawn(async move {
        let listener = tokio::net::TcpListener::from_std(std_listener).unwrap();
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                continue;
            };
            counted.fetch_add(1, Ordering::SeqCst);
            let acceptor = acceptor.clone();
            let router = router.clone();
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let service = hyper_util::service::TowerToHyperService::new(router);
                let _ = hyper_util::server::conn::auto::Builder::new(
                    hyper_util::rt::TokioExecutor::new(),
                )
                .serve_connection(hyper_util::rt::TokioIo::new(tls), service)
                .await;
            });
        }
    });
    Tls {
        url: format!("https://127.0.0.1:{}", addr.port()),
        ca_pem: pki.ca_pem,
        connections,
    }
}

/// The parts of a compact JWT, its header and claims decoded.
pub struct Jwt {
    /// The header.
    pub header: Value,
    /// The claims.
    pub claims: Value,
    signed: String,
    signature: Vec<u8>,
}

impl Jwt {
    /// Splits `token`; `None` when it is not three base64url parts of JSON.
    pub fn parse(token: &str) -> Option<Self> {
        let mut parts = token.split('.');
        let (h, c, s) = (parts.next()?, parts.next()?, parts.next()?);
        let decode = |p: &str| -> Option<Value> {
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(p).ok()?).ok()
        };
        Some(Self {
            header: decode(h)?,
            claims: decode(c)?,
            signed: format!("{h}.{c}"),
            signature: URL_SAFE_NO_PAD.decode(s).ok()?,
        })
    }

    fn verifies(
        &self,
        alg: &'static dyn ring::signature::VerificationAlgorithm,
        key: &[u8],
    ) -> bool {
        UnparsedPublicKey::new(alg, key)
            .verify(self.signed.as_bytes(), &self.signature)
            .is_ok()
    }
}

fn reason(status: u16, reason: &str) -> Response {
    (
        StatusCode::from_u16(status).unwrap(),
        axum::Json(json!({"reason": reason})),
    )
        .into_response()
}

/// One request APNs took (whatever it answered).
#[derive(Debug, Clone)]
pub struct ApnsRequest {
    /// The HTTP version it came over.
    pub version: Version,
    /// The device token of the path.
    pub token: String,
    /// The headers.
    pub headers: HeaderMap,
    /// The JSON payload.
    pub payload: Value,
    /// The provider token (`authorization: bearer ...`).
    pub jwt: String,
    /// The status answered.
    pub status: u16,
}

struct ApnsState {
    team_id: String,
    key_id: String,
    topic: String,
    public_key: Vec<u8>,
    requests: Mutex<Vec<ApnsRequest>>,
    seen: Mutex<HashMap<String, usize>>,
    arrived: tokio::sync::Notify,
}

/// Apple's provider API on loopback.
pub struct ApnsService {
    /// `https://127.0.0.1:PORT` (for `--apns-url`).
    pub url: String,
    /// The CA certificate to trust (PEM; for `--push-ca-file`).
    pub ca_pem: String,
    /// The token-signing key, as Apple hands it out (PKCS#8 PEM, `.p8`).
    pub key_p8: String,
    /// The key's public half as a PEM SPKI (for PyJWT).
    pub public_pem: String,
    state: Arc<ApnsState>,
    connections: Arc<AtomicUsize>,
}

impl ApnsService {
    /// Team id the service expects.
    pub const TEAM_ID: &'static str = "TEAMID1234";
    /// Key id the service expects.
    pub const KEY_ID: &'static str = "KEYID56789";
    /// Topic (bundle id) the service expects.
    pub const TOPIC: &'static str = "app.watchword.ios";

    /// Starts the service with a new provider key.
    pub fn start() -> Self {
        let pkcs8 =
            EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &SystemRandom::new())
                .unwrap();
        let pair = EcdsaKeyPair::from_pkcs8(
            &ECDSA_P256_SHA256_FIXED_SIGNING,
            pkcs8.as_ref(),
            &SystemRandom::new(),
        )
        .unwrap();
        let public_key = pair.public_key().as_ref().to_vec();
        let state = Arc::new(ApnsState {
            team_id: Self::TEAM_ID.into(),
            key_id: Self::KEY_ID.into(),
            topic: Self::TOPIC.into(),
            public_key: public_key.clone(),
            requests: Mutex::default(),
            seen: Mutex::default(),
            arrived: tokio::sync::Notify::new(),
        });
        let router = Router::new()
            .route("/3/device/{token}", post(apns_send))
            .with_state(state.clone());
        let tls = serve_tls(router);
        Self {
            url: tls.url,
            ca_pem: tls.ca_pem,
            key_p8: pem("PRIVATE KEY", pkcs8.as_ref()),
            public_pem: pem("PUBLIC KEY", &p256_spki(&public_key)),
            state,
            connections: tls.connections,
        }
    }

    /// What a server's APNs sender needs to send here (both hosts this
    /// service; trust its CA through `DeliveryConfig::extra_root`).
    pub fn sender_config(&self) -> watchword_server::delivery::apns::ApnsConfig {
        watchword_server::delivery::apns::ApnsConfig {
            key_pem: zeroize::Zeroizing::new(self.key_p8.clone().into_bytes()),
            key_id: Self::KEY_ID.into(),
            team_id: Self::TEAM_ID.into(),
            topic: Self::TOPIC.into(),
            production_url: self.url.clone(),
            sandbox_url: self.url.clone(),
        }
    }

    /// TCP connections accepted so far.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    /// The requests taken so far.
    pub fn requests(&self) -> Vec<ApnsRequest> {
        self.state.requests.lock().unwrap().clone()
    }

    /// How many requests were taken so far.
    pub fn count(&self) -> usize {
        self.state.requests.lock().unwrap().len()
    }

    /// Waits until at least `n` requests were taken.
    pub async fn wait_for(&self, n: usize) {
        loop {
            let arrived = self.state.arrived.notified();
            if self.count() >= n {
                return;
            }
            arrived.await;
        }
    }
}

fn pem(label: &str, der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let lines: Vec<&str> = b64
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        lines.join("\n")
    )
}

/// SubjectPublicKeyInfo of a P-256 point.
fn p256_spki(point: &[u8]) -> Vec<u8> {
    // SEQUENCE { SEQUENCE { ecPublicKey, prime256v1 }, BIT STRING point }
    let prefix: [u8; 26] = [
        0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08,
        0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
    ];
    [&prefix[..], point].concat()
}

async fn apns_send(
    State(state): State<Arc<ApnsState>>,
    axum::extract::Path(token): axum::extract::Path<String>,
    request: Request,
) -> Response {
    let version = request.version();
    let headers = request.headers().clone();
    let body = axum::body::to_bytes(request.into_body(), 64 * 1024)
        .await
        .unwrap_or_default();
    let payload: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let jwt = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("bearer "))
        .unwrap_or("")
        .to_owned();
    let response = apns_answer(&state, version, &token, &headers, &body, &jwt).await;
    state.requests.lock().unwrap().push(ApnsRequest {
        version,
        token,
        headers,
        payload,
        jwt,
        status: response.status().as_u16(),
    });
    state.arrived.notify_waiters();
    response
}

async fn apns_answer(
    state: &ApnsState,
    version: Version,
    token: &str,
    headers: &HeaderMap,
    body: &Bytes,
    jwt: &str,
) -> Response {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    // What Apple checks, in its words (the provider API's reason table).
    if version != Version::HTTP_2 {
        return reason(400, "BadHttpVersion");
    }
    let Some(parsed) = Jwt::parse(jwt) else {
        return reason(403, "MissingProviderToken");
    };
    if parsed.header["alg"] != "ES256"
        || parsed.header["kid"] != state.key_id.as_str()
        || parsed.claims["iss"] != state.team_id.as_str()
        || !parsed.claims["iat"].is_i64()
        || !parsed.verifies(&ECDSA_P256_SHA256_FIXED, &state.public_key)
    {
        return reason(403, "InvalidProviderToken");
    }
    if header("apns-topic") != Some(state.topic.as_str()) {
        return reason(400, "TopicDisallowed");
    }
    if header("apns-push-type") != Some("alert") {
        return reason(400, "InvalidPushType");
    }
    if header("apns-priority") != Some("10") {
        return reason(400, "BadPriority");
    }
    if header("apns-expiration")
        .and_then(|v| v.parse::<i64>().ok())
        .is_none()
    {
        return reason(400, "BadExpirationDate");
    }
    if header("apns-collapse-id").is_none_or(|v| v.len() > 64) {
        return reason(400, "BadCollapseId");
    }
    if body.len() > 4096 {
        return reason(413, "PayloadTooLarge");
    }
    let Ok(payload) = serde_json::from_slice::<Value>(body) else {
        return reason(400, "PayloadEmpty");
    };
    if !payload["aps"].is_object() {
        return reason(400, "PayloadEmpty");
    }
    if token.is_empty() || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return reason(400, "BadDeviceToken");
    }
    let nth = {
        let mut seen = state.seen.lock().unwrap();
        let n = seen.entry(token.to_owned()).or_insert(0);
        *n += 1;
        *n
    };
    match &token[..4] {
        "0410" => (
            StatusCode::GONE,
            axum::Json(json!({"reason": "Unregistered", "timestamp": 1_700_000_000_000i64})),
        )
            .into_response(),
        "0400" => reason(400, "BadDeviceToken"),
        "0429" if nth == 1 => reason(429, "TooManyRequests"),
        "0503" => reason(503, "ServiceUnavailable"),
        "0403" if nth == 1 => reason(403, "ExpiredProviderToken"),
        "5105" => {
            tokio::time::sleep(Duration::from_secs(5)).await;
            apns_ok()
        }
        _ => apns_ok(),
    }
}

fn apns_ok() -> Response {
    (
        StatusCode::OK,
        [("apns-id", "00000000-0000-0000-0000-000000000001")],
        Body::empty(),
    )
        .into_response()
}

/// One `messages:send` FCM took.
#[derive(Debug, Clone)]
pub struct FcmSend {
    /// The access token it carried.
    pub access_token: String,
    /// The JSON body.
    pub body: Value,
    /// The status answered.
    pub status: u16,
}

struct FcmState {
    project: String,
    token_uri: String,
    client_email: String,
    rsa_public_pkcs1: Vec<u8>,
    issued: Mutex<Vec<String>>,
    revoked: Mutex<Vec<String>>,
    assertions: Mutex<Vec<String>>,
    sends: Mutex<Vec<FcmSend>>,
    seen: Mutex<HashMap<String, usize>>,
    token_requests: AtomicUsize,
}

/// Google's token endpoint and FCM's HTTP v1 API on loopback.
pub struct FcmService {
    /// `https://127.0.0.1:PORT` (for `--fcm-url`).
    pub url: String,
    /// The CA certificate to trust (PEM).
    pub ca_pem: String,
    /// A service-account JSON key file for this service.
    pub service_account_json: String,
    /// The account key's public half (PEM SPKI, for PyJWT).
    pub public_pem: String,
    state: Arc<FcmState>,
}

impl FcmService {
    /// The project the service account belongs to.
    pub const PROJECT: &'static str = "watchword-test";

    /// Starts the service with a new service account (RSA-2048).
    pub fn start() -> Self {
        use rsa::{
            RsaPrivateKey,
            pkcs1::EncodeRsaPublicKey,
            pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding},
        };
        let key = RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).unwrap();
        let public = key.to_public_key();
        let client_email = format!("sender@{}.iam.gserviceaccount.com", Self::PROJECT);
        // The token endpoint's URL goes into the key file, so the server
        // starts first and gets its state once the URL is known.
        let state = Arc::new(Mutex::new(None::<Arc<FcmState>>));
        let shared = state.clone();
        let router = Router::new()
            .route("/token", post(fcm_token))
            .route("/v1/projects/{project}/{method}", post(fcm_send))
            .with_state(shared);
        let tls = serve_tls(router);
        let token_uri = format!("{}/token", tls.url);
        let fcm = Arc::new(FcmState {
            project: Self::PROJECT.into(),
            token_uri: token_uri.clone(),
            client_email: client_email.clone(),
            rsa_public_pkcs1: public.to_pkcs1_der().unwrap().as_bytes().to_vec(),
            issued: Mutex::default(),
            revoked: Mutex::default(),
            assertions: Mutex::default(),
            sends: Mutex::default(),
            seen: Mutex::default(),
            token_requests: AtomicUsize::new(0),
        });
        *state.lock().unwrap() = Some(fcm.clone());
        let service_account_json = json!({
            "type": "service_account",
            "project_id": Self::PROJECT,
            "private_key_id": "k1",
            "private_key": key.to_pkcs8_pem(LineEnding::LF).unwrap().as_str(),
            "client_email": client_email,
            "client_id": "1",
            "token_uri": token_uri,
        })
        .to_string();
        Self {
            url: tls.url,
            ca_pem: tls.ca_pem,
            service_account_json,
            public_pem: public.to_public_key_pem(LineEnding::LF).unwrap(),
            state: fcm,
        }
    }

    /// The `messages:send` requests so far.
    pub fn sends(&self) -> Vec<FcmSend> {
        self.state.sends.lock().unwrap().clone()
    }

    /// How many access tokens were asked for.
    pub fn token_requests(&self) -> usize {
        self.state.token_requests.load(Ordering::SeqCst)
    }

    /// The assertions the token endpoint took.
    pub fn assertions(&self) -> Vec<String> {
        self.state.assertions.lock().unwrap().clone()
    }
}

type FcmShared = Arc<Mutex<Option<Arc<FcmState>>>>;

fn fcm_error(status: u16, code: &str, error_code: Option<&str>) -> Response {
    let mut error = json!({"code": status, "message": code, "status": code});
    if let Some(e) = error_code {
        error["details"] = json!([{
            "@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError",
            "errorCode": e
        }]);
    }
    (
        StatusCode::from_u16(status).unwrap(),
        axum::Json(json!({ "error": error })),
    )
        .into_response()
}

async fn fcm_token(State(shared): State<FcmShared>, body: Bytes) -> Response {
    let state = shared.lock().unwrap().clone().unwrap();
    state.token_requests.fetch_add(1, Ordering::SeqCst);
    let form: HashMap<String, String> = url_form(&body);
    if form.get("grant_type").map(String::as_str)
        != Some("urn:ietf:params:oauth:grant-type:jwt-bearer")
    {
        return (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({"error": "unsupported_grant_type"})),
        )
            .into_response();
    }
    let assertion = form.get("assertion").cloned().unwrap_or_default();
    state.assertions.lock().unwrap().push(assertion.clone());
    let ok = Jwt::parse(&assertion).is_some_and(|jwt| {
        jwt.header["alg"] == "RS256"
            && jwt.claims["iss"] == state.client_email.as_str()
            && jwt.claims["aud"] == state.token_uri.as_str()
            && jwt.claims["scope"] == "https://www.googleapis.com/auth/firebase.messaging"
            && jwt.claims["exp"].as_i64().unwrap_or(0) - jwt.claims["iat"].as_i64().unwrap_or(0)
                <= 3600
            && jwt.verifies(&RSA_PKCS1_2048_8192_SHA256, &state.rsa_public_pkcs1)
    });
    if !ok {
        return (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({"error": "invalid_grant"})),
        )
            .into_response();
    }
    let token = {
        let mut issued = state.issued.lock().unwrap();
        let t = format!("ya29.test-{}", issued.len() + 1);
        issued.push(t.clone());
        t
    };
    axum::Json(json!({"access_token": token, "expires_in": 3599, "token_type": "Bearer"}))
        .into_response()
}

fn url_form(body: &[u8]) -> HashMap<String, String> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

async fn fcm_send(
    State(shared): State<FcmShared>,
    axum::extract::Path((project, method)): axum::extract::Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let state = shared.lock().unwrap().clone().unwrap();
    let access = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("")
        .to_owned();
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let response = fcm_answer(&state, &format!("{project}/{method}"), &access, &body);
    state.sends.lock().unwrap().push(FcmSend {
        access_token: access,
        body,
        status: response.status().as_u16(),
    });
    response
}

fn fcm_answer(state: &FcmState, project_send: &str, access: &str, body: &Value) -> Response {
    if project_send != format!("{}/messages:send", state.project) {
        return fcm_error(404, "NOT_FOUND", None);
    }
    let token = body["message"]["token"].as_str().unwrap_or("").to_owned();
    let nth = {
        let mut seen = state.seen.lock().unwrap();
        let n = seen.entry(token.clone()).or_insert(0);
        *n += 1;
        *n
    };
    if token.starts_with("revoke-") && nth == 1 {
        let issued = state.issued.lock().unwrap().clone();
        state.revoked.lock().unwrap().extend(issued);
    }
    if !state.issued.lock().unwrap().iter().any(|t| t == access)
        || state.revoked.lock().unwrap().iter().any(|t| t == access)
    {
        return fcm_error(401, "UNAUTHENTICATED", None);
    }
    let message = &body["message"];
    let data_ok = message["data"]
        .as_object()
        .is_some_and(|d| d.values().all(Value::is_string) && d.contains_key("challenge_id"));
    let ttl_ok = message["android"]["ttl"]
        .as_str()
        .and_then(|t| t.strip_suffix('s'))
        .is_some_and(|n| n.parse::<u64>().is_ok());
    if !data_ok || !ttl_ok || message["android"]["priority"] != "HIGH" || token.is_empty() {
        return fcm_error(400, "INVALID_ARGUMENT", Some("INVALID_ARGUMENT"));
    }
    if token.starts_with("gone-") {
        return fcm_error(404, "NOT_FOUND", Some("UNREGISTERED"));
    }
    if token.starts_with("busy-") && nth == 1 {
        let mut r = fcm_error(503, "UNAVAILABLE", Some("UNAVAILABLE"));
        r.headers_mut().insert("retry-after", "1".parse().unwrap());
        return r;
    }
    axum::Json(json!({"name": format!("projects/{}/messages/{nth}", state.project)}))
        .into_response()
}

/// One message a Web Push endpoint took.
#[derive(Debug, Clone)]
pub struct WebPushMessage {
    /// The endpoint path.
    pub path: String,
    /// The headers.
    pub headers: HeaderMap,
    /// The encrypted body.
    pub body: Vec<u8>,
}

/// A Web Push service on loopback (plain HTTP, as a distributor on the
/// same machine): endpoints `/ok/<n>`, `/gone/<n>` (410), `/busy/<n>`
/// (429 with Retry-After: 1 once).
pub struct WebPushService {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    messages: Arc<Mutex<Vec<WebPushMessage>>>,
}

impl WebPushService {
    /// Starts the service.
    pub async fn start() -> Self {
        let messages: Arc<Mutex<Vec<WebPushMessage>>> = Arc::default();
        let seen: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
        let (m, s) = (messages.clone(), seen.clone());
        let router = Router::new().fallback(post(move |request: Request| {
            let (m, s) = (m.clone(), s.clone());
            async move {
                let path = request.uri().path().to_owned();
                let headers = request.headers().clone();
                let body = axum::body::to_bytes(request.into_body(), 64 * 1024)
                    .await
                    .unwrap_or_default()
                    .to_vec();
                let nth = {
                    let mut seen = s.lock().unwrap();
                    let n = seen.entry(path.clone()).or_insert(0);
                    *n += 1;
                    *n
                };
                m.lock().unwrap().push(WebPushMessage {
                    path: path.clone(),
                    headers: headers.clone(),
                    body,
                });
                // RFC 8030 section 5: TTL is required.
                if headers.get("ttl").is_none() {
                    return StatusCode::BAD_REQUEST.into_response();
                }
                if path.starts_with("/gone/") {
                    return StatusCode::GONE.into_response();
                }
                if path.starts_with("/busy/") && nth == 1 {
                    return (StatusCode::TOO_MANY_REQUESTS, [("retry-after", "1")]).into_response();
                }
                (StatusCode::CREATED, [("location", "/messages/1")]).into_response()
            }
        }));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        Self { url, messages }
    }

    /// The messages taken so far.
    pub fn messages(&self) -> Vec<WebPushMessage> {
        self.messages.lock().unwrap().clone()
    }
}
