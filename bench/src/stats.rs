//! Latency summaries the push benchmarks print: percentiles by rank over
//! the sorted times (nearest rank, no interpolation), in milliseconds.

use std::time::Duration;

use serde_json::{Value, json};

/// The `p` quantile (0.0..=1.0) of `sorted`, in milliseconds; 0 when empty.
pub fn percentile_ms(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1].as_secs_f64() * 1000.0
}

/// Rounds, p50, p95, p99, mean, min and max of `times`, in milliseconds.
pub fn summary(mut times: Vec<Duration>) -> Value {
    times.sort();
    let mean = if times.is_empty() {
        0.0
    } else {
        times.iter().map(Duration::as_secs_f64).sum::<f64>() / times.len() as f64 * 1000.0
    };
    json!({
        "rounds": times.len(),
        "p50_ms": percentile_ms(&times, 0.50),
        "p95_ms": percentile_ms(&times, 0.95),
        "p99_ms": percentile_ms(&times, 0.99),
        "mean_ms": mean,
        "min_ms": percentile_ms(&times, 0.0),
        "max_ms": percentile_ms(&times, 1.0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank() {
        let t: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile_ms(&t, 0.5), 50.0);
        assert_eq!(percentile_ms(&t, 0.99), 99.0);
        assert_eq!(percentile_ms(&t, 1.0), 100.0);
        assert_eq!(percentile_ms(&t, 0.0), 1.0);
        assert_eq!(percentile_ms(&[], 0.5), 0.0);
        let s = summary(t);
        assert_eq!(s["rounds"], 100);
        assert_eq!(s["p95_ms"], 95.0);
    }
}
