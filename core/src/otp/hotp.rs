//! HOTP, RFC 4226: HMAC over a 64-bit counter, dynamically truncated.

use super::{Algorithm, Digits, Secret, keyed_hmac::KeyedHmac};

/// Dynamic truncation (RFC 4226 section 5.3): 31 bits taken at the offset
/// named by the low nibble of the tag's last byte.
pub(crate) fn truncate(tag: &[u8]) -> u32 {
    let Some(last) = tag.last() else {
        return 0;
    };
    let offset = usize::from(last & 0x0f);
    match tag.get(offset..offset + 4) {
        Some(&[a, b, c, d]) => u32::from_be_bytes([a & 0x7f, b, c, d]),
        _ => 0,
    }
}

/// The 31-bit value HOTP derives from a key and counter, before it is
/// turned into digits (or Steam characters).
pub fn hotp_value(secret: &Secret, algorithm: Algorithm, counter: u64) -> u32 {
    // EXPOSE: the secret keys the HMAC, which wipes its state on drop.
    KeyedHmac::new(algorithm, secret.expose()).with_counter_tag(counter, truncate)
}

/// The HOTP code for `counter`, `digits` long with leading zeros.
pub fn hotp(secret: &Secret, algorithm: Algorithm, counter: u64, digits: Digits) -> String {
    digits.format(hotp_value(secret, algorithm, counter))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4226_appendix_d_first_and_last() {
        let s = Secret::from_bytes(b"12345678901234567890".to_vec()).unwrap();
        let six = Digits::new(6).unwrap();
        assert_eq!(hotp(&s, Algorithm::Sha1, 0, six), "755224");
        assert_eq!(hotp(&s, Algorithm::Sha1, 9, six), "520489");
        // Appendix D's intermediate truncated values.
        assert_eq!(hotp_value(&s, Algorithm::Sha1, 0), 1284755224);
        assert_eq!(hotp_value(&s, Algorithm::Sha1, 1), 1094287082);
    }

    #[test]
    fn truncate_handles_odd_tags() {
        assert_eq!(truncate(&[]), 0);
        assert_eq!(truncate(&[0x0f]), 0);
    }
}
