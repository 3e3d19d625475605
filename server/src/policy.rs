//! The limits the server enforces; defaults follow the protocol document.

/// Limits for activation, challenges and push fatigue.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Organisation name given to new users.
    pub organisation: String,
    /// Seconds an activation code stays valid (600).
    pub activation_ttl: i64,
    /// Wrong activation codes before the enrolment locks (5).
    pub activation_max_tries: u32,
    /// Default challenge time limit, seconds (60).
    pub default_ttl: i64,
    /// Smallest and largest time limit a relying party may ask for.
    pub ttl_range: (i64, i64),
    /// Wrong numbers before a challenge fails (3).
    pub max_number_tries: u32,
    /// Open challenges per user (3).
    pub max_open_per_user: u32,
    /// Denials within `deny_window` that start a cool-down (3).
    pub max_denials: u32,
    /// Window for counting denials, seconds (600).
    pub deny_window: i64,
    /// Cool-down after too many denials, seconds (900).
    pub deny_cooldown: i64,
    /// Cool-down after a fraud report, seconds (3600).
    pub fraud_cooldown: i64,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            organisation: "Watchword".to_owned(),
            activation_ttl: 600,
            activation_max_tries: 5,
            default_ttl: 60,
            ttl_range: (10, 600),
            max_number_tries: 3,
            max_open_per_user: 3,
            max_denials: 3,
            deny_window: 600,
            deny_cooldown: 900,
            fraud_cooldown: 3600,
        }
    }
}
