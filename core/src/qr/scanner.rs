//! A live scanning session: the camera pushes frames at its own rate, the
//! decoder takes as long as a frame needs. The session never queues: while
//! one frame is decoding, only the newest frame waits (older ones are
//! dropped), a frame identical to the last one decoded is not decoded
//! again, and each payload is
//! reported once per session. Each frame is decoded within
//! [`Limits::LIVE`]: frames with no finder pattern stop after the first
//! pass, and no fallback starts after the live budget.

use std::{collections::HashSet, sync::Mutex};

use super::{
    QrError, QrPayload,
    frame::LumaFrame,
    pipeline::{self, Limits},
};

/// Counters for a session (for tuning and for tests).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScannerStats {
    /// Frames offered.
    pub received: u64,
    /// Frames decoded.
    pub decoded: u64,
    /// Frames replaced by a newer one before they could be decoded.
    pub dropped_stale: u64,
    /// Frames skipped because they were identical to the last decoded one.
    pub dropped_duplicate: u64,
}

#[derive(Debug, PartialEq, Eq)]
struct PendingFrame {
    packed: Vec<u8>,
    width: u32,
    height: u32,
}

#[derive(Debug, Default)]
struct State {
    /// A decode is running (in some caller's thread).
    busy: bool,
    /// The newest frame not yet decoded.
    pending: Option<PendingFrame>,
    /// The last frame decoded, kept to skip an identical one: comparing
    /// bytes stops at the first difference (camera noise differs in the
    /// first row), where hashing every frame cost 0.5 ms of a 3 ms decode.
    last: Option<PendingFrame>,
    /// QrPayload bytes already reported.
    seen: HashSet<Vec<u8>>,
    stats: ScannerStats,
}

/// A scanner session; share it between the camera callback threads
/// (`Send + Sync`).
#[derive(Debug)]
pub struct ScannerSession {
    state: Mutex<State>,
    limits: Limits,
}

impl Default for ScannerSession {
    fn default() -> Self {
        Self::with_limits(Limits::LIVE)
    }
}

impl ScannerSession {
    /// A new session that has reported nothing yet, decoding each frame
    /// within [`Limits::LIVE`].
    pub fn new() -> Self {
        Self::default()
    }

    /// A session decoding within other limits (benchmarks: choosing the
    /// live budget, bench/qr/camera.py).
    pub fn with_limits(limits: Limits) -> Self {
        ScannerSession {
            state: Mutex::default(),
            limits,
        }
    }

    /// Offers one camera frame (same layout as [`super::decode_luma`]).
    ///
    /// If no decode is running, this call decodes the frame, then any newer
    /// frame that arrived meanwhile, and returns the payloads not reported
    /// before. If a decode is running in another thread, the frame replaces
    /// any frame waiting and the call returns at once with an empty list; the
    /// running call decodes it and reports what it finds.
    pub fn offer(
        &self,
        frame: &[u8],
        width: u32,
        height: u32,
        row_stride: u32,
    ) -> Result<Vec<QrPayload>, QrError> {
        let packed = LumaFrame::new(frame, width, height, row_stride)?.to_packed();
        {
            let mut st = self.lock();
            st.stats.received += 1;
            if st.pending.is_some() {
                st.stats.dropped_stale += 1;
            }
            st.pending = Some(PendingFrame {
                packed,
                width,
                height,
            });
            if st.busy {
                return Ok(Vec::new());
            }
            st.busy = true;
        }
        let mut new_payloads = Vec::new();
        loop {
            let next = {
                let mut st = self.lock();
                match st.pending.take() {
                    Some(f) => {
                        if st.last.as_ref() == Some(&f) {
                            st.stats.dropped_duplicate += 1;
                            continue;
                        }
                        st.stats.decoded += 1;
                        f
                    }
                    None => {
                        st.busy = false;
                        break;
                    }
                }
            };
            // Decode outside the lock so the camera thread is never blocked,
            // within the live budget: a hard frame gives way to the next.
            let found = LumaFrame::new(&next.packed, next.width, next.height, next.width)
                .map(|f| pipeline::decode_limited(&f, pipeline::DEFAULT_CHAIN, self.limits));
            let mut st = self.lock();
            st.last = Some(next);
            match found {
                Ok(found) => {
                    for p in found {
                        if st.seen.insert(p.bytes.clone()) {
                            new_payloads.push(p);
                        }
                    }
                }
                Err(e) => {
                    st.busy = false;
                    return Err(e);
                }
            }
        }
        Ok(new_payloads)
    }

    /// The session's counters.
    pub fn stats(&self) -> ScannerStats {
        self.lock().stats
    }

