//! Google Authenticator's export: `otpauth-migration://offline?data=...`.
//!
//! `data` is standard base64 of a protobuf `MigrationPayload` (field numbers
//! in `shared/reference/formats.md` section 3, the same as Aegis and 2FAS).
//! Decoding follows Aegis: percent-decode without turning `+` into a space,
//! padding optional, UNSPECIFIED enums mean the defaults, MD5 or unknown
//! enum values or an empty secret reject the whole link (a partial import
//! would silently lose an account), and an empty issuer with `issuer:name`
//! in the name is split.

use base64::{
    Engine,
    engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig},
};
use prost::Message;
use zeroize::Zeroizing;

use super::{
    EnrolError,
    query::{get, parse_query, strip_scheme},
};
use crate::otp::{Algorithm, Digits, OtpAuthUri, OtpKind, OtpParams, Secret};

/// Google exports at most this many accounts per QR code.
pub const ACCOUNTS_PER_LINK: usize = 10;

/// More accounts than this in one link is hostile, not an export.
const MAX_ACCOUNTS: usize = 100;

/// Standard alphabet, padding optional (scanners drop it).
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_encode_padding(true)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// `MigrationPayload` of Google's `google_auth.proto`.
#[derive(Clone, PartialEq, prost::Message)]
struct MigrationPayload {
    #[prost(message, repeated, tag = "1")]
    otp_parameters: Vec<OtpParameters>,
    #[prost(int32, tag = "2")]
    version: i32,
    #[prost(int32, tag = "3")]
    batch_size: i32,
    #[prost(int32, tag = "4")]
    batch_index: i32,
    #[prost(int32, tag = "5")]
    batch_id: i32,
}

/// `OtpParameters`: one account. The secret is raw bytes.
#[derive(Clone, PartialEq, prost::Message)]
struct OtpParameters {
    #[prost(bytes = "vec", tag = "1")]
    secret: Vec<u8>,
    #[prost(string, tag = "2")]
    name: String,
    #[prost(string, tag = "3")]
    issuer: String,
    #[prost(int32, tag = "4")]
    algorithm: i32,
    #[prost(int32, tag = "5")]
    digits: i32,
    #[prost(int32, tag = "6")]
    kind: i32,
    #[prost(int64, tag = "7")]
    counter: i64,
}

impl Drop for OtpParameters {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.secret);
    }
}

/// One decoded export link: its accounts and where it sits in the export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoogleMigration {
    /// The accounts, as links would describe them.
    pub accounts: Vec<OtpAuthUri>,
    /// 0-based position of this QR code in the export.
    pub batch_index: u32,
    /// Number of QR codes in the export (at least 1).
    pub batch_size: u32,
    /// Random id shared by all QR codes of one export.
    pub batch_id: i32,
}

