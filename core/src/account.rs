//! The account model every part of Watchword shares: what one OTP account
//! is, where it came from, and how it maps to and from an `otpauth://` link.
//!
//! The vault stores [`Account`]s, enrolment (QR, links, imports) produces
//! them, export turns them back into links. [`Account::from_uri`] and
//! [`Account::to_uri`] round-trip a link without losing anything: fields the
//! account model does not name (`image`, `color`, unknown parameters, the
//! exact issuer spelling of label and parameter) are kept in
//! [`LinkExtras`], which the vault encrypts with the rest of the metadata.

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::otp::{Algorithm, OtpAuthUri, OtpKind, OtpParams};

/// Where an account came from. Serialized as `qr`, `manual`,
/// `import:<format>` or `server`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum Provenance {
    /// Scanned from a QR code.
    Qr,
    /// Typed or pasted by the user.
    Manual,
    /// Imported from another app's export; the format name (`aegis`,
    /// `google-migration`, ...).
    Import {
        /// The format's name.
        format: String,
    },
    /// Provisioned by a server (push enrolment, privacyIDEA rollout).
    Server,
}

impl Provenance {
    /// Imported from `format`.
    pub fn import(format: impl Into<String>) -> Self {
        Provenance::Import {
            format: format.into(),
        }
    }
}

impl fmt::Display for Provenance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Provenance::Qr => f.write_str("qr"),
            Provenance::Manual => f.write_str("manual"),
            Provenance::Import { format } => write!(f, "import:{format}"),
            Provenance::Server => f.write_str("server"),
        }
    }
}

/// A provenance string that is none of the known forms.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown provenance {0:?}: expected qr, manual, import:<format> or server")]
pub struct UnknownProvenance(pub String);

impl FromStr for Provenance {
    type Err = UnknownProvenance;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "qr" => Ok(Provenance::Qr),
            "manual" => Ok(Provenance::Manual),
            "server" => Ok(Provenance::Server),
            _ => match s.strip_prefix("import:") {
                Some(format) if !format.is_empty() => Ok(Provenance::Import {
                    format: format.to_owned(),
                }),
                _ => Err(UnknownProvenance(s.to_owned())),
            },
        }
    }
}

impl From<Provenance> for String {
    fn from(p: Provenance) -> String {
        p.to_string()
    }
}

impl TryFrom<String> for Provenance {
    type Error = UnknownProvenance;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

/// Parts of an `otpauth://` link the account model does not name, kept so
/// export gives back the link that was enrolled.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkExtras {
    /// The label's issuer prefix as written in the link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_issuer: Option<String>,
    /// The `issuer=` parameter as written in the link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub param_issuer: Option<String>,
    /// `image=`: a logo URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// `color=`: RRGGBB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// The link used `otpauth://totp/...&encoder=steam`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub steam_encoder: bool,
    /// Parameters nothing here interprets, in their original order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<(String, String)>,
}

/// One OTP account: the generator and everything shown about it.
///
/// `Debug` is safe: the secret inside [`OtpParams`] is redacted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// Who issued it (`GitHub`), if known.
    pub issuer: Option<String>,
    /// The account name (`alice@example.com`).
    pub name: String,
    /// How codes are made, including the secret and the HOTP counter.
    pub otp: OtpParams,
    /// An icon name or URL.
    pub icon: Option<String>,
    /// A user-chosen group (`Work`).
    pub group: Option<String>,
    /// Free-text notes.
    pub notes: Option<String>,
    /// Where the account came from.
    pub provenance: Provenance,
    /// Whether export may include it (false for server-provisioned push
    /// accounts, whose keys must not leave the device).
    pub exportable: bool,
    /// Link parts kept for a lossless export.
    pub extras: LinkExtras,
}

/// How an account is named on one line: `ACME (alice)`, or just `alice`
/// without an issuer. The one rule the CLI and the phone lists share.
pub fn label(issuer: Option<&str>, name: &str) -> String {
    match issuer {
        Some(i) => format!("{i} ({name})"),
        None => name.to_owned(),
    }
}

