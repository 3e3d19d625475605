//! The load generator itself, briefly: `push-load watchword` against the
//! reference server on loopback (in this process, SQLite) with 50 devices,
//! 4 at a time, for 2 seconds: every device activated, round trips done,
//! no failure of any kind. And it refuses to talk to another machine. The
//! full run with 10,000 devices is `bench/load/run.sh`, not a test.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is a failure report.

use std::process::Command;

use serde_json::Value;
use watchword_tests::push::start_real_time_server;

const BIN: &str = env!("CARGO_BIN_EXE_push-load");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_devices_four_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let (server, handle) = start_real_time_server(&dir.path().join("push.db")).await;
    let base = handle.base_url();
    // What `watchword-server enrol --users-file ... --json` prints.
    let issued: String = (0..50)
        .map(|i| {
            let e = server.enrol(&format!("user{i:02}"), &base).unwrap();
            serde_json::to_string(&e).unwrap() + "\n"
        })
        .collect();
    let issued_file = dir.path().join("issued.jsonl");
    std::fs::write(&issued_file, issued).unwrap();
    let key_file = dir.path().join("rp.key");
    std::fs::write(&key_file, server.rotate_rp_key().unwrap()).unwrap();
    let mut command = Command::new(BIN);
    command
        .args(["watchword", "--server", &base, "--rp-key-file"])
        .arg(&key_file)
        .arg("--issued")
        .arg(&issued_file)
        .args(["--concurrency", "4", "--warmup", "0.5", "--duration", "2"])
        .args(["--server-pid", &std::process::id().to_string()]);
    // The server answers from this test's runtime while the generator runs.
    let out = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["activation"]["activated"], 50, "{r}");
    assert_eq!(r["failures"]["by_kind"], serde_json::json!({}), "{r}");
    assert_eq!(r["warmup_failures"], 0, "{r}");
    let rounds = r["round_trips"].as_u64().unwrap();
    assert!(rounds > 0, "{r}");
    assert_eq!(r["latency"]["rounds"].as_u64(), Some(rounds));
    assert!(r["latency"]["p99_ms"].as_f64().unwrap() > 0.0, "{r}");
    assert!(r["throughput_per_s"].as_f64().unwrap() > 0.0, "{r}");
    // The server's memory is read from /proc (here: this test process).
    assert!(
        r["server_processes"][0]["memory"]["hwm_mib"]
            .as_f64()
            .unwrap()
            > 0.0,
        "{r}"
    );
    handle.stop().await;
}

#[test]
fn only_loopback() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("rp.key");
    std::fs::write(&key, "k").unwrap();
    let out = Command::new(BIN)
        .args([
            "watchword",
            "--server",
            "http://192.0.2.1:8470",
            "--rp-key-file",
        ])
        .arg(&key)
        .args([
            "--issued",
            "/nonexistent",
            "--concurrency",
            "1",
            "--duration",
            "1",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not a loopback address"), "{err}");
}
