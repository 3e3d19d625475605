//! Microsoft Authenticator's database (Android, root only).
//!
//! Source: Aegis `importers/MicrosoftAuthImporter.java`, formats.md §18.
//!
//! SQLite `databases/PhoneFactor` (a Room database), table `accounts`:
//! `name` is the issuer, `username` the account, `oath_secret_key` the
//! secret, `account_type` what kind of account it is:
//! - 0: a third-party TOTP account, base32 secret, SHA1, 6 digits, 30 s;
//! - 1: a Microsoft personal account, base64 secret, SHA1, 8 digits, 30 s;
//! - 2: a work or school (Entra ID) account. Its sign-in approvals are
//!   push notifications tied to this phone's registration with the
//!   organisation, which no file can move; when the organisation also
//!   enabled codes, the row has a base32 OATH secret, a plain TOTP
//!   (SHA1, 6 digits, 30 s), which is imported.
//!
//! A row without a usable OATH secret (push only, or a secret the app
//! sealed with a key kept by the phone: `encrypted_oath_secret_key`) is
//! listed as not imported, saying how to enrol it again.

use rusqlite::Row;
use zeroize::Zeroizing;

use super::{
    Input, fields, sqlite,
    sqlite::{integer, text},
};
use crate::{
    import::{ImportError, ImportFormat, ImportItem, NotImported, NotImportedKind},
    otp::{OtpKind, Secret},
};

const FORMAT: ImportFormat = ImportFormat::MicrosoftAuthenticator;

/// `account_type` of a third-party TOTP account.
const TYPE_TOTP: i64 = 0;
/// `account_type` of a Microsoft personal account.
const TYPE_MICROSOFT: i64 = 1;
/// `account_type` of a work or school account.
const TYPE_WORK: i64 = 2;

/// True for a SQLite database with Microsoft's `accounts` table.
pub(super) fn detect(input: &Input<'_>) -> bool {
    input.is_sqlite()
        && sqlite::has_table(
            input.bytes,
            "accounts",
            &["oath_secret_key", "account_type", "username", "name"],
        )
}

/// Reads every row of `accounts`, in the app's order.
pub(super) fn read(
    input: &Input<'_>,
    _password: Option<&str>,
) -> Result<Vec<ImportItem>, ImportError> {
    sqlite::read_rows(
        input.bytes,
        FORMAT,
        "SELECT * FROM accounts",
        |row| Some(label(row)),
        |row| account(row, &label(row)),
    )
}

/// "Issuer: username", as the app shows the account.
fn label(row: &Row<'_>) -> String {
    let name = text(row, "name").ok().flatten().unwrap_or_default();
    let user = text(row, "username").ok().flatten().unwrap_or_default();
    match (name.trim(), user.trim()) {
        (n, "") => n.to_owned(),
        ("", u) => u.to_owned(),
        (n, u) => format!("{n}: {u}"),
    }
}

/// One row.
fn account(row: &Row<'_>, label: &str) -> Result<ImportItem, String> {
    let not_imported = |kind: NotImportedKind| -> Result<ImportItem, String> {
        Ok(ImportItem::NotImported(NotImported::new(label, kind)))
    };
    let account_type = integer(row, "account_type")?.ok_or("it has no account type")?;
    let secret = Zeroizing::new(text(row, "oath_secret_key")?.unwrap_or_default());
    if secret.trim().is_empty() {
        let sealed = text(row, "encrypted_oath_secret_key")?.is_some_and(|s| !s.trim().is_empty());
        return if sealed {
            not_imported(NotImportedKind::AddAgainFromService)
        } else if account_type == TYPE_WORK {
            not_imported(NotImportedKind::MicrosoftPushOnly)
        } else {
            Err("it has no secret".into())
        };
    }
    let (secret, digits) = match account_type {
        TYPE_TOTP => (fields::base32_secret(&secret)?, 6),
        TYPE_MICROSOFT => {
            let bytes = fields::base64(&secret).ok_or("its secret is not valid base64")?;
            (
                Secret::from_bytes(bytes).map_err(|_| "its secret is empty")?,
                8,
            )
        }
        TYPE_WORK => match fields::base32_secret(&secret) {
            Ok(s) => (s, 6),
            Err(_) => return not_imported(NotImportedKind::MicrosoftPushOnly),
        },
        other => {
            return not_imported(NotImportedKind::unknown_type(&format!("type {other}")));
        }
    };
    let params = fields::params(OtpKind::Totp, secret, None, Some(digits), None, None)?;
    let issuer = text(row, "name")?;
    let name = text(row, "username")?.unwrap_or_default();
    Ok(ImportItem::Account(fields::account(
        FORMAT,
        issuer.as_deref(),
        &name,
        params,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn database(sql: &str) -> Vec<u8> {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(sql).unwrap();
        conn.serialize(rusqlite::MAIN_DB).unwrap().to_vec()
    }

    const TABLE: &str = "CREATE TABLE accounts (_id INTEGER PRIMARY KEY, name TEXT NOT NULL, username TEXT NOT NULL, paws_url TEXT NOT NULL, oath_secret_key TEXT NOT NULL, account_type INTEGER NOT NULL, encrypted_oath_secret_key TEXT NOT NULL);";

    #[test]
    fn reads_totp_and_personal_accounts_and_lists_push_ones() {
        let db = database(&format!(
            "{TABLE} INSERT INTO accounts (name, username, paws_url, oath_secret_key, account_type, encrypted_oath_secret_key) VALUES
             ('Deno', 'Mason', '', 'JBSWY3DPEHPK3PXP', 0, ''),
             ('Microsoft', 'me@outlook.com', '', 'AQIDBAUGBwgJCg==', 1, ''),
             ('Contoso', 'me@contoso.com', 'https://mobileappcommunicator.auth.microsoft.com/x', '', 2, ''),
             ('Fabrikam', 'me@fabrikam.com', '', '', 2, 'c2VhbGVk');"
        ));
        let input = Input::new(&db);
        assert!(detect(&input));
        let items = read(&input, None).unwrap();
        let [
            ImportItem::Account(t),
            ImportItem::Account(m),
            ImportItem::NotImported(p),
            ImportItem::NotImported(s),
        ] = &items[..]
        else {
            panic!("{items:?}")
        };
        assert_eq!(
            (t.issuer.as_deref(), t.name.as_str(), t.otp.digits.get()),
            (Some("Deno"), "Mason", 6)
        );
        assert_eq!(
            (m.otp.digits.get(), m.otp.secret.expose()),
            (8, &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10][..])
        );
        assert_eq!(p.label, "Contoso: me@contoso.com");
        assert!(p.reason.contains("organisation"), "{}", p.reason);
        assert!(s.reason.contains("add the account again"), "{}", s.reason);
    }

    #[test]
    fn a_bad_secret_names_its_row_and_other_tables_are_not_microsoft() {
        let db = database(&format!(
            "{TABLE} INSERT INTO accounts (name, username, paws_url, oath_secret_key, account_type, encrypted_oath_secret_key) VALUES ('A', 'b', '', '!!', 0, '');"
        ));
        let e = read(&Input::new(&db), None).unwrap_err();
        assert!(
            matches!(&e, ImportError::Damaged { entry: Some(l), .. } if l == "entry 1 (A: b)"),
            "{e}"
        );
        let google = database("CREATE TABLE accounts (email TEXT, secret TEXT, type INTEGER);");
        assert!(!detect(&Input::new(&google)));
    }
}
