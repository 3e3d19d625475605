//! Where a push server sends a device's notifications.
//!
//! Two types, because the platform and the server see different things:
//! - [`PlatformPushToken`]: what the phone's platform handed the app (an
//!   APNs device token, an FCM registration token, a UnifiedPush
//!   endpoint). The shells give this and nothing else.
//! - [`PushToken`]: what the device registers with a Watchword server (at
//!   activation, and signed whenever it changes). For Web Push the core
//!   adds the receiver keys it keeps sealed in the vault
//!   ([`super::webpush::WebPushKeys`]), so the shell never handles them.
//!
//! Tokens address one phone at a push service: `Debug` does not print them.

use serde::{Deserialize, Serialize};

use super::webpush::WebPushKeys;
use crate::http::secure_url;

/// Longest token or endpoint accepted.
pub const MAX_TOKEN_LEN: usize = 4096;

/// What the platform gave the app to be woken by.
#[derive(Clone, PartialEq, Eq)]
pub enum PlatformPushToken {
    /// iOS: the APNs device token (hex, as `didRegisterForRemoteNotifications`
    /// gives it, bytes printed two hex digits each).
    Apns {
        /// The device token, hex.
        device_token: String,
        /// Registered against Apple's sandbox (a development build).
        sandbox: bool,
    },
    /// Android with Google Play services: the FCM registration token.
    Fcm {
        /// The registration token.
        token: String,
    },
    /// Android through a UnifiedPush distributor: the endpoint URL it gave;
    /// messages to it are Web Push.
    UnifiedPush {
        /// The endpoint URL.
        endpoint: String,
    },
}

impl std::fmt::Debug for PlatformPushToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PlatformPushToken::{:?}", self.kind())
    }
}

impl PlatformPushToken {
    /// Which push service it is for.
    pub fn kind(&self) -> PushTokenKind {
        match self {
            PlatformPushToken::Apns { .. } => PushTokenKind::Apns,
            PlatformPushToken::Fcm { .. } => PushTokenKind::Fcm,
            PlatformPushToken::UnifiedPush { .. } => PushTokenKind::WebPush,
        }
    }
}

/// The push services a Watchword server sends through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PushTokenKind {
    /// Apple Push Notification service.
    Apns,
    /// Firebase Cloud Messaging (HTTP v1).
    Fcm,
    /// Web Push (RFC 8030/8291/8292): UnifiedPush distributors, browsers.
    WebPush,
}

impl PushTokenKind {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            PushTokenKind::Apns => "apns",
            PushTokenKind::Fcm => "fcm",
            PushTokenKind::WebPush => "web_push",
        }
    }

    /// Reads [`Self::as_str`] back.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Apns, Self::Fcm, Self::WebPush]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// A device's push address as it registers it with a Watchword server.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum PushToken {
    /// APNs.
    Apns {
        /// The device token, hex.
        token: String,
        /// Send through the sandbox host.
        #[serde(default)]
        sandbox: bool,
    },
    /// FCM.
    Fcm {
        /// The registration token.
        token: String,
    },
    /// Web Push.
    WebPush {
        /// Where to POST the encrypted message.
        endpoint: String,
        /// The receiver's P-256 public key (base64url point).
        p256dh: String,
        /// The receiver's authentication secret (base64url, 16 bytes).
        auth: String,
    },
}

impl std::fmt::Debug for PushToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PushToken::{:?}", self.kind())
    }
}

/// Why a push token cannot be registered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("push token: {0}")]
pub struct BadPushToken(pub String);

impl PushToken {
    /// For a platform token: Web Push gets the receiver `keys`.
    pub fn from_platform(platform: &PlatformPushToken, keys: &WebPushKeys) -> Self {
        match platform {
            PlatformPushToken::Apns {
                device_token,
                sandbox,
            } => PushToken::Apns {
                token: device_token.to_ascii_lowercase(),
                sandbox: *sandbox,
            },
            PlatformPushToken::Fcm { token } => PushToken::Fcm {
                token: token.clone(),
            },
            PlatformPushToken::UnifiedPush { endpoint } => {
                let public = keys.public();
                PushToken::WebPush {
                    endpoint: endpoint.clone(),
                    p256dh: public.p256dh,
                    auth: public.auth,
                }
            }
        }
    }

