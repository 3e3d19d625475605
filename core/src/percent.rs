//! Strict percent-decoding shared by every link parser.
//!
//! The `percent-encoding` crate passes a malformed `%ZZ` through unchanged;
//! enrolment links must not be "repaired" silently, so this refuses them.

/// Decodes `%XX` escapes (and `+` as a space when `plus_is_space`, which is
/// right for otpauth query values and wrong for base64 payloads). `None`
/// when a `%` is not followed by two hex digits or the bytes are not UTF-8.
pub(crate) fn percent_decode(raw: &str, plus_is_space: bool) -> Option<String> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'%' => {
                let hex = bytes.get(i + 1..i + 3)?;
                if !hex.iter().all(u8::is_ascii_hexdigit) {
                    return None;
                }
                out.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
                i += 3;
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_strictly() {
        assert_eq!(percent_decode("a%20b+c", true).as_deref(), Some("a b c"));
        assert_eq!(percent_decode("a%2Bb+c", false).as_deref(), Some("a+b+c"));
        assert_eq!(percent_decode("%e6%a9%a1", false).as_deref(), Some("橡"));
        assert_eq!(percent_decode("%ZZ", false), None);
        assert_eq!(percent_decode("%2", false), None);
        assert_eq!(percent_decode("%FF", false), None);
        assert_eq!(percent_decode("%+1", false), None);
    }
}
