//! A text file of links, one a line: `otpauth://` links (plain exports of
//! Aegis, Ente Auth, FreeOTP+, Authenticator Plus's `Accounts.txt`) and
//! `otpauth-migration://` lines (a Google Authenticator export saved as
//! text). Blank lines and `#` comments are skipped; Ente also separates
//! links with commas.

use super::{Input, fields};
use crate::{
    account::{Account, Provenance},
    enrol::parse_migration,
    import::{ImportError, ImportFormat, ImportItem},
};

const FORMAT: ImportFormat = ImportFormat::OtpauthList;

/// True when the first line that is not blank or a comment is a link.
pub(super) fn detect(input: &Input<'_>) -> bool {
    input.json.is_none() && input.text.is_some_and(|t| first_link(t).is_some())
}

fn first_link(text: &str) -> Option<&str> {
    links(text).next().map(|(_, l)| l)
}

/// (line number, link) for every link of the text.
fn links(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().starts_with('#'))
        .flat_map(|(i, l)| l.split(',').map(move |part| (i + 1, part.trim())))
        .filter(|(_, l)| !l.is_empty())
        .take_while(|(_, l)| is_link(l))
}

fn is_link(text: &str) -> bool {
    let head = text.get(..20).unwrap_or(text).to_ascii_lowercase();
    head.starts_with("otpauth://") || head.starts_with("otpauth-migration:")
}

/// Reads every link; a line that is not a usable link refuses the file,
/// naming the line.
pub(super) fn read(
    input: &Input<'_>,
    _password: Option<&str>,
) -> Result<Vec<ImportItem>, ImportError> {
    let text = input.text.ok_or(ImportError::UnknownFormat)?;
    read_text(text, FORMAT)
}

/// The links of `text` as accounts of `format` (Authenticator Plus's
/// archive holds such a list too).
pub(super) fn read_text(text: &str, format: ImportFormat) -> Result<Vec<ImportItem>, ImportError> {
    let mut items = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        for part in line.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let at = |why: String| ImportError::Damaged {
                format,
                entry: Some(format!("line {}", i + 1)),
                reason: why,
            };
            if part
                .get(..18)
                .is_some_and(|h| h.eq_ignore_ascii_case("otpauth-migration:"))
            {
                let m = parse_migration(part).map_err(|e| at(e.to_string()))?;
                items.extend(m.accounts.iter().map(|uri| {
                    ImportItem::Account(Account::from_uri(uri, Provenance::import(format.id())))
                }));
            } else if is_link(part) {
                items.push(ImportItem::Account(
                    fields::link_account(format, part).map_err(at)?,
                ));
            } else {
                return Err(at("it is not an otpauth:// link".into()));
            }
        }
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_links_commas_comments_and_names_a_bad_line() {
        let text = "# export\notpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP, otpauth://hotp/B:b?secret=JBSWY3DPEHPK3PXP&counter=3\n\n";
        let input = Input::new(text.as_bytes());
        assert!(detect(&input));
        let items = read(&input, None).unwrap();
        assert_eq!(items.len(), 2);
        let bad = "otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP\notpauth://totp/B:b?secret=!!\n";
        let e = read(&Input::new(bad.as_bytes()), None).unwrap_err();
        assert!(
            matches!(&e, ImportError::Damaged { entry: Some(l), .. } if l == "line 2"),
            "{e}"
        );
        assert!(!detect(&Input::new(
            b"hello\notpauth://totp/A?secret=JBSWY3DPEHPK3PXP"
        )));
    }
}