/// Decodes an `otpauth-migration://offline?data=...` link.
pub fn parse_migration(text: &str) -> Result<GoogleMigration, EnrolError> {
    let bad = |why: &str| EnrolError::BadMigration(why.to_owned());
    let rest = strip_scheme(text.trim(), "otpauth-migration://")
        .ok_or_else(|| bad("not an otpauth-migration:// link"))?;
    let (host, query) = rest.split_once('?').unwrap_or((rest, ""));
    if !host.trim_end_matches('/').eq_ignore_ascii_case("offline") {
        return Err(bad(
            "the link is not of the form otpauth-migration://offline?data=...",
        ));
    }
    // Never `+` as space here: `+` is a base64 character.
    let pairs = parse_query(query, false).ok_or_else(|| bad("bad percent-encoding"))?;
    let data = get(&pairs, "data").ok_or_else(|| bad("it has no data parameter"))?;
    let bytes = Zeroizing::new(
        BASE64
            .decode(data.trim())
            .map_err(|_| bad("the data is not base64"))?,
    );
    let payload = MigrationPayload::decode(bytes.as_slice())
        .map_err(|_| bad("the data is not a Google Authenticator export"))?;
    if payload.otp_parameters.is_empty() {
        return Err(bad("it holds no accounts"));
    }
    if payload.otp_parameters.len() > MAX_ACCOUNTS {
        return Err(bad("it holds more accounts than any export"));
    }
    let batch_size = u32::try_from(payload.batch_size.max(1)).unwrap_or(1);
    let batch_index = u32::try_from(payload.batch_index)
        .map_err(|_| bad("its position in the export is negative"))?;
    if batch_index >= batch_size {
        return Err(bad("its position is past the end of the export"));
    }
    let accounts = payload
        .otp_parameters
        .iter()
        .enumerate()
        .map(|(i, p)| {
            account(p).map_err(|why| EnrolError::BadMigration(format!("account {}: {why}", i + 1)))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(GoogleMigration {
        accounts,
        batch_index,
        batch_size,
        batch_id: payload.batch_id,
    })
}

fn account(p: &OtpParameters) -> Result<OtpAuthUri, &'static str> {
    let secret = Secret::from_bytes(p.secret.clone()).map_err(|_| "the secret is empty")?;
    let algorithm = match p.algorithm {
        0 | 1 => Algorithm::Sha1,
        2 => Algorithm::Sha256,
        3 => Algorithm::Sha512,
        4 => return Err("MD5 accounts are not supported"),
        _ => return Err("unknown algorithm"),
    };
    let digits = match p.digits {
        0 | 1 => 6,
        2 => 8,
        _ => return Err("unknown number of digits"),
    };
    let mut params = match p.kind {
        1 => OtpParams::hotp(
            secret,
            u64::try_from(p.counter).map_err(|_| "negative HOTP counter")?,
        ),
        0 | 2 => OtpParams::totp(secret),
        _ => return Err("unknown account type"),
    };
    params.algorithm = algorithm;
    params.digits = Digits::new(digits).map_err(|_| "unknown number of digits")?;
    let (issuer, name) = match (p.issuer.trim(), p.name.split_once(':')) {
        ("", Some((i, n))) => (i.trim().to_owned(), n.trim().to_owned()),
        (issuer, _) => (issuer.to_owned(), p.name.trim().to_owned()),
    };
    Ok(OtpAuthUri::new(params, Some(issuer), name))
}

/// Why an account cannot be written into a Google export (Google has no
/// period field, only 6 or 8 digits, no Steam, and a signed 64-bit HOTP
/// counter).
pub fn google_can_express(uri: &OtpAuthUri) -> Result<(), &'static str> {
    let p = &uri.params;
    match p.kind {
        OtpKind::Steam => Err("Google Authenticator has no Steam accounts"),
        OtpKind::Totp if p.period != 30 => Err("Google Authenticator only has 30-second accounts"),
        OtpKind::Hotp if i64::try_from(p.counter).is_err() => {
            Err("Google Authenticator's HOTP counter stops at 2^63 - 1")
        }
        _ if !matches!(p.digits.get(), 6 | 8) => Err("Google Authenticator only has 6 or 8 digits"),
        _ if p.t0 != 0 => Err("Google Authenticator has no T0"),
        _ => Ok(()),
    }
}

