//! The router over the configured senders: each notification goes to the
//! sender of the kind of address its device registered; a device without
//! one gets the fallback (the log sender: it polls).

use std::sync::Arc;

use watchword_core::push::PushTokenKind;

use zeroize::Zeroizing;

use super::{
    PushNotification, PushSender, SendContext, SendError, SendFuture,
    apns::{ApnsConfig, ApnsSender},
    fcm::{FcmSender, ServiceAccount},
    http_client,
    log::LogSender,
    web_push::WebPushSender,
    web_push_client,
};

/// What the server admin configured (flags, environment): each service is
/// on when its credentials are given; Web Push needs none.
#[derive(Debug, Default)]
pub struct DeliveryConfig {
    /// APNs credentials.
    pub apns: Option<ApnsConfig>,
    /// The FCM service account and the FCM host.
    pub fcm: Option<(ServiceAccount, String)>,
    /// Web Push on.
    pub web_push: bool,
    /// Web Push endpoints on the server's loopback allowed (tests, demo).
    pub web_push_loopback: bool,
    /// A CA certificate (PEM) trusted besides the system's roots.
    pub extra_root: Option<Zeroizing<Vec<u8>>>,
}

/// The senders this server has.
pub struct Senders {
    /// APNs, when configured (key, key id, team id, topic).
    pub apns: Option<ApnsSender>,
    /// FCM, when configured (service account).
    pub fcm: Option<FcmSender>,
    /// Web Push (needs no account anywhere: always on).
    pub web_push: Option<WebPushSender>,
    /// Devices without a push address.
    pub fallback: Arc<LogSender>,
}

impl std::fmt::Debug for Senders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Senders")
            .field("kinds", &self.kinds())
            .finish_non_exhaustive()
    }
}

impl Senders {
    /// Only the log sender (the demo, tests that read what was sent).
    pub fn log_only(log: Arc<LogSender>) -> Self {
        Self {
            apns: None,
            fcm: None,
            web_push: None,
            fallback: log,
        }
    }

    /// The senders `config` asks for, devices without an address going to
    /// `fallback`.
    pub fn build(config: DeliveryConfig, fallback: Arc<LogSender>) -> Result<Self, String> {
        let extra_root = config.extra_root.as_deref().map(|v| v.as_slice());
        let client = http_client(extra_root)?;
        let apns = config
            .apns
            .map(|c| ApnsSender::new(c, client.clone()))
            .transpose()?;
        let fcm = config
            .fcm
            .map(|(account, url)| FcmSender::new(&account, &url, client.clone()))
            .transpose()?;
        let web_push = if config.web_push {
            let client = web_push_client(extra_root, config.web_push_loopback)?;
            Some(WebPushSender::new(client, config.web_push_loopback))
        } else {
            None
        };
        Ok(Self {
            apns,
            fcm,
            web_push,
            fallback,
        })
    }

    /// The push services this server can send through.
    pub fn kinds(&self) -> Vec<PushTokenKind> {
        let mut kinds = Vec::new();
        if self.apns.is_some() {
            kinds.push(PushTokenKind::Apns);
        }
        if self.fcm.is_some() {
            kinds.push(PushTokenKind::Fcm);
        }
        if self.web_push.is_some() {
            kinds.push(PushTokenKind::WebPush);
        }
        kinds
    }

    fn sender_for(&self, kind: PushTokenKind) -> Option<&dyn PushSender> {
        match kind {
            PushTokenKind::Apns => self.apns.as_ref().map(|s| s as &dyn PushSender),
            PushTokenKind::Fcm => self.fcm.as_ref().map(|s| s as &dyn PushSender),
            PushTokenKind::WebPush => self.web_push.as_ref().map(|s| s as &dyn PushSender),
        }
    }
}

impl PushSender for Senders {
    fn send<'a>(&'a self, note: &'a PushNotification, ctx: SendContext<'a>) -> SendFuture<'a> {
        let Some(kind) = note.push.as_ref().map(|p| p.kind()) else {
            return self.fallback.send(note, ctx);
        };
        match self.sender_for(kind) {
            Some(sender) => sender.send(note, ctx),
            None => Box::pin(async move {
                Err(SendError::Refused(format!(
                    "this server has no {} sender configured",
                    kind.as_str()
                )))
            }),
        }
    }
}
