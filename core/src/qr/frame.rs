//! A camera luma plane (8 bits a pixel, rows `stride` bytes apart) and its
//! validation: the one place frame sizes are checked before any pixel is read.

use std::borrow::Cow;

use super::QrError;

/// The largest side accepted: larger than any phone camera preview, small
/// enough that a frame's pixel count cannot overflow or exhaust memory.
pub const MAX_SIDE: u32 = 16_384;

/// Checks that a `width` x `height` frame is neither empty nor oversize.
pub fn check_dimensions(width: u32, height: u32) -> Result<(), QrError> {
    if width == 0 || height == 0 {
        return Err(QrError::EmptyFrame { width, height });
    }
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(QrError::FrameTooLarge {
            width,
            height,
            max: MAX_SIDE,
        });
    }
    Ok(())
}

/// A validated, borrowed luma plane.
#[derive(Debug, Clone, Copy)]
pub struct LumaFrame<'a> {
    data: &'a [u8],
    width: usize,
    height: usize,
    stride: usize,
}

impl<'a> LumaFrame<'a> {
    /// Checks that `data` holds a `width` x `height` plane whose rows start
    /// `row_stride` bytes apart (the last row may be just `width` long, as
    /// Android's `ImageProxy` planes are).
    pub fn new(data: &'a [u8], width: u32, height: u32, row_stride: u32) -> Result<Self, QrError> {
        check_dimensions(width, height)?;
        if row_stride < width {
            return Err(QrError::StrideTooSmall {
                stride: row_stride,
                width,
            });
        }
        let (w, h, s) = (width as usize, height as usize, row_stride as usize);
        let needed = s * (h - 1) + w;
        if data.len() < needed {
            return Err(QrError::BufferTooShort {
                needed,
                actual: data.len(),
            });
        }
        Ok(LumaFrame {
            data,
            width: w,
            height: h,
            stride: s,
        })
    }

    /// Width in pixels.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> usize {
        self.height
    }

    /// Row `y` (exactly `width` bytes; the stride padding is never read).
    pub fn row(&self, y: usize) -> &'a [u8] {
        let start = y * self.stride;
        &self.data[start..start + self.width]
    }

    /// The pixels packed without padding (`width * height` bytes), the form
    /// the decoding engines take: borrowed when the rows have no padding
    /// (a camera session's frames, most image files), copied otherwise.
    pub fn packed(&self) -> Cow<'a, [u8]> {
        if self.stride == self.width {
            Cow::Borrowed(&self.data[..self.width * self.height])
        } else {
            Cow::Owned(self.to_packed())
        }
    }

    /// The pixels packed without padding, always a copy of its own.
    pub fn to_packed(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.width * self.height);
        for y in 0..self.height {
            out.extend_from_slice(self.row(y));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bad_size_is_a_typed_error() {
        let buf = vec![0u8; 100];
        assert!(matches!(
            LumaFrame::new(&buf, 0, 10, 10),
            Err(QrError::EmptyFrame { .. })
        ));
        assert!(matches!(
            LumaFrame::new(&buf, 10, 0, 10),
            Err(QrError::EmptyFrame { .. })
        ));
        assert!(matches!(
            LumaFrame::new(&buf, u32::MAX, 1, u32::MAX),
            Err(QrError::FrameTooLarge { .. })
        ));
        assert!(matches!(
            LumaFrame::new(&buf, 10, 10, 9),
            Err(QrError::StrideTooSmall { .. })
        ));
        assert_eq!(
            LumaFrame::new(&buf, 10, 10, 11).err(),
            Some(QrError::BufferTooShort {
                needed: 109,
                actual: 100
            })
        );
    }

    #[test]
    fn last_row_may_be_short_and_padding_is_skipped() {
        // 3x2 frame, stride 5: row 0 = [1,2,3] + 2 junk bytes, row 1 = [4,5,6].
        let buf = [1, 2, 3, 9, 9, 4, 5, 6];
        let f = LumaFrame::new(&buf, 3, 2, 5).unwrap();
        assert_eq!(f.to_packed(), vec![1, 2, 3, 4, 5, 6]);
        assert!(matches!(f.packed(), Cow::Owned(p) if p == [1, 2, 3, 4, 5, 6]));
        // No padding: the caller's pixels, not a copy (trailing bytes left out).
        let tight = LumaFrame::new(&buf, 4, 2, 4).unwrap();
        assert!(matches!(tight.packed(), Cow::Borrowed(p) if p == &buf[..8]));
        assert_eq!(
            LumaFrame::new(&buf[..7], 3, 2, 5).err(),
            Some(QrError::BufferTooShort {
                needed: 8,
                actual: 7
            })
        );
    }
}
