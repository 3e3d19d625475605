//! FreeOTP: its token preferences (v1) and its encrypted backup (v2).
//!
//! Source: Aegis `importers/FreeOtpImporter.java`, formats.md §8.
//!
//! - **v1** is FreeOTP's `shared_prefs/tokens.xml` (Android shared
//!   preferences): one `<string>` per token holding the token as JSON
//!   (`algo`, `counter`, `digits`, `issuerExt`, `label`, `period`, `secret`
//!   as an array of *signed* bytes, `type`), plus a `tokenOrder` entry (the
//!   display order, not a token).
//! - **v2** is the backup FreeOTP 2 writes: a Java-serialised
//!   `HashMap<String, String>` (starts `AC ED 00 05`). `masterKey` holds a
//!   master key sealed with AES-GCM under a PBKDF2 key of the password;
//!   each `<uuid>` holds a token secret sealed under the master key, and
//!   `<uuid>-token` the token JSON without its secret. The AES-GCM nonce of
//!   each sealed value is inside its DER `mParameters`, and the AAD is its
//!   `mToken` string.
//!
//! FreeOTP+ (a fork) writes the v1 token JSON too: `freeotp_plus.rs` reuses
//! [`token_item`] and [`read_token_prefs`].

use std::rc::Rc;

use serde_json::Value;
use zeroize::Zeroizing;

use super::{
    Input,
    android_prefs::Prefs,
    crypto::{self, Prf},
    fields::{self, EntryKind},
};
use crate::{
    import::{ImportError, ImportFormat, ImportItem, NotImported, NotImportedKind},
    otp::{OtpKind, Secret},
};

const FORMAT: ImportFormat = ImportFormat::FreeOtp;

/// The preference entry that lists the tokens' display order.
const TOKEN_ORDER: &str = "tokenOrder";

/// True for FreeOTP's token preferences or a FreeOTP 2 backup (a Java
/// serialisation stream of a `java.util.HashMap`).
pub(super) fn detect(input: &Input<'_>) -> bool {
    is_v2(input.bytes) || input.prefs.as_ref().is_some_and(is_token_prefs)
}

/// Reads v1 preferences, or decrypts a v2 backup with `password`.
pub(super) fn read(
    input: &Input<'_>,
    password: Option<&str>,
) -> Result<Vec<ImportItem>, ImportError> {
    if is_v2(input.bytes) {
        return read_v2(input.bytes, password);
    }
    let prefs = input.prefs.as_ref().ok_or(ImportError::UnknownFormat)?;
    read_token_prefs(prefs, FORMAT)
}

/// `AC ED 00 05` (Java serialisation, version 5), then a new object whose
/// new class descriptor names `java.util.HashMap`.
fn is_v2(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\xAC\xED\x00\x05\x73\x72\x00\x11java.util.HashMap")
}

/// True when `prefs` look like FreeOTP's (or FreeOTP+'s) `tokens.xml`: a
/// `tokenOrder` entry, or an entry whose value is a token object (a `type`
/// and a `secret` byte array). A damaged token is then reported by `read`
/// rather than making the file unknown.
pub(super) fn is_token_prefs(prefs: &Prefs) -> bool {
    prefs.get(TOKEN_ORDER).is_some() || prefs.entries().any(|(_, v)| looks_like_token(v))
}

/// A JSON object with a string `type` and an array `secret`.
fn looks_like_token(value: &str) -> bool {
    value.trim_start().starts_with('{')
        && serde_json::from_str::<Value>(value).is_ok_and(|v| {
            v.get("type").is_some_and(Value::is_string)
                && v.get("secret").is_some_and(Value::is_array)
        })
}

/// The tokens of a v1 `tokens.xml` (FreeOTP's or FreeOTP+'s, as `format`),
/// in the app's display order (`tokenOrder`) where it names them, else in
/// file order.
pub(super) fn read_token_prefs(
    prefs: &Prefs,
    format: ImportFormat,
) -> Result<Vec<ImportItem>, ImportError> {
    let order: Vec<String> = prefs
        .get(TOKEN_ORDER)
        .and_then(|o| serde_json::from_str(o).ok())
        .unwrap_or_default();
    let mut tokens = Vec::new();
    for (i, (name, value)) in prefs
        .entries()
        .filter(|(n, _)| *n != TOKEN_ORDER)
        .enumerate()
    {
        let obj: Value = serde_json::from_str(value)
            .map_err(|_| ImportError::entry(format, i, Some(name), "its token is not JSON"))?;
        let item = token_item(format, &obj, None, CounterStored::OneLow)
            .map_err(|why| ImportError::entry(format, i, Some(name), why))?;
        let rank = order.iter().position(|o| o == name).unwrap_or(order.len());
        tokens.push((rank, item));
    }
    // A stable sort: tokens tokenOrder does not name keep file order, last.
    tokens.sort_by_key(|(rank, _)| *rank);
    Ok(tokens.into_iter().map(|(_, item)| item).collect())
}

