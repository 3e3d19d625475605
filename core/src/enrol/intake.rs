//! The one way in for whatever the user scanned, pasted or typed.
//!
//! Every front end (CLI `add`, `activate` and `scan --add`, the bindings,
//! both shells) hands the text here and shows what comes back; none of
//! them decides what a text is. [`Prepared::new`] reads and checks the
//! input without touching anything (so bad input asks for no passphrase
//! and changes nothing); [`Prepared::apply`] does what it asks for:
//!
//! - OTP links and Google exports: their accounts are stored; accounts
//!   already stored are reported, not added twice.
//! - A bare secret: [`EnrolOutcome::NeedsDetails`] until an issuer and a
//!   name are given.
//! - A Watchword activation or a privacyIDEA push link: the push account
//!   is activated on this device.
//! - A Microsoft activation: `MicrosoftManaged` with what to do instead.
//! - Anything else: `InvalidLink` with what it looked like.

use std::sync::Arc;

use super::{
    BatchProgress, Enrolment, GoogleMigration, MigrationBatches, PrivacyIdeaPush,
    activation_from_typed, classify, two_step,
};
use crate::{
    ApiError,
    account::{Account, AccountSummary, Provenance, StoredAccount},
    otp::{OtpAuthUri, OtpKind},
    push::{
        ActivatedAccount, Activation, PushService, PushStore, TokenSource, observers::ask_token,
    },
    vault::{Record, Vault, VaultError},
};

/// What the user gave, and how it arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnrolInput {
    /// Text read from a QR code (camera or image).
    Scanned {
        /// The QR code's text.
        text: String,
    },
    /// Text pasted or typed as a whole (a link, a bare secret).
    Pasted {
        /// The text.
        text: String,
    },
    /// An activation code and the URL beside it, typed by hand when the
    /// scan failed.
    Typed {
        /// The code (`010 911 395`; spaces, dashes and dots are fine).
        code: String,
        /// The URL shown beside it.
        url: String,
    },
}

/// What the user chose beyond the text: names for a bare secret (or to
/// replace a link's), where to file the accounts, and whether to keep a
/// second copy of an account already stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnrolChoices {
    /// Issuer (replaces the link's; empty clears it).
    pub issuer: Option<String>,
    /// Account name (replaces the link's).
    pub name: Option<String>,
    /// Group to file the accounts under.
    pub group: Option<String>,
    /// Icon name or URL.
    pub icon: Option<String>,
    /// Notes.
    pub notes: Option<String>,
    /// Add even an account whose secret, issuer and name are already stored.
    pub force: bool,
}

impl EnrolChoices {
    /// Puts the user's names, group, icon and notes on `account` (a name
    /// or group not chosen leaves the account's own).
    pub fn apply_to(&self, account: &mut Account) {
        if let Some(name) = &self.name {
            account.name = name.clone();
        }
        if let Some(issuer) = &self.issuer {
            account.issuer = Some(issuer.clone()).filter(|i| !i.is_empty());
        }
        account.group = self.group.clone().or(account.group.take());
        account.icon = self.icon.clone().or(account.icon.take());
        account.notes = self.notes.clone().or(account.notes.take());
    }
}

/// Who this device is to a push server.
#[derive(Clone)]
pub struct DeviceIdentity {
    /// The name the administrator sees.
    pub name: String,
    /// Where the platform push token comes from, when there is one; asked
    /// only when a push account is activated, never for an OTP link.
    pub tokens: Option<Arc<dyn TokenSource>>,
    /// Size of a privacyIDEA device key (2048 to 4096 bits).
    pub key_bits: usize,
}

impl std::fmt::Debug for DeviceIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceIdentity")
            .field("name", &self.name)
            .field("tokens", &self.tokens.is_some())
            .field("key_bits", &self.key_bits)
            .finish()
    }
}

impl DeviceIdentity {
    /// A device called `name` with the default key size.
    pub fn named(name: impl Into<String>, tokens: Option<Arc<dyn TokenSource>>) -> Self {
        Self {
            name: name.into(),
            tokens,
            key_bits: crate::push::privacyidea::DEFAULT_KEY_BITS,
        }
    }

    /// The push token now (bounded: see [`ask_token`]).
    async fn push_token(&self) -> Option<crate::push::PlatformPushToken> {
        ask_token(self.tokens.as_ref()).await
    }
}

