//! FreeOTP+: its JSON export and its internal preferences.
//!
//! Source: Aegis `importers/FreeOtpPlusImporter.java`, formats.md §8.
//!
//! - The export is `{"tokenOrder": ["Issuer:label", ...], "tokens": [...]}`,
//!   each token FreeOTP's v1 token JSON (signed-byte secret, `counter`
//!   stored one lower than the next counter).
//! - The internal preferences (`shared_prefs/tokens.xml`, root only) have
//!   exactly FreeOTP v1's layout: FreeOTP+ is a fork and kept it. The one
//!   content difference is what the apps accept: FreeOTP only makes codes
//!   of 6 or 8 digits (Steam aside), FreeOTP+ any length. So a token file
//!   holding a non-Steam token of another length can only be FreeOTP+'s;
//!   any other token file is read as FreeOTP's, with identical accounts
//!   (only the provenance names the other app). This reader is tried
//!   before FreeOTP's.

use serde_json::Value;

use super::{
    Input,
    android_prefs::Prefs,
    fields,
    freeotp::{self, CounterStored},
};
use crate::import::{ImportError, ImportFormat, ImportItem};

const FORMAT: ImportFormat = ImportFormat::FreeOtpPlus;

/// True for the JSON export (`tokens` and `tokenOrder` arrays), or token
/// preferences only FreeOTP+ can have written.
pub(super) fn detect(input: &Input<'_>) -> bool {
    if let Some(json) = &input.json {
        return json.get("tokens").is_some_and(Value::is_array)
            && json.get("tokenOrder").is_some_and(Value::is_array);
    }
    input
        .prefs
        .as_ref()
        .is_some_and(|p| freeotp::is_token_prefs(p) && has_digits_freeotp_refuses(p))
}

/// True when a token (not Steam) has a code length other than 6 or 8.
fn has_digits_freeotp_refuses(prefs: &Prefs) -> bool {
    prefs.entries().any(|(_, v)| {
        serde_json::from_str::<Value>(v).is_ok_and(|t| {
            let steam = fields::json_str(&t, "issuerExt") == Some("Steam");
            let digits = fields::json_u64(t.get("digits"));
            !steam && digits.is_some_and(|d| d != 6 && d != 8)
        })
    })
}

/// Reads the export's tokens (in the export's order, which is the app's
/// display order), or the preferences.
pub(super) fn read(
    input: &Input<'_>,
    _password: Option<&str>,
) -> Result<Vec<ImportItem>, ImportError> {
    if let Some(prefs) = input.prefs.as_ref() {
        return freeotp::read_token_prefs(prefs, FORMAT);
    }
    let tokens = input
        .json
        .as_ref()
        .and_then(|j| j.get("tokens"))
        .and_then(Value::as_array)
        .ok_or(ImportError::UnknownFormat)?;
    tokens
        .iter()
        .enumerate()
        .map(|(i, t)| {
            freeotp::token_item(FORMAT, t, None, CounterStored::OneLow).map_err(|why| {
                let label = fields::json_str(t, "label");
                ImportError::entry(FORMAT, i, label, why)
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::otp::OtpKind;

    #[test]
    fn reads_the_export_with_the_counter_one_up() {
        let json = br#"{"tokenOrder":["WWE:Mason"],"tokens":[{"algo":"SHA512","counter":10299,"digits":8,"issuerExt":"WWE","label":"Mason","period":30,"secret":[-19,64,-59,-18],"type":"HOTP"}]}"#;
        let input = Input::new(json);
        assert!(detect(&input));
        let items = read(&input, None).unwrap();
        let [ImportItem::Account(a)] = &items[..] else {
            panic!("{items:?}")
        };
        assert_eq!((a.otp.kind, a.otp.counter), (OtpKind::Hotp, 10300));
        assert_eq!(a.provenance.to_string(), "import:freeotp_plus");
    }

    #[test]
    fn a_bad_token_names_its_entry() {
        let json = br#"{"tokenOrder":[],"tokens":[{"type":"TOTP","label":"x","secret":"AAAA"}]}"#;
        let e = read(&Input::new(json), None).unwrap_err();
        assert!(
            matches!(&e, ImportError::Damaged { entry: Some(l), .. } if l == "entry 1 (x)"),
            "{e}"
        );
    }

    #[test]
    fn only_seven_digit_token_files_are_freeotp_plus() {
        let prefs = |digits: u8| {
            format!(
                "<?xml version='1.0'?><map><string name=\"A:b\">{{&quot;digits&quot;:{digits},&quot;secret&quot;:[1],&quot;type&quot;:&quot;TOTP&quot;}}</string></map>"
            )
        };
        assert!(detect(&Input::new(prefs(7).as_bytes())));
        assert!(!detect(&Input::new(prefs(6).as_bytes())));
        assert!(!detect(&Input::new(br#"{"tokens":[]}"#)));
        assert!(!detect(&Input::new(
            b"<?xml version='1.0'?><map><string name=\"x\">1</string></map>"
        )));
    }
}
