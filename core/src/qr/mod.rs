//! QR decoding from camera frames and image files.
//!
//! - [`decode_luma`]: a camera's 8-bit luma (Y) plane with its row stride.
//! - [`decode_image`]: a PNG or JPEG file (screenshots, saved photos).
//! - [`ScannerSession`]: a live camera session that keeps only the newest
//!   frame, skips duplicates and reports each payload once.
//!
//! Decoding runs a chain of strategies ([`pipeline`]) over two engines: our
//! rqrr fork (`core/rqrr`) and rxing (a port of zxing-cpp's QR reader).
//! Every code found in the frame is returned, not only the first.

mod binarizer;
mod engine_rqrr;
mod engine_rxing;
mod error;
pub mod frame;
mod image;
mod payload;
pub mod pipeline;
mod preprocess;
mod scanner;

pub use self::{
    error::QrError,
    frame::LumaFrame,
    image::{decode_image, load_luma},
    payload::Payload,
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
) -> Result<Vec<Payload>, QrError> {
    let frame = LumaFrame::new(frame, width, height, row_stride)?;
    Ok(pipeline::decode_with(&frame, pipeline::DEFAULT_CHAIN))
}
