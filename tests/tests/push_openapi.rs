//! The OpenAPI description of the server's HTTP API (`docs/openapi.json`,
//! served at `/openapi.json`) against the server for real: the served
//! document is the kept one; the router's routes and the document's are the
//! same (from `server/src/http.rs`, from requests, and from the route
//! templates the server's metrics saw); and every response of real round
//! trips (activation, sign-in requests, status, pending fetch, answers,
//! push-token changes, and each refusal they can give) has a documented
//! status, content type and error code and validates against the
//! document's schema (jsonschema, JSON Schema 2020-12 as OpenAPI 3.1 uses).
//! Every documented refusal code is provoked at least once here, except
//! `internal`. `tests/openapi/run.sh` runs schemathesis against it too.

// Helpers outside #[test] fns panic on failure too, like the tests.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    collections::{BTreeMap, BTreeSet, HashMap},
    sync::Mutex,
};

use reqwest::Method;
use serde_json::{Value, json};
use watchword_core::push::{
    Decision, ErrorCode, PushToken,
    keys::{SigningKey, random_b64},
    protocol::{
        self, AnswerFields, HEADER_DEVICE, HEADER_NONCE, HEADER_SIGNATURE, HEADER_TIMESTAMP,
        PENDING_PATH, PUSH_TOKEN_PATH,
    },
};
use watchword_tests::push::Loopback;

const ACTIVATE: &str = "/v1/activate/{enrolment_id}";
const CHALLENGES: &str = "/v1/challenges";
const STATUS: &str = "/v1/challenges/{id}";
const PENDING: &str = "/v1/device/pending";
const ANSWER: &str = "/v1/device/challenges/{id}/answer";
const PUSH_TOKEN: &str = "/v1/device/push-token";

/// Every protocol error code. The match makes a new variant a compile
/// error here until the document (and this list) has it.
fn all_codes() -> Vec<ErrorCode> {
    use ErrorCode::*;
    let all = vec![
        BadRequest,
        Unauthorized,
        ActivationNotFound,
        ActivationWrongCode,
        ActivationUsed,
        ActivationExpired,
        ActivationLocked,
        UnknownDevice,
        BadSignature,
        StaleTimestamp,
        ReplayedNonce,
        UnknownUser,
        NoDevice,
        TooManyOpen,
        CoolDown,
        ChallengeNotFound,
        WrongDevice,
        ChallengeExpired,
        AlreadyAnswered,
        WrongNumber,
        NumberRequired,
        TooLarge,
        Internal,
    ];
    for c in &all {
        match c {
            BadRequest | Unauthorized | ActivationNotFound | ActivationWrongCode
            | ActivationUsed | ActivationExpired | ActivationLocked | UnknownDevice
            | BadSignature | StaleTimestamp | ReplayedNonce | UnknownUser | NoDevice
            | TooManyOpen | CoolDown | ChallengeNotFound | WrongDevice | ChallengeExpired
            | AlreadyAnswered | WrongNumber | NumberRequired | TooLarge | Internal => {}
        }
    }
    all
}

fn document() -> Value {
    serde_json::from_str(watchword_server::openapi::DOCUMENT).unwrap()
}

/// Each documented path's methods, lower case.
fn documented_routes(doc: &Value) -> BTreeMap<String, BTreeSet<String>> {
    doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(path, item)| {
            let methods = item
                .as_object()
                .unwrap()
                .keys()
                .filter(|k| ["get", "post", "put", "delete", "patch"].contains(&k.as_str()))
                .cloned()
                .collect();
            (path.clone(), methods)
        })
        .collect()
}

/// The refusal codes documented for each status of one operation.
fn documented_refusals(op: &Value) -> BTreeMap<u16, Vec<String>> {
    op["responses"]
        .as_object()
        .unwrap()
        .iter()
        .filter_map(|(status, r)| {
            let codes = r["content"]["application/json"]["schema"]["allOf"][1]["properties"]
                ["error"]["properties"]["code"]["enum"]
                .as_array()?;
            let codes = codes
                .iter()
                .map(|c| c.as_str().unwrap().to_owned())
                .collect();
            Some((status.parse().unwrap(), codes))
        })
        .collect()
}

