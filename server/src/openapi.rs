//! The OpenAPI 3.1 description of the HTTP API, `GET /openapi.json`.
//!
//! The document is `docs/openapi.json`, compiled in: the served document and
//! the one kept in the repository are the same bytes. The tests crate checks
//! it against the running server (`tests/tests/push_openapi.rs`) and
//! `tests/openapi/run.sh` runs schemathesis against it.

use axum::{
    http::header::CONTENT_TYPE,
    response::{IntoResponse, Response},
};

/// The OpenAPI document, as kept in `docs/openapi.json`.
pub const DOCUMENT: &str = include_str!("../../docs/openapi.json");

/// `GET /openapi.json`: [`DOCUMENT`].
pub async fn document() -> Response {
    ([(CONTENT_TYPE, "application/json")], DOCUMENT).into_response()
}