/// How a token JSON's `counter` relates to the next HOTP counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CounterStored {
    /// FreeOTP v1 and FreeOTP+ increment the counter *before* generating a
    /// code, so the stored value is one lower than the counter of the next
    /// code other apps would store (freeotp-android#54; the fixtures hold
    /// 10299 where every other app holds 10300). Watchword stores the next
    /// counter, so these import `counter + 1`.
    OneLow,
    /// FreeOTP 2's backup stores the next counter itself (its fixtures hold
    /// 10300, as other apps do; Aegis reads them without adjusting).
    AsIs,
}

/// One token JSON object (v1 layout) as an item of `format`. `secret` is
/// the decrypted secret of a v2 token (whose JSON has none); `None` reads
/// the `secret` signed-byte array. The error is the entry's reason.
pub(super) fn token_item(
    format: ImportFormat,
    obj: &Value,
    secret: Option<Secret>,
    counter: CounterStored,
) -> Result<ImportItem, String> {
    if !obj.is_object() {
        return Err("its token is not a JSON object".into());
    }
    let issuer = fields::json_str(obj, "issuerExt")
        .filter(|i| !i.trim().is_empty())
        .or_else(|| fields::json_str(obj, "issuerInt"));
    let name = fields::json_str(obj, "label").unwrap_or_default();
    let type_name = fields::json_str(obj, "type").ok_or("it has no type")?;
    let kind = match fields::kind(type_name) {
        Some(EntryKind::Otp(OtpKind::Totp)) if issuer.is_some_and(|i| i.trim() == "Steam") => {
            OtpKind::Steam
        }
        Some(EntryKind::Otp(k)) => k,
        Some(EntryKind::Other(what)) => {
            return Ok(not_imported(
                issuer,
                name,
                NotImportedKind::no_generator(what),
            ));
        }
        None => {
            return Ok(not_imported(
                issuer,
                name,
                NotImportedKind::unknown_type(type_name),
            ));
        }
    };
    let secret = match secret {
        Some(s) => s,
        None => {
            let bytes = obj
                .get("secret")
                .and_then(signed_bytes)
                .ok_or("its secret is not an array of bytes")?;
            Secret::from_bytes(bytes.to_vec()).map_err(|_| "its secret is empty".to_owned())?
        }
    };
    let stored = fields::json_u64(obj.get("counter"));
    let counter = match (kind, counter) {
        (OtpKind::Hotp, CounterStored::OneLow) => Some(
            stored
                .unwrap_or(0)
                .checked_add(1)
                .ok_or("its counter is out of range")?,
        ),
        _ => stored,
    };
    // `algo` may be absent or JSON null (FreeOTP 2 writes null for SHA1):
    // both mean the default, SHA1.
    let params = fields::params(
        kind,
        secret,
        fields::json_str(obj, "algo"),
        fields::json_u64(obj.get("digits")),
        fields::json_u64(obj.get("period")),
        counter,
    )?;
    Ok(ImportItem::Account(fields::account(
        format, issuer, name, params,
    )))
}

fn not_imported(issuer: Option<&str>, name: &str, kind: NotImportedKind) -> ImportItem {
    let label = match issuer.map(str::trim).filter(|i| !i.is_empty()) {
        Some(i) => format!("{i}: {}", name.trim()),
        None => name.trim().to_owned(),
    };
    ImportItem::NotImported(NotImported::new(label, kind))
}

/// A JSON array of bytes as Java writes them (signed, -128..=127; 128..=255
/// accepted too), as bytes. `None` if any element is not such a number.
pub(super) fn signed_bytes(v: &Value) -> Option<Zeroizing<Vec<u8>>> {
    let array = v.as_array()?;
    let mut out = Zeroizing::new(Vec::with_capacity(array.len()));
    for b in array {
        let n = b.as_i64().filter(|n| (-128..=255).contains(n))?;
        // Two's complement: -19 is the byte 0xED.
        out.push(n as u8);
    }
    Some(out)
}

