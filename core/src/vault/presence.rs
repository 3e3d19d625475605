//! User presence: when a person must confirm (a biometric or the device
//! credential) and the check that fails closed.
//!
//! The rule lives in the core, not in the shells or the bindings: showing
//! a secret, exporting secrets and approving a sign-in need a confirmation
//! (which answers to a sign-in do is `push::Answer::presence_needed`);
//! denying or reporting fraud never does (a thief holding the phone may
//! refuse a sign-in, never approve one). The optional app lock
//! ([`Vault::set_app_lock`]) asks the same check before the app shows
//! anything, and before the lock is turned off. The platform prompt is a [`PresenceCheck`]
//! the shell sets on the vault. Whether a check is *required* is a sealed
//! vault setting ([`Vault::set_presence_required`]): the phone shells turn
//! it on, so a vault whose check went missing refuses instead of letting an
//! approval or a secret through. The desktop CLI, where the passphrase is
//! the presence, leaves it off.
//!
//! Failing closed: a check that says no, throws, does not answer within
//! [`PRESENCE_TIMEOUT`], or a gate whose lock was poisoned by a panic, all
//! refuse with [`ApiError::Cancelled`]; none of them is ever taken as yes.

use std::{
    sync::{Arc, Mutex, PoisonError},
    time::Duration,
};

use super::Vault;
use crate::error::ApiError;

/// How long a prompt may stay up before the operation is refused: long
/// enough for a person to find their glasses, short enough that a stuck
/// platform call cannot hold an approval open past its challenge.
pub const PRESENCE_TIMEOUT: Duration = Duration::from_secs(60);

/// What a person is asked to confirm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PresenceAction {
    /// Show an account's secret (its `otpauth://` link).
    ShowSecret,
    /// Export every secret (Google links and QR images).
    ExportSecrets,
    /// Approve a sign-in request.
    ApproveSignIn,
    /// Delete an account (it goes to the trash, but a thief could empty
    /// a phone of its accounts).
    DeleteAccount,
    /// Open the app while its app lock is on ([`Vault::unlock_app`]).
    UnlockApp,
    /// Turn the app lock on or off ([`Vault::set_app_lock`]).
    ChangeAppLock,
}

impl PresenceAction {
    /// What is being confirmed, in English for logs and error messages.
    /// The shells show their own text for each action in the user's
    /// language (they get the action itself, never have to read this).
    pub fn reason(self) -> &'static str {
        match self {
            PresenceAction::ShowSecret => "show the secret",
            PresenceAction::ExportSecrets => "export the secrets",
            PresenceAction::ApproveSignIn => "approve the sign-in",
            PresenceAction::DeleteAccount => "delete the account",
            PresenceAction::UnlockApp => "unlock the app",
            PresenceAction::ChangeAppLock => "change the app lock",
        }
    }
}

/// The platform's prompt (Android `BiometricPrompt`, iOS `LAContext`).
#[async_trait::async_trait]
pub trait PresenceCheck: Send + Sync {
    /// Prompts for `action` (the shell words the prompt in the user's
    /// language): `Ok(true)` when the person confirmed, `Ok(false)` when
    /// they declined, `Err` with what the platform said.
    async fn confirm(&self, action: PresenceAction) -> Result<bool, String>;
}

/// The check a shell set on a vault, if any.
pub(crate) struct PresenceGate {
    check: Mutex<Option<Arc<dyn PresenceCheck>>>,
    timeout: Duration,
}

impl Default for PresenceGate {
    fn default() -> Self {
        PresenceGate {
            check: Mutex::new(None),
            timeout: PRESENCE_TIMEOUT,
        }
    }
}

impl PresenceGate {
    /// The check, or an error when the lock was poisoned: a gate that
    /// cannot be read is not a gate that is absent.
    fn current(&self) -> Result<Option<Arc<dyn PresenceCheck>>, ApiError> {
        match self.check.lock() {
            Ok(check) => Ok(check.clone()),
            Err(_) => Err(ApiError::Cancelled {
                message: "the biometric check could not be read; nothing was done".into(),
            }),
        }
    }

    fn set(&self, check: Option<Arc<dyn PresenceCheck>>) {
        // Replacing the value heals a poisoned lock: the new check is
        // whole, whatever panicked while the old one was held.
        *self.check.lock().unwrap_or_else(PoisonError::into_inner) = check;
        self.check.clear_poison();
    }

