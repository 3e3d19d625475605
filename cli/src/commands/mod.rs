//! One file per command. Each exposes `Args` (clap) and
//! `run(&Args) -> Result<Output, ApiError>`.

pub mod code;
pub mod inspect;

// Push approvals (issue 6).
pub mod activate;
pub mod approve;
pub mod demo;
pub mod pending;
mod prompt;
mod push_common;
mod push_store;
pub mod respond;

// privacyIDEA push (issue 7).
pub mod add;
mod add_privacyidea;