/// The result of [`export_google_migration`].
#[derive(Debug)]
pub struct GoogleExport {
    /// The links, at most [`ACCOUNTS_PER_LINK`] accounts each. They hold
    /// secrets, hence `Zeroizing`.
    pub links: Vec<Zeroizing<String>>,
    /// Accounts left out, with the reason (by position in the input).
    pub skipped: Vec<(usize, &'static str)>,
}

/// Writes accounts as Google Authenticator export links, ten per link, all
/// links sharing one random batch id. Accounts Google cannot express are
/// listed in `skipped` rather than exported wrongly.
pub fn export_google_migration(accounts: &[OtpAuthUri]) -> Result<GoogleExport, EnrolError> {
    let mut skipped = Vec::new();
    let mut params = Vec::new();
    for (i, uri) in accounts.iter().enumerate() {
        match google_can_express(uri) {
            Ok(()) => params.push(to_parameters(uri)),
            Err(why) => skipped.push((i, why)),
        }
    }
    let batch_size = params.len().div_ceil(ACCOUNTS_PER_LINK);
    let batch_id = random_batch_id()?;
    let mut links = Vec::with_capacity(batch_size);
    for (index, chunk) in params.chunks(ACCOUNTS_PER_LINK).enumerate() {
        let payload = MigrationPayload {
            otp_parameters: chunk.to_vec(),
            version: 1,
            batch_size: i32::try_from(batch_size)
                .map_err(|_| EnrolError::Render("too many accounts".into()))?,
            batch_index: i32::try_from(index)
                .map_err(|_| EnrolError::Render("too many accounts".into()))?,
            batch_id,
        };
        let bytes = Zeroizing::new(payload.encode_to_vec());
        let b64 = Zeroizing::new(BASE64.encode(bytes.as_slice()));
        let encoded: String =
            percent_encoding::utf8_percent_encode(&b64, percent_encoding::NON_ALPHANUMERIC)
                .collect();
        links.push(Zeroizing::new(format!(
            "otpauth-migration://offline?data={encoded}"
        )));
    }
    Ok(GoogleExport { links, skipped })
}

fn to_parameters(uri: &OtpAuthUri) -> OtpParameters {
    let p = &uri.params;
    OtpParameters {
        // EXPOSE: the secret goes into the export payload the user asked for.
        secret: p.secret.expose().to_vec(),
        name: uri.name.clone(),
        issuer: uri.issuer().unwrap_or_default().to_owned(),
        algorithm: match p.algorithm {
            Algorithm::Sha1 => 1,
            Algorithm::Sha256 => 2,
            Algorithm::Sha512 => 3,
        },
        digits: if p.digits.get() == 8 { 2 } else { 1 },
        kind: if p.kind == OtpKind::Hotp { 1 } else { 2 },
        counter: i64::try_from(p.counter).unwrap_or(i64::MAX),
    }
}

fn random_batch_id() -> Result<i32, EnrolError> {
    let mut bytes = [0u8; 4];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes)
        .map_err(|_| EnrolError::Render("no randomness available".into()))?;
    Ok(i32::from_le_bytes(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::strategies;

    const DIM13: &str = "otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SGEV4YW1wbGU6YWxpY2VAZ29vZ2xlLmNvbRoHRXhhbXBsZTAC";

    #[test]
    fn inline_example_with_defaults() {
        let m = parse_migration(DIM13).unwrap();
        assert_eq!(m.accounts.len(), 1);
        let a = &m.accounts[0];
        assert_eq!(a.params.secret.expose(), b"Hello!\xDE\xAD\xBE\xEF");
        // Issuer given, so the name is kept whole.
        assert_eq!(a.name, "Example:alice@google.com");
        assert_eq!(a.issuer(), Some("Example"));
        assert_eq!(a.params.kind, OtpKind::Totp);
        assert_eq!(a.params.digits.get(), 6);
        assert_eq!((m.batch_index, m.batch_size), (0, 1));
    }

    #[test]
    fn pi_authenticator_example_hotp_and_totp() {
        let m = parse_migration("otpauth-migration://offline?data=ChkKCpklNznImSU3OcgSBVRlc3QxIAEoATACChsKCpklNznamSU3OdoSBVRlc3QyIAEoATABOAAQARgBIAAo8enF1vr%2F%2F%2F%2F%2FAQ%3D%3D").unwrap();
        assert_eq!(m.accounts.len(), 2);
        assert_eq!(m.accounts[0].name, "Test1");
        assert_eq!(m.accounts[1].params.kind, OtpKind::Hotp);
        assert!(m.batch_id < 0);
    }

    #[test]
    fn hostile_payloads_are_typed_errors() {
        for bad in [
            "otpauth-migration://offline",
            "otpauth-migration://online?data=CjEK",
            "otpauth-migration://offline?data=XXXX",
            "otpauth-migration://offline?data=!!!!",
            "otpauth-migration://offline?data=%ZZ",
            "otpauth-migration://offline?data=",
            // Field 1 with wire type varint instead of length-delimited.
            "otpauth-migration://offline?data=CAE=",
            // Empty secret.
            "otpauth-migration://offline?data=CgIgAQ==",
        ] {
            assert!(
                matches!(parse_migration(bad), Err(EnrolError::BadMigration(_))),
                "{bad}: {:?}",
                parse_migration(bad)
            );
        }
    }

    #[test]
    fn md5_and_unknown_enums_are_refused() {
        for (alg, digits, kind, why) in [
            (4, 1, 2, "MD5 accounts are not supported"),
            (9, 1, 2, "unknown algorithm"),
            (1, 7, 2, "unknown number of digits"),
            (1, 1, 5, "unknown account type"),
        ] {
            let payload = MigrationPayload {
                otp_parameters: vec![OtpParameters {
                    secret: b"12345678901234567890".to_vec(),
                    name: "n".into(),
                    issuer: "i".into(),
                    algorithm: alg,
                    digits,
                    kind,
                    counter: 0,
                }],
                version: 1,
                batch_size: 1,
                batch_index: 0,
                batch_id: 1,
            };
            let link = format!(
                "otpauth-migration://offline?data={}",
                BASE64.encode(payload.encode_to_vec())
            );
            let r = parse_migration(&link);
            assert_eq!(
                r,
                Err(EnrolError::BadMigration(format!("account 1: {why}"))),
                "{alg} {digits} {kind}"
            );
        }
    }

    #[test]
    fn ten_thousand_accounts_are_refused_quickly() {
        let one = OtpParameters {
            secret: vec![1],
            name: String::new(),
            issuer: String::new(),
            algorithm: 1,
            digits: 1,
            kind: 2,
            counter: 0,
        };
        let payload = MigrationPayload {
            otp_parameters: vec![one; 10_000],
            version: 1,
            batch_size: 1,
            batch_index: 0,
            batch_id: 1,
        };
        let link = format!(
            "otpauth-migration://offline?data={}",
            BASE64.encode(payload.encode_to_vec())
        );
        assert_eq!(
            parse_migration(&link),
            Err(EnrolError::BadMigration(
                "it holds more accounts than any export".into()
            ))
        );
    }

    #[test]
    fn export_round_trips_in_batches_of_ten() {
        let accounts: Vec<OtpAuthUri> = (0..23u8)
            .map(|i| {
                let mut p = OtpParams::totp(Secret::from_bytes(vec![i + 1; 20]).unwrap());
                if i % 3 == 0 {
                    p = OtpParams::hotp(
                        Secret::from_bytes(vec![i + 1; 20]).unwrap(),
                        u64::from(i) * 7,
                    );
                    p.algorithm = Algorithm::Sha512;
                    p.digits = Digits::new(8).unwrap();
                }
                OtpAuthUri::new(
                    p,
                    Some(format!("Issuer {i}")),
                    format!("user{i}@example.com"),
                )
            })
            .collect();
        let export = export_google_migration(&accounts).unwrap();
        assert_eq!(export.links.len(), 3);
        assert!(export.skipped.is_empty());
        let mut back = Vec::new();
        let mut ids = Vec::new();
        for (i, link) in export.links.iter().enumerate() {
            let m = parse_migration(link).unwrap();
            assert_eq!((m.batch_index, m.batch_size), (i as u32, 3));
            ids.push(m.batch_id);
            back.extend(m.accounts);
        }
        assert!(ids.windows(2).all(|w| w[0] == w[1]));
        assert_eq!(back.len(), accounts.len());
        for (a, b) in accounts.iter().zip(&back) {
            assert_eq!(a.params, b.params);
            assert_eq!(a.issuer(), b.issuer());
            assert_eq!(a.name, b.name);
        }
    }

    #[test]
    fn a_counter_past_i64_is_skipped_not_clamped() {
        // Found by `any_accounts_survive_a_google_export`: the counter was
        // written as `i64::MAX`, so the account came back with another one.
        let secret = || Secret::from_bytes(vec![4; 20]).unwrap();
        let accounts = [u64::MAX, 1 << 63, (1 << 63) - 1]
            .map(|c| OtpAuthUri::new(OtpParams::hotp(secret(), c), None, "n".into()));
        let export = export_google_migration(&accounts).unwrap();
        assert_eq!(
            export.skipped.iter().map(|s| s.0).collect::<Vec<_>>(),
            vec![0, 1]
        );
        let back = parse_migration(&export.links[0]).unwrap().accounts;
        assert_eq!(back, accounts[2..]);
    }

    proptest::proptest! {
        /// Any accounts (0 to 25: TOTP, HOTP and Steam; any key, issuer,
        /// name and settings) → Google export links → parsed back: every
        /// account Google can express, unchanged and in order, the others
        /// skipped by position; one link per ten accounts, numbered, all
        /// of one batch.
        #[test]
        fn any_accounts_survive_a_google_export(
            accounts in proptest::collection::vec(
                (
                    strategies::otp_params(),
                    proptest::option::of(strategies::issuer()),
                    strategies::name(),
                ),
                0..25,
            ),
        ) {
            let accounts: Vec<OtpAuthUri> = accounts
                .into_iter()
                .map(|(params, issuer, name)| {
                    // Without an issuer Google splits `issuer:name` (see
                    // `strategies::linkable`).
                    let name = match issuer {
                        None => name.replace(':', "").trim().to_owned(),
                        Some(_) => name,
                    };
                    OtpAuthUri::new(params, issuer, name)
                })
                .collect();
            let export = export_google_migration(&accounts).unwrap();
            let (kept, skipped): (Vec<_>, Vec<_>) = accounts
                .iter()
                .enumerate()
                .partition(|(_, a)| google_can_express(a).is_ok());
            proptest::prop_assert_eq!(
                export.skipped.iter().map(|s| s.0).collect::<Vec<_>>(),
                skipped.iter().map(|s| s.0).collect::<Vec<_>>()
            );
            proptest::prop_assert_eq!(export.links.len(), kept.len().div_ceil(ACCOUNTS_PER_LINK));
            let mut back = Vec::new();
            let mut ids = Vec::new();
            for (i, link) in export.links.iter().enumerate() {
                let m = parse_migration(link).unwrap();
                proptest::prop_assert_eq!(
                    (m.batch_index as usize, m.batch_size as usize),
                    (i, export.links.len())
                );
                ids.push(m.batch_id);
                back.extend(m.accounts);
            }
            proptest::prop_assert!(ids.windows(2).all(|w| w[0] == w[1]));
            proptest::prop_assert_eq!(back, kept.into_iter().map(|k| k.1.clone()).collect::<Vec<_>>());
        }
    }

    #[test]
    fn export_skips_what_google_cannot_hold() {
        let mut sixty = OtpParams::totp(Secret::from_bytes(vec![1; 20]).unwrap());
        sixty.period = 60;
        let steam = OtpParams::steam(Secret::from_bytes(vec![2; 20]).unwrap());
        let ok = OtpParams::totp(Secret::from_bytes(vec![3; 20]).unwrap());
        let accounts = [sixty, steam, ok]
            .into_iter()
            .map(|p| OtpAuthUri::new(p, None, "n".into()))
            .collect::<Vec<_>>();
        let export = export_google_migration(&accounts).unwrap();
        assert_eq!(export.links.len(), 1);
        assert_eq!(
            export.skipped.iter().map(|s| s.0).collect::<Vec<_>>(),
            vec![0, 1]
        );
    }
}