/// Where one QR code sits in a multi-QR export, and how much of the
/// export has been scanned so far (also in earlier runs: the vault keeps
/// the count).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportPart {
    /// 0-based position of this QR code.
    pub index: u32,
    /// QR codes in the export.
    pub size: u32,
    /// The export's id (the same on each of its QR codes).
    pub id: i32,
    /// How many different QR codes of the export have been scanned.
    pub scanned: u32,
    /// 0-based positions not scanned yet (empty: all scanned).
    pub missing: Vec<u32>,
}

/// What an enrolment did, or what the user must decide before it can.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnrolOutcome {
    /// The account of an OTP link was stored.
    Added {
        /// The account as stored (no secret).
        account: AccountSummary,
    },
    /// The account of a privacyIDEA 2-step link was stored with the seed
    /// derived from the server's half and this phone's; the person types
    /// `client_part` back into privacyIDEA (or gives it to the
    /// administrator) to finish.
    AddedTwoStep {
        /// The account as stored (no secret).
        account: AccountSummary,
        /// The phone's half, as privacyIDEA reads it ("base32check").
        client_part: String,
    },
    /// The accounts of a pasted list were stored; those already stored were
    /// not added again.
    AddedList {
        /// The accounts stored now (no secrets).
        added: Vec<AccountSummary>,
        /// Ids of accounts that were already stored.
        already_present: Vec<i64>,
    },
    /// The accounts of one QR code of an export were stored; those already
    /// stored were not added again.
    Imported {
        /// The accounts stored now, with their ids (no secrets).
        added: Vec<AccountSummary>,
        /// Ids of accounts that were already stored.
        already_present: Vec<i64>,
        /// Which QR code of the export this was (scan the rest).
        part: ExportPart,
    },
    /// The one account of the text is already stored (id `existing`);
    /// nothing was added. Enrol again with `force` to keep both.
    AlreadyPresent {
        /// Id of the stored account.
        existing: i64,
    },
    /// A bare secret: enrol again with an issuer and a name.
    NeedsDetails {
        /// The code type the secret was read as.
        kind: OtpKind,
    },
    /// A push account was activated on this device.
    Activated {
        /// The new push account (no key material).
        activation: ActivatedAccount,
    },
}

/// Checked input, ready to apply. Holds secrets (a seed, an activation
/// code) in zeroizing types until applied or dropped.
#[derive(Debug)]
pub struct Prepared {
    plan: Plan,
    provenance: Provenance,
}

/// What [`Prepared::apply`] will do: only what can be enrolled (a
/// Microsoft activation or unknown text never gets this far).
#[derive(Debug)]
enum Plan {
    /// Store one account; `draft` when it still needs issuer and name.
    Account { uri: Box<OtpAuthUri>, draft: bool },
    /// Store the accounts of one QR code of an export.
    Export(GoogleMigration),
    /// Store each account of a pasted list.
    List(Vec<OtpAuthUri>),
    /// Activate on a Watchword server.
    Activate(Box<Activation>),
    /// Enrol a privacyIDEA push token.
    EnrolPrivacyIdea(Box<PrivacyIdeaPush>),
}

impl Prepared {
    /// Reads and checks `input`. Text Watchword cannot enrol is refused
    /// here: a Microsoft activation with `MicrosoftManaged` (its message is
    /// what to do instead), anything unrecognised with `InvalidLink`.
    pub fn new(input: &EnrolInput) -> Result<Self, ApiError> {
        let (enrolment, provenance) = match input {
            EnrolInput::Scanned { text } => (classify(text)?, Provenance::Qr),
            EnrolInput::Pasted { text } => (classify(text)?, Provenance::Manual),
            EnrolInput::Typed { code, url } => {
                (activation_from_typed(code, url)?, Provenance::Manual)
            }
        };
        let plan = match enrolment {
            Enrolment::Otp { account, draft } => Plan::Account {
                uri: account,
                draft,
            },
            Enrolment::GoogleMigration(m) => Plan::Export(m),
            Enrolment::OtpList(links) => Plan::List(links),
            Enrolment::WatchwordActivation(a) => Plan::Activate(a),
            Enrolment::PrivacyIdeaPush(p) => Plan::EnrolPrivacyIdea(p),
            Enrolment::MicrosoftActivation { explanation, .. } => {
                return Err(ApiError::MicrosoftManaged {
                    message: explanation.text,
                });
            }
            Enrolment::Unknown { reason } => {
                return Err(ApiError::InvalidLink { message: reason });
            }
        };
        Ok(Self { plan, provenance })
    }

