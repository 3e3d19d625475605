//! Web Push (RFC 8030) with message encryption (RFC 8291, `aes128gcm`) and
//! VAPID (RFC 8292): what UnifiedPush distributors and browsers' push
//! services accept. The body is the notification's ids, encrypted to the
//! device's keys; `TTL` is the challenge's seconds left and `Urgency: high`.

use watchword_core::push::{PushToken, webpush};

use super::{PushNotification, PushSender, SendContext, SendError, SendFuture, retry_after};

/// Sends Web Push messages.
#[derive(Debug, Clone)]
pub struct WebPushSender {
    client: reqwest::Client,
    allow_loopback: bool,
}

impl WebPushSender {
    /// A sender over `client` ([`super::http_client`]). Endpoints on the
    /// server's own loopback are refused unless `allow_loopback`: a device
    /// chooses its endpoint, and must not make the server POST to services
    /// listening only on its own machine. Tests and the demo allow it.
    pub fn new(client: reqwest::Client, allow_loopback: bool) -> Self {
        Self {
            client,
            allow_loopback,
        }
    }
}

/// True for an endpoint whose host is an address in a private, link-local
/// or unspecified range (a device must not make the server POST into its
/// own network). Loopback is decided separately. Names that resolve to
/// such addresses are not caught here.
pub fn private_network(url: &url::Url) -> bool {
    let private_v4 = |ip: std::net::Ipv4Addr| {
        ip.is_private() || ip.is_link_local() || ip.is_unspecified() || ip.is_broadcast()
    };
    match url.host() {
        Some(url::Host::Ipv4(ip)) => private_v4(ip),
        Some(url::Host::Ipv6(ip)) => {
            let first = ip.segments()[0];
            // An IPv4 address written as IPv6 (::ffff:10.0.0.1) is that
            // address; its loopback counts too, since it would slip past
            // the loopback rule.
            if let Some(v4) = ip.to_ipv4_mapped() {
                return private_v4(v4) || v4.is_loopback();
            }
            // fc00::/7 unique local, fe80::/10 link-local.
            ip.is_unspecified() || (first & 0xfe00) == 0xfc00 || (first & 0xffc0) == 0xfe80
        }
        _ => false,
    }
}

/// Whether the server may POST to a device's endpoint: never into a
/// private network, and onto its own loopback only when allowed (tests and
/// the demo). Checked before any connection is made.
pub fn check_endpoint(url: &url::Url, allow_loopback: bool) -> Result<(), SendError> {
    if private_network(url) {
        return Err(SendError::Refused(
            "Web Push endpoints in a private network are not allowed".into(),
        ));
    }
    if !allow_loopback && watchword_core::http::secure_url::is_loopback(url) {
        return Err(SendError::Refused(
            "Web Push endpoints on the server's own loopback are not allowed \
             (serve --web-push-allow-loopback, for tests)"
                .into(),
        ));
    }
    Ok(())
}

/// What a Web Push service's status means (RFC 8030 section 5 and 8.3).
pub fn classify(
    status: u16,
    retry: Option<std::time::Duration>,
    body: &str,
) -> Result<(), SendError> {
    let said = |s: &str| {
        let b = body.trim();
        if b.is_empty() {
            format!("Web Push {status} {s}")
        } else {
            format!(
                "Web Push {status} {s}: {}",
                b.chars().take(200).collect::<String>()
            )
        }
    };
    match status {
        200..=299 => Ok(()),
        404 | 410 => Err(SendError::TokenGone(said("subscription gone"))),
        429 | 500..=599 => Err(SendError::Transient {
            reason: said("try later"),
            retry_after: retry,
        }),
        _ => Err(SendError::Refused(said("refused"))),
    }
}

