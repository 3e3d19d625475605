//! One file per command. Each exposes `Args` (clap) and
//! `run(&Args) -> Result<Output, ApiError>`.

pub mod code;
pub mod inspect;
pub mod scan;
