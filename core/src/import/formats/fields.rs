//! From the words an export uses (`"TOTP"`, `"SHA256"`, `6`, a base32 or
//! hex secret) to an [`Account`]: the conversions every reader needs, in
//! one place, so that each reader is only about its file's layout.

use crate::{
    account::{Account, Provenance},
    import::ImportFormat,
    otp::{Algorithm, Digits, OtpAuthUri, OtpKind, OtpParams, Secret, params::check_period},
};

/// What an entry's type is: one Watchword generates, or one it cannot
/// (named for the "not imported" line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum EntryKind {
    /// TOTP, HOTP or Steam.
    Otp(OtpKind),
    /// mOTP, Yandex, a push token...: the name to show.
    Other(&'static str),
}

/// Reads a type name as apps write it (`totp`, `TOTP`, `hotp`, `steam`,
/// `motp`, `yandex`/`yaotp`, ...), any case. `None` for a name no app uses.
pub(super) fn kind(name: &str) -> Option<EntryKind> {
    Some(match name.trim().to_ascii_lowercase().as_str() {
        "totp" => EntryKind::Otp(OtpKind::Totp),
        "hotp" => EntryKind::Otp(OtpKind::Hotp),
        "steam" => EntryKind::Otp(OtpKind::Steam),
        "motp" => EntryKind::Other("mOTP"),
        "yandex" | "yaotp" => EntryKind::Other("Yandex"),
        _ => return None,
    })
}

/// A base32 secret as exports write it (spaces, dashes, lower case and `=`
/// padding allowed).
pub(super) fn base32_secret(text: &str) -> Result<Secret, String> {
    Secret::from_base32(text).map_err(|_| "its secret is not valid base32".to_owned())
}

/// A secret written as hex.
pub(super) fn hex_secret(text: &str) -> Result<Secret, String> {
    let bytes = hex(text).ok_or("its secret is not valid hex")?;
    Secret::from_bytes(bytes).map_err(|_| "its secret is empty".to_owned())
}

