//! Push sign-in approvals, device side, over Watchword's open protocol
//! (`docs/push-protocol.md`).
//!
//! - [`protocol`]: wire messages, error codes and canonical signing inputs
//!   (shared with the reference server).
//! - [`keys`]: P-256 ECDSA keys in zeroizing memory, signatures.
//! - [`activation`]: the `watchword://activate` link and typed code + URL.
//! - [`client`]: HTTP (rustls on ring), timeouts, retries on network errors.
//! - [`state`]: a verified challenge and its state machine.
//! - [`store`]: where push accounts live (a trait; memory for tests).
//! - [`vault_store`]: push accounts sealed in the encrypted vault.
//! - [`service`]: `activate`, `pending`, `handle_push`, `respond`.
//! - [`privacyidea`]: the privacyIDEA `pipush` protocol behind the same
//!   `pending` / `respond`.

pub mod activation;
pub mod client;
pub mod enrolment;
mod error;
pub mod keys;
pub mod privacyidea;
pub mod protocol;
pub mod service;
pub mod state;
pub mod state_changes;
pub mod store;
pub mod vault_store;

pub use activation::Activation;
pub use error::PushError;
pub use protocol::{ChallengeStatus, Decision, ErrorCode};
pub use service::{ActivatedAccount, PushService};
pub use state::{ChallengeState, PendingChallenge, TrackedChallenge};
pub use state_changes::StateChanges;
pub use store::{MemoryPushStore, PushAccount, PushStore};
pub use vault_store::VaultPushStore;
