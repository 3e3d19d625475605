//! One way in for every front end that enrols a push account from what the
//! user scanned, pasted or typed: a Watchword activation activates, a
//! privacyIDEA push link enrols, a Microsoft activation is explained, and
//! anything else is a typed error. Nothing is sent for the last two.

use super::{ActivatedAccount, Activation, PushService, PushStore};
use crate::{
    ApiError,
    enrol::{self, Enrolment},
};

impl<S: PushStore> PushService<S> {
    /// Enrols a classified `enrolment` as device `device_name`, sending
    /// the platform `push_token` when there is one. A privacyIDEA token
    /// gets a `key_bits` RSA device key (2048 to 4096).
    pub async fn enrol(
        &self,
        enrolment: &Enrolment,
        device_name: &str,
        push_token: Option<String>,
        key_bits: usize,
    ) -> Result<ActivatedAccount, ApiError> {
        match enrolment {
            Enrolment::WatchwordActivation { code, url } => {
                // EXPOSE: the code moves into the Activation, sealed again there.
                let activation = Activation::from_code_and_url(code.expose(), url.as_str())?;
                Ok(self.activate(&activation, device_name, push_token).await?)
            }
            Enrolment::PrivacyIdeaPush(link) => Ok(self
                .enrol_privacyidea_with_key_bits(link, key_bits, push_token.as_deref())
                .await?),
            Enrolment::MicrosoftActivation { explanation, .. } => Err(ApiError::MicrosoftManaged {
                message: explanation.text.clone(),
            }),
            other => Err(ApiError::InvalidLink {
                message: format!(
                    "this is not a push activation ({}); add OTP accounts to the vault instead",
                    other.kind()
                ),
            }),
        }
    }

    /// [`Self::enrol`] for a scanned or pasted link (`watchword://activate`,
    /// `otpauth://pipush/...`).
    pub async fn enrol_link(
        &self,
        link: &str,
        device_name: &str,
        push_token: Option<String>,
        key_bits: usize,
    ) -> Result<ActivatedAccount, ApiError> {
        let enrolment = enrol::classify(link)?;
        self.enrol(&enrolment, device_name, push_token, key_bits)
            .await
    }

    /// [`Self::enrol`] for an activation code and URL typed by hand.
    pub async fn enrol_typed(
        &self,
        code: &str,
        url: &str,
        device_name: &str,
        push_token: Option<String>,
    ) -> Result<ActivatedAccount, ApiError> {
        let enrolment = enrol::activation_from_typed(code, url)?;
        self.enrol(
            &enrolment,
            device_name,
            push_token,
            super::privacyidea::DEFAULT_KEY_BITS,
        )
        .await
    }
}

#[cfg(test)]
#[cfg(feature = "reqwest")]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::{otp::SystemClock, push::MemoryPushStore};

    fn service() -> PushService<MemoryPushStore> {
        PushService::new(MemoryPushStore::new(), Arc::new(SystemClock)).unwrap()
    }

    #[tokio::test]
    async fn non_push_texts_are_typed_errors_and_send_nothing() {
        let s = service();
        let otp = "otpauth://totp/ACME:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
        assert!(matches!(
            s.enrol_link(otp, "d", None, 2048).await,
            Err(ApiError::InvalidLink { .. })
        ));
        assert!(matches!(
            s.enrol_typed("12", "ftp://x", "d", None).await,
            Err(ApiError::InvalidInput { .. } | ApiError::InvalidLink { .. })
        ));
        assert!(s.accounts().unwrap().is_empty());
    }
}
