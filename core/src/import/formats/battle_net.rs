//! The Battle.net app's authenticator (Android shared preferences, root
//! only): one token, its secret and serial "masked".
//!
//! Source: Aegis `importers/BattleNetImporter.java`, formats.md §14.
//!
//! `shared_prefs/com.blizzard.messenger.authenticator_preferences.xml` holds
//! `com.blizzard.messenger.AUTHENTICATOR_DEVICE_SECRET` and
//! `...AUTHENTICATOR_SERIAL` as hex, XORed with a fixed 56-byte key (the
//! encryption type entry says `MASK`). Unmasked, the serial is text
//! (`US-2211-2050-3346`) and the secret is hex text of the key bytes. The
//! token is TOTP, SHA1, 8 digits, 30 s; issuer `Battle.net`, name the
//! serial.

use zeroize::Zeroizing;

use super::{Input, fields};
use crate::{
    import::{ImportError, ImportFormat, ImportItem},
    otp::{OtpKind, Secret},
};

const FORMAT: ImportFormat = ImportFormat::BattleNet;

const SECRET: &str = "com.blizzard.messenger.AUTHENTICATOR_DEVICE_SECRET";
const SERIAL: &str = "com.blizzard.messenger.AUTHENTICATOR_SERIAL";
const ENCRYPTION: &str = "com.blizzard.messenger.AUTHENTICATOR_CREDENTIALS_ENCRYPTION_TYPE";

/// The fixed XOR mask of the app (not a secret: it is in every copy).
const MASK: &str = "398e27fc50276a656065b0e525f4c06c04c61075286b8e7aeda59da9813b5dd6c80d2fb38068773fa59ba47c17ca6c6479015c1d5b8b8f6b9a";

/// Battle.net codes have 8 digits.
const DIGITS: u64 = 8;

/// True for a preferences file with the Battle.net device secret.
pub(super) fn detect(input: &Input<'_>) -> bool {
    input
        .prefs
        .as_ref()
        .is_some_and(|p| p.get(SECRET).is_some())
}

/// Reads the one token.
pub(super) fn read(
    input: &Input<'_>,
    _password: Option<&str>,
) -> Result<Vec<ImportItem>, ImportError> {
    let prefs = input.prefs.as_ref().ok_or(ImportError::UnknownFormat)?;
    let damaged = |why: &str| ImportError::damaged(FORMAT, why);
    if let Some(kind) = prefs.get(ENCRYPTION).filter(|k| k.trim() != "MASK") {
        // Newer versions may protect the secret differently (with a key
        // kept by the phone); only the mask can be undone from the file.
        let kind: String = kind.chars().take(20).collect();
        return Err(damaged(&format!(
            "its secret is protected with {kind:?}, not the mask Watchword can undo"
        )));
    }
    let masked = prefs
        .get(SECRET)
        .ok_or_else(|| damaged("it has no device secret"))?;
    let hex = unmask(masked).ok_or_else(|| damaged("its device secret is not masked hex"))?;
    let bytes =
        fields::hex(&hex).ok_or_else(|| damaged("its unmasked device secret is not hex"))?;
    let secret = Secret::from_bytes(bytes).map_err(|_| damaged("its device secret is empty"))?;
    // The serial may be empty (Aegis then names the account nothing).
    let serial = match prefs.get(SERIAL).map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => unmask(s).ok_or_else(|| damaged("its serial is not masked hex"))?,
        None => Zeroizing::new(String::new()),
    };
    let params = fields::params(OtpKind::Totp, secret, None, Some(DIGITS), None, None)
        .map_err(|why| damaged(&why))?;
    Ok(vec![ImportItem::Account(fields::account(
        FORMAT,
        Some("Battle.net"),
        &serial,
        params,
    ))])
}

/// Hex-decodes `masked`, XORs byte i with byte i of [`MASK`] and reads the
/// result as ASCII text. `None` when it is not hex, longer than the mask,
/// or not ASCII.
fn unmask(masked: &str) -> Option<Zeroizing<String>> {
    let mask = fields::hex(MASK)?;
    let bytes = Zeroizing::new(fields::hex(masked)?);
    if bytes.len() > mask.len() {
        return None;
    }
    let text: Zeroizing<String> = Zeroizing::new(
        bytes
            .iter()
            .zip(&mask)
            .map(|(b, m)| char::from(b ^ m))
            .collect(),
    );
    text.is_ascii().then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mask(text: &str) -> String {
        let m = fields::hex(MASK).unwrap();
        text.bytes()
            .zip(m)
            .map(|(b, m)| format!("{:02x}", b ^ m))
            .collect()
    }

    fn prefs(entries: &[(&str, &str)]) -> String {
        let mut x = String::from("<?xml version='1.0'?><map>");
        for (n, v) in entries {
            x.push_str(&format!("<string name=\"{n}\">{v}</string>"));
        }
        x + "</map>"
    }

    #[test]
    fn unmasks_the_secret_and_serial() {
        let xml = prefs(&[
            (ENCRYPTION, "MASK"),
            (SECRET, &mask("0a0b0c")),
            (SERIAL, &mask("EU-1-2")),
        ]);
        let input = Input::new(xml.as_bytes());
        assert!(detect(&input));
        let items = read(&input, None).unwrap();
        let [ImportItem::Account(a)] = &items[..] else {
            panic!("{items:?}")
        };
        assert_eq!(
            (a.issuer.as_deref(), a.name.as_str()),
            (Some("Battle.net"), "EU-1-2")
        );
        assert_eq!(a.otp.secret.expose(), &[10, 11, 12]);
        assert_eq!(a.otp.digits.get(), 8);
    }

    #[test]
    fn damage_is_typed() {
        for xml in [
            prefs(&[(SECRET, "zz")]),
            prefs(&[(SECRET, &"00".repeat(57))]),
            prefs(&[(SECRET, &mask("xyz"))]),
            prefs(&[(ENCRYPTION, "KEYSTORE"), (SECRET, &mask("0a"))]),
        ] {
            let e = read(&Input::new(xml.as_bytes()), None).unwrap_err();
            assert!(matches!(e, ImportError::Damaged { .. }), "{e}");
        }
        assert!(!detect(&Input::new(prefs(&[(SERIAL, "00")]).as_bytes())));
    }
}