impl Account {
    /// The account's one-line name ([`label`]).
    pub fn label(&self) -> String {
        label(self.issuer.as_deref(), &self.name)
    }

    /// A new account with no icon, group or notes, exportable.
    pub fn new(
        issuer: Option<String>,
        name: String,
        otp: OtpParams,
        provenance: Provenance,
    ) -> Self {
        Self {
            issuer: issuer.filter(|i| !i.is_empty()),
            name,
            otp,
            icon: None,
            group: None,
            notes: None,
            provenance,
            exportable: true,
            extras: LinkExtras::default(),
        }
    }

    /// The account a parsed link describes.
    pub fn from_uri(uri: &OtpAuthUri, provenance: Provenance) -> Self {
        let issuer = uri.issuer().map(str::to_owned);
        Self {
            icon: uri.icon.clone(),
            extras: LinkExtras {
                label_issuer: uri.label_issuer.clone(),
                param_issuer: uri.param_issuer.clone(),
                image: uri.image.clone(),
                color: uri.color.clone(),
                steam_encoder: uri.steam_encoder,
                params: uri.extra.clone(),
            },
            ..Self::new(issuer, uri.name.clone(), uri.params.clone(), provenance)
        }
    }

    /// The account of an `otpauth://` link typed or pasted by the user.
    pub fn from_link(link: &str) -> Result<Self, crate::otp::OtpError> {
        Ok(Self::from_uri(
            &OtpAuthUri::parse(link)?,
            Provenance::Manual,
        ))
    }

    /// An account typed by hand: a base32 secret of `kind` with `settings`
    /// over the defaults (see [`OtpParams::from_typed`]).
    pub fn from_typed(
        issuer: Option<String>,
        name: String,
        kind: OtpKind,
        secret_base32: &str,
        settings: &crate::otp::TypedSettings,
    ) -> Result<Self, crate::otp::OtpError> {
        let otp = OtpParams::from_typed(kind, secret_base32, settings)?;
        Ok(Self::new(issuer, name, otp, Provenance::Manual))
    }

    /// The account a person typed into a form ([`NewAccount`]).
    pub fn from_new(typed: &NewAccount) -> Result<Self, crate::otp::OtpError> {
        let settings = crate::otp::TypedSettings {
            digits: typed.digits,
            period: typed.period,
            algorithm: typed.algorithm.map(|a| a.as_str().to_owned()),
            counter: typed.counter,
        };
        Self::from_typed(
            typed.issuer.clone(),
            typed.name.clone(),
            typed.kind,
            &typed.secret,
            &settings,
        )
    }

    /// The link for this account. When the issuer is the one the link was
    /// enrolled with, the label and parameter are written as they were;
    /// after a rename both carry the new issuer. The link holds the secret.
    pub fn to_uri(&self) -> OtpAuthUri {
        let mut uri = OtpAuthUri::new(self.otp.clone(), self.issuer.clone(), self.name.clone());
        let x = &self.extras;
        let as_enrolled = x
            .param_issuer
            .as_deref()
            .filter(|i| !i.is_empty())
            .or(x.label_issuer.as_deref());
        if as_enrolled == self.issuer.as_deref() {
            uri.label_issuer = x.label_issuer.clone();
            uri.param_issuer = x.param_issuer.clone();
        }
        uri.icon = self.icon.clone();
        uri.image = x.image.clone();
        uri.color = x.color.clone();
        uri.steam_encoder = x.steam_encoder && self.otp.kind == OtpKind::Steam;
        uri.extra = x.params.clone();
        uri
    }

    /// True when `other` is the same account for duplicate detection: same
    /// secret (compared in constant time), issuer and name.
    pub fn same_identity(&self, other: &Account) -> bool {
        self.otp.secret == other.otp.secret
            && self.issuer == other.issuer
            && self.name == other.name
    }

    /// True when the issuer, name or group contains `needle`, ignoring case.
    pub fn matches(&self, needle: &str) -> bool {
        let needle = needle.to_lowercase();
        [Some(&self.name), self.issuer.as_ref(), self.group.as_ref()]
            .into_iter()
            .flatten()
            .any(|field| field.to_lowercase().contains(&needle))
    }
}