/// A JSON pointer to `segments` as a URI fragment.
fn pointer(segments: &[&str]) -> String {
    let mut out = String::from("#");
    for s in segments {
        out.push('/');
        for c in s.replace('~', "~0").replace('/', "~1").chars() {
            if c.is_ascii_alphanumeric() || "-._~".contains(c) {
                out.push(c);
            } else {
                let mut buf = [0; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
        }
    }
    out
}

/// The validator of the schema at `segments` of `doc`, its `$ref`s
/// resolved in the document.
fn validator(doc: &Value, segments: &[&str]) -> jsonschema::Validator {
    let at = pointer(segments);
    let mut root = doc.clone();
    root.as_object_mut()
        .unwrap()
        .insert("$ref".into(), Value::String(at.clone()));
    jsonschema::draft202012::new(&root)
        .unwrap_or_else(|e| panic!("schema at {at} does not compile: {e}"))
}

/// Every way `instance` fails `validator`, or `Ok`.
fn errors(validator: &jsonschema::Validator, instance: &Value) -> Result<(), String> {
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{e} (at {})", e.instance_path()))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("; "))
    }
}

/// What a response was.
#[derive(Debug)]
struct Reply {
    status: u16,
    body: Value,
}

impl Reply {
    /// The refusal's code.
    fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }
}

/// The API as the document describes it: every call's response is
/// checked against the document, and what was seen is recorded.
struct Api {
    doc: Value,
    base: String,
    rp_key: String,
    http: reqwest::Client,
    validators: Mutex<HashMap<String, jsonschema::Validator>>,
    /// (template, method, status, code or "") seen.
    seen: Mutex<BTreeSet<(String, String, u16, String)>>,
}

impl Api {
    fn new(lb: &Loopback) -> Self {
        Self {
            doc: document(),
            base: lb.base.clone(),
            rp_key: lb.rp_key.clone(),
            http: reqwest::Client::new(),
            validators: Mutex::default(),
            seen: Mutex::default(),
        }
    }

    /// Validates `instance` against the schema at `segments` of the
    /// document (its `$ref`s resolved in the document).
    fn validate(&self, segments: &[&str], instance: &Value) -> Result<(), String> {
        let at = pointer(segments);
        let mut validators = self.validators.lock().unwrap();
        let validator = validators
            .entry(at)
            .or_insert_with(|| validator(&self.doc, segments));
        errors(validator, instance)
    }

    /// Checks a response of `method template` against the document.
    fn check(
        &self,
        method: &str,
        template: &str,
        status: u16,
        content_type: &str,
        bytes: &[u8],
    ) -> Value {
        let text = String::from_utf8_lossy(bytes);
        let op = &self.doc["paths"][template][method];
        assert!(op.is_object(), "{method} {template} is not documented");
        let status_key = status.to_string();
        let response = &op["responses"][&status_key];
        assert!(
            response.is_object(),
            "{method} {template}: status {status} is not documented (body {text})"
        );
        let media = content_type.split(';').next().unwrap().trim();
        assert!(
            response["content"][media].is_object(),
            "{method} {template} {status}: content type {content_type} is not documented"
        );
        if media != "application/json" {
            return Value::String(text.into_owned());
        }
        let body: Value = serde_json::from_slice(bytes)
            .unwrap_or_else(|e| panic!("{method} {template} {status}: not JSON ({e}): {text}"));
        let segments = [
            "paths",
            template,
            method,
            "responses",
            &status_key,
            "content",
            media,
            "schema",
        ];
        if let Err(e) = self.validate(&segments, &body) {
            panic!("{method} {template} {status}: {body} does not match the document: {e}");
        }
        body
    }

    /// Sends a request to `path` (an instance of `template`), checks the
    /// response against the document and records it.
    async fn send(
        &self,
        method: Method,
        template: &str,
        path: &str,
        headers: &[(&str, String)],
        body: Option<Vec<u8>>,
    ) -> Reply {
        let mut request = self
            .http
            .request(method.clone(), format!("{}{path}", self.base));
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let bytes = response.bytes().await.unwrap();
        let method = method.as_str().to_ascii_lowercase();
        let body = self.check(&method, template, status, &content_type, &bytes);
        let reply = Reply { status, body };
        self.seen.lock().unwrap().insert((
            template.to_owned(),
            method,
            status,
            reply.code().to_owned(),
        ));
        reply
    }

    async fn post(&self, template: &str, path: &str, body: &Value) -> Reply {
        self.send(
            Method::POST,
            template,
            path,
            &[],
            Some(serde_json::to_vec(body).unwrap()),
        )
        .await
    }

    async fn post_raw(&self, template: &str, path: &str, body: &[u8]) -> Reply {
        self.send(Method::POST, template, path, &[], Some(body.to_vec()))
            .await
    }

    fn bearer(&self) -> (&'static str, String) {
        ("authorization", format!("Bearer {}", self.rp_key))
    }

    async fn create(&self, body: &Value) -> Reply {
        self.send(
            Method::POST,
            CHALLENGES,
            CHALLENGES,
            &[self.bearer()],
            Some(serde_json::to_vec(body).unwrap()),
        )
        .await
    }

    async fn status(&self, id: &str) -> Reply {
        self.send(
            Method::GET,
            STATUS,
            &format!("{CHALLENGES}/{id}"),
            &[self.bearer()],
            None,
        )
        .await
    }

