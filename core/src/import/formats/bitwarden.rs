//! Bitwarden vault export, JSON or CSV: the TOTP keys of its logins.
//!
//! Source: Bitwarden's export formats (`items[].login.totp`; CSV header
//! `folder,favorite,type,name,notes,fields,login_uri,login_username,
//! login_password,login_totp`); bitwarden/authenticator-ios `TOTPKey.swift`
//! for what the field may hold; `formats.md` §10.
//!
//! The TOTP field holds an `otpauth://` link, `steam://<base32>`, or a bare
//! base32 key (Bitwarden's default TOTP). Logins without one are skipped
//! without a word: they are passwords, not authenticator entries.
//! Password-protected and account-encrypted JSON exports cannot be read.

use serde_json::Value;
use zeroize::Zeroizing;

use super::{
    Input,
    fields::{self, json_str},
};
use crate::{
    account::Account,
    import::{ImportError, ImportFormat, ImportItem},
    otp::{OtpKind, OtpParams},
};

/// The format this file reads.
const FORMAT: ImportFormat = ImportFormat::Bitwarden;

/// True for Bitwarden's JSON (`encrypted` beside `items` or `data`) or a
/// CSV whose header has `login_totp`.
pub(super) fn detect(input: &Input<'_>) -> bool {
    match &input.json {
        Some(json) => {
            json.get("encrypted").is_some_and(Value::is_boolean)
                && (json.get("items").is_some_and(Value::is_array) || json.get("data").is_some())
        }
        None => input.text.is_some_and(|t| {
            let header = t.lines().next().unwrap_or_default();
            header.split(',').any(|c| c.trim() == "login_totp")
                && header.split(',').any(|c| c.trim() == "name")
        }),
    }
}

/// Reads the TOTP keys of every login.
pub(super) fn read(
    input: &Input<'_>,
    _password: Option<&str>,
) -> Result<Vec<ImportItem>, ImportError> {
    match (&input.json, input.text) {
        (Some(json), _) => read_json(json),
        (None, Some(text)) => read_csv(text),
        (None, None) => Err(ImportError::UnknownFormat),
    }
}

/// The JSON export: every login with a TOTP field.
fn read_json(json: &Value) -> Result<Vec<ImportItem>, ImportError> {
    if json.get("encrypted").and_then(Value::as_bool) == Some(true) {
        return Err(ImportError::damaged(
            FORMAT,
            "it is an encrypted Bitwarden export, which only Bitwarden can open: export the vault \
             again as unencrypted JSON or CSV",
        ));
    }
    let items = json
        .get("items")
        .and_then(Value::as_array)
        .ok_or_else(|| ImportError::damaged(FORMAT, "it has no items list"))?;
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let login = item.get("login").unwrap_or(&Value::Null);
        let Some(totp) = json_str(login, "totp").filter(|t| !t.trim().is_empty()) else {
            continue;
        };
        let account = login_account(totp, json_str(item, "name"), json_str(login, "username"))
            .map_err(|why| ImportError::entry(FORMAT, i, json_str(item, "name"), why))?;
        out.push(ImportItem::Account(account));
    }
    Ok(out)
}

/// The CSV export. The csv reader's buffers hold one row at a time (the
/// caller's bytes hold the whole file); the TOTP value is copied out into
/// a zeroizing string.
fn read_csv(text: &str) -> Result<Vec<ImportItem>, ImportError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| ImportError::damaged(FORMAT, format!("its header cannot be read ({e})")))?;
    let column = |name: &str| headers.iter().position(|h| h.trim() == name);
    let totp_at = column("login_totp").ok_or(ImportError::UnknownFormat)?;
    let (name_at, user_at) = (column("name"), column("login_username"));
    let mut out = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut index = 0;
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let why = match e.kind() {
                    csv::ErrorKind::Utf8 { .. } => "a row is not UTF-8".to_owned(),
                    _ => "a row cannot be read (an unclosed quote?)".to_owned(),
                };
                return Err(ImportError::entry(FORMAT, index, None, why));
            }
        }
        let field = |at: Option<usize>| {
            at.and_then(|a| record.get(a))
                .filter(|v| !v.trim().is_empty())
        };
        if let Some(totp) = field(Some(totp_at)) {
            let totp = Zeroizing::new(totp.to_owned());
            let account = login_account(&totp, field(name_at), field(user_at))
                .map_err(|why| ImportError::entry(FORMAT, index, field(name_at), why))?;
            out.push(ImportItem::Account(account));
        }
        index += 1;
    }
    Ok(out)
}

