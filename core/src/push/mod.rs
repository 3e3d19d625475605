//! Push sign-in approvals, device side, over Watchword's open protocol
//! (`docs/push-protocol.md`) and privacyIDEA's `pipush`.
//!
//! - [`protocol`]: wire messages, error codes and canonical signing inputs
//!   (shared with the reference server).
//! - [`keys`]: P-256 ECDSA keys in zeroizing memory, signatures.
//! - [`provider`]: the protocols as a type ([`Provider`]): Watchword's own
//!   or privacyIDEA's; strings only on the wire and in stored JSON.
//! - [`push_address`]: registering and changing that address with each
//!   account's server, and reading Web Push messages.
//! - [`push_token`]: where a server sends a device's notifications (APNs,
//!   FCM, Web Push): as the platform gives it and as the device registers it.
//! - [`activation`]: a checked Watchword activation (code, URL, enrolment
//!   id); what the user scans or types reaches it through
//!   [`crate::enrol::intake`], the one entry point.
//! - [`client`]: `ServerClient`, requests over the host's `HttpTransport`,
//!   timeouts, retries on network errors (never on a refusal).
//! - [`state`]: a verified challenge and its state machine.
//! - [`shown`]: a request as the person sees it ([`Challenge`], with its
//!   seconds left) and where it stands ([`ChallengeProgress`]).
//! - [`state_changes`]: which challenge states a listener was already told.
//! - [`history`]: what the device saw of each request, kept after the
//!   server stops listing it ("expired", "already approved").
//! - [`store`]: where push accounts live (a trait; memory for tests).
//! - [`vault_store`]: push accounts sealed in the encrypted vault.
//! - [`answer`]: what a person answers ([`Answer`]: approve, with what the
//!   sign-in screen shows; deny; fraud), for either protocol.
//! - [`service`]: `activate`, `pending`, `handle_push`, `respond`.
//! - [`observers`]: the app's listener told of state changes and the
//!   push-token source, each bounded so app code never holds a call up.
//! - [`privacyidea`]: the privacyIDEA `pipush` protocol behind the same
//!   `pending` / `respond` (`device`, `http`, `keys`, `messages`, `time`).
//! - [`webpush`]: Web Push message encryption (RFC 8188, RFC 8291), both
//!   sides.
//! - `error`: [`PushError`], mapped to `ApiError` only in `crate::error`.

pub mod activation;
pub mod answer;
pub mod client;
mod error;
pub mod history;
pub mod keys;
pub mod observers;
pub mod privacyidea;
pub mod protocol;
pub mod provider;
pub mod push_address;
pub mod push_token;
pub mod service;
pub mod shown;
pub mod state;
pub mod state_changes;
pub mod store;
pub mod vault_store;
pub mod webpush;

pub use activation::Activation;
pub use answer::{Answer, Shown};
pub use error::PushError;
pub use observers::{ChallengeObserver, TokenSource};
pub use protocol::{ChallengeStatus, Decision, ErrorCode};
pub use provider::Provider;
pub use push_address::PushTokenReport;
pub use push_token::{PlatformPushToken, PushToken, PushTokenKind};
pub use service::{ActivatedAccount, PushService};
pub use shown::{Challenge, ChallengeProgress};
pub use state::{ChallengeState, PendingChallenge, TrackedChallenge};
pub use state_changes::StateChanges;
pub use store::{MemoryPushStore, PushAccount, PushStore};
pub use vault_store::{
    PushAccountSummary, PushRemoval, VaultPushStore, push_account_summaries, remove_push_account,
    rename_push_account,
};
