//! Decoding QR codes from image files (PNG, JPEG: screenshots, saved photos).

use super::{QrError, QrPayload, frame::check_dimensions};

/// Every QR code in a PNG or JPEG image.
pub fn decode_image(bytes: &[u8]) -> Result<Vec<QrPayload>, QrError> {
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
    let invalid = |e: image::ImageError| QrError::InvalidImage(e.to_string());
    let reader = || image::ImageReader::with_format(std::io::Cursor::new(bytes), format);
    // The same size limits as camera frames, checked from the header before
    // anything is decompressed (a small file can claim a huge image).
    let (w, h) = reader().into_dimensions().map_err(invalid)?;
    check_dimensions(w, h)?;
    Ok(reader().decode().map_err(invalid)?.to_luma8())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PNG whose header claims 100000 x 1 pixels is refused from the
    /// header, as a frame of that size would be.
    #[test]
    fn oversize_images_are_refused_before_decoding() {
        let mut png = Vec::new();
        image::GrayImage::new(100_000, 1)
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        assert!(matches!(
            load_luma(&png),
            Err(QrError::FrameTooLarge { .. })
        ));
        assert!(matches!(
            decode_image(&png),
            Err(QrError::FrameTooLarge { .. })
        ));
    }
}
