//! Forwards the core's `tracing` events to a shell's [`Logger`] (logcat,
//! os_log). Only an event's message and fields travel; the core never puts
//! secrets in them (secrets live in redacting types whose Debug/Display
//! print `[REDACTED]`).

use std::{
    fmt::Write as _,
    sync::{Arc, OnceLock, RwLock},
};

use tracing::{Event, Level, Subscriber, field::Field};
use tracing_subscriber::{Layer, layer::Context, prelude::*};

/// How serious a log line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum LogLevel {
    /// Very detailed.
    Trace,
    /// Detailed.
    Debug,
    /// Normal.
    Info,
    /// Something odd.
    Warn,
    /// Something failed.
    Error,
}

impl From<&Level> for LogLevel {
    fn from(l: &Level) -> Self {
        match *l {
            Level::TRACE => Self::Trace,
            Level::DEBUG => Self::Debug,
            Level::INFO => Self::Info,
            Level::WARN => Self::Warn,
            _ => Self::Error,
        }
    }
}

/// One log line.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LogRecord {
    /// Severity.
    pub level: LogLevel,
    /// The Rust module (`watchword_core::push::service`).
    pub target: String,
    /// The message, then ` key=value` per field.
    pub message: String,
}

/// Where the core's log lines go.
///
/// Declared throwing so that an exception in the shell's logger is caught
/// and dropped: logging never changes the result of the operation that
/// logged (and a failing logger is not told about its own failure, which
/// would recurse).
#[uniffi::export(foreign)]
pub trait Logger: Send + Sync {
    /// Receives one line.
    fn log(&self, record: LogRecord) -> Result<(), crate::ShellError>;
}

static SINK: RwLock<Option<Arc<dyn Logger>>> = RwLock::new(None);
static INSTALLED: OnceLock<bool> = OnceLock::new();

/// Sends the core's log lines at `level` and above to `logger` (`None`
/// stops forwarding). Installs the forwarding layer as the global tracing
/// subscriber the first time; if the host already set one, lines go there.
#[uniffi::export]
pub fn set_logger(logger: Option<Arc<dyn Logger>>, level: LogLevel) {
    if let Ok(mut s) = SINK.write() {
        *s = logger;
    }
    LEVEL.store(level as u8, std::sync::atomic::Ordering::Relaxed);
    INSTALLED.get_or_init(|| {
        tracing_subscriber::registry()
            .with(Forward)
            .try_init()
            .is_ok()
    });
}

static LEVEL: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(LogLevel::Info as u8);

/// The layer that formats an event and hands it to the sink.
struct Forward;

struct Fields(String);

impl tracing::field::Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.0, "{value:?}");
        } else {
            let _ = write!(self.0, " {}={value:?}", field.name());
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.0.push_str(value);
        } else {
            let _ = write!(self.0, " {}={value}", field.name());
        }
    }
}

impl<S: Subscriber> Layer<S> for Forward {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let meta = event.metadata();
        let level = LogLevel::from(meta.level());
        if (level as u8) < LEVEL.load(std::sync::atomic::Ordering::Relaxed) {
            return;
        }
        let Some(sink) = SINK.read().ok().and_then(|s| s.clone()) else {
            return;
        };
        let mut fields = Fields(String::new());
        event.record(&mut fields);
        // A logger that throws is ignored: see `Logger`.
        let _ = sink.log(LogRecord {
            level,
            target: meta.target().to_owned(),
            message: fields.0,
        });
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    #[derive(Default)]
    struct Collect(Mutex<Vec<LogRecord>>);

    impl Logger for Collect {
        fn log(&self, record: LogRecord) -> Result<(), crate::ShellError> {
            self.0.lock().unwrap().push(record);
            Ok(())
        }
    }

    #[test]
    fn events_reach_the_logger_at_or_above_its_level() {
        let sink = Arc::new(Collect::default());
        set_logger(Some(sink.clone()), LogLevel::Info);
        tracing::info!(target: "ffi_test", attempt = 2, "hello");
        tracing::debug!(target: "ffi_test", "too detailed");
        set_logger(None, LogLevel::Info);
        tracing::warn!(target: "ffi_test", "after removal");
        let lines: Vec<_> = sink
            .0
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.target == "ffi_test")
            .cloned()
            .collect();
        assert_eq!(
            lines,
            vec![LogRecord {
                level: LogLevel::Info,
                target: "ffi_test".into(),
                message: "hello attempt=2".into()
            }]
        );
    }
}