/// An account as the vault holds it: with its id, place in the list and
/// timestamps (Unix seconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAccount {
    /// The vault's id, stable for the account's life and never reused.
    pub id: i64,
    /// The account.
    pub account: Account,
    /// Position in the user's list (ascending).
    pub sort_order: i64,
    /// When it was added.
    pub created_at: i64,
    /// When it last changed (including HOTP counter steps).
    pub updated_at: i64,
}

impl StoredAccount {
    /// Everything about the account except the secret, for lists and JSON.
    pub fn summary(&self) -> AccountSummary {
        let a = &self.account;
        let p = &a.otp;
        AccountSummary {
            id: self.id,
            label: a.label(),
            kind: p.kind,
            issuer: a.issuer.clone(),
            name: a.name.clone(),
            algorithm: p.algorithm,
            digits: if p.kind == OtpKind::Steam {
                5
            } else {
                p.digits.get()
            },
            period: (p.kind != OtpKind::Hotp).then_some(p.period),
            counter: (p.kind == OtpKind::Hotp).then_some(p.counter),
            icon: a.icon.clone(),
            group: a.group.clone(),
            notes: a.notes.clone(),
            provenance: a.provenance.clone(),
            exportable: a.exportable,
            sort_order: self.sort_order,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

/// An account typed into an app's form. The secret is what the person
/// typed (base32); `Debug` leaves it out, and it is wiped on drop.
#[derive(Clone)]
pub struct NewAccount {
    /// The base32 secret.
    pub secret: Zeroizing<String>,
    /// Issuer.
    pub issuer: Option<String>,
    /// Account name.
    pub name: String,
    /// TOTP, HOTP or Steam.
    pub kind: OtpKind,
    /// Code length (default 6).
    pub digits: Option<u8>,
    /// Seconds per code (default 30).
    pub period: Option<u32>,
    /// HMAC hash (default SHA1).
    pub algorithm: Option<Algorithm>,
    /// First HOTP counter (default 0).
    pub counter: Option<u64>,
}

impl fmt::Debug for NewAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewAccount")
            .field("issuer", &self.issuer)
            .field("name", &self.name)
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

/// What a list shows of an account: everything but the secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountSummary {
    /// Vault id.
    pub id: i64,
    /// `totp`, `hotp` or `steam`.
    #[serde(rename = "type")]
    pub kind: OtpKind,
    /// Issuer.
    pub issuer: Option<String>,
    /// Account name.
    pub name: String,
    /// The one-line name to show: `ACME (alice)`, or `alice`.
    pub label: String,
    /// HMAC hash.
    pub algorithm: Algorithm,
    /// Code length.
    pub digits: u8,
    /// Period in seconds (TOTP/Steam).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<u32>,
    /// Next HOTP counter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counter: Option<u64>,
    /// Icon name or URL.
    pub icon: Option<String>,
    /// Group.
    pub group: Option<String>,
    /// Notes.
    pub notes: Option<String>,
    /// Where it came from.
    pub provenance: Provenance,
    /// May be exported.
    pub exportable: bool,
    /// Position in the list.
    pub sort_order: i64,
    /// Added (Unix seconds).
    pub created_at: i64,
    /// Last changed (Unix seconds).
    pub updated_at: i64,
}

/// proptest strategies for accounts, shared by the round-trip properties
/// that sit beside each encoding of an account: its link (here and
/// `otp/uri.rs`), the Aegis, otpauth-list and Google exports, the vault
/// record and the backup.
#[cfg(test)]
pub(crate) mod strategies {
    use proptest::{collection::vec, option, prelude::*};

    use super::*;
    use crate::otp::{Digits, Secret, params::MAX_PERIOD_SECS};

    /// Any text, with the characters that links, JSON and label splitting
    /// treat specially (`:`, `%`, `&`, `?`, `#`, `+`, `/`, quotes, spaces,
    /// multibyte letters) weighted up.
    pub(crate) fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-zA-Z0-9 :%&?#=+/@.,;~_'\"\\-]{0,12}",
            "(?s).{0,12}",
            "[ :%&?#+é橡🦆\u{3000}\t]{0,6}",
        ]
    }

