//! The HTTP API (axum): routes, request parsing into protocol messages,
//! and refusals as `{"error": {...}, "server_time": T}`.

use std::sync::Arc;

use axum::{
    Json, Router,
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{delete, get, post},
};
use serde::{Serialize, de::DeserializeOwned};
use watchword_core::push::protocol::{
    ErrorBody, ErrorCode, HEADER_DEVICE, HEADER_NONCE, HEADER_SIGNATURE, HEADER_TIMESTAMP,
};

use crate::{
    PushServer, admin_http,
    challenges::SignedRequest,
    enrolment::check_id,
    error::{ServerError, ServerResult},
};

/// Largest request body accepted.
const MAX_BODY: usize = 16 * 1024;

/// The router over a server.
pub fn router(server: Arc<PushServer>) -> Router {
    Router::new()
        .route("/v1/activate/{enrolment_id}", post(activate))
        .route("/v1/challenges", post(create_challenge))
        .route("/v1/challenges/{id}", get(challenge_status))
        .route("/v1/device/pending", get(pending))
        .route("/v1/device/challenges/{id}/answer", post(answer))
        .route("/v1/device/push-token", post(push_token))
        // The administrator's API (admin_http.rs), under the admin key.
        .route("/v1/admin/users/{user}/devices", get(admin_http::devices))
        .route("/v1/admin/users/{user}/enrolments", post(admin_http::enrol))
        .route("/v1/admin/users/{user}", delete(admin_http::remove_user))
        .route("/v1/admin/devices/{id}/revoke", post(admin_http::revoke))
        .route("/v1/admin/audit", get(admin_http::audit))
        .route("/v1/admin/rp-keys", get(admin_http::rp_keys))
        .route("/v1/admin/rp-keys", post(admin_http::add_rp_key))
        .route(
            "/v1/admin/rp-keys/{name}/revoke",
            post(admin_http::revoke_rp_key),
        )
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY))
        .layer(axum::middleware::map_response_with_state(
            server.clone(),
            as_protocol_refusal,
        ))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .route("/openapi.json", get(crate::openapi::document))
        .layer(axum::middleware::from_fn_with_state(
            server.clone(),
            access_log,
        ))
        .with_state(server)
}

/// `200 {"status":"ok"}` while the database answers, `503` otherwise.
async fn healthz(State(server): State<Arc<PushServer>>) -> Response {
    match blocking(&server, |s| s.healthy()).await {
        Ok(()) => (StatusCode::OK, Json(serde_json::json!({"status": "ok"}))).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({"status": "unavailable"})),
            )
                .into_response()
        }
    }
}

/// The metrics in the OpenMetrics text format.
async fn metrics(State(server): State<Arc<PushServer>>) -> Response {
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        server.metrics().render(),
    )
        .into_response()
}

/// One DEBUG line a request (method, path, status and time taken) and its
/// latency in the metrics under its route template. Paths hold ids only
/// (enrolment, challenge), never a code, key or body.
async fn access_log(
    State(server): State<Arc<PushServer>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or("unmatched", |p| p.as_str())
        .to_owned();
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    server.metrics().request(
        method.as_str(),
        &route,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    tracing::debug!(
        %method,
        path,
        status = response.status().as_u16(),
        ms = started.elapsed().as_millis() as u64,
        "request"
    );
    response
}

/// axum's own refusals are plain text: a body over [`MAX_BODY`] (413), a
/// path segment or query that is not UTF-8 or does not parse (400). The
/// client gets the protocol's JSON refusal instead, `too_large` or
/// `bad_request`, like every other refusal.
async fn as_protocol_refusal(
    State(server): State<Arc<PushServer>>,
    response: Response,
) -> Response {
    let json = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    let e = match response.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ServerError::new(
            ErrorCode::TooLarge,
            format!("the request body is over {MAX_BODY} bytes"),
        ),
        StatusCode::BAD_REQUEST if !json => ServerError::bad_request("malformed path or query"),
        _ => return response,
    };
    let r: ServerResult<()> = Err(e);
    respond(&server, StatusCode::OK, r).into_response()
}

