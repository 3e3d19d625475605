//! The rxing engine: rxing's port of zxing-cpp's QR reader (`QrReader`), fed
//! through ZXing's hybrid (local block) binariser (our faster equivalent). It samples large symbols
//! through all their alignment patterns, which makes it strong on dense and
//! moire codes.

use std::collections::HashSet;

use rxing::{
    BarcodeFormat, BinaryBitmap, DecodeHints, Luma8LuminanceSource, RXingResultMetadataType,
    RXingResultMetadataValue, multi::MultipleBarcodeReader, qrcode::cpp_port::QrReader,
};

use super::{QrPayload, binarizer::FastHybridBinarizer};

/// Every QR code rxing finds in a packed `width` x `height` luma buffer.
/// With `also_inverted`, a frame with no dark-on-light code is tried again
/// as light-on-dark by flipping the binarised matrix (no second
/// binarisation, so the dark-mode pass costs only the finder search).
pub(crate) fn decode(
    luma: &[u8],
    width: usize,
    height: usize,
    try_harder: bool,
    also_inverted: bool,
) -> Vec<QrPayload> {
    let Ok(source) = Luma8LuminanceSource::new(luma.to_vec(), width as u32, height as u32) else {
        return Vec::new();
    };
    // ZXing's hybrid binariser, bit for bit, three times faster than
    // rxing's own (see binarizer.rs).
    let Some(binarizer) = FastHybridBinarizer::new(source, luma, width, height) else {
        return Vec::new();
    };
    let mut bitmap = BinaryBitmap::new(binarizer);
    let hints = DecodeHints {
        PossibleFormats: Some(HashSet::from([BarcodeFormat::QR_CODE])),
        TryHarder: Some(try_harder),
        ..DecodeHints::default()
    };
    let mut results = QrReader
        .decode_multiple_with_hints(&mut bitmap, &hints)
        .unwrap_or_default();
    if results.is_empty() && also_inverted {
        bitmap.invert();
        results = QrReader
            .decode_multiple_with_hints(&mut bitmap, &hints)
            .unwrap_or_default();
    }
    results
        .into_iter()
        .map(|r| {
            // Byte segments keep the exact bytes; otherwise the text is all
            // there is (numeric, alphanumeric, kanji modes).
            let segments = match r
                .getRXingResultMetadata()
                .get(&RXingResultMetadataType::BYTE_SEGMENTS)
            {
                Some(RXingResultMetadataValue::ByteSegments(s)) => Some(s.concat()),
                _ => None,
            };
            match segments {
                Some(bytes) if String::from_utf8_lossy(&bytes) == r.getText() => QrPayload {
                    text: r.getText().to_owned(),
                    bytes,
                },
                _ => QrPayload::from_text(r.getText().to_owned()),
            }
        })
        .collect()
}