/// Decodes hex (either case); `None` if any character is not hex or the
/// length is odd.
pub(super) fn hex(text: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Standard base64 (with or without padding).
pub(super) fn base64(text: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    let text = text.trim();
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .or_else(|_| {
            base64::engine::general_purpose::STANDARD_NO_PAD.decode(text.trim_end_matches('='))
        })
        .ok()
}

/// The generator settings of an entry. `algorithm`, `digits` and `period`
/// are what the file says (absent: the defaults SHA1, 6, 30 s); Steam
/// ignores them (its codes are fixed: SHA1, 5 characters, 30 s).
pub(super) fn params(
    kind: OtpKind,
    secret: Secret,
    algorithm: Option<&str>,
    digits: Option<u64>,
    period: Option<u64>,
    counter: Option<u64>,
) -> Result<OtpParams, String> {
    if kind == OtpKind::Steam {
        return Ok(OtpParams::steam(secret));
    }
    let mut p = match kind {
        OtpKind::Hotp => OtpParams::hotp(secret, counter.unwrap_or(0)),
        _ => OtpParams::totp(secret),
    };
    if let Some(a) = algorithm.map(str::trim).filter(|a| !a.is_empty()) {
        p.algorithm = a
            .parse::<Algorithm>()
            .map_err(|_| format!("its algorithm {a:?} is not SHA1, SHA256 or SHA512"))?;
    }
    if let Some(d) = digits {
        p.digits = u8::try_from(d)
            .ok()
            .and_then(|d| Digits::new(d).ok())
            .ok_or_else(|| format!("{d} digits is not between 1 and 10"))?;
    }
    if let (Some(s), true) = (period, kind == OtpKind::Totp) {
        p.period = u32::try_from(s)
            .ok()
            .and_then(|s| check_period(s).ok())
            .ok_or_else(|| format!("a period of {s} seconds is not usable"))?;
    }
    Ok(p)
}

/// [`params`] with the algorithm (named `algorithm_key` by the app),
/// `digits`, `period` and `counter` read from the JSON object `obj`, as
/// Aegis, 2FAS and andOTP write them.
pub(super) fn json_params(
    kind: OtpKind,
    secret: Secret,
    obj: &serde_json::Value,
    algorithm_key: &str,
) -> Result<OtpParams, String> {
    params(
        kind,
        secret,
        json_str(obj, algorithm_key),
        json_u64(obj.get("digits")),
        json_u64(obj.get("period")),
        json_u64(obj.get("counter")),
    )
}

/// An imported account: issuer (blank is none) and name as the app had
/// them, provenance `import:<format>`.
pub(super) fn account(
    format: ImportFormat,
    issuer: Option<&str>,
    name: &str,
    params: OtpParams,
) -> Account {
    Account::new(
        issuer.map(|i| i.trim().to_owned()),
        name.trim().to_owned(),
        params,
        Provenance::import(format.id()),
    )
}

/// The account of an `otpauth://` link found inside an export (Ente,
/// Bitwarden, Proton, Authenticator Plus...), parsed by the one link
/// parser, provenance `import:<format>`.
pub(super) fn link_account(format: ImportFormat, link: &str) -> Result<Account, String> {
    let uri = OtpAuthUri::parse(link).map_err(|e| e.to_string())?;
    Ok(Account::from_uri(&uri, Provenance::import(format.id())))
}

/// "Issuer:name" split the way apps that store one label do: at the first
/// colon, both parts trimmed; no colon is a name without issuer.
pub(super) fn split_label(label: &str) -> (Option<&str>, &str) {
    match label.split_once(':') {
        Some((i, n)) if !i.trim().is_empty() => (Some(i.trim()), n.trim()),
        _ => (None, label.trim()),
    }
}

/// A JSON number or a string holding one (apps write both).
pub(super) fn json_u64(v: Option<&serde_json::Value>) -> Option<u64> {
    match v? {
        serde_json::Value::Number(n) => n.as_u64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A JSON string field, `None` when absent, null or not a string.
pub(super) fn json_str<'v>(v: &'v serde_json::Value, key: &str) -> Option<&'v str> {
    v.get(key)?.as_str()
}

/// The secret of a `steam://<base32>` link (Bitwarden's and Proton's way
/// of holding a Steam Guard key); `None` when `link` is not one.
pub(super) fn steam_link_secret(link: &str) -> Option<Result<Secret, String>> {
    let head = link.trim().get(..8)?;
    if !head.eq_ignore_ascii_case("steam://") {
        return None;
    }
    Some(base32_secret(link.trim().get(8..).unwrap_or_default()))
}

/// JSON parsed from a decrypted export: it holds every secret of the file,
/// so its strings are overwritten with zeros when it is dropped (serde_json
/// has no zeroizing value of its own).
pub(super) struct SecretJson(pub serde_json::Value);

impl SecretJson {
    /// Parses decrypted `plain` (kept in its `Zeroizing` buffer by the
    /// caller); the error names no content.
    pub(super) fn parse(plain: &[u8]) -> Result<Self, String> {
        serde_json::from_slice(plain).map(SecretJson).map_err(|e| {
            format!(
                "the decrypted content is not JSON (line {}, column {})",
                e.line(),
                e.column()
            )
        })
    }
}

impl Drop for SecretJson {
    fn drop(&mut self) {
        wipe_json(&mut self.0);
    }
}

/// Overwrites every string value inside `value` with zeros.
pub(super) fn wipe_json(value: &mut serde_json::Value) {
    use zeroize::Zeroize as _;
    match value {
        serde_json::Value::String(s) => s.zeroize(),
        serde_json::Value::Array(items) => items.iter_mut().for_each(wipe_json),
        serde_json::Value::Object(map) => {
            // Keys are field names, not secrets; values may be.
            map.values_mut().for_each(wipe_json);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_apply_what_the_file_says_and_refuse_what_cannot_work() {
        let s = || base32_secret("JBSWY3DPEHPK3PXP").unwrap();
        let p = params(OtpKind::Totp, s(), Some("sha256"), Some(8), Some(60), None).unwrap();
        assert_eq!(
            (p.algorithm, p.digits.get(), p.period),
            (Algorithm::Sha256, 8, 60)
        );
        let h = params(OtpKind::Hotp, s(), None, None, None, Some(7)).unwrap();
        assert_eq!(h.counter, 7);
        assert!(
            params(OtpKind::Totp, s(), Some("MD5"), None, None, None)
                .unwrap_err()
                .contains("MD5")
        );
        assert_eq!(
            params(OtpKind::Totp, s(), None, Some(11), None, None),
            Err("11 digits is not between 1 and 10".into())
        );
        assert_eq!(
            params(OtpKind::Totp, s(), None, None, Some(0), None),
            Err("a period of 0 seconds is not usable".into())
        );
        let steam = params(OtpKind::Steam, s(), Some("SHA512"), Some(8), Some(60), None).unwrap();
        assert_eq!(steam, OtpParams::steam(s()));
    }

    #[test]
    fn hex_and_labels() {
        assert_eq!(hex("0aFF"), Some(vec![10, 255]));
        assert_eq!(hex("0aF"), None);
        assert_eq!(hex("zz"), None);
        assert_eq!(split_label("Deno:Mason"), (Some("Deno"), "Mason"));
        assert_eq!(split_label("Mason"), (None, "Mason"));
        assert_eq!(split_label(":Mason"), (None, ":Mason"));
        assert_eq!(kind("TOTP"), Some(EntryKind::Otp(OtpKind::Totp)));
        assert_eq!(kind("yandex"), Some(EntryKind::Other("Yandex")));
        assert_eq!(kind("push"), None);
    }
}
