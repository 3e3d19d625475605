//! Injectable time with a signed offset.
//!
//! Phone clocks are often minutes off. Codes are computed from
//! `clock.now_unix_ms()`, where an [`OffsetClock`] adds an offset learned
//! from a server's `Date` or time field (or set by hand). Tests inject a
//! [`FixedClock`].

use std::{
    sync::atomic::{AtomicI64, Ordering},
    time::{SystemTime, UNIX_EPOCH},
};

/// A source of the current time.
pub trait Clock: Send + Sync {
    /// Milliseconds since the Unix epoch (may be negative for a broken clock).
    fn now_unix_ms(&self) -> i64;
}

/// The operating system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_unix_ms(&self) -> i64 {
        match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
            Err(e) => -i64::try_from(e.duration().as_millis()).unwrap_or(i64::MAX),
        }
    }
}

/// A clock that stands still until told otherwise (for tests and `--at`).
#[derive(Debug, Default)]
pub struct FixedClock(AtomicI64);

impl FixedClock {
    /// A clock showing `unix_ms`.
    pub fn new(unix_ms: i64) -> Self {
        Self(AtomicI64::new(unix_ms))
    }

    /// Moves the clock to `unix_ms`.
    pub fn set(&self, unix_ms: i64) {
        self.0.store(unix_ms, Ordering::SeqCst);
    }

    /// Moves the clock forward (or back, with a negative value).
    pub fn advance(&self, ms: i64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for FixedClock {
    fn now_unix_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// Another clock corrected by a signed offset in milliseconds.
#[derive(Debug, Default)]
pub struct OffsetClock<C> {
    inner: C,
    offset_ms: AtomicI64,
}

impl<C: Clock> OffsetClock<C> {
    /// Wraps `inner` with an initial offset.
    pub fn new(inner: C, offset_ms: i64) -> Self {
        Self {
            inner,
            offset_ms: AtomicI64::new(offset_ms),
        }
    }

    /// The current correction, added to the inner clock.
    pub fn offset_ms(&self) -> i64 {
        self.offset_ms.load(Ordering::SeqCst)
    }

    /// Sets the correction by hand.
    pub fn set_offset_ms(&self, offset_ms: i64) {
        self.offset_ms.store(offset_ms, Ordering::SeqCst);
    }

    /// Learns the offset from a server's time, as seen when its reply
    /// arrived: afterwards `now_unix_ms()` agrees with the server. Returns
    /// the new offset.
    pub fn learn_from_server(&self, server_unix_ms: i64) -> i64 {
        let offset = server_unix_ms.saturating_sub(self.inner.now_unix_ms());
        self.set_offset_ms(offset);
        offset
    }

    /// The uncorrected clock.
    pub fn inner(&self) -> &C {
        &self.inner
    }
}

impl<C: Clock> Clock for OffsetClock<C> {
    fn now_unix_ms(&self) -> i64 {
        self.inner.now_unix_ms().saturating_add(self.offset_ms())
    }
}

impl<C: Clock + ?Sized> Clock for std::sync::Arc<C> {
    fn now_unix_ms(&self) -> i64 {
        (**self).now_unix_ms()
    }
}

impl<C: Clock + ?Sized> Clock for &C {
    fn now_unix_ms(&self) -> i64 {
        (**self).now_unix_ms()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_corrects_a_wrong_clock() {
        // The phone is 3 minutes slow.
        let phone = FixedClock::new(1_000_000 - 180_000);
        let clock = OffsetClock::new(phone, 0);
        assert_eq!(clock.now_unix_ms(), 820_000);
        assert_eq!(clock.learn_from_server(1_000_000), 180_000);
        assert_eq!(clock.now_unix_ms(), 1_000_000);
        clock.inner().advance(5_000);
        assert_eq!(clock.now_unix_ms(), 1_005_000);
        clock.set_offset_ms(-1_000);
        assert_eq!(clock.now_unix_ms(), 824_000);
    }

    #[test]
    fn system_clock_is_after_2020() {
        assert!(SystemClock.now_unix_ms() > 1_577_836_800_000);
    }
}