    /// A name as every reader leaves it: trimmed (the link parser and the
    /// import readers trim names and issuers).
    pub(crate) fn name() -> impl Strategy<Value = String> {
        text().prop_map(|s| s.trim().to_owned())
    }

    /// An issuer: trimmed and not empty (a blank issuer is no issuer).
    pub(crate) fn issuer() -> impl Strategy<Value = String> {
        name().prop_filter("a blank issuer is none", |s| !s.is_empty())
    }

    /// Any key of 1 to 63 bytes.
    pub(crate) fn secret() -> impl Strategy<Value = Secret> {
        vec(any::<u8>(), 1..64).prop_map(|b| Secret::from_bytes(b).unwrap())
    }

    /// SHA1, SHA256 or SHA512.
    pub(crate) fn algorithm() -> impl Strategy<Value = Algorithm> {
        prop_oneof![
            Just(Algorithm::Sha1),
            Just(Algorithm::Sha256),
            Just(Algorithm::Sha512)
        ]
    }

    /// 1 to 10 digits, the usual 6 and 8 weighted up.
    pub(crate) fn digits() -> impl Strategy<Value = Digits> {
        prop_oneof![Just(6u8), Just(8u8), 1u8..=10].prop_map(|d| Digits::new(d).unwrap())
    }

    /// Generator settings as links and exports carry them: TOTP with any
    /// algorithm, digits and period; HOTP with any counter (its period is
    /// unused and stays the default); Steam as it always is (SHA1, 5
    /// characters, 30 s). T0 is 0: no link or export carries one.
    pub(crate) fn otp_params() -> impl Strategy<Value = OtpParams> {
        let period = prop_oneof![Just(30u32), Just(60u32), 1..=MAX_PERIOD_SECS];
        let counter = prop_oneof![0u64..100, any::<u64>()];
        prop_oneof![
            (secret(), algorithm(), digits(), period).prop_map(|(s, algorithm, digits, period)| {
                OtpParams {
                    algorithm,
                    digits,
                    period,
                    ..OtpParams::totp(s)
                }
            }),
            (secret(), algorithm(), digits(), counter).prop_map(
                |(s, algorithm, digits, counter)| OtpParams {
                    algorithm,
                    digits,
                    ..OtpParams::hotp(s, counter)
                }
            ),
            secret().prop_map(OtpParams::steam),
        ]
    }

    /// Any provenance.
    pub(crate) fn provenance() -> impl Strategy<Value = Provenance> {
        prop_oneof![
            Just(Provenance::Qr),
            Just(Provenance::Manual),
            Just(Provenance::Server),
            "(?s).{1,12}".prop_map(Provenance::import),
        ]
    }

    /// The name of a link parameter that the parser does not interpret
    /// (any case of a known one would be read as that one).
    fn unknown_parameter() -> impl Strategy<Value = String> {
        const KNOWN: [&str; 10] = [
            "secret",
            "issuer",
            "algorithm",
            "digits",
            "period",
            "counter",
            "encoder",
            "image",
            "color",
            "icon",
        ];
        text().prop_filter("a parameter the parser interprets", |k| {
            !KNOWN.contains(&k.to_ascii_lowercase().as_str())
        })
    }

    /// An account as enrolment and import make them: issuer and name
    /// trimmed, group trimmed and not blank, notes not blank; any icon,
    /// provenance and exportability; link extras (image, colour, parameters
    /// nothing interprets, KeePassXC's form for a Steam account) but no
    /// enrolled issuer spelling (the account's issuer is the one to write).
    pub(crate) fn account() -> impl Strategy<Value = Account> {
        let notes = text().prop_filter("blank notes are none", |n| !n.trim().is_empty());
        let extras = (
            option::of(text()),
            option::of(text()),
            any::<bool>(),
            vec((unknown_parameter(), text()), 0..3),
        );
        (
            option::of(issuer()),
            name(),
            otp_params(),
            option::of(text()),
            option::of(issuer()),
            option::of(notes),
            provenance(),
            proptest::bool::weighted(0.85),
            extras,
        )
            .prop_map(
                |(issuer, name, otp, icon, group, notes, provenance, exportable, extras)| {
                    let (image, color, steam_encoder, params) = extras;
                    let steam_encoder = steam_encoder && otp.kind == OtpKind::Steam;
                    Account {
                        issuer,
                        name,
                        otp,
                        icon,
                        group,
                        notes,
                        provenance,
                        exportable,
                        extras: LinkExtras {
                            label_issuer: None,
                            param_issuer: None,
                            image,
                            color,
                            steam_encoder,
                            params,
                        },
                    }
                },
            )
    }

