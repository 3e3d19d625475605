//! What one decoded QR code carries.

/// The content of one QR code found in a frame.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct QrPayload {
    /// The content as text (invalid UTF-8 is replaced, see [`QrPayload::bytes`]).
    pub text: String,
    /// The content bytes exactly as the code holds them (byte-mode data is
    /// not always UTF-8).
    pub bytes: Vec<u8>,
}

impl QrPayload {
    /// A payload from the bytes a code holds.
    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        QrPayload {
            text: String::from_utf8_lossy(&bytes).into_owned(),
            bytes,
        }
    }

    /// A payload from decoded text whose bytes are its UTF-8 encoding.
    pub fn from_text(text: String) -> Self {
        QrPayload {
            bytes: text.as_bytes().to_vec(),
            text,
        }
    }
}
