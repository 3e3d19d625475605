//! Steam Guard: a Steam Desktop Authenticator maFile (or the Steam app's
//! own `Steamguard-<steamid>` file), one account, or the newer
//! `{"accounts": {"<id>": {...}}}` map of them.
//!
//! Source: Aegis `importers/SteamImporter.java`; `formats.md` §15.
//!
//! Each account: `{steamid, shared_secret (base64), account_name,
//! identity_secret, secret_1, revocation_code, uri, ...}`. Only
//! `shared_secret` makes codes; `identity_secret` and `secret_1` confirm
//! trades and are never read here.

use serde_json::Value;

use super::{
    Input,
    fields::{self, json_str},
};
use crate::{
    import::{ImportError, ImportFormat, ImportItem},
    otp::{OtpParams, Secret},
};

/// The format this file reads.
const FORMAT: ImportFormat = ImportFormat::Steam;

/// True for an object with `shared_secret` and `account_name`, or an
/// `accounts` map of such objects.
pub(super) fn detect(input: &Input<'_>) -> bool {
    let Some(json) = &input.json else {
        return false;
    };
    is_account(json)
        || json
            .get("accounts")
            .and_then(Value::as_object)
            .is_some_and(|m| !m.is_empty() && m.values().all(is_account))
}

/// True for one Steam Guard account object.
fn is_account(v: &Value) -> bool {
    v.get("shared_secret").is_some() && v.get("account_name").is_some()
}

/// Reads the one account, or every account of the map (in file order).
pub(super) fn read(
    input: &Input<'_>,
    _password: Option<&str>,
) -> Result<Vec<ImportItem>, ImportError> {
    let json = input.json.as_ref().ok_or(ImportError::UnknownFormat)?;
    let accounts: Vec<&Value> = match json.get("accounts").and_then(Value::as_object) {
        Some(map) if !is_account(json) => map.values().collect(),
        _ => vec![json],
    };
    accounts
        .into_iter()
        .enumerate()
        .map(|(i, a)| read_account(i, a).map(ImportItem::Account))
        .collect()
}

/// Issuer `Steam`, the account name, the base64 `shared_secret`.
fn read_account(index: usize, a: &Value) -> Result<crate::account::Account, ImportError> {
    let name = json_str(a, "account_name").unwrap_or_default();
    let at = |why: &str| ImportError::entry(FORMAT, index, Some(name), why);
    let bytes = json_str(a, "shared_secret")
        .and_then(fields::base64)
        .ok_or_else(|| at("its shared_secret is missing or not base64"))?;
    let secret = Secret::from_bytes(bytes).map_err(|_| at("its shared_secret is empty"))?;
    Ok(fields::account(
        FORMAT,
        Some("Steam"),
        name,
        OtpParams::steam(secret),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::otp::OtpKind;

    const ONE: &str = r#"{"steamid":"1","shared_secret":"THIl8+Jl6ugxr8x0X6eRMg==","account_name":"Sophia","identity_secret":"x"}"#;

    #[test]
    fn reads_one_account_and_the_accounts_map() {
        for text in [
            ONE.to_owned(),
            format!(r#"{{"accounts":{{"a":{ONE},"b":{ONE}}}}}"#),
        ] {
            let input = Input::new(text.as_bytes());
            assert!(detect(&input));
            let items = read(&input, None).unwrap();
            let ImportItem::Account(a) = &items[0] else {
                panic!("{items:?}")
            };
            assert_eq!(
                (a.otp.kind, a.issuer.as_deref(), a.name.as_str()),
                (OtpKind::Steam, Some("Steam"), "Sophia")
            );
            assert_eq!(
                a.otp.secret.to_base32().as_str(),
                "JRZCL47CMXVOQMNPZR2F7J4RGI"
            );
        }
    }

    #[test]
    fn a_bad_secret_is_damage_and_detect_refuses_other_shapes() {
        let bad = ONE.replace("THIl8+Jl6ugxr8x0X6eRMg==", "!!");
        let e = read(&Input::new(bad.as_bytes()), None).unwrap_err();
        assert!(
            matches!(&e, ImportError::Damaged { entry: Some(l), .. } if l == "entry 1 (Sophia)"),
            "{e}"
        );
        for other in [
            &br#"{"accounts":{}}"#[..],
            br#"{"shared_secret":"x"}"#,
            br#"[{"secret":"A"}]"#,
        ] {
            assert!(!detect(&Input::new(other)), "{other:?}");
        }
    }
}