    /// Asks for `action` when a check is set, and refuses when none is set
    /// but `required`.
    async fn confirm(&self, action: PresenceAction, required: bool) -> Result<(), ApiError> {
        let reason = action.reason();
        let Some(check) = self.current()? else {
            return if required {
                Err(ApiError::Cancelled {
                    message: format!(
                        "cannot {reason}: this vault requires a biometric or device-credential confirmation, and none is set up"
                    ),
                })
            } else {
                Ok(())
            };
        };
        let not_confirmed = |why: String| ApiError::Cancelled {
            message: format!("not confirmed: {reason}{why}"),
        };
        match tokio::time::timeout(self.timeout, check.confirm(action)).await {
            Ok(Ok(true)) => Ok(()),
            Ok(Ok(false)) => Err(not_confirmed(String::new())),
            Ok(Err(platform)) => Err(not_confirmed(format!(" ({platform})"))),
            Err(_) => Err(not_confirmed(format!(
                " (no answer within {} s)",
                self.timeout.as_secs()
            ))),
        }
    }
}

impl Vault {
    /// Sets (or, with `None`, removes) the platform check asked before
    /// secrets are shown or exported and before a sign-in is approved.
    pub fn set_presence_check(&self, check: Option<Arc<dyn PresenceCheck>>) {
        self.presence.set(check);
    }

    /// Asks the person to confirm `action` when this vault has a check;
    /// refuses when it has none but requires one. Every failure is
    /// [`ApiError::Cancelled`] and nothing else happens. Runs on a tokio
    /// runtime (the timeout's timer), like the push calls it guards.
    pub async fn confirm_presence(&self, action: PresenceAction) -> Result<(), ApiError> {
        let required = self.presence_required()?;
        self.presence.confirm(action, required).await
    }

    /// Asks for [`PresenceAction::UnlockApp`] when the app lock is on
    /// (a missing check then refuses, whatever `presence_required` says);
    /// passes at once when it is off. The shells call this when the app
    /// comes to the front and show nothing of the vault until it passes.
    pub async fn unlock_app(&self) -> Result<(), ApiError> {
        if !self.app_lock()? {
            return Ok(());
        }
        self.presence.confirm(PresenceAction::UnlockApp, true).await
    }

