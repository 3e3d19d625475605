//! A live scanning session: the camera pushes frames at its own rate, the
//! decoder takes as long as a frame needs. The session never queues: while
//! one frame is decoding, only the newest frame waits (older ones are
//! dropped), an unchanged frame is not decoded twice, and each payload is
//! reported once per session.

use std::{
    collections::{HashSet, hash_map::DefaultHasher},
    hash::{Hash, Hasher},
    sync::Mutex,
};

use super::{Payload, QrError, decode_luma, frame::LumaFrame};

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

#[derive(Debug)]
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
    /// Fingerprint of the last frame decoded.
    last_hash: Option<u64>,
    /// Payload bytes already reported.
    seen: HashSet<Vec<u8>>,
    stats: ScannerStats,
}

/// A scanner session; share it between the camera callback threads
/// (`Send + Sync`).
#[derive(Debug, Default)]
pub struct ScannerSession {
    state: Mutex<State>,
}

impl ScannerSession {
    /// A new session that has reported nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Offers one camera frame (same layout as [`decode_luma`]).
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
    ) -> Result<Vec<Payload>, QrError> {
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
                        let hash = fingerprint(&f);
                        if st.last_hash == Some(hash) {
                            st.stats.dropped_duplicate += 1;
                            continue;
                        }
                        st.last_hash = Some(hash);
                        st.stats.decoded += 1;
                        f
                    }
                    None => {
                        st.busy = false;
                        break;
                    }
                }
            };
            // Decode outside the lock so the camera thread is never blocked.
            let found = decode_luma(&next.packed, next.width, next.height, next.width);
            let mut st = self.lock();
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
        st.last_hash = None;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the state half
        // written (every update is a plain assignment), so a poisoned lock
        // is still usable.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn fingerprint(f: &PendingFrame) -> u64 {
    let mut h = DefaultHasher::new();
    (f.width, f.height).hash(&mut h);
    f.packed.hash(&mut h);
    h.finish()
}
