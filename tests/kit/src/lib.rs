//! Test helpers every crate's tests share (the core's unit tests, the CLI's
//! and the integration crate's): where the third-party corpus is and what
//! happens when it is absent ([`corpus`]), camera-like QR frames made on
//! the spot ([`frames`]), and what a terminal shows after a program's
//! output ([`terminal`]). It depends on no Watchword crate, so the core can
//! use it without building itself twice.

pub mod corpus;
pub mod frames;
pub mod terminal;

pub use corpus::{corpus, corpus_dir};
pub use frames::{Frame, QUIET_MODULES, Scene, code_modules};
pub use terminal::screen_of;