    /// The checked Watchword activation the input carries; anything else
    /// is `InvalidLink`.
    pub fn into_activation(self) -> Result<Activation, ApiError> {
        match self.plan {
            Plan::Activate(a) => Ok(*a),
            _ => Err(ApiError::InvalidLink {
                message: "this is not a Watchword activation (watchword://activate, or a code and its URL)".into(),
            }),
        }
    }

    /// The code type of a bare secret still missing its name under
    /// `choices`; `None` when nothing more is needed.
    pub fn missing_details(&self, choices: &EnrolChoices) -> Option<OtpKind> {
        match &self.plan {
            Plan::Account { uri, draft: true }
                if choices.name.as_deref().is_none_or(|n| n.trim().is_empty()) =>
            {
                Some(uri.params.kind)
            }
            _ => None,
        }
    }

    /// Does what the input asks for: stores its OTP accounts in `vault`,
    /// or activates its push account through `push` as `device`.
    pub async fn apply<S: PushStore>(
        self,
        choices: &EnrolChoices,
        vault: &Vault,
        push: &PushService<S>,
        device: &DeviceIdentity,
    ) -> Result<EnrolOutcome, ApiError> {
        if let Some(kind) = self.missing_details(choices) {
            return Ok(EnrolOutcome::NeedsDetails { kind });
        }
        match self.plan {
            Plan::Activate(activation) => Ok(EnrolOutcome::Activated {
                activation: push
                    .activate(&activation, &device.name, device.push_token().await)
                    .await?,
            }),
            Plan::EnrolPrivacyIdea(link) => Ok(EnrolOutcome::Activated {
                activation: push
                    .enrol_privacyidea_with_key_bits(
                        &link,
                        device.key_bits,
                        // privacyIDEA wakes phones through FCM only.
                        match device.push_token().await {
                            Some(crate::push::PlatformPushToken::Fcm { token }) => Some(token),
                            _ => None,
                        }
                        .as_deref(),
                    )
                    .await?,
            }),
            Plan::Account { mut uri, .. } => {
                let client_part = two_step::complete(&mut uri)?;
                let account = Account::from_uri(&uri, self.provenance);
                Ok(match store(vault, account, choices)? {
                    Stored::Added(one) => match client_part {
                        Some(client_part) => EnrolOutcome::AddedTwoStep {
                            account: one.summary(),
                            client_part,
                        },
                        None => EnrolOutcome::Added {
                            account: one.summary(),
                        },
                    },
                    Stored::AlreadyPresent(existing) => EnrolOutcome::AlreadyPresent { existing },
                })
            }
            Plan::List(links) => {
                let (added, already_present) =
                    store_each(vault, &links, &self.provenance, choices)?;
                Ok(EnrolOutcome::AddedList {
                    added,
                    already_present,
                })
            }
            Plan::Export(m) => {
                let (added, already_present) = store_each(
                    vault,
                    &m.accounts,
                    &Provenance::import("google_migration"),
                    choices,
                )?;
                let progress = scanned_part(vault, &m)?;
                Ok(EnrolOutcome::Imported {
                    added,
                    already_present,
                    part: ExportPart {
                        index: m.batch_index,
                        size: m.batch_size,
                        id: m.batch_id,
                        scanned: progress.scanned,
                        missing: progress.missing,
                    },
                })
            }
        }
    }
}

/// Stores each of `links` (with `provenance`), keeping those already
/// stored out: (added, ids already present). A name or issuer chosen for
/// one account does not apply to many; a group, icon, notes and `force` do.
fn store_each(
    vault: &Vault,
    links: &[OtpAuthUri],
    provenance: &Provenance,
    choices: &EnrolChoices,
) -> Result<(Vec<AccountSummary>, Vec<i64>), ApiError> {
    let each = EnrolChoices {
        name: None,
        issuer: None,
        ..choices.clone()
    };
    let mut added = Vec::with_capacity(links.len());
    let mut already_present = Vec::new();
    for uri in links {
        match store(vault, Account::from_uri(uri, provenance.clone()), &each)? {
            Stored::Added(one) => added.push(one.summary()),
            Stored::AlreadyPresent(existing) => already_present.push(existing),
        }
    }
    Ok((added, already_present))
}