// ---------------------------------------------------------------- v2

/// The `masterKey` entry's password-derivation key length (AES-256).
const PASSWORD_KEY_LEN: usize = 32;

/// Reads a FreeOTP 2 backup: the serialised map, then the master key with
/// the password, then each token's secret with the master key.
fn read_v2(bytes: &[u8], password: Option<&str>) -> Result<Vec<ImportItem>, ImportError> {
    let damaged = |why: &str| ImportError::damaged(FORMAT, why);
    let map = java_hashmap(bytes).map_err(|why| ImportError::damaged(FORMAT, why))?;
    let get = |key: &str| map.iter().find(|(k, _)| &**k == key).map(|(_, v)| &**v);
    let master: Value =
        serde_json::from_str(get("masterKey").ok_or_else(|| damaged("it has no masterKey"))?)
            .map_err(|_| damaged("its masterKey is not JSON"))?;
    let Some(password) = password else {
        return Err(ImportError::PasswordNeeded { format: FORMAT });
    };

    let prf = match fields::json_str(&master, "mAlgorithm") {
        Some("PBKDF2withHmacSHA1") => Prf::Sha1,
        Some("PBKDF2withHmacSHA512") => Prf::Sha512,
        _ => {
            return Err(damaged(
                "its master key uses a key derivation other than PBKDF2 with SHA1 or SHA512",
            ));
        }
    };
    let iterations = fields::json_u64(master.get("mIterations"))
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| damaged("its master key has no iteration count"))?;
    let salt = master
        .get("mSalt")
        .and_then(signed_bytes)
        .ok_or_else(|| damaged("its master key has no salt"))?;
    let sealed = Sealed::parse(
        master
            .get("mEncryptedKey")
            .ok_or_else(|| damaged("its master key is missing"))?,
    )
    .map_err(|why| damaged(&format!("its master key: {why}")))?;
    let password_key = crypto::pbkdf2(
        prf,
        password.as_bytes(),
        &salt,
        iterations,
        PASSWORD_KEY_LEN,
    )
    .map_err(|why| ImportError::damaged(FORMAT, why))?;
    let master_key = sealed
        .open(&password_key)
        .map_err(|why| damaged(&format!("its master key: {why}")))?
        .ok_or(ImportError::WrongPassword { format: FORMAT })?;

    let mut items = Vec::new();
    // The sealed secrets are the entries holding `{"key": "..."}`; each has
    // its details under `<name>-token`. Other entries (none in the backups
    // seen, but a later version may add settings) hold no token.
    let secrets = map.iter().filter_map(|(name, value)| {
        let outer: Value = serde_json::from_str(value).ok()?;
        let sealed = fields::json_str(&outer, "key")?.to_owned();
        Some((name, sealed))
    });
    for (i, (name, sealed)) in secrets.enumerate() {
        let token_json = get(&format!("{name}-token"));
        let token: Option<Value> = token_json.and_then(|t| serde_json::from_str(t).ok());
        let label = token
            .as_ref()
            .and_then(|t| fields::json_str(t, "label"))
            .map(str::to_owned);
        let at = |why: String| ImportError::entry(FORMAT, i, label.as_deref(), why);
        let token = token.ok_or_else(|| at("its token details are missing or not JSON".into()))?;
        let secret = token_secret(&sealed, &master_key).map_err(at)?;
        items.push(token_item(FORMAT, &token, Some(secret), CounterStored::AsIs).map_err(at)?);
    }
    Ok(items)
}

/// The secret in one entry's `key`: the JSON of a sealed value, opened with
/// the master key.
fn token_secret(sealed: &str, master_key: &[u8]) -> Result<Secret, String> {
    let inner: Value =
        serde_json::from_str(sealed).map_err(|_| "its sealed key is not JSON".to_owned())?;
    let plain = Sealed::parse(&inner)?
        .open(master_key)?
        // The master key opened, so this one was altered.
        .ok_or("its secret does not decrypt with the master key (the file was altered)")?;
    Secret::from_bytes(plain.to_vec()).map_err(|_| "its secret is empty".to_owned())
}

/// A value sealed the way FreeOTP 2 seals (`mCipher`, `mCipherText`,
/// `mParameters`, `mToken`).
struct Sealed {
    ciphertext: Zeroizing<Vec<u8>>,
    parameters: Zeroizing<Vec<u8>>,
    token: String,
}