/// The account of one login's TOTP field. `item` is the login's name in
/// Bitwarden (the issuer when the field does not say), `user` its username.
fn login_account(totp: &str, item: Option<&str>, user: Option<&str>) -> Result<Account, String> {
    let totp = totp.trim();
    let item = item.map(str::trim).filter(|n| !n.is_empty());
    let user = user.map(str::trim).filter(|u| !u.is_empty());
    if let Some(secret) = fields::steam_link_secret(totp) {
        // A steam:// key names nothing: a Steam account called as the login.
        let name = user.or(item).unwrap_or_default();
        return Ok(fields::account(
            FORMAT,
            Some("Steam"),
            name,
            OtpParams::steam(secret?),
        ));
    }
    if totp
        .get(..10)
        .is_some_and(|h| h.eq_ignore_ascii_case("otpauth://"))
    {
        let mut account = fields::link_account(FORMAT, totp)?;
        if account.issuer.is_none() {
            account.issuer = item.map(str::to_owned);
        }
        if account.name.is_empty() {
            account.name = user.unwrap_or_default().to_owned();
        }
        return Ok(account);
    }
    // A bare key: Bitwarden's TOTP with the defaults.
    let secret = fields::base32_secret(totp).map_err(|_| {
        "its TOTP field is not an otpauth:// link, a steam:// key or a base32 key".to_owned()
    })?;
    let params = fields::params(OtpKind::Totp, secret, None, None, None, None)?;
    Ok(fields::account(
        FORMAT,
        item,
        user.unwrap_or_default(),
        params,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_json_links_steam_and_bare_keys_and_skips_plain_logins() {
        let text = r#"{"encrypted":false,"folders":[],"items":[
            {"type":1,"name":"Deno","login":{"username":"m","totp":"otpauth://totp/Deno:Mason?secret=4SJHB4GSD43FZBAI7C2HLRJGPQ&issuer=Deno"}},
            {"type":1,"name":"Mail","login":{"username":"me","password":"hunter2","totp":null}},
            {"type":2,"name":"A note"},
            {"type":1,"name":"Games","login":{"username":"sophia","totp":"steam://JRZCL47CMXVOQMNPZR2F7J4RGI"}},
            {"type":1,"name":"Bank","login":{"username":"bob","totp":"JBSW Y3DP EHPK 3PXP"}}]}"#;
        let input = Input::new(text.as_bytes());
        assert!(detect(&input));
        let items = read(&input, None).unwrap();
        let got: Vec<_> = items
            .iter()
            .map(|i| match i {
                ImportItem::Account(a) => (
                    a.otp.kind,
                    a.issuer.clone().unwrap_or_default(),
                    a.name.clone(),
                ),
                ImportItem::NotImported(n) => panic!("{n:?}"),
            })
            .collect();
        assert_eq!(
            got,
            [
                (OtpKind::Totp, "Deno".into(), "Mason".into()),
                (OtpKind::Steam, "Steam".into(), "sophia".into()),
                (OtpKind::Totp, "Bank".into(), "bob".into()),
            ]
        );
    }

    #[test]
    fn reads_csv_and_names_a_bad_row() {
        let text = "folder,favorite,type,name,notes,fields,login_uri,login_username,login_password,login_totp\n\
                    ,,login,Test 1,,,,,,otpauth://totp/Deno:Mason?secret=4SJHB4GSD43FZBAI7C2HLRJGPQ&issuer=Deno\n\
                    ,,login,\"Mail, home\",,,,me,\"pa,ss\",\n\
                    ,,login,Test 4,,,,,,steam://JRZCL47CMXVOQMNPZR2F7J4RGI\n";
        let input = Input::new(text.as_bytes());
        assert!(detect(&input));
        assert_eq!(read(&input, None).unwrap().len(), 2);
        let bad = text.replace("steam://JRZCL47CMXVOQMNPZR2F7J4RGI", "steam://!!");
        let e = read(&Input::new(bad.as_bytes()), None).unwrap_err();
        assert!(
            matches!(&e, ImportError::Damaged { entry: Some(l), .. } if l == "entry 3 (Test 4)"),
            "{e}"
        );
    }

    #[test]
    fn encrypted_exports_are_explained_and_detect_refuses_other_shapes() {
        let enc = r#"{"encrypted":true,"passwordProtected":true,"data":"2.abc"}"#;
        let e = read(&Input::new(enc.as_bytes()), None).unwrap_err();
        assert!(e.to_string().contains("unencrypted"), "{e}");
        for other in [
            &br#"{"items":[]}"#[..],
            b"name,secret\nA,B\n",
            b"otpauth://totp/A?secret=JBSWY3DPEHPK3PXP\n",
        ] {
            assert!(!detect(&Input::new(other)), "{other:?}");
        }
    }
}
