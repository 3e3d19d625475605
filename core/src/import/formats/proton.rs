//! Proton Authenticator export (JSON).
//!
//! Source: Proton Authenticator's export as read by Stratum
//! (`Stratum.Test/data/protonauthenticator.json`) and Aegis; `formats.md`
//! §12.
//!
//! `{"version": 1, "entries": [{"id", "content": {"uri", "entry_type"
//! ("Totp" | "Steam"), "name"}, "note"}]}`: the `otpauth://` link (or
//! `steam://<base32>` for Steam) carries everything; `name` repeats the
//! account.

use serde_json::Value;

use super::{
    Input,
    fields::{self, json_str},
};
use crate::{
    import::{ImportError, ImportFormat, ImportItem},
    otp::OtpParams,
};

/// The format this file reads.
const FORMAT: ImportFormat = ImportFormat::Proton;

/// True for a JSON object whose `entries` hold `content` objects with a
/// `uri` (or an empty `entries` beside only `version`).
pub(super) fn detect(input: &Input<'_>) -> bool {
    let Some(o) = input.json.as_ref().and_then(Value::as_object) else {
        return false;
    };
    match o.get("entries").and_then(Value::as_array) {
        Some(entries) if entries.is_empty() => o.len() == 2 && o.contains_key("version"),
        Some(entries) => entries
            .first()
            .and_then(|e| e.get("content"))
            .is_some_and(|c| c.get("uri").is_some_and(Value::is_string)),
        None => false,
    }
}

/// Reads every entry's link.
pub(super) fn read(
    input: &Input<'_>,
    _password: Option<&str>,
) -> Result<Vec<ImportItem>, ImportError> {
    let entries = input
        .json
        .as_ref()
        .and_then(|j| j.get("entries"))
        .and_then(Value::as_array)
        .ok_or(ImportError::UnknownFormat)?;
    entries
        .iter()
        .enumerate()
        .map(|(i, e)| read_entry(i, e).map(ImportItem::Account))
        .collect()
}

/// One entry: its link (or Steam key), with the note.
fn read_entry(index: usize, e: &Value) -> Result<crate::account::Account, ImportError> {
    let content = e.get("content").unwrap_or(&Value::Null);
    let name = json_str(content, "name").unwrap_or_default();
    let at = |why: String| ImportError::entry(FORMAT, index, Some(name), why);
    let uri = json_str(content, "uri").ok_or_else(|| at("it has no uri".into()))?;
    let mut account = match fields::steam_link_secret(uri) {
        Some(secret) => fields::account(
            FORMAT,
            Some("Steam"),
            name,
            OtpParams::steam(secret.map_err(at)?),
        ),
        None => fields::link_account(FORMAT, uri).map_err(at)?,
    };
    if account.name.is_empty() {
        name.trim().clone_into(&mut account.name);
    }
    account.notes = json_str(e, "note")
        .filter(|n| !n.trim().is_empty())
        .map(str::to_owned);
    Ok(account)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::otp::OtpKind;

    #[test]
    fn reads_links_steam_and_notes() {
        let text = r#"{"version":1,"entries":[
            {"id":"1","content":{"uri":"otpauth://totp/Deno:Mason?secret=4SJHB4GSD43FZBAI7C2HLRJGPQ&issuer=Deno","entry_type":"Totp","name":"Mason"},"note":"hi"},
            {"id":"2","content":{"uri":"steam://JRZCL47CMXVOQMNPZR2F7J4RGI","entry_type":"Steam","name":"Sophia"},"note":null}]}"#;
        let input = Input::new(text.as_bytes());
        assert!(detect(&input));
        let items = read(&input, None).unwrap();
        let ImportItem::Account(a) = &items[0] else {
            panic!("{items:?}")
        };
        assert_eq!(
            (a.issuer.as_deref(), a.name.as_str(), a.notes.as_deref()),
            (Some("Deno"), "Mason", Some("hi"))
        );
        let ImportItem::Account(s) = &items[1] else {
            panic!("{items:?}")
        };
        assert_eq!(
            (s.otp.kind, s.issuer.as_deref(), s.name.as_str()),
            (OtpKind::Steam, Some("Steam"), "Sophia")
        );
        assert_eq!(a.provenance.to_string(), "import:proton");
    }

    #[test]
    fn a_bad_link_names_the_entry_and_detect_refuses_other_shapes() {
        let text = r#"{"version":1,"entries":[{"content":{"uri":"otpauth://totp/X?secret=!!","name":"Mason"}}]}"#;
        let e = read(&Input::new(text.as_bytes()), None).unwrap_err();
        assert!(
            matches!(&e, ImportError::Damaged { entry: Some(l), .. } if l == "entry 1 (Mason)"),
            "{e}"
        );
        for other in [
            &br#"{"version":1,"header":{},"db":{"version":1,"entries":[]}}"#[..],
            br#"{"version":3,"entries":[{"type":"totp"}]}"#,
            br#"{"items":[]}"#,
        ] {
            assert!(!detect(&Input::new(other)), "{other:?}");
        }
        assert!(detect(&Input::new(br#"{"version":1,"entries":[]}"#)));
    }
}
