//! Authenticator Plus: a password-protected ZIP holding `Accounts.txt`, a
//! list of `otpauth://` links.
//!
//! Source: Aegis `importers/AuthenticatorPlusImporter.java`, formats.md §17.
//!
//! The archive uses the traditional PKWARE encryption ("ZipCrypto") and
//! deflate; the `zip` crate reads both. ZipCrypto checks a password with
//! one byte, so about one wrong password in 256 gets past that check; it
//! then fails the entry's CRC or its inflation, which is reported as a
//! wrong password too (a ZIP cannot tell that apart from damage).

use std::io::{Cursor, Read};

use zeroize::Zeroizing;

use super::{Input, otpauth_list};
use crate::import::{ImportError, ImportFormat, ImportItem};

const FORMAT: ImportFormat = ImportFormat::AuthenticatorPlus;

/// The file inside the archive.
const ACCOUNTS: &str = "Accounts.txt";
/// The largest `Accounts.txt` read (a link list of thousands of accounts
/// is far smaller): a hostile archive cannot inflate to gigabytes.
const MAX_ACCOUNTS_BYTES: u64 = 16 * 1024 * 1024;

/// True for a ZIP whose first entry (or any entry, when the archive's
/// directory reads) is `Accounts.txt`.
pub(super) fn detect(input: &Input<'_>) -> bool {
    let b = input.bytes;
    if !b.starts_with(b"PK\x03\x04") {
        return false;
    }
    // The local header of the first entry: name length at 26, name at 30.
    let first_name = b
        .get(26..28)
        .and_then(|n| <[u8; 2]>::try_from(n).ok())
        .map(|n| usize::from(u16::from_le_bytes(n)))
        .and_then(|len| b.get(30..30 + len));
    first_name == Some(ACCOUNTS.as_bytes())
        || zip::ZipArchive::new(Cursor::new(b)).is_ok_and(|z| z.file_names().any(|n| n == ACCOUNTS))
}

/// Opens `Accounts.txt` with `password` and reads its links.
pub(super) fn read(
    input: &Input<'_>,
    password: Option<&str>,
) -> Result<Vec<ImportItem>, ImportError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(input.bytes))
        .map_err(|_| ImportError::damaged(FORMAT, "it is not a readable ZIP archive"))?;
    let wrong = ImportError::WrongPassword { format: FORMAT };
    let file = match password {
        Some(p) => archive.by_name_decrypt(ACCOUNTS, p.as_bytes()),
        None => archive.by_name(ACCOUNTS),
    };
    let file = match file {
        Ok(f) => f,
        Err(zip::result::ZipError::InvalidPassword) => return Err(wrong),
        Err(zip::result::ZipError::UnsupportedArchive(why))
            if why == zip::result::ZipError::PASSWORD_REQUIRED =>
        {
            return Err(ImportError::PasswordNeeded { format: FORMAT });
        }
        Err(zip::result::ZipError::FileNotFound) => {
            return Err(ImportError::damaged(FORMAT, "it has no Accounts.txt"));
        }
        Err(_) => {
            return Err(ImportError::damaged(
                FORMAT,
                "its Accounts.txt cannot be read",
            ));
        }
    };
    let encrypted = file.encrypted();
    let mut text = Zeroizing::new(Vec::new());
    let read = file.take(MAX_ACCOUNTS_BYTES + 1).read_to_end(&mut text);
    match read {
        // A CRC or inflate failure after a password got past the check
        // byte: the password was wrong.
        Err(_) if encrypted && password.is_some() => return Err(wrong),
        Err(_) => return Err(ImportError::damaged(FORMAT, "its Accounts.txt is damaged")),
        Ok(n) if n as u64 > MAX_ACCOUNTS_BYTES => {
            return Err(ImportError::damaged(
                FORMAT,
                "its Accounts.txt is far too large",
            ));
        }
        Ok(_) => {}
    }
    let text = std::str::from_utf8(&text).map_err(|_| {
        if encrypted {
            wrong.clone()
        } else {
            ImportError::damaged(FORMAT, "its Accounts.txt is not text")
        }
    })?;
    otpauth_list::read_text(text.trim_start_matches('\u{feff}'), FORMAT)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zip_of(name: &str, content: &[u8]) -> Vec<u8> {
        use std::io::Write as _;
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        w.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(content).unwrap();
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn reads_an_unprotected_archive_and_refuses_others() {
        let z = zip_of(ACCOUNTS, b"otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP\n");
        let input = Input::new(&z);
        assert!(detect(&input));
        let items = read(&input, None).unwrap();
        let [ImportItem::Account(a)] = &items[..] else {
            panic!("{items:?}")
        };
        assert_eq!(a.provenance.to_string(), "import:authenticator_plus");
        assert!(!detect(&Input::new(&zip_of("other.txt", b"x"))));
        assert!(!detect(&Input::new(b"PK\x03\x04")));
    }

    #[test]
    fn a_truncated_archive_is_damaged() {
        let z = zip_of(ACCOUNTS, b"otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP\n");
        let cut = &z[..z.len() / 2];
        assert!(detect(&Input::new(cut)));
        assert!(matches!(
            read(&Input::new(cut), Some("pw")).unwrap_err(),
            ImportError::Damaged { .. }
        ));
    }
}