    /// An account with every field any value its type allows (untrimmed
    /// and empty text, any period, counter and T0, any link extras): what
    /// the vault record and the backup must hold exactly.
    pub(crate) fn any_account() -> impl Strategy<Value = Account> {
        let kind = prop_oneof![
            Just(OtpKind::Totp),
            Just(OtpKind::Hotp),
            Just(OtpKind::Steam)
        ];
        let otp = (
            kind,
            secret(),
            algorithm(),
            digits(),
            any::<u32>(),
            any::<u64>(),
            any::<i64>(),
        )
            .prop_map(
                |(kind, secret, algorithm, digits, period, counter, t0)| OtpParams {
                    kind,
                    secret,
                    algorithm,
                    digits,
                    period,
                    counter,
                    t0,
                },
            );
        let extras = (
            option::of(text()),
            option::of(text()),
            option::of(text()),
            option::of(text()),
            any::<bool>(),
            vec((text(), text()), 0..4),
        )
            .prop_map(
                |(label_issuer, param_issuer, image, color, steam_encoder, params)| LinkExtras {
                    label_issuer,
                    param_issuer,
                    image,
                    color,
                    steam_encoder,
                    params,
                },
            );
        (
            option::of(text()),
            text(),
            otp,
            option::of(text()),
            option::of(text()),
            option::of(text()),
            provenance(),
            any::<bool>(),
            extras,
        )
            .prop_map(
                |(issuer, name, otp, icon, group, notes, provenance, exportable, extras)| Account {
                    issuer,
                    name,
                    otp,
                    icon,
                    group,
                    notes,
                    provenance,
                    exportable,
                    extras,
                },
            )
    }

    /// `a` as a link can hold it. Without an issuer, a colon in the name
    /// reads as the end of an issuer in every otpauth reader (the Key URI
    /// format allows no colon in either part), so such names lose their
    /// colons here; with an issuer, the `issuer=` parameter says where the
    /// label splits.
    pub(crate) fn linkable(mut a: Account) -> Account {
        if a.issuer.is_none() {
            a.name = a.name.replace(':', "").trim().to_owned();
        }
        a
    }

