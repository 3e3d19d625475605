//! The push protocols Watchword speaks, as a type: code branches on
//! [`Provider`], never on a string. The string form is only for the wire,
//! stored JSON and the CLI's output.

use serde::{Deserialize, Serialize};

/// A push-approval protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Provider {
    /// Watchword's own open protocol (`docs/push-protocol.md`).
    #[serde(rename = "watchword")]
    Watchword,
    /// privacyIDEA's push token (`pipush`, poll-only).
    #[serde(rename = "privacyidea")]
    PrivacyIdea,
}

impl Provider {
    /// The stable spelling: `watchword` or `privacyidea`.
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Watchword => "watchword",
            Provider::PrivacyIdea => "privacyidea",
        }
    }
}

impl std::fmt::Display for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_and_printed_spelling_is_the_old_string() {
        for p in [Provider::Watchword, Provider::PrivacyIdea] {
            let json = serde_json::to_string(&p).unwrap();
            assert_eq!(json, format!("\"{}\"", p.as_str()));
            assert_eq!(serde_json::from_str::<Provider>(&json).unwrap(), p);
        }
        // serde_json's error is opaque: a data error naming the variant.
        let e = serde_json::from_str::<Provider>("\"other\"").unwrap_err();
        assert!(
            e.is_data() && e.to_string().contains("unknown variant `other`"),
            "{e}"
        );
    }
}
