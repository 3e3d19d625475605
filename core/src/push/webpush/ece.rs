//! RFC 8188 "Encrypted Content-Encoding for HTTP", the `aes128gcm` coding
//! Web Push carries its messages in: a header (salt, record size, key id),
//! then records, each AES-128-GCM under a content key and nonce derived
//! from the input key and the salt by HKDF-SHA-256.
//!
//! Both directions: the server encrypts ([`seal`]), the device decrypts
//! ([`open`]). Everything read is checked before it is used: a short or
//! lying header, a record of the wrong size, a bad tag, a missing or
//! misplaced delimiter are each a [`EceError`], never a panic.

use ring::{
    aead::{AES_128_GCM, Aad, LessSafeKey, Nonce, UnboundKey},
    hkdf,
};
use zeroize::Zeroizing;

/// Salt length (RFC 8188 section 2.1).
pub const SALT_LEN: usize = 16;
/// Bytes of header before the key id: salt, record size, key id length.
pub const HEADER_LEN: usize = SALT_LEN + 4 + 1;
/// AES-GCM tag length.
const TAG_LEN: usize = 16;
/// The smallest record size RFC 8188 allows (one byte of data, the
/// delimiter and the tag).
pub const MIN_RECORD_SIZE: u32 = 18;
/// Record size Web Push uses (RFC 8291 section 4: one record of at most
/// 4096 bytes).
pub const WEB_PUSH_RECORD_SIZE: u32 = 4096;
/// The largest message [`open`] reads: Web Push services accept 4096
/// bytes; a few records more leave room for other `aes128gcm` senders.
pub const MAX_MESSAGE: usize = 64 * 1024;

/// Why an `aes128gcm` body cannot be read or written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EceError {
    /// Shorter than its header says.
    #[error("aes128gcm: truncated header")]
    Truncated,
    /// The record size is below the minimum.
    #[error("aes128gcm: record size {0} is too small")]
    RecordSize(u32),
    /// Larger than [`MAX_MESSAGE`].
    #[error("aes128gcm: message of {0} bytes is too large")]
    TooLarge(usize),
    /// A record does not decrypt (wrong key, changed bytes).
    #[error("aes128gcm: a record does not decrypt (wrong key or changed message)")]
    Decrypt,
    /// Decrypted, but its padding delimiter is missing or in the wrong
    /// record (a truncated or reordered message).
    #[error("aes128gcm: bad record padding")]
    Padding,
    /// The key id is longer than 255 bytes.
    #[error("aes128gcm: key id too long")]
    KeyId,
}

/// The header of an `aes128gcm` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header<'a> {
    /// The salt.
    pub salt: [u8; SALT_LEN],
    /// The record size (ciphertext bytes per record, tag included).
    pub record_size: u32,
    /// The key id (Web Push: the sender's public key).
    pub key_id: &'a [u8],
}

impl<'a> Header<'a> {
    /// Reads the header at the start of `body`; returns it and the rest.
    pub fn read(body: &'a [u8]) -> Result<(Self, &'a [u8]), EceError> {
        let fixed = body.get(..HEADER_LEN).ok_or(EceError::Truncated)?;
        let mut salt = [0u8; SALT_LEN];
        salt.copy_from_slice(&fixed[..SALT_LEN]);
        let record_size = u32::from_be_bytes([fixed[16], fixed[17], fixed[18], fixed[19]]);
        let id_len = usize::from(fixed[20]);
        let key_id = body
            .get(HEADER_LEN..HEADER_LEN + id_len)
            .ok_or(EceError::Truncated)?;
        if record_size < MIN_RECORD_SIZE {
            return Err(EceError::RecordSize(record_size));
        }
        let rest = &body[HEADER_LEN + id_len..];
        Ok((
            Self {
                salt,
                record_size,
                key_id,
            },
            rest,
        ))
    }
}

/// Content key and base nonce for `ikm` and `salt` (RFC 8188 section 2.2
/// and 2.3).
struct RecordKeys {
    key: LessSafeKey,
    nonce: [u8; 12],
}

struct Len(usize);

impl hkdf::KeyType for Len {
    fn len(&self) -> usize {
        self.0
    }
}

/// HKDF-SHA-256 extract then expand to `out`.
fn hkdf(salt: &[u8], ikm: &[u8], info: &[u8], out: &mut [u8]) -> Result<(), EceError> {
    let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, salt).extract(ikm);
    let info = [info];
    let okm = prk
        .expand(&info, Len(out.len()))
        .map_err(|_| EceError::Decrypt)?;
    okm.fill(out).map_err(|_| EceError::Decrypt)
}

impl RecordKeys {
    fn derive(ikm: &[u8], salt: &[u8]) -> Result<Self, EceError> {
        let mut cek = Zeroizing::new([0u8; 16]);
        hkdf(salt, ikm, b"Content-Encoding: aes128gcm\0", &mut cek[..])?;
        let mut nonce = [0u8; 12];
        hkdf(salt, ikm, b"Content-Encoding: nonce\0", &mut nonce)?;
        let key = UnboundKey::new(&AES_128_GCM, &cek[..]).map_err(|_| EceError::Decrypt)?;
        Ok(Self {
            key: LessSafeKey::new(key),
            nonce,
        })
    }

