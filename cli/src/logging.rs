//! Diagnostic logging for the command line: off unless `WATCHWORD_LOG`
//! names a level (`error`, `warn`, `info`, `debug`, `trace`), then the
//! core's `tracing` events go to stderr. Off by default so that a command's
//! output stays exactly what it prints; secrets never reach a log at any
//! level (tests/tests/leak.rs runs every flow at `trace` to prove it).

/// The environment variable that turns logging on.
pub const LOG_ENV: &str = "WATCHWORD_LOG";

/// Installs the stderr logger when [`LOG_ENV`] names a level.
pub fn init() {
    let Some(level) = std::env::var(LOG_ENV)
        .ok()
        .and_then(|v| v.trim().parse::<tracing::Level>().ok())
    else {
        return;
    };
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_target(true)
        .with_max_level(level)
        .init();
}
