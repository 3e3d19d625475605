//! Google Authenticator's database (Android, up to 5.10; root only).
//!
//! Source: Aegis `importers/GoogleAuthImporter.java`, formats.md §19.
//!
//! SQLite `databases/databases`, table `accounts(_id, email, secret,
//! counter, type, provider, issuer, original_name)`: `type` 0 is TOTP and 1
//! HOTP, `secret` base32, `email` the label (often `Issuer:account`),
//! `issuer` set by newer versions. The app has no algorithm, digits or
//! period settings: SHA1, 6 digits, 30 s. From 5.2 on, some versions
//! encrypt secrets in the database (an `isencrypted` column, Aegis #1488);
//! those entries are listed as not imported, pointing to the app's export.

use rusqlite::Row;
use zeroize::Zeroizing;

use super::{
    Input, fields, sqlite,
    sqlite::{integer, text},
};
use crate::{
    import::{ImportError, ImportFormat, ImportItem, NotImported, NotImportedKind},
    otp::OtpKind,
};

const FORMAT: ImportFormat = ImportFormat::GoogleAuthenticator;

/// True for a SQLite database with Google's `accounts(email, secret, type)`.
pub(super) fn detect(input: &Input<'_>) -> bool {
    input.is_sqlite() && sqlite::has_table(input.bytes, "accounts", &["email", "secret", "type"])
}

/// Reads every row of `accounts`, in row order.
pub(super) fn read(
    input: &Input<'_>,
    _password: Option<&str>,
) -> Result<Vec<ImportItem>, ImportError> {
    sqlite::read_rows(
        input.bytes,
        FORMAT,
        "SELECT * FROM accounts",
        |row| text(row, "email").ok().flatten(),
        account,
    )
}

/// One row.
fn account(row: &Row<'_>) -> Result<ImportItem, String> {
    let email = text(row, "email")?.unwrap_or_default();
    let (label_issuer, label_name) = fields::split_label(&email);
    let issuer = text(row, "issuer")?
        .filter(|i| !i.trim().is_empty())
        .or_else(|| label_issuer.map(str::to_owned));
    if integer(row, "isencrypted")?.is_some_and(|e| e > 0) {
        return Ok(ImportItem::NotImported(NotImported::new(
            email.clone(),
            NotImportedKind::MoveWithTransferQr,
        )));
    }
    let kind = match integer(row, "type")? {
        Some(0) | None => OtpKind::Totp,
        Some(1) => OtpKind::Hotp,
        Some(t) => return Err(format!("its type {t} is not TOTP (0) or HOTP (1)")),
    };
    let secret = Zeroizing::new(text(row, "secret")?.ok_or("it has no secret")?);
    let secret = fields::base32_secret(&secret)?;
    let counter = match integer(row, "counter")? {
        Some(c) => Some(u64::try_from(c).map_err(|_| "its counter is negative")?),
        None => None,
    };
    let params = fields::params(kind, secret, None, None, None, counter)?;
    Ok(ImportItem::Account(fields::account(
        FORMAT,
        issuer.as_deref(),
        label_name,
        params,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A database made with `sql`, as the bytes of its file.
    fn database(sql: &str) -> Vec<u8> {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(sql).unwrap();
        conn.serialize(rusqlite::MAIN_DB).unwrap().to_vec()
    }

    #[test]
    fn reads_totp_and_hotp_rows_with_their_issuer() {
        let db = database(
            "CREATE TABLE accounts (_id INTEGER PRIMARY KEY, email TEXT NOT NULL, secret TEXT NOT NULL, counter INTEGER DEFAULT 0, type INTEGER, provider INTEGER DEFAULT 0, issuer TEXT DEFAULT NULL, original_name TEXT DEFAULT NULL);
             INSERT INTO accounts (email, secret, counter, type, issuer) VALUES ('Deno:Mason', 'JBSWY3DPEHPK3PXP', 0, 0, 'Deno'), ('Issuu:James', 'JBSWY3DPEHPK3PXP', 7, 1, NULL), ('plain', 'JBSWY3DPEHPK3PXP', 0, 0, '');",
        );
        let input = Input::new(&db);
        assert!(detect(&input));
        let items = read(&input, None).unwrap();
        let got: Vec<_> = items
            .iter()
            .map(|i| match i {
                ImportItem::Account(a) => {
                    (a.issuer.clone(), a.name.clone(), a.otp.kind, a.otp.counter)
                }
                ImportItem::NotImported(n) => panic!("{n:?}"),
            })
            .collect();
        assert_eq!(
            got,
            [
                (Some("Deno".into()), "Mason".into(), OtpKind::Totp, 0),
                (Some("Issuu".into()), "James".into(), OtpKind::Hotp, 7),
                (None, "plain".into(), OtpKind::Totp, 0),
            ]
        );
    }

    #[test]
    fn bad_rows_are_named_and_encrypted_ones_listed() {
        let db = database(
            "CREATE TABLE accounts (email TEXT, secret TEXT, type INTEGER, isencrypted INTEGER);
             INSERT INTO accounts VALUES ('a', 'xxxx', 1, 1), ('b', '!!', 0, 0);",
        );
        let e = read(&Input::new(&db), None).unwrap_err();
        assert!(
            matches!(&e, ImportError::Damaged { entry: Some(l), .. } if l == "entry 2 (b)"),
            "{e}"
        );
        let db = database(
            "CREATE TABLE accounts (email TEXT, secret TEXT, type INTEGER, isencrypted INTEGER); INSERT INTO accounts VALUES ('a', 'xxxx', 1, 1);",
        );
        assert!(matches!(
            &read(&Input::new(&db), None).unwrap()[..],
            [ImportItem::NotImported(_)]
        ));
        let other = database("CREATE TABLE accounts (name TEXT, oath_secret_key TEXT);");
        assert!(!detect(&Input::new(&other)));
        assert!(!detect(&Input::new(&db[..100])));
    }
}
