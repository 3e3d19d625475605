//! Firebase Cloud Messaging, HTTP v1 API: a service account's key signs an
//! RS256 assertion that Google's token endpoint exchanges for an access
//! token (cached until a minute before it expires), which authorises
//! `POST /v1/projects/<project>/messages:send`. The message is a data
//! message (ids only) with Android priority HIGH and the challenge's
//! seconds left as its TTL.

use std::{
    sync::Mutex,
    time::{Duration, Instant},
};

use serde::{Deserialize, Serialize};
use watchword_core::push::PushToken;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::{
    PushNotification, PushSender, SendContext, SendError, SendFuture, jwt::JwtKey, retry_after,
};

/// Google's FCM host.
pub const FCM_URL: &str = "https://fcm.googleapis.com";
/// The OAuth2 scope of sending.
const SCOPE: &str = "https://www.googleapis.com/auth/firebase.messaging";
/// An access token is used until this long before it expires.
const EARLY: Duration = Duration::from_secs(60);

/// The fields of a service-account JSON key file the sender uses; the
/// private key is wiped when dropped.
#[derive(Deserialize, Zeroize, ZeroizeOnDrop)]
pub struct ServiceAccount {
    /// The Firebase project.
    pub project_id: String,
    /// PEM PKCS#8 RSA key.
    private_key: String,
    /// Its id (the JWT `kid`).
    #[serde(default)]
    private_key_id: String,
    /// The account (`iss`).
    pub client_email: String,
    /// Google's token endpoint (`aud`).
    pub token_uri: String,
}

impl std::fmt::Debug for ServiceAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceAccount")
            .field("project_id", &self.project_id)
            .field("client_email", &self.client_email)
            .finish_non_exhaustive()
    }
}

impl ServiceAccount {
    /// Reads a service-account JSON key file's contents.
    pub fn from_json(json: &[u8]) -> Result<Self, String> {
        serde_json::from_slice(json).map_err(|_| {
            "the FCM service-account file is not a service-account JSON key \
             (project_id, private_key, client_email, token_uri)"
                .to_owned()
        })
    }
}

/// Sends through FCM.
pub struct FcmSender {
    key: JwtKey,
    key_id: String,
    project_id: String,
    client_email: String,
    token_uri: String,
    fcm_url: String,
    client: reqwest::Client,
    access: Mutex<Option<(Zeroizing<String>, Instant)>>,
}

impl std::fmt::Debug for FcmSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FcmSender")
            .field("project_id", &self.project_id)
            .finish_non_exhaustive()
    }
}

#[derive(Serialize)]
struct Assertion<'a> {
    iss: &'a str,
    scope: &'a str,
    aud: &'a str,
    iat: i64,
    exp: i64,
}

#[derive(Deserialize, Zeroize, ZeroizeOnDrop)]
struct AccessToken {
    access_token: String,
    #[serde(default)]
    expires_in: u64,
}

impl FcmSender {
    /// A sender for `account`, sending to `fcm_url` ([`FCM_URL`]).
    pub fn new(
        account: &ServiceAccount,
        fcm_url: &str,
        client: reqwest::Client,
    ) -> Result<Self, String> {
        let key = JwtKey::rs256(account.private_key.as_bytes(), "FCM service-account key")
            .map_err(|e| e.to_string())?;
        Ok(Self {
            key,
            key_id: account.private_key_id.clone(),
            project_id: account.project_id.clone(),
            client_email: account.client_email.clone(),
            token_uri: account.token_uri.clone(),
            fcm_url: fcm_url.trim_end_matches('/').to_owned(),
            client,
            access: Mutex::new(None),
        })
    }