    /// What the link of `a` gives back when read with `provenance`:
    /// everything but group, notes and exportability, and the issuer as
    /// the link wrote it (in the label and the parameter).
    pub(crate) fn as_linked(a: &Account, provenance: Provenance) -> Account {
        Account {
            group: None,
            notes: None,
            exportable: true,
            provenance,
            extras: LinkExtras {
                label_issuer: a.issuer.clone(),
                param_issuer: a.issuer.clone(),
                ..a.extras.clone()
            },
            ..a.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_typed_account_never_prints_its_secret() {
        let n = NewAccount {
            secret: Zeroizing::new("JBSWY3DPEHPK3PXP".into()),
            issuer: Some("ACME".into()),
            name: "alice".into(),
            kind: OtpKind::Steam,
            digits: None,
            period: None,
            algorithm: Some(Algorithm::Sha256),
            counter: None,
        };
        let shown = format!("{n:?}");
        assert!(
            shown.contains("alice") && !shown.contains("JBSWY3DP"),
            "{shown}"
        );
        let a = Account::from_new(&n).unwrap();
        assert_eq!(
            (a.otp.kind, a.otp.algorithm),
            (OtpKind::Steam, Algorithm::Sha256)
        );
    }

    #[test]
    fn the_one_line_label_names_the_issuer_when_there_is_one() {
        assert_eq!(label(Some("ACME"), "alice"), "ACME (alice)");
        assert_eq!(label(None, "alice"), "alice");
    }

    #[test]
    fn provenance_strings() {
        for (p, s) in [
            (Provenance::Qr, "qr"),
            (Provenance::Manual, "manual"),
            (Provenance::Server, "server"),
            (Provenance::import("aegis"), "import:aegis"),
        ] {
            assert_eq!(p.to_string(), s);
            assert_eq!(s.parse::<Provenance>().unwrap(), p);
            assert_eq!(serde_json::to_string(&p).unwrap(), format!("\"{s}\""));
        }
        assert_eq!(
            "import:".parse::<Provenance>(),
            Err(UnknownProvenance("import:".into()))
        );
        assert_eq!(
            "scanned".parse::<Provenance>(),
            Err(UnknownProvenance("scanned".into()))
        );
        // serde_json's error is opaque: a data error carrying our message,
        // not a syntax error or a type mismatch.
        let e = serde_json::from_str::<Provenance>("\"nope\"").unwrap_err();
        assert!(
            e.is_data() && e.to_string().contains("unknown provenance \"nope\""),
            "{e}"
        );
    }

    #[test]
    fn links_round_trip_through_the_account() {
        for link in [
            "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME&algorithm=SHA1&digits=6&period=30",
            "otpauth://totp/Label%20Co:bob?secret=JBSWY3DPEHPK3PXP&issuer=Param&algorithm=SHA256&digits=8&period=60&image=https%3A%2F%2Fx.test%2Fa.png&color=FF0000&serial=TOTP0001",
            "otpauth://hotp/carol?secret=JBSWY3DPEHPK3PXP&algorithm=SHA1&digits=6&counter=7&icon=bank",
            "otpauth://totp/Steam:dave?secret=JBSWY3DPEHPK3PXP&issuer=Steam&period=30&encoder=steam",
        ] {
            let uri = OtpAuthUri::parse(link).unwrap();
            let account = Account::from_uri(&uri, Provenance::Qr);
            assert_eq!(account.to_uri(), uri, "{link}");
            assert_eq!(account.to_uri().format().as_str(), link);
        }
    }

    #[test]
    fn renamed_issuer_is_written_to_label_and_parameter() {
        let uri = OtpAuthUri::parse(
            "otpauth://totp/Old:alice?secret=JBSWY3DPEHPK3PXP&issuer=Old&image=x",
        )
        .unwrap();
        let mut account = Account::from_uri(&uri, Provenance::Manual);
        account.issuer = Some("New".into());
        let out = account.to_uri();
        assert_eq!(out.label_issuer.as_deref(), Some("New"));
        assert_eq!(out.param_issuer.as_deref(), Some("New"));
        assert_eq!(out.image.as_deref(), Some("x"));
    }

    proptest! {
        /// Account → its link, as export and "show link" write it
        /// ([`Account::to_uri`]) → read as a scanned or pasted text is
        /// ([`crate::enrol::classify`]) → account: the same secret,
        /// settings, issuer, name, icon and link extras; and the account
        /// read back writes the very link it was read from.
        #[test]
        fn any_account_survives_its_link(a in strategies::account().prop_map(strategies::linkable)) {
            let link = a.to_uri().format();
            let uri = match crate::enrol::classify(&link) {
                Ok(crate::enrol::Enrolment::Otp { account, draft: false }) => account,
                other => panic!("not read back as one account: {:?}", other.map(|e| e.kind())),
            };
            let back = Account::from_uri(&uri, Provenance::Qr);
            prop_assert_eq!(&back, &strategies::as_linked(&a, Provenance::Qr));
            prop_assert_eq!(&back.to_uri(), &*uri);
        }
    }

    #[test]
    fn identity_and_filter() {
        let uri = OtpAuthUri::parse("otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP").unwrap();
        let a = Account::from_uri(&uri, Provenance::Qr);
        let mut b = a.clone();
        assert!(a.same_identity(&b));
        b.name = "bob".into();
        assert!(!a.same_identity(&b));
        assert!(a.matches("acm"));
        assert!(a.matches("ALI"));
        assert!(!a.matches("bob"));
    }
}