    /// Forgets what was reported, so the same code is reported again.
    pub fn reset(&self) {
        let mut st = self.lock();
        st.seen.clear();
        st.last = None;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the state half
        // written (every update is a plain assignment), so a poisoned lock
        // is still usable.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use watchword_testkit::Scene;

    use super::*;
    use crate::qr::decode_luma;

    /// A camera frame made on the spot: (luma, width, height). `None` for
    /// the text is a frame with no code.
    fn frame(text: Option<&str>, width: u32, height: u32) -> (Vec<u8>, u32, u32) {
        let mut scene = Scene::new(width, height).seed(u64::from(width));
        if let Some(text) = text {
            scene = scene.code(text, width / 3, height / 5, 5);
        }
        (scene.render().packed(), width, height)
    }

    #[test]
    fn each_payload_is_reported_once_and_unchanged_frames_are_skipped() {
        // Two frames, each with its own code.
        let (a, aw, ah) = frame(
            Some("otpauth://totp/A:alice?secret=JBSWY3DPEHPK3PXP"),
            640,
            480,
        );
        let (b, bw, bh) = frame(
            Some("otpauth://totp/B:bob?secret=JBSWY3DPEHPK3PXQ"),
            800,
            600,
        );
        let s = ScannerSession::new();
        let first = s.offer(&a, aw, ah, aw).unwrap();
        assert_eq!(first.len(), 1);
        assert!(first[0].text.starts_with("otpauth") || first[0].text.contains("://"));
        // The same frame again: not decoded, nothing new.
        assert!(s.offer(&a, aw, ah, aw).unwrap().is_empty());
        assert_eq!(s.stats().dropped_duplicate, 1);
        // A new frame with a new code: reported.
        let second = s.offer(&b, bw, bh, bw).unwrap();
        assert_eq!(second.len(), 1);
        assert_ne!(second[0], first[0]);
        // The first frame again (no longer the last one): decoded, but its
        // code was already reported.
        assert!(s.offer(&a, aw, ah, aw).unwrap().is_empty());
        assert_eq!(s.stats().decoded, 3);
        // After a reset the code is new again.
        s.reset();
        assert_eq!(s.offer(&a, aw, ah, aw).unwrap(), first);
    }

    /// Only an identical frame is skipped: one pixel changed (the last
    /// one, so the comparison runs to the end) is a new frame, as is the
    /// same bytes in another shape.
    #[test]
    fn a_frame_one_pixel_apart_is_decoded_again() {
        let (a, w, h) = frame(None, 320, 240);
        let mut b = a.clone();
        *b.last_mut().unwrap() ^= 1;
        let s = ScannerSession::new();
        for (f, fw, fh) in [(&a, w, h), (&a, w, h), (&b, w, h), (&b, h, w)] {
            s.offer(f, fw, fh, fw).unwrap();
        }
        let stats = s.stats();
        assert_eq!((stats.decoded, stats.dropped_duplicate), (3, 1));
    }

    #[test]
    fn frames_arriving_during_a_decode_keep_only_the_newest() {
        // A large frame with finder patterns but no readable code keeps the
        // decoder busy for a while (fallbacks run until the live budget).
        let (slow, sw, sh) = (pipeline::tests::wiped_code(1920, 1080), 1920, 1080);
        let (code, cw, ch) = frame(
            Some("otpauth://totp/A:alice?secret=JBSWY3DPEHPK3PXP"),
            640,
            480,
        );
        let (other, ow, oh) = frame(
            Some("otpauth://totp/B:bob?secret=JBSWY3DPEHPK3PXQ"),
            800,
            600,
        );
        let s = Arc::new(ScannerSession::new());
        let worker = {
            let s = Arc::clone(&s);
            std::thread::spawn(move || s.offer(&slow, sw, sh, sw))
        };
        while !s.lock().busy {
            std::thread::yield_now();
        }
        // Two frames while busy: the first is replaced by the second before
        // the worker gets to it; both calls return at once.
        assert!(s.offer(&other, ow, oh, ow).unwrap().is_empty());
        assert!(s.offer(&code, cw, ch, cw).unwrap().is_empty());
        let found = worker.join().unwrap().unwrap();
        let stats = s.stats();
        assert_eq!(stats.received, 3);
        assert_eq!(stats.dropped_stale, 1);
        assert_eq!(stats.decoded, 2);
        // The worker decoded the newest frame and reported its code.
        let expected = decode_luma(&code, cw, ch, cw).unwrap();
        assert_eq!(found, expected);
        assert!(!s.lock().busy);
    }

    #[test]
    fn bad_frames_are_rejected_without_changing_the_session() {
        let s = ScannerSession::new();
        assert!(matches!(
            s.offer(&[0; 10], 4, 4, 4),
            Err(QrError::BufferTooShort { .. })
        ));
        assert!(matches!(
            s.offer(&[0; 16], 4, 4, 3),
            Err(QrError::StrideTooSmall { .. })
        ));
        assert_eq!(s.stats(), ScannerStats::default());
    }
}