    /// Every documented (operation, status, code) no response has shown
    /// yet, besides `internal` and the health check's 503.
    fn unseen(&self) -> Vec<String> {
        let seen = self.seen.lock().unwrap();
        let mut missing = Vec::new();
        for (path, methods) in documented_routes(&self.doc) {
            for method in methods {
                let op = &self.doc["paths"][&path][&method];
                for status in op["responses"].as_object().unwrap().keys() {
                    let status: u16 = status.parse().unwrap();
                    let refusals = documented_refusals(op);
                    let codes = refusals.get(&status).cloned().unwrap_or_default();
                    if codes.is_empty() {
                        let any = seen
                            .iter()
                            .any(|(p, m, s, _)| *p == path && *m == method && *s == status);
                        let unprovokable = path == "/healthz" && status == 503;
                        if !any && !unprovokable {
                            missing.push(format!("{method} {path} {status}"));
                        }
                    }
                    for code in codes {
                        if code != "internal"
                            && !seen.contains(&(path.clone(), method.clone(), status, code.clone()))
                        {
                            missing.push(format!("{method} {path} {status} {code}"));
                        }
                    }
                }
            }
        }
        missing
    }
}

/// A device speaking the protocol by hand: its id and key.
struct RawDevice {
    id: String,
    key: SigningKey,
}

fn now(lb: &Loopback) -> i64 {
    lb.server.now()
}

/// The signed headers of a pending fetch.
fn pending_headers(
    device_id: &str,
    key: &SigningKey,
    timestamp: i64,
    nonce: &str,
) -> Vec<(&'static str, String)> {
    let input = protocol::request_input("GET", PENDING_PATH, device_id, timestamp, nonce).unwrap();
    vec![
        (HEADER_DEVICE, device_id.to_owned()),
        (HEADER_TIMESTAMP, timestamp.to_string()),
        (HEADER_NONCE, nonce.to_owned()),
        (HEADER_SIGNATURE, key.sign(&input).unwrap()),
    ]
}

/// A signed answer body.
fn answer_body(
    device: &RawDevice,
    id: &str,
    challenge_nonce: &str,
    decision: Decision,
    number: Option<u8>,
    timestamp: i64,
    request_nonce: &str,
) -> Value {
    let input = protocol::answer_input(&AnswerFields {
        challenge_id: id,
        challenge_nonce,
        device_id: &device.id,
        decision,
        number,
        timestamp,
        request_nonce,
    })
    .unwrap();
    json!({
        "device_id": device.id,
        "decision": decision.as_str(),
        "number": number,
        "timestamp": timestamp,
        "request_nonce": request_nonce,
        "signature": device.key.sign(&input).unwrap(),
    })
}

/// A signed push-token change body.
fn push_token_body(
    device: &RawDevice,
    push: Option<&PushToken>,
    timestamp: i64,
    request_nonce: &str,
) -> Value {
    let input = protocol::push_token_input(&device.id, timestamp, request_nonce, push).unwrap();
    json!({
        "device_id": device.id,
        "push": push,
        "timestamp": timestamp,
        "request_nonce": request_nonce,
        "signature": device.key.sign(&input).unwrap(),
    })
}

fn nonce() -> String {
    random_b64(16).unwrap()
}

