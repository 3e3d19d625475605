//! The traits a shell implements (Keystore/Keychain key wrapping, the
//! biometric prompt, the push token) and the error they throw.

use std::sync::Arc;

use watchword_core::{
    push::{PlatformPushToken, TokenSource},
    vault::{self, KeyProviderError, PresenceAction},
};
use zeroize::Zeroizing;

/// What a shell callback throws: `ShellException` in Kotlin.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum ShellError {
    /// The key does not unwrap this data key (a reset Keystore, another
    /// device's key).
    #[error("wrong key")]
    WrongKey,
    /// The platform store is locked or failed.
    #[error("unavailable: {reason}")]
    Unavailable {
        /// What the platform said (never key material).
        reason: String,
    },
}

impl From<ShellError> for String {
    fn from(e: ShellError) -> Self {
        e.to_string()
    }
}

impl From<uniffi::UnexpectedUniFFICallbackError> for ShellError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        Self::Unavailable { reason: e.reason }
    }
}

/// Wraps and unwraps the vault's 32-byte data key with a platform key
/// (Android Keystore, iOS Keychain). The data key is the only secret that
/// crosses to the shell, and only to be wrapped.
#[uniffi::export(foreign)]
pub trait KeyProvider: Send + Sync {
    /// Encrypts the data key for storage in the vault file.
    fn wrap(&self, data_key: Vec<u8>) -> Result<Vec<u8>, ShellError>;
    /// Gives back the data key `wrap` produced `wrapped` from.
    fn unwrap(&self, wrapped: Vec<u8>) -> Result<Vec<u8>, ShellError>;
}

/// Adapts a shell's [`KeyProvider`] to the core's trait.
pub(crate) struct ForeignKeys(pub(crate) Arc<dyn KeyProvider>);

impl From<ShellError> for KeyProviderError {
    fn from(e: ShellError) -> Self {
        match e {
            ShellError::WrongKey => KeyProviderError::WrongKey,
            ShellError::Unavailable { reason } => KeyProviderError::Unavailable { message: reason },
        }
    }
}

impl vault::KeyProvider for ForeignKeys {
    fn wrap(&self, data_key: Zeroizing<Vec<u8>>) -> Result<Vec<u8>, KeyProviderError> {
        // EXPOSE: the shell's key store wraps the data key; UniFFI copies
        // these bytes into the foreign call (the platform side cannot wipe
        // its copy: a JVM or Swift array), ours is wiped on drop.
        Ok(self.0.wrap(data_key.to_vec())?)
    }

    fn unwrap(&self, wrapped: Vec<u8>) -> Result<Zeroizing<Vec<u8>>, KeyProviderError> {
        Ok(Zeroizing::new(self.0.unwrap(wrapped)?))
    }
}

/// What the person is asked to confirm (the core's
/// `vault::PresenceAction`): the shells word the prompt for each.
#[uniffi::remote(Enum)]
pub enum PresenceAction {
    ShowSecret,
    ExportSecrets,
    ApproveSignIn,
    DeleteAccount,
    UnlockApp,
    ChangeAppLock,
}

/// Asks the user to confirm with a biometric or device credential. The
/// core calls it before an approval is sent and before a secret is shown
/// or exported; `false` cancels the operation with `Cancelled`.
///
/// Asynchronous because the platform prompts are (`BiometricPrompt`,
/// `LAContext.evaluatePolicy`): Kotlin implements
/// `suspend fun confirm(action: PresenceAction, reason: String): Boolean`,
/// Swift `func confirm(action: PresenceAction, reason: String) async -> Bool`.
/// The prompt's text is the shell's, in the user's language, chosen by
/// `action` (an exhaustive `when`/`switch`: a new action of the core does
/// not compile until it has a text); `reason` is the core's English, for
/// logs. The calling coroutine or
/// task is suspended while the prompt is up; no thread is blocked (Kotlin
/// runs it on `Dispatchers.Default`: switch to `Dispatchers.Main` for the
/// prompt). Declared throwing so a platform error (or any exception) is a
/// `Cancelled`, never a crash; a non-throwing implementation fits too.
#[uniffi::export(foreign)]
#[async_trait::async_trait]
pub trait BiometricGate: Send + Sync {
    /// Prompts for `action`; true when the user confirmed.
    async fn confirm(&self, action: PresenceAction, reason: String) -> Result<bool, ShellError>;
}

/// The platform push token (APNs, FCM, a UnifiedPush endpoint) sent to
/// the server at activation.
///
/// Declared throwing so that an exception in the shell's code is caught:
/// the activation then goes ahead without a token (the app still fetches
/// requests itself) and the failure is logged, never reported as the
/// activation's failure.
#[uniffi::export(foreign)]
pub trait PushTokenSource: Send + Sync {
    /// The current token, if the platform has one.
    fn token(&self) -> Result<Option<PlatformPushToken>, ShellError>;
}

/// Adapts a shell's [`PushTokenSource`] to the core's (the core asks it
/// only when activating a push account, and bounds the call).
pub(crate) struct ForeignTokens(pub(crate) Arc<dyn PushTokenSource>);

impl TokenSource for ForeignTokens {
    fn token(&self) -> Result<Option<PlatformPushToken>, String> {
        Ok(self.0.token()?)
    }
}

/// Adapts a shell's [`BiometricGate`] to the core's presence check (the
/// core decides when to ask, and refuses on anything but a yes).
pub(crate) struct ForeignGate(pub(crate) Arc<dyn BiometricGate>);

