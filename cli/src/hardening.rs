//! Process hardening for the command line: no core dumps. A crash (or a
//! `kill -SEGV`) of a process that holds an unlocked vault's data key,
//! OTP seeds or a passphrase would otherwise write them to disk in a core
//! file, outside every zeroizing type. On Linux the process is also marked
//! not dumpable, which also keeps other processes of the same user from
//! attaching a debugger to read its memory.
//!
//! Best effort: where the platform refuses, the command still runs (a
//! warning is logged), since the alternative (refusing to show a code) helps
//! nobody.

/// Turns core dumps off for this process and its children.
pub fn disable_core_dumps() {
    #[cfg(unix)]
    {
        use rustix::process::{Resource, Rlimit, setrlimit};
        let none = Rlimit {
            current: Some(0),
            maximum: Some(0),
        };
        if let Err(e) = setrlimit(Resource::Core, none) {
            tracing::warn!(error = %e, "could not turn core dumps off");
        }
    }
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        use rustix::process::{DumpableBehavior, set_dumpable_behavior};
        if let Err(e) = set_dumpable_behavior(DumpableBehavior::NotDumpable) {
            tracing::warn!(error = %e, "could not mark the process not dumpable");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(unix)]
    fn core_dumps_are_off() {
        disable_core_dumps();
        let limit = rustix::process::getrlimit(rustix::process::Resource::Core);
        assert_eq!(limit.current, Some(0));
        assert_eq!(limit.maximum, Some(0), "and cannot be raised again");
        #[cfg(target_os = "linux")]
        assert_eq!(
            rustix::process::dumpable_behavior().unwrap(),
            rustix::process::DumpableBehavior::NotDumpable
        );
    }
}