/// Records in `vault` that this QR of an export was scanned, and says how
/// much of the export has been.
fn scanned_part(vault: &Vault, m: &GoogleMigration) -> Result<BatchProgress, ApiError> {
    let stored = vault.record(Record::MigrationBatches)?;
    let mut batches = MigrationBatches::from_bytes(stored.as_deref().map(Vec::as_slice));
    let progress = batches.record(m);
    vault.set_record(Record::MigrationBatches, &batches.to_bytes())?;
    Ok(progress)
}

/// Reads and applies `input` in one call: what the bindings export.
pub async fn enrol<S: PushStore>(
    input: &EnrolInput,
    choices: &EnrolChoices,
    vault: &Vault,
    push: &PushService<S>,
    device: &DeviceIdentity,
) -> Result<EnrolOutcome, ApiError> {
    Prepared::new(input)?
        .apply(choices, vault, push, device)
        .await
}

enum Stored {
    Added(Box<StoredAccount>),
    AlreadyPresent(i64),
}

/// Stores one account with the user's choices applied.
fn store(vault: &Vault, mut account: Account, choices: &EnrolChoices) -> Result<Stored, ApiError> {
    choices.apply_to(&mut account);
    match vault.add_account(account, choices.force) {
        Ok(stored) => Ok(Stored::Added(Box::new(stored))),
        Err(VaultError::Duplicate { existing }) => Ok(Stored::AlreadyPresent(existing)),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
#[cfg(feature = "reqwest")]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::{
        enrol::export_google_migration,
        otp::{OtpAuthUri, SystemClock},
        push::VaultPushStore,
        sensitive::Sensitive,
        vault::{KdfParams, PassphraseKeyProvider},
    };

    struct Phone {
        _dir: tempfile::TempDir,
        vault: Arc<Vault>,
        push: PushService<VaultPushStore>,
    }

    fn phone() -> Phone {
        let dir = tempfile::tempdir().unwrap();
        let keys = PassphraseKeyProvider::new(
            Sensitive::new("pw".to_owned()),
            KdfParams::FAST_INSECURE_FOR_TESTS,
        );
        let vault = Arc::new(Vault::create(&dir.path().join("v.db"), &keys).unwrap());
        let push =
            PushService::new(VaultPushStore::new(vault.clone()), Arc::new(SystemClock)).unwrap();
        Phone {
            _dir: dir,
            vault,
            push,
        }
    }

    impl Phone {
        async fn enrol(
            &self,
            input: EnrolInput,
            choices: &EnrolChoices,
        ) -> Result<EnrolOutcome, ApiError> {
            enrol(
                &input,
                choices,
                &self.vault,
                &self.push,
                &DeviceIdentity::named("t", None),
            )
            .await
        }
    }

    fn pasted(text: &str) -> EnrolInput {
        EnrolInput::Pasted { text: text.into() }
    }

    const LINK: &str =
        "otpauth://totp/ACME:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ACME";

    /// Counts how often the token was asked for.
    #[derive(Default)]
    struct CountingTokens(std::sync::atomic::AtomicUsize);

    impl TokenSource for CountingTokens {
        fn token(&self) -> Result<Option<crate::push::PlatformPushToken>, String> {
            self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Ok(Some(crate::push::PlatformPushToken::Fcm {
                token: "t".into(),
            }))
        }
    }

    #[tokio::test]
    async fn the_push_token_is_asked_for_only_when_a_push_account_is_activated() {
        let p = phone();
        let tokens = Arc::new(CountingTokens::default());
        let device = DeviceIdentity::named("t", Some(tokens.clone() as Arc<dyn TokenSource>));
        let link = EnrolInput::Scanned { text: LINK.into() };
        enrol(&link, &EnrolChoices::default(), &p.vault, &p.push, &device)
            .await
            .unwrap();
        assert_eq!(tokens.0.load(std::sync::atomic::Ordering::SeqCst), 0);
        // An activation asks (and then fails: nothing listens there).
        let typed = EnrolInput::Typed {
            code: "010 911 395".into(),
            url: "http://127.0.0.1:9/v1/activate/e1".into(),
        };
        let r = enrol(&typed, &EnrolChoices::default(), &p.vault, &p.push, &device).await;
        assert!(matches!(r, Err(ApiError::Network { .. })), "{r:?}");
        assert_eq!(tokens.0.load(std::sync::atomic::Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_link_is_added_once_then_reported_present() {
        let p = phone();
        let scanned = EnrolInput::Scanned { text: LINK.into() };
        let EnrolOutcome::Added { account: added } = p
            .enrol(scanned.clone(), &EnrolChoices::default())
            .await
            .unwrap()
        else {
            panic!()
        };
        assert_eq!(added.name, "alice");
        assert_eq!(added.provenance, Provenance::Qr);
        assert_eq!(
            p.enrol(scanned.clone(), &EnrolChoices::default())
                .await
                .unwrap(),
            EnrolOutcome::AlreadyPresent { existing: added.id }
        );
        let force = EnrolChoices {
            force: true,
            ..Default::default()
        };
        assert!(matches!(
            p.enrol(scanned, &force).await.unwrap(),
            EnrolOutcome::Added { .. }
        ));
        assert_eq!(p.vault.list_accounts(None).unwrap().len(), 2);
    }

    #[tokio::test]
    async fn a_bare_secret_waits_for_its_name() {
        let p = phone();
        let secret = pasted("jbsw y3dp ehpk 3pxp");
        assert_eq!(
            p.enrol(secret.clone(), &EnrolChoices::default())
                .await
                .unwrap(),
            EnrolOutcome::NeedsDetails {
                kind: OtpKind::Totp
            }
        );
        assert!(p.vault.list_accounts(None).unwrap().is_empty());
        let named = EnrolChoices {
            issuer: Some("Site".into()),
            name: Some("me".into()),
            ..Default::default()
        };
        let EnrolOutcome::Added { account: added } = p.enrol(secret, &named).await.unwrap() else {
            panic!()
        };
        assert_eq!(added.issuer.as_deref(), Some("Site"));
        assert_eq!(added.provenance, Provenance::Manual);
    }

    #[tokio::test]
    async fn an_export_reports_its_part_and_what_was_there() {
        let p = phone();
        let uris: Vec<OtpAuthUri> = (0..12)
            .map(|i| {
                OtpAuthUri::parse(&format!(
                    "otpauth://totp/X:user{i}?secret=JBSWY3DPEHPK3PXP&issuer=X"
                ))
                .unwrap()
            })
            .collect();
        let links = export_google_migration(&uris).unwrap().links;
        assert_eq!(links.len(), 2);
        let first = || EnrolInput::Scanned {
            text: links[0].to_string(),
        };
        let EnrolOutcome::Imported {
            added,
            already_present,
            part,
        } = p.enrol(first(), &EnrolChoices::default()).await.unwrap()
        else {
            panic!()
        };
        assert_eq!((added.len(), already_present.len()), (10, 0));
        assert_eq!((part.index, part.size), (0, 2));
        let again = p.enrol(first(), &EnrolChoices::default()).await.unwrap();
        assert!(
            matches!(again, EnrolOutcome::Imported { ref added, ref already_present, .. } if added.is_empty() && already_present.len() == 10)
        );
    }

    #[tokio::test]
    async fn what_cannot_be_enrolled_is_a_typed_error_and_sends_nothing() {
        let p = phone();
        let kind = |r: Result<EnrolOutcome, ApiError>| r.unwrap_err().kind();
        let none = EnrolChoices::default();
        let ms = "phonefactor://activate_account?code=123456789&url=https://mobileappcommunicator.auth.microsoft.com/activate/123";
        assert_eq!(kind(p.enrol(pasted(ms), &none).await), "microsoft_managed");
        assert_eq!(
            kind(p.enrol(pasted("hello there"), &none).await),
            "invalid_link"
        );
        assert_eq!(
            kind(p.enrol(pasted("otpauth://totp/x?issuer=a"), &none).await),
            "invalid_link"
        );
        let typed = |code: &str, url: &str| EnrolInput::Typed {
            code: code.into(),
            url: url.into(),
        };
        assert_eq!(
            kind(p.enrol(typed("12", "ftp://x"), &none).await),
            "invalid_input"
        );
        assert_eq!(
            kind(
                p.enrol(typed("123456789", "https://x.phonefactor.net/pad/1"), &none)
                    .await
            ),
            "microsoft_managed"
        );
        // Nothing listens on port 1: the activation is tried and fails.
        assert_eq!(
            kind(
                p.enrol(
                    typed("123 456 789", "http://127.0.0.1:1/v1/activate/e1"),
                    &none
                )
                .await
            ),
            "network"
        );
        assert!(p.vault.list_accounts(None).unwrap().is_empty());
        assert!(p.push.accounts().unwrap().is_empty());
    }
}
