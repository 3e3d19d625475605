//! Operations: what `/metrics` shows Prometheus (OpenMetrics text) and what
//! `/healthz` answers. Counters by event (every audit event: sign-ins by
//! outcome, activations, revocations, key changes), delivery steps by
//! service and state, and HTTP latency by route and status. Labels are
//! fixed words and route templates only (never a user, device or id), so
//! the series stay few and hold nothing personal.

use prometheus_client::{
    encoding::{EncodeLabelSet, text::encode},
    metrics::{
        counter::Counter,
        family::Family,
        histogram::{Histogram, exponential_buckets},
    },
    registry::Registry,
};

use crate::audit::AuditKind;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct EventLabels {
    event: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct DeliveryLabels {
    service: &'static str,
    state: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

/// The server's metrics.
pub struct Metrics {
    registry: Registry,
    events: Family<EventLabels, Counter>,
    deliveries: Family<DeliveryLabels, Counter>,
    requests: Family<RequestLabels, Histogram>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("watchword");
        let events = Family::<EventLabels, Counter>::default();
        registry.register(
            "events",
            "Audit events: sign-ins by outcome, activations, devices, key changes",
            events.clone(),
        );
        let deliveries = Family::<DeliveryLabels, Counter>::default();
        registry.register(
            "delivery_steps",
            "Push delivery steps by service (apns, fcm, web_push, none) and state",
            deliveries.clone(),
        );
        let requests = Family::<RequestLabels, Histogram>::new_with_constructor(|| {
            // 0.5 ms to about 4 s.
            Histogram::new(exponential_buckets(0.0005, 2.0, 14))
        });
        registry.register(
            "http_request_duration_seconds",
            "HTTP requests by method, route template and status",
            requests.clone(),
        );
        Self {
            registry,
            events,
            deliveries,
            requests,
        }
    }
}

impl Metrics {
    /// Counts one audit event.
    pub fn event(&self, kind: AuditKind) {
        self.events
            .get_or_create(&EventLabels {
                event: kind.as_str(),
            })
            .inc();
    }

    /// Counts one delivery step.
    pub fn delivery(&self, service: &'static str, state: &'static str) {
        self.deliveries
            .get_or_create(&DeliveryLabels { service, state })
            .inc();
    }

    /// Observes one HTTP request (`route`: the matched template, such as
    /// `/v1/challenges/{id}`, or `unmatched`).
    pub fn request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        self.requests
            .get_or_create(&RequestLabels {
                method: method.to_owned(),
                route: route.to_owned(),
                status,
            })
            .observe(seconds);
    }

    /// The OpenMetrics text Prometheus scrapes.
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = encode(&mut out, &self.registry);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_show_in_the_text_prometheus_reads() {
        let m = Metrics::default();
        m.event(AuditKind::ChallengeApproved);
        m.event(AuditKind::ChallengeApproved);
        m.delivery("apns", "sent");
        m.request("GET", "/v1/challenges/{id}", 200, 0.002);
        let text = m.render();
        assert!(
            text.contains("watchword_events_total{event=\"challenge_approved\"} 2"),
            "{text}"
        );
        assert!(
            text.contains("watchword_delivery_steps_total{service=\"apns\",state=\"sent\"} 1"),
            "{text}"
        );
        assert!(
            text.contains("watchword_http_request_duration_seconds_count{method=\"GET\",route=\"/v1/challenges/{id}\",status=\"200\"} 1"),
            "{text}"
        );
        assert!(text.ends_with("# EOF\n"), "{text}");
    }
}