    /// The nonce of record `seq`: the base nonce XOR the sequence number
    /// (big-endian, right-aligned).
    fn nonce(&self, seq: u64) -> Nonce {
        let mut n = self.nonce;
        for (b, s) in n[4..].iter_mut().zip(seq.to_be_bytes()) {
            *b ^= s;
        }
        Nonce::assume_unique_for_key(n)
    }
}

/// One record to write: its data and how many zero bytes of padding
/// follow the delimiter.
#[derive(Debug, Clone, Copy)]
pub struct Record<'a> {
    /// Plaintext bytes.
    pub data: &'a [u8],
    /// Zero bytes after the delimiter.
    pub padding: usize,
}

/// Writes `records` as one `aes128gcm` body: the exact layout given (the
/// RFC's examples pad and split records by hand). Every record but the
/// last must fill `record_size`.
pub fn seal_records(
    ikm: &[u8],
    salt: &[u8; SALT_LEN],
    key_id: &[u8],
    record_size: u32,
    records: &[Record<'_>],
) -> Result<Vec<u8>, EceError> {
    if record_size < MIN_RECORD_SIZE {
        return Err(EceError::RecordSize(record_size));
    }
    let id_len = u8::try_from(key_id.len()).map_err(|_| EceError::KeyId)?;
    let keys = RecordKeys::derive(ikm, salt)?;
    let mut out = Vec::with_capacity(HEADER_LEN + key_id.len() + records.len() * 64);
    out.extend_from_slice(salt);
    out.extend_from_slice(&record_size.to_be_bytes());
    out.push(id_len);
    out.extend_from_slice(key_id);
    let last = records.len().saturating_sub(1);
    for (i, r) in records.iter().enumerate() {
        let mut plain = Zeroizing::new(Vec::with_capacity(r.data.len() + 1 + r.padding + TAG_LEN));
        plain.extend_from_slice(r.data);
        plain.push(if i == last { 2 } else { 1 });
        let padded = plain.len() + r.padding;
        plain.resize(padded, 0);
        let full = plain.len() + TAG_LEN;
        if full > record_size as usize || (i != last && full != record_size as usize) {
            return Err(EceError::RecordSize(record_size));
        }
        let seq = u64::try_from(i).map_err(|_| EceError::TooLarge(i))?;
        let mut buf = plain.to_vec();
        keys.key
            .seal_in_place_append_tag(keys.nonce(seq), Aad::empty(), &mut buf)
            .map_err(|_| EceError::Decrypt)?;
        out.extend_from_slice(&buf);
    }
    Ok(out)
}

/// Encrypts `plaintext` as one body with no padding, in as many records
/// of `record_size` as it takes.
pub fn seal(
    ikm: &[u8],
    salt: &[u8; SALT_LEN],
    key_id: &[u8],
    record_size: u32,
    plaintext: &[u8],
) -> Result<Vec<u8>, EceError> {
    if record_size < MIN_RECORD_SIZE {
        return Err(EceError::RecordSize(record_size));
    }
    // Each record holds record_size - tag - delimiter bytes of data.
    let per = record_size as usize - TAG_LEN - 1;
    let mut records: Vec<Record<'_>> = plaintext
        .chunks(per)
        .map(|data| Record { data, padding: 0 })
        .collect();
    if records.is_empty() {
        records.push(Record {
            data: &[],
            padding: 0,
        });
    }
    seal_records(ikm, salt, key_id, record_size, &records)
}

/// Decrypts a whole `aes128gcm` body with the input key `ikm`; the
/// header's key id is for the caller, read with [`Header::read`].
pub fn open(ikm: &[u8], body: &[u8]) -> Result<Zeroizing<Vec<u8>>, EceError> {
    if body.len() > MAX_MESSAGE {
        return Err(EceError::TooLarge(body.len()));
    }
    let (header, mut rest) = Header::read(body)?;
    let keys = RecordKeys::derive(ikm, &header.salt)?;
    let rs = header.record_size as usize;
    let mut out = Zeroizing::new(Vec::with_capacity(rest.len()));
    let mut seq: u64 = 0;
    if rest.is_empty() {
        return Err(EceError::Truncated);
    }
    while !rest.is_empty() {
        let take = rest.len().min(rs);
        let is_last = take == rest.len();
        if take <= TAG_LEN {
            return Err(EceError::Truncated);
        }
        let mut record = Zeroizing::new(rest[..take].to_vec());
        rest = &rest[take..];
        let plain = keys
            .key
            .open_in_place(keys.nonce(seq), Aad::empty(), &mut record)
            .map_err(|_| EceError::Decrypt)?;
        // Strip padding: the last non-zero byte is the delimiter.
        let end = plain
            .iter()
            .rposition(|&b| b != 0)
            .ok_or(EceError::Padding)?;
        match (plain[end], is_last) {
            (2, true) | (1, false) => out.extend_from_slice(&plain[..end]),
            _ => return Err(EceError::Padding),
        }
        seq += 1;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};

    use super::*;

    fn b64(s: &str) -> Vec<u8> {
        URL_SAFE_NO_PAD.decode(s).unwrap()
    }

    fn salt_of(body: &[u8]) -> [u8; SALT_LEN] {
        body[..SALT_LEN].try_into().unwrap()
    }

    /// RFC 8188 section 3.1: one record, no key id, byte for byte.
    #[test]
    fn rfc8188_3_1_encrypts_and_decrypts_byte_for_byte() {
        let ikm = b64("yqdlZ-tYemfogSmv7Ws5PQ");
        let expected =
            b64("I1BsxtFttlv3u_Oo94xnmwAAEAAA-NAVub2qFgBEuQKRapoZu-IxkIva3MEB1PD-ly8Thjg");
        let body = seal(&ikm, &salt_of(&expected), b"", 4096, b"I am the walrus").unwrap();
        assert_eq!(body, expected);
        assert_eq!(&open(&ikm, &expected).unwrap()[..], b"I am the walrus");
    }

    /// RFC 8188 section 3.2: two records of 25 bytes, key id "a1", one
    /// padding byte in the first, byte for byte.
    #[test]
    fn rfc8188_3_2_two_records_with_padding_byte_for_byte() {
        let ikm = b64("BO3ZVPxUlnLORbVGMpbT1Q");
        let expected = b64(
            "uNCkWiNYzKTnBN9ji3-qWAAAABkCYTHOG8chz_gnvgOqdGYovxyjuqRyJFjEDyoF1Fvkj6hQPdPHI51OEUKEpgz3SsLWIqS_uA",
        );
        let (header, _) = Header::read(&expected).unwrap();
        assert_eq!((header.record_size, header.key_id), (25, &b"a1"[..]));
        assert_eq!(&open(&ikm, &expected).unwrap()[..], b"I am the walrus");
        let records = [
            Record {
                data: b"I am th",
                padding: 1,
            },
            Record {
                data: b"e walrus",
                padding: 0,
            },
        ];
        let body = seal_records(&ikm, &salt_of(&expected), b"a1", 25, &records).unwrap();
        assert_eq!(body, expected);
    }

    #[test]
    fn long_messages_split_into_records_and_come_back() {
        let ikm = [7u8; 16];
        let text: Vec<u8> = (0..1000u32).map(|i| (i % 251) as u8).collect();
        let body = seal(&ikm, &[1; 16], b"", 100, &text).unwrap();
        assert_eq!(&open(&ikm, &body).unwrap()[..], &text[..]);
    }

    #[test]
    fn every_damage_is_a_typed_error() {
        let ikm = b64("BO3ZVPxUlnLORbVGMpbT1Q");
        let good = b64(
            "uNCkWiNYzKTnBN9ji3-qWAAAABkCYTHOG8chz_gnvgOqdGYovxyjuqRyJFjEDyoF1Fvkj6hQPdPHI51OEUKEpgz3SsLWIqS_uA",
        );
        // Dropping the last record leaves a first record that says "more".
        assert_eq!(open(&ikm, &good[..good.len() - 25]), Err(EceError::Padding));
        assert_eq!(open(&ikm, &good[..10]), Err(EceError::Truncated));
        assert_eq!(open(&[0; 16], &good), Err(EceError::Decrypt));
        let mut flipped = good.clone();
        *flipped.last_mut().unwrap() ^= 1;
        assert_eq!(open(&ikm, &flipped), Err(EceError::Decrypt));
        let mut small = good.clone();
        small[16..20].copy_from_slice(&3u32.to_be_bytes());
        assert_eq!(open(&ikm, &small), Err(EceError::RecordSize(3)));
        assert_eq!(
            open(&ikm, &vec![0; MAX_MESSAGE + 1]),
            Err(EceError::TooLarge(MAX_MESSAGE + 1))
        );
        // Every prefix and every single-bit change: the error its bytes
        // call for, no panic. The layout: header 0..23 (salt, record size
        // 25, key id length 2, key id "a1"), records 23..48 and 48..73.
        assert_eq!(good.len(), 73);
        for n in 0..good.len() {
            let want = match n {
                // The header, or a record no longer than its tag.
                0..=39 | 49..=64 => EceError::Truncated,
                // The first record, whole but last: its delimiter says "more".
                48 => EceError::Padding,
                // A record cut inside its ciphertext.
                _ => EceError::Decrypt,
            };
            assert_eq!(open(&ikm, &good[..n]), Err(want), "prefix of {n} bytes");
            let mut b = good.clone();
            b[n] ^= 0x80;
            let want = match n {
                // The key id, bytes 21..23, only names the key: the caller
                // picks the key by it, so changing it changes nothing here.
                21..=22 => Ok(b"I am the walrus".to_vec()),
                // A key id length of 130 runs past the body.
                20 => Err(EceError::Truncated),
                // The salt (other keys), a record size past the body (one
                // record that does not verify), or the ciphertext.
                _ => Err(EceError::Decrypt),
            };
            assert_eq!(open(&ikm, &b).map(|p| p.to_vec()), want, "byte {n}");
        }
    }
}