impl PushSender for WebPushSender {
    fn send<'a>(&'a self, note: &'a PushNotification, ctx: SendContext<'a>) -> SendFuture<'a> {
        Box::pin(async move {
            let Some(PushToken::WebPush {
                endpoint,
                p256dh,
                auth,
            }) = &note.push
            else {
                return Err(SendError::Refused("not a Web Push address".into()));
            };
            let url = url::Url::parse(endpoint)
                .map_err(|_| SendError::TokenGone("the endpoint is not a URL".into()))?;
            check_endpoint(&url, self.allow_loopback)?;
            let keys = webpush::ReceiverPublicKeys {
                p256dh: p256dh.clone(),
                auth: auth.clone(),
            };
            let plain =
                serde_json::to_vec(&note.payload).map_err(|e| SendError::Refused(e.to_string()))?;
            let body = webpush::message::encrypt(&keys, &plain)
                .map_err(|e| SendError::TokenGone(format!("unusable subscription keys: {e}")))?;
            let authorization = ctx
                .vapid
                .authorization(endpoint, ctx.now)
                .map_err(SendError::Refused)?;
            let response = self
                .client
                .post(endpoint)
                .header("TTL", note.seconds_left(ctx.now).to_string())
                .header("Urgency", "high")
                .header("Content-Encoding", "aes128gcm")
                .header("Content-Type", "application/octet-stream")
                .header("Authorization", authorization)
                .body(body)
                .send()
                .await
                .map_err(SendError::from_reqwest)?;
            let status = response.status().as_u16();
            let retry = retry_after(response.headers());
            let text = if response.status().is_success() {
                String::new()
            } else {
                response.text().await.unwrap_or_default()
            };
            classify(status, retry, &text)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_endpoints_are_always_refused_and_loopback_only_when_allowed() {
        let url = |s: &str| url::Url::parse(s).unwrap();
        for allow_loopback in [false, true] {
            let r = check_endpoint(&url("https://10.0.0.7/push"), allow_loopback);
            assert!(
                matches!(&r, Err(SendError::Refused(why)) if why.contains("private network")),
                "{r:?}"
            );
            assert!(check_endpoint(&url("https://push.example.org/up"), allow_loopback).is_ok());
        }
        let r = check_endpoint(&url("http://127.0.0.1:8080/push"), false);
        assert!(
            matches!(&r, Err(SendError::Refused(why)) if why.contains("loopback")),
            "{r:?}"
        );
        assert!(check_endpoint(&url("http://127.0.0.1:8080/push"), true).is_ok());
    }

    #[test]
    fn endpoints_in_private_networks_are_recognised() {
        for private in [
            "https://10.1.2.3/up",
            "https://192.168.1.1/up",
            "https://172.16.0.9/up",
            "https://169.254.169.254/latest/meta-data",
            "https://0.0.0.0/x",
            "https://[fd00::1]/up",
            "https://[fe80::1]/up",
            "https://[::ffff:10.0.0.1]/up",
            "https://[::ffff:127.0.0.1]/up",
        ] {
            assert!(
                private_network(&url::Url::parse(private).unwrap()),
                "{private}"
            );
        }
        for public in [
            "https://push.example.org/up",
            "https://203.0.113.7/up",
            "https://[2001:db8::1]/up",
            "http://127.0.0.1:8080/push",
        ] {
            assert!(
                !private_network(&url::Url::parse(public).unwrap()),
                "{public}"
            );
        }
    }

    #[test]
    fn statuses_mean_what_rfc_8030_says() {
        assert_eq!(classify(201, None, ""), Ok(()));
        assert!(matches!(
            classify(410, None, ""),
            Err(SendError::TokenGone(_))
        ));
        assert!(matches!(
            classify(404, None, ""),
            Err(SendError::TokenGone(_))
        ));
        assert!(matches!(
            classify(429, Some(std::time::Duration::from_secs(3)), ""),
            Err(SendError::Transient { retry_after: Some(d), .. }) if d.as_secs() == 3
        ));
        assert!(
            matches!(classify(413, None, "too big"), Err(SendError::Refused(m)) if m.contains("too big"))
        );
    }
}
