//! The device's push address, device side: the push token it registers at
//! activation, the signed change when the platform hands it a new one, and
//! Web Push messages decrypted with the receiver keys sealed in its store.
//!
//! More `impl PushService` (see `service.rs`).

use serde::Serialize;

use super::{
    PlatformPushToken, Provider, PushError, PushService, PushStore, PushToken,
    client::{Reply, post_json, within},
    keys,
    protocol::{self, PushTokenUpdate, PushTokenUpdated},
    state::PendingChallenge,
    webpush::WebPushKeys,
};

/// What a push-token change reached.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PushTokenReport {
    /// Accounts whose server took the new address.
    pub updated: u32,
    /// Accounts whose server cannot use this kind of token (privacyIDEA
    /// takes FCM tokens only); they keep polling.
    pub not_applicable: u32,
    /// Accounts whose server could not be told, and why (the next change
    /// or activation tries again; polling works meanwhile).
    pub failed: Vec<String>,
}

impl<S: PushStore> PushService<S> {
    /// This device's Web Push receiver keys, made and stored on first use.
    pub fn web_push_keys(&self) -> Result<WebPushKeys, PushError> {
        if let Some(stored) = self.store().web_push_keys()? {
            return WebPushKeys::from_secret_json(&stored)
                .map_err(|_| PushError::Store("stored Web Push keys are corrupt".into()));
        }
        let keys = WebPushKeys::generate().map_err(|e| PushError::Store(e.to_string()))?;
        let json = keys
            .to_secret_json()
            .map_err(|e| PushError::Store(e.to_string()))?;
        self.store().set_web_push_keys(&json)?;
        Ok(keys)
    }

    /// The address to register for what the platform gave.
    pub fn push_token_for(&self, platform: &PlatformPushToken) -> Result<PushToken, PushError> {
        let keys = match platform {
            PlatformPushToken::UnifiedPush { .. } => self.web_push_keys()?,
            // Other kinds need no keys; any will do for the conversion.
            _ => WebPushKeys::generate().map_err(|e| PushError::Store(e.to_string()))?,
        };
        let token = PushToken::from_platform(platform, &keys);
        token
            .check()
            .map_err(|e| PushError::BadActivation(e.to_string()))?;
        Ok(token)
    }

    /// Tells every account's server that this device's push address is now
    /// `platform` (`None`: no longer reachable by push, poll). One
    /// unreachable server does not stop the others.
    pub async fn push_token_changed(
        &self,
        platform: Option<&PlatformPushToken>,
    ) -> Result<PushTokenReport, PushError> {
        let token = platform.map(|p| self.push_token_for(p)).transpose()?;
        let mut report = PushTokenReport::default();
        let deadline = self.client.deadline();
        for account in self.accounts()? {
            let sent = match account.provider {
                Provider::Watchword => {
                    within(deadline, self.send_push_token(&account, token.as_ref())).await
                }
                Provider::PrivacyIdea => match platform {
                    Some(PlatformPushToken::Fcm { token }) => {
                        within(
                            deadline,
                            self.update_privacyidea_push_token(&account.device_id, token),
                        )
                        .await
                    }
                    _ => {
                        report.not_applicable += 1;
                        continue;
                    }
                },
            };
            match sent {
                Ok(()) => report.updated += 1,
                Err(e) => {
                    tracing::warn!(account = %account.device_id, error = %e, "push token update failed");
                    report.failed.push(format!("{}: {e}", account.label()));
                }
            }
        }
        Ok(report)
    }

    async fn send_push_token(
        &self,
        account: &super::PushAccount,
        token: Option<&PushToken>,
    ) -> Result<(), PushError> {
        let key = account.signing_key()?;
        let url = format!("{}{}", account.base_url, protocol::PUSH_TOKEN_PATH);
        let reply: Reply<PushTokenUpdated> = self
            .client
            .send(|| {
                let timestamp = self.now_for(account);
                let request_nonce = keys::random_b64(16)?;
                let input = protocol::push_token_input(
                    &account.device_id,
                    timestamp,
                    &request_nonce,
                    token,
                )?;
                post_json(
                    &url,
                    &PushTokenUpdate {
                        device_id: account.device_id.clone(),
                        push: token.cloned(),
                        timestamp,
                        signature: key.sign(&input)?,
                        request_nonce,
                    },
                )
            })
            .await;
        self.learn(account, reply.server_time)?;
        reply.result.map(|_| ())
    }

    /// Takes a Web Push message body (`aes128gcm`, as a UnifiedPush
    /// distributor or the CLI's `listen` received it), decrypts it with
    /// this device's keys, and fetches and verifies the request it
    /// announces, like [`Self::handle_push`].
    pub async fn handle_web_push(&self, body: &[u8]) -> Result<PendingChallenge, PushError> {
        let keys = self.web_push_keys()?;
        let plain = keys.decrypt(body).map_err(|e| {
            PushError::Protocol(format!("not a Web Push message for this device ({e})"))
        })?;
        let payload = std::str::from_utf8(&plain)
            .map_err(|_| PushError::Protocol("not a Watchword push payload".into()))?;
        self.handle_push(payload).await
    }
}
