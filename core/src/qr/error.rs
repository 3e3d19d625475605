//! What can go wrong when decoding QR codes: only bad input. A frame with no
//! readable code is not an error; it decodes to an empty list.

/// A frame or image that cannot be decoded as given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QrError {
    /// Width or height is zero.
    #[error("the frame is empty: width {width}, height {height}")]
    EmptyFrame {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
    },
    /// A side is larger than any camera frame we accept.
    #[error("the frame is too large: {width}x{height} (at most {max} pixels a side)")]
    FrameTooLarge {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
        /// The largest accepted side.
        max: u32,
    },
    /// The row stride is smaller than the width, so rows would overlap.
    #[error("the row stride {stride} is smaller than the width {width}")]
    StrideTooSmall {
        /// Bytes per row.
        stride: u32,
        /// Width in pixels.
        width: u32,
    },
    /// The buffer does not hold `stride * (height - 1) + width` bytes.
    #[error(
        "the frame buffer holds {actual} bytes but {needed} are needed for its size and stride"
    )]
    BufferTooShort {
        /// Bytes needed.
        needed: usize,
        /// Bytes given.
        actual: usize,
    },
    /// Bytes that are not a PNG or JPEG image (or a broken one).
    #[error("not a readable PNG or JPEG image: {0}")]
    InvalidImage(String),
}