impl Sealed {
    fn parse(v: &Value) -> Result<Sealed, String> {
        match fields::json_str(v, "mCipher") {
            Some("AES/GCM/NoPadding") => {}
            _ => return Err("it is not sealed with AES-GCM".into()),
        }
        let bytes = |key: &str| {
            v.get(key)
                .and_then(signed_bytes)
                .ok_or(format!("its {key} is not a byte array"))
        };
        Ok(Sealed {
            ciphertext: bytes("mCipherText")?,
            parameters: bytes("mParameters")?,
            token: fields::json_str(v, "mToken")
                .ok_or("it has no mToken")?
                .to_owned(),
        })
    }

    /// The plaintext; `Ok(None)` when `key` is wrong (or the data altered).
    fn open(&self, key: &[u8]) -> Result<Option<crypto::Plain>, String> {
        let nonce = der_nonce(&self.parameters).ok_or("its parameters hold no nonce")?;
        if nonce.len() != 12 {
            return Err(format!(
                "a {}-byte nonce (AES-GCM here uses 12)",
                nonce.len()
            ));
        }
        // The AAD is the UTF-8 of `mToken` (FreeOTP binds each sealed value
        // to the name of the key it holds).
        Ok(crypto::aes_gcm_open(
            key,
            nonce,
            &self.ciphertext,
            self.token.as_bytes(),
        ))
    }
}

/// The GCM nonce in `mParameters`: Java's `AlgorithmParameters.getEncoded()`
/// for GCM, i.e. DER: either an OCTET STRING (the nonce) or a SEQUENCE whose
/// first OCTET STRING is the nonce (`GCMParameters ::= SEQUENCE { nonce
/// OCTET STRING, icvLen INTEGER }`, RFC 5084).
fn der_nonce(der: &[u8]) -> Option<&[u8]> {
    const OCTET_STRING: u8 = 0x04;
    const SEQUENCE: u8 = 0x30;
    let (tag, content, _) = der_tlv(der)?;
    match tag {
        OCTET_STRING => Some(content),
        SEQUENCE => {
            let mut rest = content;
            while !rest.is_empty() {
                let (tag, content, next) = der_tlv(rest)?;
                if tag == OCTET_STRING {
                    return Some(content);
                }
                rest = next;
            }
            None
        }
        _ => None,
    }
}

/// One DER tag-length-value: (tag, content, what follows). Definite lengths
/// only (short form, or long form of 1 to 4 bytes), bounds-checked.
fn der_tlv(der: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let tag = *der.first()?;
    let first = *der.get(1)?;
    let (len, header) = if first < 0x80 {
        (usize::from(first), 2)
    } else {
        let n = usize::from(first & 0x7F);
        if !(1..=4).contains(&n) {
            return None;
        }
        let len = der
            .get(2..2 + n)?
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (len, 2 + n)
    };
    let end = header.checked_add(len)?;
    Some((tag, der.get(header..end)?, der.get(end..)?))
}

// ------------------------------------------------- Java serialisation

