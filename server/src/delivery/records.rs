//! The record of each delivery: one row per challenge and device in the
//! `deliveries` table, updated as the dispatcher sends, retries, fails or
//! drops a token. The relying party's status reply and
//! `watchword-server status` read it. Nothing secret is stored: the token
//! itself is not, only its kind and what the push service said.

use watchword_core::push::{
    PushTokenKind,
    protocol::{Delivery, DeliveryState},
};

use crate::{error::ServerResult, params, store::Tx};

/// Longest failure text kept (a push service's reason, trimmed).
const MAX_DETAIL: usize = 300;

/// One step of a delivery.
pub(crate) struct Step<'a> {
    pub challenge_id: &'a str,
    pub device_id: &'a str,
    pub kind: Option<PushTokenKind>,
    pub state: DeliveryState,
    pub attempts: u32,
    pub detail: Option<&'a str>,
    pub now: i64,
}

/// Records `step`, replacing the row's previous state.
pub(crate) fn record(tx: &Tx<'_>, step: &Step<'_>) -> ServerResult<()> {
    let detail = step
        .detail
        .map(|d| d.chars().take(MAX_DETAIL).collect::<String>());
    tx.execute(
        "INSERT INTO deliveries(challenge_id, device_id, kind, state, attempts, detail, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT(challenge_id, device_id) DO UPDATE SET
           kind = excluded.kind, state = excluded.state, attempts = excluded.attempts,
           detail = excluded.detail, updated_at = excluded.updated_at",
        params![
            step.challenge_id,
            step.device_id,
            step.kind.map(PushTokenKind::as_str),
            step.state.as_str(),
            step.attempts,
            detail,
            step.now
        ],
    )?;
    Ok(())
}

/// The deliveries of challenge `id`, by device.
pub(crate) fn for_challenge(tx: &Tx<'_>, id: &str) -> ServerResult<Vec<Delivery>> {
    tx.query(
        "SELECT device_id, kind, state, attempts, detail, updated_at FROM deliveries
         WHERE challenge_id = $1 ORDER BY device_id",
        params![id],
    )?
    .iter()
    .map(|r| {
        Ok(Delivery {
            device_id: r.get(0)?,
            kind: r
                .get::<Option<String>>(1)?
                .as_deref()
                .and_then(PushTokenKind::parse),
            state: DeliveryState::parse(&r.get::<String>(2)?).unwrap_or(DeliveryState::Failed),
            attempts: r.get(3)?,
            detail: r.get(4)?,
            updated_at: r.get(5)?,
        })
    })
    .collect()
}
