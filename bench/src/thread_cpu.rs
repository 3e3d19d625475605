//! The calling thread's CPU time, for benchmarks that charge a decoder for
//! the processor it used rather than the wall clock (on a shared machine
//! the wall clock also counts time spent waiting for a core).
//!
//! `clock_gettime(CLOCK_THREAD_CPUTIME_ID)` through rustix (safe, already
//! in the tree), the clock Python's `time.thread_time()` reads, so a peer
//! timed in Python is charged the same way. (`/proc/thread-self/schedstat`
//! is no substitute: for a running thread it moves only at scheduler
//! ticks, 4 ms apart here.)

use std::time::Duration;

/// CPU time this thread has used so far; `None` where there is no such
/// clock (not Unix).
pub fn thread_cpu() -> Option<Duration> {
    #[cfg(unix)]
    {
        use rustix::time::{ClockId, clock_gettime};
        let t = clock_gettime(ClockId::ThreadCPUTime);
        Some(Duration::new(
            u64::try_from(t.tv_sec).ok()?,
            u32::try_from(t.tv_nsec).ok()?,
        ))
    }
    #[cfg(not(unix))]
    {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busy_work_advances_the_thread_clock_finely() {
        let Some(before) = thread_cpu() else {
            return; // no thread clock here: nothing to check
        };
        let mut x = 0u64;
        for i in 0..200_000u64 {
            x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(i));
        }
        let after = thread_cpu().unwrap();
        // Well under a scheduler tick of work still shows.
        assert!(after > before, "{before:?} -> {after:?} ({x})");
    }
}