#[async_trait::async_trait]
impl vault::PresenceCheck for ForeignGate {
    async fn confirm(&self, action: PresenceAction) -> Result<bool, String> {
        // What the platform said becomes the refusal's reason.
        Ok(self.0.confirm(action, action.reason().to_owned()).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use watchword_core::vault::KeyProvider as _;

    /// XOR "wrapping": enough to tell the right key from a wrong one.
    struct Xor(u8);

    impl KeyProvider for Xor {
        fn wrap(&self, data_key: Vec<u8>) -> Result<Vec<u8>, ShellError> {
            Ok(data_key
                .iter()
                .map(|b| b ^ self.0)
                .chain([self.0])
                .collect())
        }
        fn unwrap(&self, wrapped: Vec<u8>) -> Result<Vec<u8>, ShellError> {
            match wrapped.split_last() {
                Some((k, key)) if *k == self.0 => Ok(key.iter().map(|b| b ^ self.0).collect()),
                Some(_) => Err(ShellError::WrongKey),
                None => Err(ShellError::Unavailable {
                    reason: "empty".into(),
                }),
            }
        }
    }

    #[test]
    fn shell_errors_map_to_the_core_key_errors() {
        let keys = ForeignKeys(Arc::new(Xor(7)));
        let wrapped = keys.wrap(Zeroizing::new(vec![1, 2, 3])).unwrap();
        assert_eq!(*keys.unwrap(wrapped.clone()).unwrap(), vec![1, 2, 3]);
        assert_eq!(
            ForeignKeys(Arc::new(Xor(8))).unwrap(wrapped),
            Err(KeyProviderError::WrongKey)
        );
        assert!(matches!(
            keys.unwrap(vec![]),
            Err(KeyProviderError::Unavailable { .. })
        ));
    }

    #[test]
    fn a_foreign_key_provider_creates_and_reopens_a_vault() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.db").to_string_lossy().into_owned();
        let v = crate::Vault::create(path.clone(), Arc::new(Xor(7))).unwrap();
        v.add_link(
            "otpauth://totp/A:b?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8".into(),
            false,
        )
        .unwrap();
        drop(v);
        let v = crate::Vault::open(path.clone(), Arc::new(Xor(7))).unwrap();
        let codes = v.codes_at(59_000).unwrap();
        assert_eq!(codes[0].code.as_ref().unwrap().code, "94287082");
        assert!(matches!(
            crate::Vault::open(path, Arc::new(Xor(9))),
            Err(crate::ApiError::WrongKey { .. })
        ));
    }

    /// Answers after a delay, as a prompt the user takes a moment over;
    /// `None` is a platform error.
    struct Answer(Option<bool>);

    #[async_trait::async_trait]
    impl BiometricGate for Answer {
        async fn confirm(
            &self,
            _action: PresenceAction,
            _reason: String,
        ) -> Result<bool, ShellError> {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            self.0.ok_or(ShellError::Unavailable {
                reason: "no sensor".into(),
            })
        }
    }

    /// The core asks the shell's gate through [`ForeignGate`]: a yes shows
    /// the secret; a no, a platform error, or no gate when one is required
    /// is `Cancelled` and shows nothing.
    #[tokio::test]
    async fn the_gate_cancels_on_no_on_error_and_when_required_and_missing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.db").to_string_lossy().into_owned();
        let v = crate::Vault::create(path, Arc::new(Xor(7))).unwrap();
        let id = v
            .add_link(
                "otpauth://totp/A:b?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ".into(),
                false,
            )
            .unwrap()
            .id;
        let gate = |a| -> Option<Arc<dyn BiometricGate>> { Some(Arc::new(Answer(a))) };
        v.set_biometric_gate(gate(Some(true)));
        assert!(v.reveal_link(id).await.unwrap().contains("secret="));
        v.set_biometric_gate(gate(Some(false)));
        assert!(matches!(
            v.reveal_link(id).await,
            Err(crate::ApiError::Cancelled { .. })
        ));
        v.set_biometric_gate(gate(None));
        assert!(matches!(
            v.reveal_link(id).await,
            Err(crate::ApiError::Cancelled { message }) if message.contains("no sensor")
        ));
        // No gate: allowed until the vault requires one.
        v.set_biometric_gate(None);
        assert!(v.reveal_link(id).await.is_ok());
        v.set_presence_required(true).unwrap();
        assert!(v.presence_required().unwrap());
        assert!(matches!(
            v.export_google(false).await,
            Err(crate::ApiError::Cancelled { .. })
        ));
    }

    /// Says yes and remembers what it was asked to confirm.
    #[derive(Default)]
    struct Recorder(std::sync::Mutex<Vec<(PresenceAction, String)>>);

    #[async_trait::async_trait]
    impl BiometricGate for Recorder {
        async fn confirm(
            &self,
            action: PresenceAction,
            reason: String,
        ) -> Result<bool, ShellError> {
            self.0.lock().unwrap().push((action, reason));
            Ok(true)
        }
    }

    /// The shell gets the action (to word the prompt in its language) and
    /// the core's English reason; the app lock asks only when it is on.
    #[tokio::test]
    async fn the_gate_is_told_the_action_and_the_app_lock_asks_when_on() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.db").to_string_lossy().into_owned();
        let v = crate::Vault::create(path, Arc::new(Xor(7))).unwrap();
        let gate = Arc::new(Recorder::default());
        v.set_biometric_gate(Some(gate.clone()));
        v.unlock_app().await.unwrap();
        assert!(gate.0.lock().unwrap().is_empty(), "no lock, no prompt");
        v.set_app_lock(true).await.unwrap();
        assert!(v.app_lock().unwrap());
        v.unlock_app().await.unwrap();
        assert_eq!(
            *gate.0.lock().unwrap(),
            [
                (
                    PresenceAction::ChangeAppLock,
                    "change the app lock".to_owned()
                ),
                (PresenceAction::UnlockApp, "unlock the app".to_owned()),
            ]
        );
    }
}
