//! Apple Push Notification service: the provider API over HTTP/2
//! (`POST /3/device/<token>`), token-based authentication (an ES256 JWT
//! with the team id and key id, reused for 50 minutes: Apple refuses
//! tokens older than an hour and more than one new token per 20 minutes).
//!
//! The notification is an alert with `mutable-content: 1`: the app's
//! Notification Service Extension fetches and verifies the request with a
//! signed call before the user sees anything, and replaces the text. It
//! carries the category with Approve/Deny actions, is time-sensitive,
//! expires with the challenge and collapses on its id. Its own text, shown
//! only when the extension does not run, is named by keys of the app's
//! `Localizable.strings` (`title-loc-key`, `loc-key`), so iOS shows it in
//! the phone's language; the English `title`/`body` are for anything that
//! does not read the keys.

use std::{
    sync::Mutex,
    time::{Duration, Instant},
};

use serde::{Deserialize, Serialize};
use watchword_core::push::PushToken;
use zeroize::Zeroizing;

use super::{
    PushNotification, PushSender, SendContext, SendError, SendFuture, jwt::JwtKey, retry_after,
};

/// Apple's production host.
pub const PRODUCTION_URL: &str = "https://api.push.apple.com";
/// Apple's sandbox host (development builds).
pub const SANDBOX_URL: &str = "https://api.sandbox.push.apple.com";
/// How long one provider token is reused.
const TOKEN_REUSE: Duration = Duration::from_secs(50 * 60);
/// The app's text key for the alert's title (ios/Watchword/Resources/*.lproj/Localizable.strings).
pub const TITLE_LOC_KEY: &str = "notification_unchecked_title";
/// The app's text key for the alert's body.
pub const BODY_LOC_KEY: &str = "notification_unchecked_body";
/// The iOS app's notification category (Approve, Deny, Report).
pub const CATEGORY: &str = "WATCHWORD_APPROVAL";

/// What an APNs sender needs.
pub struct ApnsConfig {
    /// The `.p8` signing key (PKCS#8 PEM) from the developer account.
    pub key_pem: Zeroizing<Vec<u8>>,
    /// Its key id (10 characters).
    pub key_id: String,
    /// The team id (10 characters).
    pub team_id: String,
    /// The app's bundle id (`apns-topic`).
    pub topic: String,
    /// The production host.
    pub production_url: String,
    /// The sandbox host.
    pub sandbox_url: String,
}

impl std::fmt::Debug for ApnsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApnsConfig")
            .field("key_id", &self.key_id)
            .field("team_id", &self.team_id)
            .field("topic", &self.topic)
            .finish_non_exhaustive()
    }
}

/// Sends through APNs.
pub struct ApnsSender {
    key: JwtKey,
    key_id: String,
    team_id: String,
    topic: String,
    production_url: String,
    sandbox_url: String,
    client: reqwest::Client,
    token: Mutex<Option<(String, Instant, i64)>>,
}

impl std::fmt::Debug for ApnsSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApnsSender")
            .field("topic", &self.topic)
            .finish_non_exhaustive()
    }
}

#[derive(Serialize)]
struct Claims<'a> {
    iss: &'a str,
    iat: i64,
}

#[derive(Deserialize)]
struct Refusal {
    reason: String,
}

impl ApnsSender {
    /// A sender from `config` over `client` (which must speak HTTP/2).
    pub fn new(config: ApnsConfig, client: reqwest::Client) -> Result<Self, String> {
        let key = JwtKey::es256(&config.key_pem, "APNs key").map_err(|e| e.to_string())?;
        Ok(Self {
            key,
            key_id: config.key_id,
            team_id: config.team_id,
            topic: config.topic,
            production_url: config.production_url,
            sandbox_url: config.sandbox_url,
            client,
            token: Mutex::new(None),
        })
    }

    /// The provider token: the cached one while younger than 50 minutes,
    /// else a new one; `renew` replaces it (after `ExpiredProviderToken`).
    fn provider_token(&self, now: i64, renew: bool) -> Result<String, SendError> {
        let mut cached = self
            .token
            .lock()
            .map_err(|_| SendError::Refused("token lock poisoned".into()))?;
        if let Some((jwt, made, _)) = cached.as_ref()
            && !renew
            && made.elapsed() < TOKEN_REUSE
        {
            return Ok(jwt.clone());
        }
        let jwt = self
            .key
            .sign(
                Some(&self.key_id),
                &Claims {
                    iss: &self.team_id,
                    iat: now,
                },
            )
            .map_err(|e| SendError::Refused(e.to_string()))?;
        *cached = Some((jwt.clone(), Instant::now(), now));
        Ok(jwt)
    }

    fn payload(note: &PushNotification) -> serde_json::Value {
        serde_json::json!({
            "aps": {
                "alert": {
                    "title-loc-key": TITLE_LOC_KEY,
                    "loc-key": BODY_LOC_KEY,
                    "title": "Sign-in request",
                    "body": "Open Watchword to review it.",
                },
                "sound": "default",
                "category": CATEGORY,
                "mutable-content": 1,
                "interruption-level": "time-sensitive",
            },
            "v": note.payload.v,
            "device_id": note.payload.device_id,
            "challenge_id": note.payload.challenge_id,
        })
    }

    async fn post(
        &self,
        note: &PushNotification,
        token: &str,
        sandbox: bool,
        jwt: &str,
    ) -> Result<reqwest::Response, SendError> {
        let base = if sandbox {
            &self.sandbox_url
        } else {
            &self.production_url
        };
        self.client
            .post(format!("{base}/3/device/{token}"))
            .header("authorization", format!("bearer {jwt}"))
            .header("apns-topic", &self.topic)
            .header("apns-push-type", "alert")
            .header("apns-priority", "10")
            .header("apns-expiration", note.expires_at.to_string())
            .header("apns-collapse-id", &note.payload.challenge_id)
            .json(&Self::payload(note))
            .send()
            .await
            .map_err(SendError::from_reqwest)
    }
}

/// What an APNs status and reason mean.
pub fn classify(status: u16, reason: &str, retry: Option<Duration>) -> Result<(), SendError> {
    let said = format!("APNs {status} {reason}");
    match (status, reason) {
        (200, _) => Ok(()),
        (410, _) | (400, "BadDeviceToken" | "DeviceTokenNotForTopic") => {
            Err(SendError::TokenGone(said))
        }
        (429 | 500 | 503, _) | (403, "ExpiredProviderToken") => Err(SendError::Transient {
            reason: said,
            retry_after: retry,
        }),
        _ => Err(SendError::Refused(said)),
    }
}

impl PushSender for ApnsSender {
    fn send<'a>(&'a self, note: &'a PushNotification, ctx: SendContext<'a>) -> SendFuture<'a> {
        Box::pin(async move {
            let Some(PushToken::Apns { token, sandbox }) = &note.push else {
                return Err(SendError::Refused("not an APNs address".into()));
            };
            let mut renewed = false;
            loop {
                let jwt = self.provider_token(ctx.now, renewed)?;
                let response = self.post(note, token, *sandbox, &jwt).await?;
                let status = response.status().as_u16();
                let retry = retry_after(response.headers());
                if status == 200 {
                    return Ok(());
                }
                let reason = response
                    .json::<Refusal>()
                    .await
                    .map(|r| r.reason)
                    .unwrap_or_default();
                // One fresh provider token, at once, then Apple's word.
                if status == 403 && reason == "ExpiredProviderToken" && !renewed {
                    renewed = true;
                    continue;
                }
                return classify(status, &reason, retry);
            }
        })
    }
}
