//! What reaches the reference server's HTTP API from the network: any
//! method, path, headers and body, through the real axum router over a
//! real SQLite file (an enrolment, a challenge and a relying-party key in
//! place). Every request gets a reply; a 500 is a finding, a panic too.
//!
//! Input: the first line is `METHOD PATH`, then `name: value` header lines
//! up to an empty line, then the body.
#![no_main]

use std::sync::OnceLock;

use axum::{
    Router,
    body::Body,
    http::{Request, StatusCode},
};
use libfuzzer_sys::fuzz_target;
use tower::ServiceExt as _;
use watchword_server::http::router;

#[path = "server_fixture.rs"]
mod server_fixture;
use server_fixture::ServerFixture;

struct Fixture {
    runtime: tokio::runtime::Runtime,
    router: Router,
    _server: ServerFixture,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let server = ServerFixture::new();
        server.server.rotate_rp_key().expect("rp key");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        Fixture {
            runtime,
            router: router(server.server.clone()),
            _server: server,
        }
    })
}

/// The request the input spells, or `None` when it is not one `http` can
/// hold (a bad method, URI or header is refused before the server).
fn request(data: &[u8]) -> Option<Request<Body>> {
    let text_end = data
        .windows(2)
        .position(|w| w == b"\n\n")
        .unwrap_or(data.len());
    let head = std::str::from_utf8(&data[..text_end]).ok()?;
    let body = data.get(text_end + 2..).unwrap_or_default().to_vec();
    let mut lines = head.lines();
    let (method, path) = lines.next()?.split_once(' ')?;
    let mut builder = Request::builder().method(method).uri(path);
    for line in lines {
        let (name, value) = line.split_once(':')?;
        builder = builder.header(name.trim(), value.trim());
    }
    builder.body(Body::from(body)).ok()
}

fuzz_target!(|data: &[u8]| {
    let Some(request) = request(data) else {
        return;
    };
    let f = fixture();
    let response = f
        .runtime
        .block_on(f.router.clone().oneshot(request))
        .expect("the router is infallible");
    assert_ne!(
        response.status(),
        StatusCode::INTERNAL_SERVER_ERROR,
        "the server failed on a request from the network"
    );
});
