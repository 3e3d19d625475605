//! Web Push (RFC 8030) with message encryption (RFC 8291, `aes128gcm`) and
//! VAPID (RFC 8292): what UnifiedPush distributors and browsers' push
//! services accept. The body is the notification's ids, encrypted to the
//! device's keys; `TTL` is the challenge's seconds left and `Urgency: high`.

use watchword_core::push::{PushToken, webpush};

use super::{
    PushNotification, PushSender, SendContext, SendError, SendFuture,
    endpoint_policy::check_endpoint, retry_after,
};

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