/// Enrols `user` and activates a device for it over HTTP.
async fn activated(api: &Api, lb: &Loopback, user: &str) -> RawDevice {
    let e = lb.server.enrol(user, &lb.base).unwrap();
    let key = SigningKey::generate().unwrap();
    let r = api
        .post(
            ACTIVATE,
            &format!("/v1/activate/{}", e.enrolment_id),
            &json!({"code": e.code, "public_key": key.public_key_b64(), "device_name": format!("{user}'s phone")}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    RawDevice {
        id: r.body["device_id"].as_str().unwrap().to_owned(),
        key,
    }
}

#[test]
fn the_document_is_openapi_3_1_and_its_codes_are_the_protocols() {
    let doc = document();
    assert_eq!(doc["openapi"], "3.1.0");
    // The kept file is what the server compiled in.
    let kept = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/openapi.json"),
    )
    .unwrap();
    assert_eq!(kept, watchword_server::openapi::DOCUMENT);
    // The error codes are exactly the protocol's.
    let documented: BTreeSet<String> = doc["components"]["schemas"]["ErrorCode"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    let protocol: BTreeSet<String> = all_codes().iter().map(|c| c.as_str().to_owned()).collect();
    assert_eq!(documented, protocol);
    // Each refusal is documented under the HTTP status the server sends
    // with its code, and every code but `internal` appears at some route.
    let mut used = BTreeSet::new();
    for (path, methods) in documented_routes(&doc) {
        for method in methods {
            for (status, codes) in documented_refusals(&doc["paths"][&path][&method]) {
                for code in codes {
                    let c: ErrorCode = serde_json::from_value(json!(code)).unwrap();
                    assert_eq!(c.http_status(), status, "{method} {path}: {code}");
                    used.insert(code);
                }
            }
        }
    }
    assert_eq!(used, protocol, "codes no route documents");

    // The schemas do refuse: a refusal with a code its status does not
    // document, an unknown field, a missing one, a wrong type.
    let conflict = validator(
        &doc,
        &[
            "paths",
            ANSWER,
            "post",
            "responses",
            "409",
            "content",
            "application/json",
            "schema",
        ],
    );
    let refusal = |code: &str| json!({"error": {"code": code, "message": "m"}, "server_time": 1});
    errors(&conflict, &refusal("already_answered")).unwrap();
    errors(&conflict, &refusal("no_device")).unwrap_err();
    errors(&conflict, &refusal("pigeon")).unwrap_err();
    let mut extra = refusal("replayed_nonce");
    extra["error"]["hint"] = json!("x");
    errors(&conflict, &extra).unwrap_err();
    errors(
        &conflict,
        &json!({"error": {"code": "replayed_nonce"}, "server_time": 1}),
    )
    .unwrap_err();
    let created = validator(
        &doc,
        &[
            "paths",
            CHALLENGES,
            "post",
            "responses",
            "201",
            "content",
            "application/json",
            "schema",
        ],
    );
    let c = json!({"id": "c1", "number": 42, "created_at": 1, "expires_at": 61, "server_time": 1});
    errors(&created, &c).unwrap();
    let mut without_number = c.clone();
    without_number["number"] = Value::Null;
    errors(&created, &without_number).unwrap();
    let mut wrong_type = c.clone();
    wrong_type["expires_at"] = json!("61");
    errors(&created, &wrong_type).unwrap_err();
    let mut missing = c;
    missing.as_object_mut().unwrap().remove("server_time");
    errors(&created, &missing).unwrap_err();
}

#[test]
fn the_routes_in_the_router_source_are_the_documented_ones() {
    let source = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../server/src/http.rs"),
    )
    .unwrap();
    let mut routes: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for line in source.lines() {
        let Some(rest) = line.trim().strip_prefix(".route(\"") else {
            continue;
        };
        let (path, handlers) = rest.split_once('"').unwrap();
        let methods = routes.entry(path.to_owned()).or_default();
        for method in ["get", "post", "put", "delete", "patch"] {
            if handlers.contains(&format!("{method}(")) {
                methods.insert(method.to_owned());
            }
        }
    }
    assert!(routes.len() >= 9, "routes read from http.rs: {routes:?}");
    assert_eq!(routes, documented_routes(&document()));
}

#[tokio::test]
async fn the_server_serves_exactly_the_documented_routes() {
    let lb = Loopback::start().await;
    let api = Api::new(&lb);
    let served = api
        .send(Method::GET, "/openapi.json", "/openapi.json", &[], None)
        .await;
    assert_eq!(served.status, 200);
    assert_eq!(served.body, api.doc, "the served document is the kept one");
    let raw = reqwest::get(format!("{}/openapi.json", lb.base))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(raw, watchword_server::openapi::DOCUMENT);

    let routes = documented_routes(&api.doc);
    for (template, methods) in &routes {
        let path = template
            .replace("{enrolment_id}", "e0")
            .replace("{id}", "c0");
        for method in ["get", "post", "put", "delete", "patch"] {
            let m = Method::from_bytes(method.to_ascii_uppercase().as_bytes()).unwrap();
            if methods.contains(method) {
                // A documented operation answers as documented (a refusal
                // of the made-up id or empty body at most), never the
                // router's "no such route".
                let r = api.send(m, template, &path, &[], Some(vec![])).await;
                assert_ne!(r.body, Value::Null, "{method} {path}");
            } else {
                let r = api
                    .http
                    .request(m, format!("{}{path}", lb.base))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(
                    r.status(),
                    405,
                    "{method} {path} is served but not documented"
                );
            }
        }
    }
    // Paths the document does not have are not served.
    for path in [
        "/",
        "/v1",
        "/v1/activate",
        "/v1/device",
        "/v1/device/challenges/c0",
        "/v1/challenges/c0/answer",
        "/v2/challenges",
        "/admin",
        "/openapi.yaml",
        "/docs",
    ] {
        for method in [Method::GET, Method::POST] {
            let r = api
                .http
                .request(method.clone(), format!("{}{path}", lb.base))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 404, "{method} {path}");
            assert!(r.bytes().await.unwrap().is_empty(), "{method} {path}");
        }
    }
    // The route templates the server itself measured are documented.
    let metrics = api
        .send(Method::GET, "/metrics", "/metrics", &[], None)
        .await;
    let text = metrics.body.as_str().unwrap();
    let measured: BTreeSet<&str> = text
        .split("route=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap())
        .filter(|r| *r != "unmatched")
        .collect();
    let documented: BTreeSet<&str> = routes.keys().map(String::as_str).collect();
    assert_eq!(measured, documented, "route templates in /metrics");
    let health = api
        .send(Method::GET, "/healthz", "/healthz", &[], None)
        .await;
    assert_eq!(health.body, json!({"status": "ok"}));
}

#[tokio::test]
async fn real_round_trips_and_every_refusal_match_the_document() {
    let lb = Loopback::start().await;
    let api = Api::new(&lb);
    let too_large = vec![b' '; 16 * 1024 + 1];

    // --- activation ---------------------------------------------------
    let alice = activated(&api, &lb, "alice").await;
    let bob = activated(&api, &lb, "bob").await;
    let e = lb.server.enrol("carol", &lb.base).unwrap();
    let path = format!("/v1/activate/{}", e.enrolment_id);
    let key = SigningKey::generate().unwrap();
    let good =
        json!({"code": e.code, "public_key": key.public_key_b64(), "device_name": "carol's phone"});
    let mut wrong = good.clone();
    wrong["code"] = json!("000000000");
    let r = api.post(ACTIVATE, &path, &wrong).await;
    assert_eq!((r.status, r.code()), (403, "activation_wrong_code"));
    assert_eq!(r.body["error"]["tries_left"], 4);
    let mut bad_key = good.clone();
    bad_key["public_key"] = json!("BAAA");
    let r = api.post(ACTIVATE, &path, &bad_key).await;
    assert_eq!((r.status, r.code()), (400, "bad_request"));
    let mut bad_push = good.clone();
    bad_push["push"] = json!({"kind": "apns", "token": "not hex"});
    let r = api.post(ACTIVATE, &path, &bad_push).await;
    assert_eq!((r.status, r.code()), (400, "bad_request"));
    let r = api.post_raw(ACTIVATE, &path, b"{").await;
    assert_eq!((r.status, r.code()), (400, "bad_request"));
    let r = api.post_raw(ACTIVATE, &path, &too_large).await;
    assert_eq!((r.status, r.code()), (413, "too_large"));
    let r = api.post(ACTIVATE, "/v1/activate/e0", &good).await;
    assert_eq!((r.status, r.code()), (404, "activation_not_found"));
    let r = api.post(ACTIVATE, "/v1/activate/e%2D0", &good).await;
    assert_eq!((r.status, r.code()), (400, "bad_request"));
    for _ in 0..3 {
        api.post(ACTIVATE, &path, &wrong).await;
    }
    let r = api.post(ACTIVATE, &path, &wrong).await;
    assert_eq!((r.status, r.code()), (423, "activation_locked"));
    let r = api.post(ACTIVATE, &path, &good).await;
    assert_eq!((r.status, r.code()), (423, "activation_locked"));
    // Used, with a push address (an FCM token).
    let e = lb.server.enrol("dave", &lb.base).unwrap();
    let path = format!("/v1/activate/{}", e.enrolment_id);
    let body = json!({"code": e.code, "public_key": key.public_key_b64(), "device_name": "dave's phone",
        "push": {"kind": "fcm", "token": "fcm-token-1"}});
    let r = api.post(ACTIVATE, &path, &body).await;
    assert_eq!(r.status, 200);
    let r = api.post(ACTIVATE, &path, &body).await;
    assert_eq!((r.status, r.code()), (410, "activation_used"));
    // Expired.
    let e = lb.server.enrol("erin", &lb.base).unwrap();
    lb.clock.advance(601_000);
    let r = api
        .post(
            ACTIVATE,
            &format!("/v1/activate/{}", e.enrolment_id),
            &json!({"code": e.code, "public_key": key.public_key_b64(), "device_name": "erin's phone"}),
        )
        .await;
    assert_eq!((r.status, r.code()), (410, "activation_expired"));

    // --- sign-in requests -------------------------------------------------
    let sign_in =
        json!({"user": "alice", "app": "Outlook", "location": "Utrecht, NL", "ip": "203.0.113.7"});
    let c1 = api.create(&sign_in).await;
    assert_eq!(c1.status, 201);
    assert!(c1.body["number"].is_u64());
    let c2 = api
        .create(&json!({"user": "alice", "app": "VPN", "number_matching": false}))
        .await;
    assert_eq!((c2.status, &c2.body["number"]), (201, &Value::Null));
    let c3 = api
        .create(&json!({"user": "alice", "app": "Wiki", "ttl": 10, "number_matching": null}))
        .await;
    assert_eq!(c3.status, 201);
    let r = api.create(&sign_in).await;
    assert_eq!((r.status, r.code()), (429, "too_many_open"));
    let r = api
        .create(&json!({"user": "nobody", "app": "Outlook"}))
        .await;
    assert_eq!((r.status, r.code()), (404, "unknown_user"));
    let r = api
        .create(&json!({"user": "carol", "app": "Outlook"}))
        .await;
    assert_eq!((r.status, r.code()), (409, "no_device"));
    let r = api
        .create(&json!({"user": "bob", "app": "Outlook", "ttl": 5}))
        .await;
    assert_eq!((r.status, r.code()), (400, "bad_request"));
    let r = api.create(&json!({"user": "bob", "app": " "})).await;
    assert_eq!((r.status, r.code()), (400, "bad_request"));
    let r = api
        .create(&json!({"user": "bob", "app": "Outlook\nline"}))
        .await;
    assert_eq!((r.status, r.code()), (400, "bad_request"));
    let r = api
        .send(
            Method::POST,
            CHALLENGES,
            CHALLENGES,
            &[api.bearer()],
            Some(b"[]".to_vec()),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "bad_request"));
    let r = api
        .send(
            Method::POST,
            CHALLENGES,
            CHALLENGES,
            &[api.bearer()],
            Some(too_large.clone()),
        )
        .await;
    assert_eq!((r.status, r.code()), (413, "too_large"));
    let r = api.post(CHALLENGES, CHALLENGES, &sign_in).await;
    assert_eq!((r.status, r.code()), (401, "unauthorized"));
    let dave_challenge = api.create(&json!({"user": "dave", "app": "Outlook"})).await;
    assert_eq!(dave_challenge.status, 201);

    // --- status -------------------------------------------------------------
    let id1 = c1.body["id"].as_str().unwrap().to_owned();
    let r = api.status(&id1).await;
    assert_eq!(
        (r.status, r.body["status"].as_str()),
        (200, Some("pending"))
    );
    let dave_id = dave_challenge.body["id"].as_str().unwrap();
    let r = api.status(dave_id).await;
    assert_eq!(r.status, 200);
    let r = api.status("c0").await;
    assert_eq!((r.status, r.code()), (404, "challenge_not_found"));
    let r = api.status("c%2D0").await;
    assert_eq!((r.status, r.code()), (400, "bad_request"));
    let r = api
        .send(
            Method::GET,
            STATUS,
            &format!("{CHALLENGES}/{id1}"),
            &[],
            None,
        )
        .await;
    assert_eq!((r.status, r.code()), (401, "unauthorized"));

    // --- the signed pending fetch -----------------------------------------
    let n = nonce();
    let headers = pending_headers(&alice.id, &alice.key, now(&lb), &n);
    let pending = api
        .send(Method::GET, PENDING, PENDING, &headers, None)
        .await;
    assert_eq!(pending.status, 200);
    let challenges = pending.body["challenges"].as_array().unwrap().clone();
    assert_eq!(challenges.len(), 3);
    let nonce_of = |id: &Value| {
        challenges.iter().find(|c| c["id"] == *id).unwrap()["nonce"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let r = api
        .send(Method::GET, PENDING, PENDING, &headers, None)
        .await;
    assert_eq!((r.status, r.code()), (409, "replayed_nonce"));
    let r = api
        .send(Method::GET, PENDING, PENDING, &headers[..3], None)
        .await;
    assert_eq!((r.status, r.code()), (400, "bad_request"));
    let mut h = pending_headers(&alice.id, &alice.key, now(&lb), &nonce());
    h[1].1 = "soon".into();
    let r = api.send(Method::GET, PENDING, PENDING, &h, None).await;
    assert_eq!((r.status, r.code()), (400, "bad_request"));
    let h = pending_headers(&alice.id, &alice.key, now(&lb), "short");
    let r = api.send(Method::GET, PENDING, PENDING, &h, None).await;
    assert_eq!((r.status, r.code()), (400, "bad_request"));
    let h = pending_headers(&alice.id, &alice.key, now(&lb) - 121, &nonce());
    let r = api.send(Method::GET, PENDING, PENDING, &h, None).await;
    assert_eq!((r.status, r.code()), (401, "stale_timestamp"));
    let h = pending_headers(&alice.id, &bob.key, now(&lb), &nonce());
    let r = api.send(Method::GET, PENDING, PENDING, &h, None).await;
    assert_eq!((r.status, r.code()), (401, "bad_signature"));
    let h = pending_headers("d0", &alice.key, now(&lb), &nonce());
    let r = api.send(Method::GET, PENDING, PENDING, &h, None).await;
    assert_eq!((r.status, r.code()), (401, "unknown_device"));

    // --- answers ---------------------------------------------------------------
    let answer_path = |id: &str| protocol::answer_path(id);
    let number = u8::try_from(c1.body["number"].as_u64().unwrap()).unwrap();
    let n1 = nonce_of(&c1.body["id"]);
    let answer = |decision, number, nonce: &str| {
        answer_body(&alice, &id1, &n1, decision, number, now(&lb), nonce)
    };
    let r = api
        .post(
            ANSWER,
            &answer_path(&id1),
            &answer(Decision::Approve, None, &nonce()),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "number_required"));
    let wrong_number = if number == 10 { 11 } else { 10 };
    let r = api
        .post(
            ANSWER,
            &answer_path(&id1),
            &answer(Decision::Approve, Some(wrong_number), &nonce()),
        )
        .await;
    assert_eq!((r.status, r.code()), (422, "wrong_number"));
    assert_eq!(r.body["error"]["tries_left"], 2);
    let r = api
        .post(
            ANSWER,
            &answer_path(&id1),
            &answer(Decision::Approve, Some(number), &nonce()),
        )
        .await;
    assert_eq!(
        (r.status, r.body["status"].as_str()),
        (200, Some("approved"))
    );
    let spent = nonce();
    let r = api
        .post(
            ANSWER,
            &answer_path(&id1),
            &answer(Decision::Deny, None, &spent),
        )
        .await;
    assert_eq!((r.status, r.code()), (409, "already_answered"));
    assert_eq!(r.body["error"]["status"], "approved");
    let r = api
        .post(
            ANSWER,
            &answer_path(&id1),
            &answer(Decision::Deny, None, &spent),
        )
        .await;
    assert_eq!((r.status, r.code()), (409, "replayed_nonce"));
    let mut forged = answer(Decision::Deny, None, &nonce());
    forged["decision"] = json!("approve");
    let r = api.post(ANSWER, &answer_path(&id1), &forged).await;
    assert_eq!((r.status, r.code()), (401, "bad_signature"));
    let stale = answer_body(
        &alice,
        &id1,
        &n1,
        Decision::Deny,
        None,
        now(&lb) + 121,
        &nonce(),
    );
    let r = api.post(ANSWER, &answer_path(&id1), &stale).await;
    assert_eq!((r.status, r.code()), (401, "stale_timestamp"));
    let mut stranger = answer(Decision::Deny, None, &nonce());
    stranger["device_id"] = json!("d0");
    let r = api.post(ANSWER, &answer_path(&id1), &stranger).await;
    assert_eq!((r.status, r.code()), (401, "unknown_device"));
    let r = api
        .post(
            ANSWER,
            &answer_path("c0"),
            &answer(Decision::Deny, None, &nonce()),
        )
        .await;
    assert_eq!((r.status, r.code()), (404, "challenge_not_found"));
    let r = api
        .post(
            ANSWER,
            &answer_path("c%2D0"),
            &answer(Decision::Deny, None, &nonce()),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "bad_request"));
    let r = api
        .post(ANSWER, &answer_path(&id1), &json!({"device_id": alice.id}))
        .await;
    assert_eq!((r.status, r.code()), (400, "bad_request"));
    let r = api.post_raw(ANSWER, &answer_path(&id1), &too_large).await;
    assert_eq!((r.status, r.code()), (413, "too_large"));
    // Bob answers Alice's request: his key, her request.
    let id2 = c2.body["id"].as_str().unwrap().to_owned();
    let n2 = nonce_of(&c2.body["id"]);
    let bobs = answer_body(&bob, &id2, &n2, Decision::Approve, None, now(&lb), &nonce());
    let r = api.post(ANSWER, &answer_path(&id2), &bobs).await;
    assert_eq!((r.status, r.code()), (403, "wrong_device"));
    // Too late for the 10-second one.
    lb.clock.advance(11_000);
    let id3 = c3.body["id"].as_str().unwrap().to_owned();
    let late = answer_body(
        &alice,
        &id3,
        &nonce_of(&c3.body["id"]),
        Decision::Deny,
        None,
        now(&lb),
        &nonce(),
    );
    let r = api.post(ANSWER, &answer_path(&id3), &late).await;
    assert_eq!((r.status, r.code()), (410, "challenge_expired"));
    let r = api.status(&id3).await;
    assert_eq!(
        (r.status, r.body["status"].as_str()),
        (200, Some("expired"))
    );
    // A fraud report, then a cool-down for Alice.
    let fraud = answer_body(&alice, &id2, &n2, Decision::Fraud, None, now(&lb), &nonce());
    let r = api.post(ANSWER, &answer_path(&id2), &fraud).await;
    assert_eq!((r.status, r.body["status"].as_str()), (200, Some("fraud")));
    let r = api.create(&sign_in).await;
    assert_eq!((r.status, r.code()), (429, "cool_down"));
    assert!(r.body["error"]["retry_after"].as_i64().unwrap() > 0);
    let r = api.status(&id1).await;
    assert_eq!(
        (r.status, r.body["status"].as_str()),
        (200, Some("approved"))
    );
    assert!(r.body["answered_at"].is_i64());

    // --- push-token changes -----------------------------------------------
    let fcm = PushToken::Fcm {
        token: "fcm-token-2".into(),
    };
    let spent = nonce();
    let body = push_token_body(&bob, Some(&fcm), now(&lb), &spent);
    let r = api.post(PUSH_TOKEN, PUSH_TOKEN_PATH, &body).await;
    assert_eq!(r.status, 200);
    let r = api.post(PUSH_TOKEN, PUSH_TOKEN_PATH, &body).await;
    assert_eq!((r.status, r.code()), (409, "replayed_nonce"));
    let r = api
        .post(
            PUSH_TOKEN,
            PUSH_TOKEN_PATH,
            &push_token_body(&bob, None, now(&lb), &nonce()),
        )
        .await;
    assert_eq!(r.status, 200);
    let mut bad = push_token_body(&bob, Some(&fcm), now(&lb), &nonce());
    bad["push"] = json!({"kind": "fcm", "token": "with space"});
    let r = api.post(PUSH_TOKEN, PUSH_TOKEN_PATH, &bad).await;
    assert_eq!((r.status, r.code()), (400, "bad_request"));
    let mut forged = push_token_body(&bob, Some(&fcm), now(&lb), &nonce());
    forged["push"] = json!({"kind": "fcm", "token": "someone-else"});
    let r = api.post(PUSH_TOKEN, PUSH_TOKEN_PATH, &forged).await;
    assert_eq!((r.status, r.code()), (401, "bad_signature"));
    let stale = push_token_body(&bob, Some(&fcm), now(&lb) - 121, &nonce());
    let r = api.post(PUSH_TOKEN, PUSH_TOKEN_PATH, &stale).await;
    assert_eq!((r.status, r.code()), (401, "stale_timestamp"));
    let mut stranger = push_token_body(&bob, Some(&fcm), now(&lb), &nonce());
    stranger["device_id"] = json!("d0");
    let r = api.post(PUSH_TOKEN, PUSH_TOKEN_PATH, &stranger).await;
    assert_eq!((r.status, r.code()), (401, "unknown_device"));
    let r = api.post_raw(PUSH_TOKEN, PUSH_TOKEN_PATH, b"null").await;
    assert_eq!((r.status, r.code()), (400, "bad_request"));
    let r = api.post_raw(PUSH_TOKEN, PUSH_TOKEN_PATH, &too_large).await;
    assert_eq!((r.status, r.code()), (413, "too_large"));

    // --- operations --------------------------------------------------------
    let r = api
        .send(Method::GET, "/healthz", "/healthz", &[], None)
        .await;
    assert_eq!(r.status, 200);
    let r = api
        .send(Method::GET, "/metrics", "/metrics", &[], None)
        .await;
    assert!(r.body.as_str().unwrap().contains("watchword_events_total"));
    let r = api
        .send(Method::GET, "/openapi.json", "/openapi.json", &[], None)
        .await;
    assert_eq!(r.status, 200);

    let missing = api.unseen();
    assert!(
        missing.is_empty(),
        "documented but never provoked: {missing:#?}"
    );
}

