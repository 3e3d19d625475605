//! QR decoding for the shells: a camera luma plane, an image file, or a live
//! scanner session. Thin wrappers over `watchword_core::qr`.

use watchword_core::{
    ApiError,
    qr::{self, QrPayload},
};

/// One decoded QR code (the core's type).
#[uniffi::remote(Record)]
pub struct QrPayload {
    pub text: String,
    pub bytes: Vec<u8>,
}

/// Every QR code in a camera's luma plane (Android `ImageProxy` plane 0 with
/// its `rowStride`, iOS `CVPixelBuffer` plane 0 with `bytesPerRow`).
#[uniffi::export]
pub fn decode_luma(
    frame: Vec<u8>,
    width: u32,
    height: u32,
    row_stride: u32,
) -> Result<Vec<QrPayload>, ApiError> {
    Ok(qr::decode_luma(&frame, width, height, row_stride)?)
}

/// Every QR code in a PNG or JPEG file.
#[uniffi::export]
pub fn decode_image(bytes: Vec<u8>) -> Result<Vec<QrPayload>, ApiError> {
    Ok(qr::decode_image(&bytes)?)
}

/// A live camera session: offer every frame; each code is reported once.
#[derive(Debug, Default, uniffi::Object)]
pub struct QrScanner {
    inner: qr::ScannerSession,
}

#[uniffi::export]
impl QrScanner {
    /// A new session.
    #[uniffi::constructor]
    pub fn new() -> Self {
        Self::default()
    }

    /// Offers a frame; returns the codes not reported before (empty while
    /// another frame is being decoded: the newest frame waits its turn).
    pub fn offer(
        &self,
        frame: Vec<u8>,
        width: u32,
        height: u32,
        row_stride: u32,
    ) -> Result<Vec<QrPayload>, ApiError> {
        Ok(self.inner.offer(&frame, width, height, row_stride)?)
    }

    /// Forgets what was reported.
    pub fn reset(&self) {
        self.inner.reset();
    }
}
