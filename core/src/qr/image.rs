//! Decoding QR codes from image files (PNG, JPEG: screenshots, saved photos).

use super::{Payload, QrError, frame::check_dimensions};

/// Every QR code in a PNG or JPEG image.
pub fn decode_image(bytes: &[u8]) -> Result<Vec<Payload>, QrError> {
    let luma = load_luma(bytes)?;
    let (w, h) = luma.dimensions();
    super::decode_luma(luma.as_raw(), w, h, w)
}

/// The image's luma plane (colour images are converted, alpha dropped).
pub fn load_luma(bytes: &[u8]) -> Result<image::GrayImage, QrError> {
    let format = image::guess_format(bytes).map_err(|e| QrError::InvalidImage(e.to_string()))?;
    if !matches!(format, image::ImageFormat::Png | image::ImageFormat::Jpeg) {
        return Err(QrError::InvalidImage(format!(
            "{format:?} images are not supported"
        )));
    }
    let img = image::load_from_memory_with_format(bytes, format)
        .map_err(|e| QrError::InvalidImage(e.to_string()))?;
    // The same size limits as camera frames.
    check_dimensions(img.width(), img.height())?;
    Ok(img.to_luma8())
}
