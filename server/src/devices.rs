//! Device requests besides challenges: a device changing its push address
//! (the platform handed it a new token, or it can no longer be reached by
//! push), signed like every device request.

use watchword_core::push::{
    ErrorCode,
    keys::verify,
    protocol::{PushTokenUpdate, PushTokenUpdated, push_token_input},
};

use crate::{
    PushServer,
    challenges::{check_timestamp, load_device, remember_nonce},
    error::{ServerError, ServerResult},
    params,
};

impl PushServer {
    /// A device's signed change of its push address.
    pub fn update_push_token(&self, request: &PushTokenUpdate) -> ServerResult<PushTokenUpdated> {
        if let Some(push) = &request.push {
            push.check()
                .map_err(|e| ServerError::bad_request(e.to_string()))?;
        }
        let now = self.now();
        let tx = self.store().begin()?;
        let device = load_device(&tx, &request.device_id)?;
        check_timestamp(request.timestamp, now)?;
        let input = push_token_input(
            &request.device_id,
            request.timestamp,
            &request.request_nonce,
            request.push.as_ref(),
        )
        .map_err(|e| ServerError::bad_request(e.to_string()))?;
        verify(&device.public_key, &input, &request.signature).map_err(|_| {
            ServerError::new(ErrorCode::BadSignature, "request signature does not verify")
        })?;
        remember_nonce(&tx, &request.device_id, &request.request_nonce, now)?;
        tx.execute(
            "UPDATE devices SET push_token = $2, push_kind = $3 WHERE id = $1",
            params![
                &request.device_id,
                request.push.as_ref().map(|p| p.canonical_json()),
                request.push.as_ref().map(|p| p.kind().as_str())
            ],
        )?;
        tx.commit()?;
        tracing::info!(device = %request.device_id, kind = ?request.push.as_ref().map(|p| p.kind()), "push address changed");
        Ok(PushTokenUpdated { server_time: now })
    }
}
