//! Query strings of enrolment links (`?a=b&c=d`), decoded strictly.

use crate::percent::percent_decode;

/// Splits a query into decoded `(key, value)` pairs, in order. `+` means a
/// space only when `plus_is_space` (never for base64 payloads). Returns
/// `None` on bad percent-encoding.
pub(crate) fn parse_query(query: &str, plus_is_space: bool) -> Option<Vec<(String, String)>> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            Some((
                percent_decode(k, plus_is_space)?,
                percent_decode(v, plus_is_space)?,
            ))
        })
        .collect()
}

/// The first value of `key` (case-insensitive).
pub(crate) fn get<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v.as_str())
}

/// Splits `scheme://rest` case-insensitively on the scheme.
pub(crate) fn strip_scheme<'a>(text: &'a str, scheme: &str) -> Option<&'a str> {
    let head = text.get(..scheme.len())?;
    head.eq_ignore_ascii_case(scheme)
        .then(|| &text[scheme.len()..])
}
