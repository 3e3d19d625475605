//! What a person answers to a sign-in request, for either protocol: one
//! type for every front end, and one [`PushService::respond`] that sends it
//! the way the request's protocol wants.
//!
//! [`PushService::respond`]: super::PushService::respond

use super::{Decision, PushError, privacyidea::DeclineReason};
use crate::vault::PresenceAction;

/// What the sign-in screen shows, as the person typed or picked it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shown {
    /// Watchword's number (two digits).
    Number(u8),
    /// Text: one of privacyIDEA's options, or a number as typed.
    Text(String),
}

impl Shown {
    /// The number a Watchword request needs; text is read as one.
    pub(crate) fn number(&self) -> Result<u8, PushError> {
        match self {
            Shown::Number(n) => Ok(*n),
            Shown::Text(t) => t.trim().parse().map_err(|_| {
                PushError::from(super::privacyidea::PiError::NotAnOption(
                    "the number shown".into(),
                ))
            }),
        }
    }

    /// The option a privacyIDEA request needs, as text.
    pub(crate) fn text(&self) -> String {
        match self {
            Shown::Number(n) => n.to_string(),
            Shown::Text(t) => t.trim().to_owned(),
        }
    }

    fn is_empty(&self) -> bool {
        matches!(self, Shown::Text(t) if t.trim().is_empty())
    }
}

/// An answer to a sign-in request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// "Yes, that is me", with what the sign-in screen shows when the
    /// request asks for it.
    Approve(Option<Shown>),
    /// "No"; privacyIDEA can be told why.
    Deny(Option<DeclineReason>),
    /// "I did not start this": a fraud report.
    Fraud,
}

impl Answer {
    /// Approve with Watchword's number (when the request shows one).
    pub fn approve(number: Option<u8>) -> Self {
        Answer::Approve(number.map(Shown::Number))
    }

    /// A plain no.
    pub fn deny() -> Self {
        Answer::Deny(None)
    }

    /// The answer a front end parsed as a decision plus its details; what
    /// does not fit the decision (a number with a denial) is dropped.
    pub fn new(decision: Decision, shown: Option<Shown>, reason: Option<DeclineReason>) -> Self {
        match decision {
            Decision::Approve => Answer::Approve(shown),
            Decision::Deny => Answer::Deny(reason),
            Decision::Fraud => Answer::Fraud,
        }
    }

    /// The confirmation this answer needs from the person holding the
    /// device: approving does; denying and reporting fraud never do (a
    /// thief may refuse a sign-in, never approve one).
    pub fn presence_needed(&self) -> Option<PresenceAction> {
        match self.decision() {
            Decision::Approve => Some(PresenceAction::ApproveSignIn),
            Decision::Deny | Decision::Fraud => None,
        }
    }

    /// Approve, deny or fraud.
    pub fn decision(&self) -> Decision {
        match self {
            Answer::Approve(_) => Decision::Approve,
            Answer::Deny(_) => Decision::Deny,
            Answer::Fraud => Decision::Fraud,
        }
    }

    /// What the screen shows, for an approval that carries it.
    pub fn shown(&self) -> Option<&Shown> {
        match self {
            Answer::Approve(Some(s)) if !s.is_empty() => Some(s),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_protocol_reads_what_it_needs_once() {
        assert_eq!(Shown::Number(58).number().unwrap(), 58);
        assert_eq!(Shown::Text(" 58 ".into()).number().unwrap(), 58);
        assert_eq!(
            Shown::Text("B".into()).number(),
            Err(PushError::PrivacyIdea(
                super::super::privacyidea::PiError::NotAnOption("the number shown".into())
            ))
        );
        assert_eq!(Shown::Text(" B ".into()).text(), "B");
        assert_eq!(Shown::Number(7).text(), "7");
        assert_eq!(Answer::approve(Some(3)).shown(), Some(&Shown::Number(3)));
        assert_eq!(
            Answer::Approve(Some(Shown::Text("  ".into()))).shown(),
            None
        );
        assert_eq!(
            Answer::new(Decision::Deny, Some(Shown::Number(1)), None),
            Answer::deny()
        );
        assert_eq!(Answer::Fraud.decision(), Decision::Fraud);
    }

    #[test]
    fn approving_needs_presence_denying_and_fraud_do_not() {
        assert_eq!(
            Answer::approve(Some(3)).presence_needed(),
            Some(PresenceAction::ApproveSignIn)
        );
        assert_eq!(Answer::deny().presence_needed(), None);
        assert_eq!(Answer::Fraud.presence_needed(), None);
    }
}
