//! The strings privacyIDEA signs, one builder per message
//! (`shared/reference/push-privacyidea.md` sections 6 to 8), and the
//! challenge as the poll returns it.
//!
//! Fields go in exactly as received: the server signs its own values,
//! so any normalisation here would break verification.

use serde::Deserialize;
use serde_json::Value;

/// A decline reason (privacyIDEA 3.14), sent only when the challenge's
/// signed capabilities allow it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeclineReason {
    /// "I did not start this sign-in": the fraud report.
    UnknownTrigger,
    /// "I started it but changed my mind".
    Cancelled,
}

impl DeclineReason {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            DeclineReason::UnknownTrigger => "unknown_trigger",
            DeclineReason::Cancelled => "cancelled",
        }
    }
}

/// One challenge of the poll reply (`GET /ttype/push`), unverified.
#[derive(Debug, Clone, Deserialize)]
pub struct PollChallenge {
    /// Base32 nonce, the challenge's identity on the phone.
    pub nonce: String,
    /// The notification text.
    #[serde(default)]
    pub question: String,
    /// Token serial.
    pub serial: String,
    /// The notification title.
    #[serde(default)]
    pub title: String,
    /// `"0"` or `"1"`, signed as received.
    #[serde(default)]
    pub sslverify: String,
    /// The current registration URL (signed).
    pub url: String,
    /// Base32 server signature.
    pub signature: String,
    /// Number-matching options, comma-joined (3.10+).
    #[serde(default)]
    pub require_presence: Option<String>,
    /// A JSON string of capabilities (3.14).
    #[serde(default)]
    pub capabilities: Option<String>,
    /// Base32 server signature over the canonical capabilities (3.14).
    #[serde(default)]
    pub capabilities_signature: Option<String>,
}

/// What the server signed for a challenge.
pub fn challenge_input(c: &PollChallenge) -> String {
    let base = format!(
        "{}|{}|{}|{}|{}|{}",
        c.nonce, c.url, c.serial, c.question, c.title, c.sslverify
    );
    match &c.require_presence {
        Some(options) => format!("{base}|{options}"),
        None => base,
    }
}

/// What the server signed for the capabilities: RFC 8785 (JCS) canonical
/// JSON of `{"capabilities": <parsed>, "nonce": <nonce>}`. `None` if the
/// capabilities string is not JSON.
pub fn capabilities_input(capabilities: &str, nonce: &str) -> Option<String> {
    let parsed: Value = serde_json::from_str(capabilities).ok()?;
    let mut out = String::new();
    canonical(
        &serde_json::json!({"capabilities": parsed, "nonce": nonce}),
        &mut out,
    )?;
    Some(out)
}

/// JCS for the values privacyIDEA uses (objects, strings, booleans,
/// integers, null): keys sorted by UTF-16 code units, no whitespace,
/// serde_json's minimal string escaping (the same as JCS's). Floats are
/// refused rather than risk a different number form.
fn canonical(v: &Value, out: &mut String) -> Option<()> {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::to_string(k).ok()?);
                out.push(':');
                canonical(map.get(k)?, out)?;
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(item, out)?;
            }
            out.push(']');
        }
        Value::Number(n) if n.is_f64() => return None,
        other => out.push_str(&serde_json::to_string(other).ok()?),
    }
    Some(())
}

/// The poll request's signed string.
pub fn poll_input(serial: &str, timestamp: &str) -> String {
    format!("{serial}|{timestamp}")
}

/// The Firebase token update's signed string.
pub fn token_update_input(new_token: &str, serial: &str, timestamp: &str) -> String {
    format!("{new_token}|{serial}|{timestamp}")
}

/// The accept answer's signed string (with the picked option under number
/// matching).
pub fn accept_input(nonce: &str, serial: &str, presence_answer: Option<&str>) -> String {
    match presence_answer {
        Some(a) => format!("{nonce}|{serial}|{a}"),
        None => format!("{nonce}|{serial}"),
    }
}

/// The decline answer's signed string.
pub fn decline_input(nonce: &str, serial: &str, reason: Option<DeclineReason>) -> String {
    match reason {
        Some(r) => format!("{nonce}|{serial}|decline|{}", r.as_str()),
        None => format!("{nonce}|{serial}|decline"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wire(presence: Option<&str>) -> PollChallenge {
        PollChallenge {
            nonce: "E357QY7XLD4FYTBCOKZRWJMVFE753B4A".into(),
            question: "Do you want to confirm the login?".into(),
            serial: "PIPU00017964".into(),
            title: "privacyIDEA".into(),
            sslverify: "0".into(),
            url: "http://127.0.0.1:5001/ttype/push".into(),
            signature: String::new(),
            require_presence: presence.map(str::to_owned),
            capabilities: None,
            capabilities_signature: None,
        }
    }

    #[test]
    fn challenge_strings() {
        assert_eq!(
            challenge_input(&wire(None)),
            "E357QY7XLD4FYTBCOKZRWJMVFE753B4A|http://127.0.0.1:5001/ttype/push|PIPU00017964|\
             Do you want to confirm the login?|privacyIDEA|0"
        );
        assert!(challenge_input(&wire(Some("D,A,O"))).ends_with("|privacyIDEA|0|D,A,O"));
    }

    #[test]
    fn capabilities_are_canonical() {
        assert_eq!(
            capabilities_input("{\"decline_reason\": true}", "N0NCE").unwrap(),
            r#"{"capabilities":{"decline_reason":true},"nonce":"N0NCE"}"#
        );
        assert_eq!(
            capabilities_input(r#"{"b": [1, "x\u00e9"], "a": null}"#, "n").unwrap(),
            "{\"capabilities\":{\"a\":null,\"b\":[1,\"x\u{e9}\"]},\"nonce\":\"n\"}"
        );
        assert!(capabilities_input("{", "n").is_none());
        assert!(capabilities_input(r#"{"f": 1.5}"#, "n").is_none());
    }

    #[test]
    fn answer_strings() {
        assert_eq!(accept_input("N", "S", None), "N|S");
        assert_eq!(accept_input("N", "S", Some("7")), "N|S|7");
        assert_eq!(decline_input("N", "S", None), "N|S|decline");
        assert_eq!(
            decline_input("N", "S", Some(DeclineReason::UnknownTrigger)),
            "N|S|decline|unknown_trigger"
        );
        assert_eq!(
            decline_input("N", "S", Some(DeclineReason::Cancelled)),
            "N|S|decline|cancelled"
        );
        assert_eq!(poll_input("S", "T"), "S|T");
        assert_eq!(token_update_input("F", "S", "T"), "F|S|T");
    }
}
