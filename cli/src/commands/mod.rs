//! One file per command. Each exposes `Args` (clap) and
//! `run(&Args) -> Result<Output, ApiError>`; vault commands take the
//! `--vault` path first: `run(Option<&Path>, &Args)`.

pub mod add;
pub mod backup;
pub mod clock;
pub mod code;
pub mod codes;
pub mod export;
mod file_password;
pub mod import;
pub mod init;
pub mod inspect;
pub mod list;
pub mod next;
pub mod passphrase;
pub mod rename;
pub mod restore;
pub mod resync;
pub mod rm;
pub mod scan;
pub mod trash;

// Push approvals (issue 6).
pub mod activate;
pub mod approve;
pub mod demo;
pub mod listen;
pub mod pending;
mod prompt;
mod push_common;
mod push_store;
pub mod respond;
mod web_push_receiver;

// What `add <text>`, `activate` and `scan --add` share: core's one
// enrolment entry point.
mod enrol;