/// A tiny reader of the Java Object Serialization Stream Protocol, for
/// exactly what `ObjectOutputStream.writeObject(HashMap<String, String>)`
/// writes, and nothing else (no crate reads Java serialisation well, and a
/// general reader would be a large attack surface):
///
/// ```text
/// AC ED 00 05                      magic, version 5
/// 73                               TC_OBJECT
///   72 <utf "java.util.HashMap">   TC_CLASSDESC, class name
///      <u64 serialVersionUID> <u8 flags: SC_SERIALIZABLE|SC_WRITE_METHOD>
///      <u16 n> n × (<u8 type code> <utf field name>)   primitive fields
///      78                          TC_ENDBLOCKDATA (no class annotation)
///      70                          TC_NULL (no serialisable superclass)
///   <the primitive field values>   loadFactor (F), threshold (I) on newer Androids
///   77 08 <i32 buckets> <i32 size> TC_BLOCKDATA from HashMap.writeObject
///   size × (<key> <value>)         each TC_STRING 74 <u16 len> <modified UTF-8>,
///                                  TC_LONGSTRING 7C <u64 len> <...>, or
///                                  TC_REFERENCE 71 <u32 handle> to an earlier string
///   78                             TC_ENDBLOCKDATA
/// ```
///
/// Every read is bounds-checked; lengths are checked against the bytes left
/// before anything is allocated. The error is a reason for `Damaged`.
fn java_hashmap(bytes: &[u8]) -> Result<JavaMap, String> {
    let mut r = JavaReader {
        bytes,
        pos: 0,
        handles: Vec::new(),
    };
    if r.take(4)? != [0xAC, 0xED, 0x00, 0x05] {
        return Err("it is not a Java serialisation stream".into());
    }
    r.expect(TC_OBJECT, "an object")?;
    r.expect(TC_CLASSDESC, "a class description")?;
    if r.utf()? != "java.util.HashMap" {
        return Err("it does not hold a HashMap".into());
    }
    let _serial_version_uid = r.take(8)?;
    let flags = r.u8()?;
    if flags & SC_SERIALIZABLE == 0 || flags & SC_WRITE_METHOD == 0 {
        return Err("its HashMap description is not one Java writes".into());
    }
    let mut field_bytes = 0usize;
    for _ in 0..r.u16()? {
        let size = match r.u8()? {
            b'B' | b'Z' => 1,
            b'C' | b'S' => 2,
            b'F' | b'I' => 4,
            b'D' | b'J' => 8,
            _ => return Err("its HashMap has a field that is not a number".into()),
        };
        let _name = r.utf()?;
        field_bytes += size;
    }
    r.expect(TC_ENDBLOCKDATA, "the end of the class description")?;
    r.expect(TC_NULL, "no superclass")?;
    r.new_handle(None); // the class description
    r.new_handle(None); // the HashMap
    r.take(field_bytes)?;
    r.expect(TC_BLOCKDATA, "the HashMap's block data")?;
    if r.u8()? < 8 {
        return Err("the HashMap's block data is too short".into());
    }
    let _buckets = r.take(4)?;
    let size = u32::from_be_bytes(r.array()?);
    // No preallocation from `size`: the loop fails at the end of the bytes.
    let mut map = Vec::new();
    for _ in 0..size {
        let key = r.string()?;
        let value = r.string()?;
        map.push((key, value));
    }
    r.expect(TC_ENDBLOCKDATA, "the end of the HashMap")?;
    Ok(map)
}

/// A read `HashMap<String, String>`: its (key, value) pairs in stream order.
type JavaMap = Vec<(Rc<str>, Rc<str>)>;

const TC_NULL: u8 = 0x70;
const TC_REFERENCE: u8 = 0x71;
const TC_CLASSDESC: u8 = 0x72;
const TC_OBJECT: u8 = 0x73;
const TC_STRING: u8 = 0x74;
const TC_BLOCKDATA: u8 = 0x77;
const TC_ENDBLOCKDATA: u8 = 0x78;
const TC_LONGSTRING: u8 = 0x7C;
const SC_WRITE_METHOD: u8 = 0x01;
const SC_SERIALIZABLE: u8 = 0x02;
/// The first handle Java assigns (`baseWireHandle`).
const BASE_WIRE_HANDLE: u32 = 0x7E_0000;

/// A cursor over the stream and the handles assigned so far (strings keep
/// theirs, for `TC_REFERENCE`; shared, so a reference costs no copy).
struct JavaReader<'a> {
    bytes: &'a [u8],
    pos: usize,
    handles: Vec<Option<Rc<str>>>,
}