/// Found by schemathesis (`tests/openapi/run.sh`): a signed request from a
/// known device with a timestamp near `i64::MIN` overflowed the
/// replay-window check (`(timestamp - now).abs()` in `check_timestamp`):
/// in a debug build the handler panicked holding the database lock and
/// every later request was a 500; in a release build the difference
/// wrapped and such a timestamp passed the window. Now `abs_diff`, and a
/// panicking request can no longer take the server down (the store takes a
/// poisoned lock over, the handler runs on the blocking pool).
#[tokio::test]
async fn extreme_timestamps_are_stale_and_the_server_stays_up() {
    let lb = Loopback::start().await;
    let api = Api::new(&lb);
    let alice = activated(&api, &lb, "alice").await;
    for timestamp in [i64::MIN, i64::MIN + 1, i64::MIN + now(&lb), i64::MAX] {
        let h = pending_headers(&alice.id, &alice.key, timestamp, &nonce());
        let r = api.send(Method::GET, PENDING, PENDING, &h, None).await;
        assert_eq!(
            (r.status, r.code()),
            (401, "stale_timestamp"),
            "{timestamp}"
        );
        let body = push_token_body(&alice, None, timestamp, &nonce());
        let r = api.post(PUSH_TOKEN, PUSH_TOKEN_PATH, &body).await;
        assert_eq!(
            (r.status, r.code()),
            (401, "stale_timestamp"),
            "{timestamp}"
        );
    }
    let r = api
        .send(Method::GET, "/healthz", "/healthz", &[], None)
        .await;
    assert_eq!(r.body, json!({"status": "ok"}));
}