    /// Which service.
    pub fn kind(&self) -> PushTokenKind {
        match self {
            PushToken::Apns { .. } => PushTokenKind::Apns,
            PushToken::Fcm { .. } => PushTokenKind::Fcm,
            PushToken::WebPush { .. } => PushTokenKind::WebPush,
        }
    }

    /// Checks what a server will use: APNs tokens are hex, FCM tokens
    /// printable without spaces, Web Push endpoints https (http only to
    /// loopback) with well-formed keys. Each at most [`MAX_TOKEN_LEN`].
    pub fn check(&self) -> Result<(), BadPushToken> {
        let bad = |m: &str| Err(BadPushToken(m.to_owned()));
        match self {
            PushToken::Apns { token, .. } => {
                if token.is_empty()
                    || token.len() > MAX_TOKEN_LEN
                    || !token.bytes().all(|b| b.is_ascii_hexdigit())
                {
                    return bad("an APNs device token is hex digits");
                }
            }
            PushToken::Fcm { token } => {
                if token.is_empty()
                    || token.len() > MAX_TOKEN_LEN
                    || !token.bytes().all(|b| b.is_ascii_graphic())
                {
                    return bad("an FCM token is printable text without spaces");
                }
            }
            PushToken::WebPush {
                endpoint,
                p256dh,
                auth,
            } => {
                if endpoint.len() > MAX_TOKEN_LEN {
                    return bad("the Web Push endpoint is too long");
                }
                let url = url::Url::parse(endpoint)
                    .map_err(|_| BadPushToken("the Web Push endpoint is not a URL".into()))?;
                secure_url::check(&url)
                    .map_err(|e| BadPushToken(format!("Web Push endpoint: {e}")))?;
                let keys = super::webpush::ReceiverPublicKeys {
                    p256dh: p256dh.clone(),
                    auth: auth.clone(),
                };
                // Encrypting a byte is the whole check of both keys.
                super::webpush::message::encrypt(&keys, b"-")
                    .map_err(|e| BadPushToken(e.to_string()))?;
            }
        }
        Ok(())
    }

    /// The canonical JSON a device signs when it changes its token.
    pub fn canonical_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_tokens_become_wire_tokens_with_keys_for_web_push() {
        let keys = WebPushKeys::generate().unwrap();
        let t = PushToken::from_platform(
            &PlatformPushToken::UnifiedPush {
                endpoint: "https://push.example/up/abc".into(),
            },
            &keys,
        );
        assert_eq!(t.kind(), PushTokenKind::WebPush);
        t.check().unwrap();
        let json = t.canonical_json();
        assert!(json.starts_with(r#"{"kind":"web_push","endpoint":"https://push.example/up/abc""#));
        assert_eq!(serde_json::from_str::<PushToken>(&json).unwrap(), t);
        let apns = PushToken::from_platform(
            &PlatformPushToken::Apns {
                device_token: "ABCDEF01".into(),
                sandbox: true,
            },
            &keys,
        );
        assert_eq!(
            apns.canonical_json(),
            r#"{"kind":"apns","token":"abcdef01","sandbox":true}"#
        );
        assert!(!format!("{apns:?}").contains("abcdef"));
    }

    #[test]
    fn bad_tokens_are_refused_with_a_reason() {
        let keys = WebPushKeys::generate().unwrap().public();
        let cases = [
            PushToken::Apns {
                token: "not hex".into(),
                sandbox: false,
            },
            PushToken::Fcm {
                token: "with space".into(),
            },
            PushToken::Fcm {
                token: "x".repeat(MAX_TOKEN_LEN + 1),
            },
            PushToken::WebPush {
                endpoint: "http://push.example/x".into(),
                p256dh: keys.p256dh.clone(),
                auth: keys.auth.clone(),
            },
            PushToken::WebPush {
                endpoint: "https://push.example/x".into(),
                p256dh: "BAAA".into(),
                auth: keys.auth.clone(),
            },
        ];
        for t in cases {
            assert!(t.check().unwrap_err().0.len() > 5, "{t:?}");
        }
        // serde_json's error is opaque: a data error naming the kind.
        let e = serde_json::from_str::<PushToken>(r#"{"kind":"pigeon","token":"x"}"#).unwrap_err();
        assert!(
            e.is_data() && e.to_string().contains("unknown variant `pigeon`"),
            "{e}"
        );
    }
}