impl<'a> JavaReader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self.pos.checked_add(n).ok_or("a length is out of range")?;
        let out = self.bytes.get(self.pos..end).ok_or("it ends early")?;
        self.pos = end;
        Ok(out)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], String> {
        self.take(N)?.try_into().map_err(|_| "it ends early".into())
    }

    fn u8(&mut self) -> Result<u8, String> {
        Ok(u8::from_be_bytes(self.array()?))
    }

    fn u16(&mut self) -> Result<u16, String> {
        Ok(u16::from_be_bytes(self.array()?))
    }

    fn expect(&mut self, code: u8, what: &str) -> Result<(), String> {
        if self.u8()? == code {
            Ok(())
        } else {
            Err(format!("{what} was expected"))
        }
    }

    /// A `writeUTF` string: u16 length, modified UTF-8.
    fn utf(&mut self) -> Result<String, String> {
        let len = usize::from(self.u16()?);
        modified_utf8(self.take(len)?).ok_or_else(|| "a string is not valid text".into())
    }

    fn new_handle(&mut self, value: Option<Rc<str>>) {
        self.handles.push(value);
    }

    /// A string object: new (short or long) or a reference to an earlier one.
    fn string(&mut self) -> Result<Rc<str>, String> {
        let len = match self.u8()? {
            TC_STRING => usize::from(self.u16()?),
            TC_LONGSTRING => {
                let len = u64::from_be_bytes(self.array()?);
                // Checked against the bytes left by `take`, before any copy.
                usize::try_from(len).map_err(|_| "a string is longer than the file")?
            }
            TC_REFERENCE => {
                let handle = u32::from_be_bytes(self.array()?);
                let index = handle
                    .checked_sub(BASE_WIRE_HANDLE)
                    .ok_or("a reference is out of range")?;
                return usize::try_from(index)
                    .ok()
                    .and_then(|i| self.handles.get(i))
                    .and_then(Clone::clone)
                    .ok_or_else(|| "a reference does not name an earlier string".into());
            }
            TC_NULL => return Err("an entry is null".into()),
            _ => return Err("an entry is not a string".into()),
        };
        let s: Rc<str> = modified_utf8(self.take(len)?)
            .ok_or("a string is not valid text")?
            .into();
        self.new_handle(Some(Rc::clone(&s)));
        Ok(s)
    }
}

