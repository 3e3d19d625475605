//! How long a push call may take when the network does not answer: one
//! budget per operation (`ClientConfig::budget`, 20 s by default), and an
//! answer to a sign-in never outlives the sign-in. Against the reference
//! server on loopback, with a phone stack that stops answering on demand.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is a failure report.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use watchword_core::{
    http::{HttpRequest, HttpResponse, HttpTransport, ReqwestTransport, TransportError},
    push::{
        Answer, ChallengeState, Decision, MemoryPushStore, PushError, PushService, Shown,
        client::{ClientConfig, ServerClient},
    },
};
use watchword_tests::push::Loopback;

/// Loopback HTTP until `hang` is set; then every request waits forever,
/// as a phone stack on a dead connection does.
struct Stalling {
    inner: ReqwestTransport,
    hang: AtomicBool,
}

#[async_trait::async_trait]
impl HttpTransport for Stalling {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        if self.hang.load(Ordering::SeqCst) {
            std::future::pending::<()>().await;
        }
        self.inner.send(request).await
    }
}

async fn stalling_device(
    lb: &Loopback,
    budget: Duration,
) -> (PushService<Arc<MemoryPushStore>>, Arc<Stalling>) {
    let transport = Arc::new(Stalling {
        inner: ReqwestTransport::new(Duration::from_secs(5)).expect("transport"),
        hang: AtomicBool::new(false),
    });
    let client = ServerClient::with_transport(
        transport.clone(),
        ClientConfig {
            budget,
            ..ClientConfig::default()
        },
    );
    let device =
        PushService::with_client(Arc::new(MemoryPushStore::new()), client, lb.clock.clone());
    let e = lb.server.enrol("alice", &lb.base).expect("enrol");
    let a = watchword_core::push::Activation::from_link(&e.link).expect("link");
    device.activate(&a, "phone", None).await.expect("activate");
    (device, transport)
}

#[tokio::test]
async fn an_answer_never_outlives_its_sign_in() {
    let lb = Loopback::start().await;
    let (device, transport) = stalling_device(&lb, Duration::from_secs(20)).await;
    let c = lb.rp_challenge("alice", true).await.unwrap();
    let pending = device.pending().await.unwrap();
    assert_eq!(pending.len(), 1);
    // The sign-in has 3 seconds left when the network stops answering.
    lb.clock.advance((c.expires_at - c.created_at - 3) * 1000);
    transport.hang.store(true, Ordering::SeqCst);
    let started = Instant::now();
    let answer = Answer::new(Decision::Approve, c.number.map(Shown::Number), None);
    let result = device.respond(&c.id, &answer).await;
    let took = started.elapsed();
    assert!(matches!(result, Err(PushError::Network(_))), "{result:?}");
    assert!(
        took >= Duration::from_millis(2500) && took < Duration::from_secs(6),
        "answered after {took:?}, the sign-in had 3 s left"
    );
    assert_eq!(
        device.tracked(&c.id).map(|t| t.state),
        Some(ChallengeState::Pending)
    );
}

#[tokio::test]
async fn pending_ends_within_the_budget_and_works_again_after() {
    let lb = Loopback::start().await;
    let (device, transport) = stalling_device(&lb, Duration::from_secs(2)).await;
    transport.hang.store(true, Ordering::SeqCst);
    let started = Instant::now();
    let result = device.pending().await;
    let took = started.elapsed();
    assert!(matches!(result, Err(PushError::Network(_))), "{result:?}");
    assert!(
        took >= Duration::from_secs(2) && took < Duration::from_secs(4),
        "{took:?}"
    );
    transport.hang.store(false, Ordering::SeqCst);
    lb.rp_challenge("alice", true).await.unwrap();
    assert_eq!(device.pending().await.unwrap().len(), 1);
}
