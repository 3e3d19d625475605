//! Web Push (RFC 8030) as the device and the server both need it: the
//! `aes128gcm` content coding (RFC 8188, [`ece`]) and the message
//! encryption to a receiver's keys (RFC 8291, [`message`]).
//!
//! The server encrypts a notification (ids only) to the keys the device
//! registered with its token; the device (a UnifiedPush distributor hands
//! the app the raw body, the CLI's `listen` receives it itself) decrypts it
//! with the keys sealed in its vault and then fetches the request with a
//! signed call, as after any other push.

pub mod ece;
pub mod message;

pub use ece::EceError;
pub use message::{ReceiverPublicKeys, WebPushError, WebPushKeys};