/// Java's "modified UTF-8": UTF-8 except that U+0000 is `C0 80` and
/// characters beyond U+FFFF are two 3-byte UTF-16 surrogates. Plain UTF-8
/// (every ASCII JSON) is taken as is; the rest is decoded to UTF-16 units.
fn modified_utf8(bytes: &[u8]) -> Option<String> {
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Some(s.to_owned());
    }
    let mut units = Vec::with_capacity(bytes.len());
    let mut i = 0;
    let cont = |i: usize| {
        bytes
            .get(i)
            .filter(|b| *b & 0xC0 == 0x80)
            .map(|b| u16::from(b & 0x3F))
    };
    while let Some(&b) = bytes.get(i) {
        let b = u16::from(b);
        if b < 0x80 {
            units.push(b);
            i += 1;
        } else if b & 0xE0 == 0xC0 {
            units.push(((b & 0x1F) << 6) | cont(i + 1)?);
            i += 2;
        } else if b & 0xF0 == 0xE0 {
            units.push(((b & 0x0F) << 12) | (cont(i + 1)? << 6) | cont(i + 2)?);
            i += 3;
        } else {
            return None;
        }
    }
    String::from_utf16(&units).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::otp::Algorithm;

    fn prefs_xml(entries: &[(&str, &str)]) -> String {
        let mut x =
            String::from("<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n<map>\n");
        for (n, v) in entries {
            x.push_str(&format!(
                "<string name=\"{n}\">{}</string>\n",
                v.replace('"', "&quot;")
            ));
        }
        x.push_str("</map>\n");
        x
    }

    const HOTP: &str = r#"{"algo":"SHA256","counter":49,"digits":7,"issuerExt":"Air Canada","issuerInt":"Air Canada","label":"Benjamin","period":30,"secret":[85,42,-108,-71],"type":"HOTP"}"#;
    const STEAM: &str = r#"{"algo":"SHA1","digits":5,"issuerExt":"Steam","label":"me","period":30,"secret":[1,2,3],"type":"TOTP"}"#;

    #[test]
    fn reads_v1_tokens_in_token_order_with_the_counter_one_up() {
        let xml = prefs_xml(&[
            ("Steam:me", STEAM),
            ("Air Canada:Benjamin", HOTP),
            ("tokenOrder", r#"["Air Canada:Benjamin","Steam:me"]"#),
        ]);
        let input = Input::new(xml.as_bytes());
        assert!(detect(&input));
        let items = read(&input, None).unwrap();
        let [ImportItem::Account(h), ImportItem::Account(s)] = &items[..] else {
            panic!("{items:?}")
        };
        assert_eq!(h.issuer.as_deref(), Some("Air Canada"));
        assert_eq!(
            (
                h.otp.kind,
                h.otp.counter,
                h.otp.algorithm,
                h.otp.digits.get()
            ),
            (OtpKind::Hotp, 50, Algorithm::Sha256, 7)
        );
        assert_eq!(h.otp.secret.expose(), &[85, 42, 0x94, 0xB9]);
        assert_eq!(s.otp.kind, OtpKind::Steam);
        assert_eq!(h.provenance.to_string(), "import:freeotp");
    }

    #[test]
    fn a_bad_token_names_its_entry() {
        let xml = prefs_xml(&[("A:b", r#"{"type":"TOTP","secret":[1,900]}"#)]);
        let e = read(&Input::new(xml.as_bytes()), None).unwrap_err();
        assert!(
            matches!(&e, ImportError::Damaged { entry: Some(l), .. } if l == "entry 1 (A:b)"),
            "{e}"
        );
    }

    #[test]
    fn other_prefs_and_json_are_not_freeotp() {
        assert!(!detect(&Input::new(
            prefs_xml(&[("x", "[1,2]")]).as_bytes()
        )));
        assert!(!detect(&Input::new(b"{\"tokens\":[]}")));
        assert!(!detect(&Input::new(
            b"\xAC\xED\x00\x05\x73\x72\x00\x05hello"
        )));
    }

    /// A serialised HashMap as Android 8+ writes it (loadFactor, threshold).
    fn java_map(entries: &[(&str, &str)]) -> Vec<u8> {
        let mut b = b"\xAC\xED\x00\x05\x73\x72\x00\x11java.util.HashMap".to_vec();
        b.extend_from_slice(&[
            0x05, 0x07, 0xDA, 0xC1, 0xC3, 0x16, 0x60, 0xD1, 0x03, 0x00, 0x02,
        ]);
        b.extend_from_slice(b"F\x00\x0aloadFactorI\x00\x09threshold\x78\x70");
        b.extend_from_slice(&[0x3F, 0x40, 0, 0, 0, 0, 0, 0x0C, 0x77, 0x08, 0, 0, 0, 0x10]);
        b.extend_from_slice(&u32::try_from(entries.len()).unwrap().to_be_bytes());
        for (k, v) in entries {
            for s in [k, v] {
                b.push(TC_STRING);
                b.extend_from_slice(&u16::try_from(s.len()).unwrap().to_be_bytes());
                b.extend_from_slice(s.as_bytes());
            }
        }
        b.push(TC_ENDBLOCKDATA);
        b
    }

    #[test]
    fn reads_a_serialised_hashmap_with_references_and_refuses_truncation() {
        let mut b = java_map(&[("a", "one")]);
        // Turn the size into 2 and add ("b", reference to "one").
        let size_at = b.len() - 1 - (3 + 1) - (3 + 3) - 4;
        b[size_at + 3] = 2;
        b.pop();
        b.extend_from_slice(&[
            TC_STRING,
            0,
            1,
            b'b',
            TC_REFERENCE,
            0x00,
            0x7E,
            0x00,
            0x03,
            TC_ENDBLOCKDATA,
        ]);
        let map = java_hashmap(&b).unwrap();
        let got: Vec<(&str, &str)> = map.iter().map(|(k, v)| (&**k, &**v)).collect();
        assert_eq!(got, [("a", "one"), ("b", "one")]);
        for cut in 0..b.len() {
            assert_eq!(
                java_hashmap(&b[..cut]),
                Err("it ends early".into()),
                "{cut}"
            );
        }
        // A long string's length is refused before anything is allocated:
        // one that overflows the position, one past the bytes left.
        for (len, why) in [
            (u64::MAX, "a length is out of range"),
            (1 << 40, "it ends early"),
        ] {
            let mut huge = java_map(&[]);
            huge.pop();
            huge.push(TC_LONGSTRING);
            huge.extend_from_slice(&len.to_be_bytes());
            let size_at = huge.len() - 9 - 4;
            huge[size_at + 3] = 1;
            let why = match usize::try_from(len) {
                Ok(_) => why,
                Err(_) => "a string is longer than the file",
            };
            assert_eq!(java_hashmap(&huge), Err(why.into()), "{len}");
        }
    }

    #[test]
    fn modified_utf8_and_der() {
        assert_eq!(modified_utf8(b"a\xC0\x80b").as_deref(), Some("a\0b"));
        assert_eq!(
            modified_utf8(b"\xED\xA0\xBD\xED\xB8\x80").as_deref(),
            Some("\u{1F600}")
        );
        assert_eq!(modified_utf8(b"\xC0"), None);
        let nonce = [7u8; 12];
        let mut seq = vec![0x30, 17, 0x04, 12];
        seq.extend_from_slice(&nonce);
        seq.extend_from_slice(&[0x02, 0x01, 0x10]);
        assert_eq!(der_nonce(&seq), Some(&nonce[..]));
        assert_eq!(der_nonce(&seq[2..16]), Some(&nonce[..]));
        assert_eq!(der_nonce(&seq[..10]), None);
        assert_eq!(der_nonce(&[0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF]), None);
    }

    #[test]
    fn a_v2_backup_asks_for_its_password_and_names_damage() {
        let map = java_map(&[("masterKey", r#"{"mAlgorithm":"PBKDF2withHmacSHA1"}"#)]);
        let input = Input::new(&map);
        assert!(detect(&input));
        assert_eq!(
            read(&input, None).unwrap_err(),
            ImportError::PasswordNeeded { format: FORMAT }
        );
        assert!(matches!(
            read(&input, Some("pw")).unwrap_err(),
            ImportError::Damaged { .. }
        ));
        let cut = &map[..map.len() - 3];
        assert!(matches!(
            read(&Input::new(cut), None).unwrap_err(),
            ImportError::Damaged { .. }
        ));
    }

    fn seal(key: &[u8], nonce: [u8; 12], aad: &str, plain: &[u8]) -> Vec<i8> {
        use ring::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
        let key = LessSafeKey::new(UnboundKey::new(&AES_256_GCM, key).unwrap());
        let mut buf = plain.to_vec();
        key.seal_in_place_append_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(aad),
            &mut buf,
        )
        .unwrap();
        buf.into_iter().map(|b| b as i8).collect()
    }

    #[test]
    fn decrypts_a_hand_made_v2_backup_keeping_its_counter() {
        let salt = [3u8; 16];
        let master = [9u8; 32];
        let password_key = crypto::pbkdf2(Prf::Sha1, b"pw", &salt, 1000, 32).unwrap();
        // The master key's nonce as a bare OCTET STRING, the token's inside
        // GCM parameters.
        let mut mk_params = vec![4i8, 12];
        mk_params.extend([1i8; 12]);
        let mut tk_params = vec![48i8, 17, 4, 12];
        tk_params.extend([2i8; 12]);
        tk_params.extend([2i8, 1, 16]);
        let master_key = serde_json::json!({
            "mAlgorithm": "PBKDF2withHmacSHA1", "mIterations": 1000,
            "mSalt": salt.iter().map(|b| *b as i8).collect::<Vec<_>>(),
            "mEncryptedKey": {"mCipher": "AES/GCM/NoPadding", "mCipherText": seal(&password_key, [1; 12], "AES", &master),
                              "mParameters": mk_params, "mToken": "AES"}
        });
        let sealed = serde_json::json!({"mCipher": "AES/GCM/NoPadding", "mCipherText": seal(&master, [2; 12], "HmacSHA1", &[1, 2, 3, 4, 5]),
                                        "mParameters": tk_params, "mToken": "HmacSHA1"});
        let entry = serde_json::json!({ "key": sealed.to_string() }).to_string();
        let token = r#"{"algo":null,"counter":5,"issuerExt":"I","label":"n","type":"HOTP"}"#;
        let mk = master_key.to_string();
        let file = java_map(&[("u1", &entry), ("masterKey", &mk), ("u1-token", token)]);
        let input = Input::new(&file);
        assert_eq!(
            read(&input, Some("no")).unwrap_err(),
            ImportError::WrongPassword { format: FORMAT }
        );
        let items = read(&input, Some("pw")).unwrap();
        let [ImportItem::Account(a)] = &items[..] else {
            panic!("{items:?}")
        };
        assert_eq!(
            (a.otp.kind, a.otp.counter, a.otp.algorithm),
            (OtpKind::Hotp, 5, Algorithm::Sha1)
        );
        assert_eq!(a.otp.secret.expose(), &[1, 2, 3, 4, 5]);
        let no_details = java_map(&[("u1", &entry), ("masterKey", &mk)]);
        let e = read(&Input::new(&no_details), Some("pw")).unwrap_err();
        assert!(
            matches!(e, ImportError::Damaged { entry: Some(_), .. }),
            "{e}"
        );
    }

    #[test]
    fn signed_bytes_wrap_and_refuse_non_bytes() {
        let v: Value = serde_json::from_str("[-1, 0, 127, -128, 200]").unwrap();
        assert_eq!(&signed_bytes(&v).unwrap()[..], &[255, 0, 127, 128, 200]);
        assert!(signed_bytes(&serde_json::from_str("[256]").unwrap()).is_none());
        assert!(signed_bytes(&serde_json::from_str("[\"1\"]").unwrap()).is_none());
    }
}