pub(crate) struct Reply {
    status: StatusCode,
    body: serde_json::Value,
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

pub(crate) fn respond<T: Serialize>(
    server: &PushServer,
    status: StatusCode,
    r: ServerResult<T>,
) -> Reply {
    match r.and_then(|v| serde_json::to_value(v).map_err(|e| ServerError::internal("json", e))) {
        Ok(body) => Reply { status, body },
        Err(e) => {
            let body = ErrorBody {
                error: e.detail(),
                server_time: server.now(),
            };
            Reply {
                status: StatusCode::from_u16(e.code.http_status())
                    .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                body: serde_json::to_value(body).unwrap_or_default(),
            }
        }
    }
}

pub(crate) fn parse<T: DeserializeOwned>(body: &[u8]) -> ServerResult<T> {
    serde_json::from_slice(body).map_err(|e| ServerError::bad_request(format!("bad JSON: {e}")))
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> ServerResult<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| ServerError::bad_request(format!("missing header {name}")))
}

/// The request's `Authorization: Bearer` key ("" when there is none).
pub(crate) fn bearer(headers: &HeaderMap) -> &str {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("")
}

/// The relying party the request's bearer key belongs to.
fn rp_auth(server: &PushServer, headers: &HeaderMap) -> ServerResult<String> {
    server.check_rp_key(bearer(headers))
}

/// Runs the engine's work (database queries, which block) on tokio's
/// blocking pool: a slow query never holds up a runtime worker, and on
/// PostgreSQL many requests wait on their connections at once. A panic in
/// it is an internal error, never a dropped connection.
pub(crate) async fn blocking<T: Send + 'static>(
    server: &Arc<PushServer>,
    work: impl FnOnce(&Arc<PushServer>) -> ServerResult<T> + Send + 'static,
) -> ServerResult<T> {
    let server = server.clone();
    tokio::task::spawn_blocking(move || work(&server))
        .await
        .unwrap_or_else(|e| Err(ServerError::internal("request", e)))
}

async fn activate(
    State(server): State<Arc<PushServer>>,
    Path(enrolment_id): Path<String>,
    body: Bytes,
) -> Reply {
    let r = blocking(&server, move |s| {
        check_id(&enrolment_id)?;
        s.activate(&enrolment_id, &parse(&body)?)
    })
    .await;
    respond(&server, StatusCode::OK, r)
}

async fn create_challenge(
    State(server): State<Arc<PushServer>>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    let r = blocking(&server, move |s| {
        let rp = rp_auth(s, &headers)?;
        let (response, notes) = s.create_challenge_for(&rp, &parse(&body)?)?;
        // In the background: a slow push service never delays the
        // relying party.
        s.spawn_delivery(notes);
        Ok(response)
    })
    .await;
    respond(&server, StatusCode::CREATED, r)
}

async fn challenge_status(
    State(server): State<Arc<PushServer>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Reply {
    let r = blocking(&server, move |s| {
        s.challenge_status_for(&rp_auth(s, &headers)?, &id)
    })
    .await;
    respond(&server, StatusCode::OK, r)
}

async fn pending(State(server): State<Arc<PushServer>>, headers: HeaderMap) -> Reply {
    let r = blocking(&server, move |s| {
        let request = SignedRequest {
            device_id: header(&headers, HEADER_DEVICE)?.to_owned(),
            timestamp: header(&headers, HEADER_TIMESTAMP)?
                .parse()
                .map_err(|_| ServerError::bad_request("timestamp must be an integer"))?,
            nonce: header(&headers, HEADER_NONCE)?.to_owned(),
            signature: header(&headers, HEADER_SIGNATURE)?.to_owned(),
        };
        s.pending(&request)
    })
    .await;
    respond(&server, StatusCode::OK, r)
}

async fn answer(
    State(server): State<Arc<PushServer>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Reply {
    let r = blocking(&server, move |s| s.answer(&id, &parse(&body)?)).await;
    respond(&server, StatusCode::OK, r)
}

async fn push_token(State(server): State<Arc<PushServer>>, body: Bytes) -> Reply {
    let r = blocking(&server, move |s| s.update_push_token(&parse(&body)?)).await;
    respond(&server, StatusCode::OK, r)
}
