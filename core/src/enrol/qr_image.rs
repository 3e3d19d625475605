//! Rendering a link as a QR image (PNG), for exports a phone can scan.

use image::{ImageFormat, Luma};
use qrcode::{EcLevel, QrCode};
use zeroize::Zeroizing;

use super::EnrolError;

/// Renders `text` as a PNG QR code (error correction M, 4-module quiet
/// zone, 8 pixels a module). The bytes hold whatever the text holds (export
/// links hold secrets), hence `Zeroizing`.
pub fn render_png(text: &str) -> Result<Zeroizing<Vec<u8>>, EnrolError> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|e| EnrolError::Render(e.to_string()))?;
    let img = code
        .render::<Luma<u8>>()
        .module_dimensions(8, 8)
        .quiet_zone(true)
        .build();
    let mut out = Zeroizing::new(Vec::new());
    img.write_to(&mut std::io::Cursor::new(&mut *out), ImageFormat::Png)
        .map_err(|e| EnrolError::Render(e.to_string()))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_a_png() {
        let png = render_png("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP").unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        let img = image::load_from_memory(&png).unwrap();
        assert!(img.width() > 100);
    }
}
