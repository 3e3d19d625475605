//! A challenge altered between a live privacyIDEA 3.14 server and the
//! phone (a tampering proxy on loopback) is refused by the device: never
//! listed, reported as rejected, and the server still sees it pending.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use axum::{extract::State, http::Uri, response::IntoResponse};
use serde_json::Value;
use watchword_core::{
    enrol::{self, Enrolment},
    otp::SystemClock,
    push::{MemoryPushStore, PushError, PushService, PushStore},
};
use watchword_tests::privacyidea::PiServer;

/// How the proxy alters the first challenge of each poll reply.
#[derive(Clone, Copy, Debug)]
enum Tamper {
    Question,
    Capabilities,
    DropCapabilitiesSignature,
}

#[derive(Clone)]
struct Proxy {
    upstream: String,
    tamper: Tamper,
}

async fn forward(State(p): State<Proxy>, uri: Uri) -> impl IntoResponse {
    let query = uri.query().unwrap_or("");
    let url = format!("{}{}?{query}", p.upstream, uri.path());
    let mut body: Value = reqwest::get(url).await.unwrap().json().await.unwrap();
    if let Some(c) = body["result"]["value"].get_mut(0) {
        match p.tamper {
            Tamper::Question => c["question"] = "Approve the wire transfer?".into(),
            Tamper::Capabilities => c["capabilities"] = "{\"decline_reason\": false}".into(),
            Tamper::DropCapabilitiesSignature => {
                c.as_object_mut().unwrap().remove("capabilities_signature");
            }
        }
    }
    axum::Json(body)
}

async fn start_proxy(upstream: &str, tamper: Tamper) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new()
        .fallback(axum::routing::get(forward))
        .with_state(Proxy {
            upstream: upstream.to_owned(),
            tamper,
        });
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

#[tokio::test]
async fn altered_challenges_are_refused() {
    let Some(pi) = PiServer::from_env().await else {
        return;
    };
    pi.clear_tokens("frank").await;
    let qr = pi.init_push("frank", "1234").await;
    let Enrolment::PrivacyIdeaPush(link) = enrol::classify(&qr.link).unwrap() else {
        panic!("not pipush")
    };
    let store = Arc::new(MemoryPushStore::new());
    let phone = PushService::new(store.clone(), Arc::new(SystemClock)).unwrap();
    phone
        .enrol_privacyidea_with_key_bits(&link, 2048, None)
        .await
        .unwrap();
    let genuine = store.list().unwrap()[0].clone();

    let r = pi.trigger(&qr.serial).await;
    let tid = r["detail"]["transaction_id"].as_str().unwrap().to_owned();
    for tamper in [
        Tamper::Question,
        Tamper::Capabilities,
        Tamper::DropCapabilitiesSignature,
    ] {
        // The phone polls through the proxy.
        let proxy = start_proxy(&pi.url, tamper).await;
        let mut via_proxy = genuine.clone();
        via_proxy.base_url = format!("{proxy}/ttype/push");
        let store = Arc::new(MemoryPushStore::new());
        store.put(&via_proxy).unwrap();
        let fooled = PushService::new(store, Arc::new(SystemClock)).unwrap();
        let pending = fooled.pending().await.unwrap();
        assert!(pending.is_empty(), "{tamper:?}: shown {pending:?}");
        let rejected = fooled.rejected();
        assert_eq!(rejected.len(), 1, "{tamper:?}");
        assert!(
            matches!(rejected[0].1, PushError::BadServerSignature(_)),
            "{tamper:?}"
        );
        // An answer to it cannot be given: it was never tracked.
        let id = rejected[0].0.clone();
        assert!(fooled.tracked(&id).is_none());
    }
    // Untouched, the same challenge verifies and is shown.
    assert_eq!(phone.pending().await.unwrap().len(), 1);
    let r = pi.poll_transaction(&tid).await;
    assert_eq!(r["detail"]["challenge_status"], "pending");
    pi.clear_tokens("frank").await;
}