    /// The cached access token, or a new one from the token endpoint.
    async fn access_token(&self, now: i64, renew: bool) -> Result<Zeroizing<String>, SendError> {
        if !renew
            && let Ok(cached) = self.access.lock()
            && let Some((token, until)) = cached.as_ref()
            && Instant::now() < *until
        {
            return Ok(token.clone());
        }
        let kid = (!self.key_id.is_empty()).then_some(self.key_id.as_str());
        let assertion = Zeroizing::new(
            self.key
                .sign(
                    kid,
                    &Assertion {
                        iss: &self.client_email,
                        scope: SCOPE,
                        aud: &self.token_uri,
                        iat: now,
                        exp: now + 3600,
                    },
                )
                .map_err(|e| SendError::Refused(e.to_string()))?,
        );
        let response = self
            .client
            .post(&self.token_uri)
            .form(&[
                ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
                ("assertion", assertion.as_str()),
            ])
            .send()
            .await
            .map_err(SendError::from_reqwest)?;
        let status = response.status().as_u16();
        if status != 200 {
            let said = format!("FCM token endpoint {status}");
            return Err(match status {
                429 | 500..=599 => SendError::Transient {
                    reason: said,
                    retry_after: retry_after(response.headers()),
                },
                _ => SendError::Refused(format!("{said}: the service account was refused")),
            });
        }
        let token: AccessToken = response
            .json()
            .await
            .map_err(|_| SendError::transient("FCM token endpoint: unreadable reply"))?;
        let life = Duration::from_secs(token.expires_in.max(60));
        let value = Zeroizing::new(token.access_token.clone());
        if let Ok(mut cached) = self.access.lock() {
            *cached = Some((value.clone(), Instant::now() + life.saturating_sub(EARLY)));
        }
        Ok(value)
    }

    fn message(note: &PushNotification, token: &str, now: i64) -> serde_json::Value {
        serde_json::json!({
            "message": {
                "token": token,
                "data": {
                    "v": note.payload.v.to_string(),
                    "device_id": note.payload.device_id,
                    "challenge_id": note.payload.challenge_id,
                },
                "android": {
                    "priority": "HIGH",
                    "ttl": format!("{}s", note.seconds_left(now)),
                    "collapse_key": note.payload.challenge_id,
                },
            }
        })
    }
}

#[derive(Deserialize, Default)]
struct ErrorReply {
    #[serde(default)]
    error: ErrorBody,
}

#[derive(Deserialize, Default)]
struct ErrorBody {
    #[serde(default)]
    status: String,
    #[serde(default)]
    details: Vec<ErrorDetail>,
}

#[derive(Deserialize, Default)]
struct ErrorDetail {
    #[serde(default, rename = "errorCode")]
    error_code: Option<String>,
}

/// What an FCM status and error code mean.
pub fn classify(status: u16, error_code: &str, retry: Option<Duration>) -> Result<(), SendError> {
    let said = format!("FCM {status} {error_code}");
    match (status, error_code) {
        (200, _) => Ok(()),
        (404, _) | (_, "UNREGISTERED" | "SENDER_ID_MISMATCH") => Err(SendError::TokenGone(said)),
        (429 | 500 | 503, _) | (_, "QUOTA_EXCEEDED" | "UNAVAILABLE" | "INTERNAL") => {
            Err(SendError::Transient {
                reason: said,
                retry_after: retry,
            })
        }
        _ => Err(SendError::Refused(said)),
    }
}

impl PushSender for FcmSender {
    fn send<'a>(&'a self, note: &'a PushNotification, ctx: SendContext<'a>) -> SendFuture<'a> {
        Box::pin(async move {
            let Some(PushToken::Fcm { token }) = &note.push else {
                return Err(SendError::Refused("not an FCM address".into()));
            };
            let url = format!(
                "{}/v1/projects/{}/messages:send",
                self.fcm_url, self.project_id
            );
            let mut renewed = false;
            loop {
                let access = self.access_token(ctx.now, renewed).await?;
                let response = self
                    .client
                    .post(&url)
                    .bearer_auth(access.as_str())
                    .json(&Self::message(note, token, ctx.now))
                    .send()
                    .await
                    .map_err(SendError::from_reqwest)?;
                let status = response.status().as_u16();
                if status == 200 {
                    return Ok(());
                }
                let retry = retry_after(response.headers());
                let reply: ErrorReply = response.json().await.unwrap_or_default();
                // A revoked or expired access token: one new one, at once.
                if status == 401 && !renewed {
                    renewed = true;
                    continue;
                }
                let code = reply
                    .error
                    .details
                    .iter()
                    .find_map(|d| d.error_code.clone())
                    .unwrap_or(reply.error.status);
                return classify(status, &code, retry);
            }
        })
    }
}