    /// Turns the app lock on or off, after a confirmation
    /// ([`PresenceAction::ChangeAppLock`], required: a lock that a
    /// missing check could turn off would be no lock). Nothing changes
    /// when it is refused.
    pub async fn set_app_lock(&self, on: bool) -> Result<(), ApiError> {
        self.presence
            .confirm(PresenceAction::ChangeAppLock, true)
            .await?;
        Ok(self.write_app_lock(on)?)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::vault::StaticKeyProvider;

    /// A check that answers `answer` (an `Err` is a platform error), or
    /// never answers, and counts the prompts.
    struct Check {
        answer: Option<Result<bool, String>>,
        asked: AtomicUsize,
        actions: Mutex<Vec<PresenceAction>>,
    }

    impl Check {
        fn new(answer: Option<Result<bool, String>>) -> Arc<Check> {
            Arc::new(Check {
                answer,
                asked: AtomicUsize::new(0),
                actions: Mutex::new(Vec::new()),
            })
        }
    }

    #[async_trait::async_trait]
    impl PresenceCheck for Check {
        async fn confirm(&self, action: PresenceAction) -> Result<bool, String> {
            self.asked.fetch_add(1, Ordering::SeqCst);
            self.actions.lock().unwrap().push(action);
            match &self.answer {
                Some(answer) => answer.clone(),
                None => std::future::pending().await,
            }
        }
    }

    fn vault(dir: &std::path::Path) -> Vault {
        Vault::create(&dir.join("v.db"), &StaticKeyProvider::new([3; 32])).unwrap()
    }

    fn cancelled(r: Result<(), ApiError>) -> String {
        match r {
            Err(ApiError::Cancelled { message }) => message,
            other => panic!("expected Cancelled, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn yes_passes_no_and_platform_errors_refuse() {
        let dir = tempfile::tempdir().unwrap();
        let v = vault(dir.path());
        let yes = Check::new(Some(Ok(true)));
        v.set_presence_check(Some(yes.clone()));
        v.confirm_presence(PresenceAction::ShowSecret)
            .await
            .unwrap();
        assert_eq!(yes.asked.load(Ordering::SeqCst), 1);
        v.set_presence_check(Some(Check::new(Some(Ok(false)))));
        cancelled(v.confirm_presence(PresenceAction::ApproveSignIn).await);
        v.set_presence_check(Some(Check::new(Some(Err("no sensor".into())))));
        let why = cancelled(v.confirm_presence(PresenceAction::ExportSecrets).await);
        assert!(why.contains("no sensor"), "{why}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_prompt_that_never_answers_refuses_after_the_timeout() {
        let dir = tempfile::tempdir().unwrap();
        let v = vault(dir.path());
        let hang = Check::new(None);
        v.set_presence_check(Some(hang.clone()));
        let started = tokio::time::Instant::now();
        let why = cancelled(v.confirm_presence(PresenceAction::ApproveSignIn).await);
        assert!(why.contains("no answer within 60 s"), "{why}");
        assert_eq!(started.elapsed(), PRESENCE_TIMEOUT);
        assert_eq!(hang.asked.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn no_check_passes_only_when_none_is_required_and_that_survives_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let v = vault(dir.path());
        assert!(!v.presence_required().unwrap());
        v.confirm_presence(PresenceAction::ShowSecret)
            .await
            .unwrap();
        v.set_presence_required(true).unwrap();
        let why = cancelled(v.confirm_presence(PresenceAction::ApproveSignIn).await);
        assert!(why.contains("none is set up"), "{why}");
        drop(v);
        let v = Vault::open(&dir.path().join("v.db"), &StaticKeyProvider::new([3; 32])).unwrap();
        assert!(v.presence_required().unwrap());
        cancelled(v.confirm_presence(PresenceAction::ExportSecrets).await);
        // A check set again is asked as before.
        v.set_presence_check(Some(Check::new(Some(Ok(true)))));
        v.confirm_presence(PresenceAction::ExportSecrets)
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn a_poisoned_gate_refuses_instead_of_passing() {
        let dir = tempfile::tempdir().unwrap();
        let v = Arc::new(vault(dir.path()));
        // A panic while the lock is held (as a panicking shell callback
        // inside `set` would leave it).
        let held = v.clone();
        let _ = std::thread::spawn(move || {
            let _guard = held.presence.check.lock().unwrap();
            panic!("poison the gate");
        })
        .join();
        assert!(v.presence.check.is_poisoned());
        let why = cancelled(v.confirm_presence(PresenceAction::ApproveSignIn).await);
        assert!(why.contains("could not be read"), "{why}");
        // Setting a check again heals it.
        v.set_presence_check(Some(Check::new(Some(Ok(true)))));
        v.confirm_presence(PresenceAction::ApproveSignIn)
            .await
            .unwrap();
    }

    #[test]
    fn a_tampered_setting_is_corrupt_not_off() {
        let dir = tempfile::tempdir().unwrap();
        let v = vault(dir.path());
        v.set_presence_required(true).unwrap();
        // The sealed value of another setting moved into this row does not
        // open: the setting's name is bound into the seal.
        v.set_clock_offset_ms(0).unwrap();
        v.conn()
            .execute(
                "UPDATE settings SET value = (SELECT value FROM settings WHERE name = 'clock_offset_ms') WHERE name = ?1",
                ["presence_required"],
            )
            .unwrap();
        // Refused for the seal, not for the size of the moved value.
        let r = v.presence_required();
        assert!(
            matches!(&r, Err(crate::vault::VaultError::Corrupt(m))
                if m.contains("row presence_required does not decrypt")),
            "{r:?}"
        );
    }

    #[tokio::test]
    async fn the_check_is_told_which_action_it_confirms() {
        let dir = tempfile::tempdir().unwrap();
        let v = vault(dir.path());
        let yes = Check::new(Some(Ok(true)));
        v.set_presence_check(Some(yes.clone()));
        v.confirm_presence(PresenceAction::DeleteAccount)
            .await
            .unwrap();
        v.confirm_presence(PresenceAction::ApproveSignIn)
            .await
            .unwrap();
        assert_eq!(
            *yes.actions.lock().unwrap(),
            [PresenceAction::DeleteAccount, PresenceAction::ApproveSignIn]
        );
    }

    #[tokio::test]
    async fn the_app_lock_asks_on_unlock_only_when_on_and_survives_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let v = vault(dir.path());
        // Off: no prompt, even with no check set.
        assert!(!v.app_lock().unwrap());
        v.unlock_app().await.unwrap();
        // Turning it on needs a yes; a no changes nothing.
        v.set_presence_check(Some(Check::new(Some(Ok(false)))));
        cancelled(v.set_app_lock(true).await);
        assert!(!v.app_lock().unwrap());
        let yes = Check::new(Some(Ok(true)));
        v.set_presence_check(Some(yes.clone()));
        v.set_app_lock(true).await.unwrap();
        v.unlock_app().await.unwrap();
        assert_eq!(
            *yes.actions.lock().unwrap(),
            [PresenceAction::ChangeAppLock, PresenceAction::UnlockApp]
        );
        drop(v);
        let v = Vault::open(&dir.path().join("v.db"), &StaticKeyProvider::new([3; 32])).unwrap();
        assert!(v.app_lock().unwrap());
        // On, with no check set: refused, though presence is not required.
        assert!(!v.presence_required().unwrap());
        let why = cancelled(v.unlock_app().await);
        assert!(why.contains("unlock the app"), "{why}");
        // A no to unlocking refuses; a missing check cannot turn it off.
        v.set_presence_check(Some(Check::new(Some(Ok(false)))));
        cancelled(v.unlock_app().await);
        v.set_presence_check(None);
        cancelled(v.set_app_lock(false).await);
        assert!(v.app_lock().unwrap());
        v.set_presence_check(Some(Check::new(Some(Ok(true)))));
        v.set_app_lock(false).await.unwrap();
        assert!(!v.app_lock().unwrap());
    }
}
