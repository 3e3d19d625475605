//! QR decoding from camera frames and image files.
//!
//! - [`decode_luma`]: a camera's 8-bit luma (Y) plane with its row stride.
//! - [`decode_image`]: a PNG or JPEG file (screenshots, saved photos).
//! - [`ScannerSession`]: a live camera session that keeps only the newest
//!   frame, skips duplicates and reports each payload once.
//!
//! Decoding runs a chain of strategies ([`pipeline`]): rxing (a port of
//! zxing-cpp's QR reader) on variants of the frame. Our rqrr fork
//! (`third_party/rqrr`) is a strategy too, for experiments; it is out of
//! the default chain for its cost (see [`pipeline::DEFAULT_CHAIN`]).
//! Every code found in the frame is returned, not only the first. A frame in
//! which the first pass saw no finder pattern at all is given up on at once
//! (most frames of a live camera hold no code); a live session also stops
//! starting fallbacks after a time budget ([`pipeline::Limits`]).

mod binarizer;
mod engine_rqrr;
mod engine_rxing;
mod error;
pub mod frame;
mod image;
mod lost_finder;
mod pad;
mod payload;
pub mod pipeline;
mod preprocess;
mod scanner;
mod sharpen;

pub use self::{
    error::QrError,
    frame::LumaFrame,
    image::{decode_image, load_luma},
    payload::QrPayload,
    scanner::{ScannerSession, ScannerStats},
};

/// Every QR code in a `width` x `height` luma plane whose rows start
/// `row_stride` bytes apart (Android `ImageProxy` plane 0 `rowStride`, iOS
/// `CVPixelBuffer` `bytesPerRow`). An empty list means no code was read.
pub fn decode_luma(
    frame: &[u8],
    width: u32,
    height: u32,
    row_stride: u32,
) -> Result<Vec<QrPayload>, QrError> {
    let frame = LumaFrame::new(frame, width, height, row_stride)?;
    Ok(pipeline::decode_with(&frame, pipeline::DEFAULT_CHAIN))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Any bytes as an image file: decoded or a typed error, never a panic.
        #[test]
        fn arbitrary_image_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            match decode_image(&bytes) {
                Ok(_) | Err(QrError::InvalidImage(_)) | Err(QrError::FrameTooLarge { .. })
                | Err(QrError::EmptyFrame { .. }) => {}
                Err(e) => prop_assert!(false, "unexpected error {e:?}"),
            }
        }

        /// Any frame geometry over any buffer: a result or a typed frame
        /// error, never a panic (noise with finder-like specks runs the
        /// fallbacks too).
        #[test]
        fn arbitrary_frames_never_panic(
            width in 0u32..200,
            height in 0u32..200,
            pad in 0u32..40,
            seed in any::<u64>(),
            short in 0usize..3,
        ) {
            let stride = width + pad;
            let len = (stride as usize * height as usize).saturating_sub(short * 7);
            let mut state = seed | 1;
            let frame: Vec<u8> = (0..len)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    (state >> 24) as u8
                })
                .collect();
            match decode_luma(&frame, width, height, stride) {
                Ok(found) => prop_assert!(found.is_empty(), "noise decoded to {found:?}"),
                Err(QrError::EmptyFrame { .. }) | Err(QrError::BufferTooShort { .. }) => {}
                Err(e) => prop_assert!(false, "unexpected error {e:?}"),
            }
        }
    }
}
