//! Duo Mobile's account list (root only: the app has no export).
//!
//! Source: Aegis `importers/DuoImporter.java`; `formats.md` §16.
//!
//! A JSON array of `{accountType: "OtpAccount", name, otpGenerator
//! {otpSecret (base32), counter?}, logoUri, pkey}`. A `counter` makes the
//! account HOTP, else it is TOTP with the defaults. Duo keeps one name per
//! account: there is no issuer.

use serde_json::Value;

use super::{
    Input,
    fields::{self, json_str, json_u64},
};
use crate::{
    import::{ImportError, ImportFormat, ImportItem},
    otp::OtpKind,
};

/// The format this file reads.
const FORMAT: ImportFormat = ImportFormat::Duo;

/// True for a JSON array whose first element has an `otpGenerator` object.
pub(super) fn detect(input: &Input<'_>) -> bool {
    input
        .json
        .as_ref()
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .is_some_and(|e| e.get("otpGenerator").is_some_and(Value::is_object))
}

/// Reads every account.
pub(super) fn read(
    input: &Input<'_>,
    _password: Option<&str>,
) -> Result<Vec<ImportItem>, ImportError> {
    let entries = input
        .json
        .as_ref()
        .and_then(Value::as_array)
        .ok_or(ImportError::UnknownFormat)?;
    entries
        .iter()
        .enumerate()
        .map(|(i, e)| read_entry(i, e).map(ImportItem::Account))
        .collect()
}

/// One account: HOTP when it has a counter, else TOTP.
fn read_entry(index: usize, e: &Value) -> Result<crate::account::Account, ImportError> {
    let name = json_str(e, "name").unwrap_or_default();
    let at = |why: String| ImportError::entry(FORMAT, index, Some(name), why);
    let generator = e
        .get("otpGenerator")
        .ok_or_else(|| at("it has no otpGenerator".into()))?;
    let secret =
        fields::base32_secret(json_str(generator, "otpSecret").unwrap_or_default()).map_err(at)?;
    let counter = generator.get("counter").filter(|c| !c.is_null());
    let kind = if counter.is_some() {
        OtpKind::Hotp
    } else {
        OtpKind::Totp
    };
    let counter = match counter {
        Some(c) => {
            Some(json_u64(Some(c)).ok_or_else(|| at("its counter is not a whole number".into()))?)
        }
        None => None,
    };
    let params = fields::params(kind, secret, None, None, None, counter).map_err(at)?;
    Ok(fields::account(FORMAT, None, name, params))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_counter_makes_hotp() {
        let text = r#"[{"accountType":"OtpAccount","name":"Mason","otpGenerator":{"otpSecret":"4SJHB4GSD43FZBAI7C2HLRJGPQ"}},
            {"accountType":"OtpAccount","name":"James","otpGenerator":{"otpSecret":"YOOMIXWS5GN6RTBPUFFWKTW5M4","counter":3}}]"#;
        let input = Input::new(text.as_bytes());
        assert!(detect(&input));
        let items = read(&input, None).unwrap();
        let kinds: Vec<_> = items
            .iter()
            .map(|i| match i {
                ImportItem::Account(a) => (a.otp.kind, a.otp.counter, a.issuer.clone()),
                ImportItem::NotImported(n) => panic!("{n:?}"),
            })
            .collect();
        assert_eq!(kinds, [(OtpKind::Totp, 0, None), (OtpKind::Hotp, 3, None)]);
    }

    #[test]
    fn damage_is_typed_and_detect_refuses_other_shapes() {
        let text = r#"[{"name":"Mason","otpGenerator":{"otpSecret":"4SJHB4GSD43FZBAI7C2HLRJGPQ","counter":-1}}]"#;
        let e = read(&Input::new(text.as_bytes()), None).unwrap_err();
        assert!(
            matches!(&e, ImportError::Damaged { entry: Some(l), .. } if l == "entry 1 (Mason)"),
            "{e}"
        );
        for other in [
            &br#"[{"secret":"A","type":"TOTP"}]"#[..],
            b"[]",
            br#"{"otpGenerator":{}}"#,
        ] {
            assert!(!detect(&Input::new(other)), "{other:?}");
        }
    }
}
