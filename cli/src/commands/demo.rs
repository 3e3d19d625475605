//! `watchword demo [--yes]`: the whole push approval on this machine.
//!
//! Starts the reference server in-process on a loopback port with a
//! temporary database and a temporary vault, enrols a user with an
//! activation code (the phone registers a Web Push endpoint on loopback,
//! as a UnifiedPush distributor would give it), lets a relying party raise
//! a sign-in, delivers it by Web Push (encrypted to the phone's keys; the
//! phone decrypts it and fetches the signed request), shows the approval
//! prompt, and prints what the relying party sees. `--yes`
//! answers by itself (types the number from the sign-in screen), for CI.
//!
//! Without `--yes`, on a terminal, it waits for Enter before the sign-in
//! is raised, so the 60 s countdown starts when the reader is ready. A
//! sign-in that does not end approved (denied, fraud, expired, skipped,
//! input ended) is an error: the exit code says whether the user got in.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use serde_json::json;
use watchword_core::{
    ApiError,
    otp::SystemClock,
    push::{
        Activation, Answer, ChallengeState, ChallengeStatus, Decision, PlatformPushToken,
        PushService, VaultPushStore,
        client::install_ring_provider,
        keys::random_key,
        protocol::{ChallengeStatusResponse, CreateChallengeRequest, CreateChallengeResponse},
    },
    vault::{StaticKeyProvider, Vault},
};
use watchword_server::{
    Policy, PushServer,
    delivery::{LogSender, Senders, senders::DeliveryConfig},
};

use super::{
    prompt::{self, Asked, LineReader, Prompt, Screen},
    push_common::{Narrator, challenge_json, runtime},
    web_push_receiver,
};

/// How long the phone waits for the Web Push message before it fetches
/// the request itself (as the phone apps' poll job would).
const PUSH_WAIT: Duration = Duration::from_secs(10);
use crate::output::Output;

/// Arguments of `demo`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Answer by itself: approve with the number from the sign-in screen.
    #[arg(long)]
    yes: bool,
    /// The user to enrol.
    #[arg(long, default_value = "alice")]
    user: String,
    /// The application signed in to.
    #[arg(long, default_value = "Outlook")]
    app: String,
    /// Where the sign-in comes from.
    #[arg(long, default_value = "Utrecht, NL")]
    location: String,
}

/// Runs the demo.
pub fn run(args: &Args, json: bool) -> Result<Output, ApiError> {
    runtime()?.block_on(demo(args, json))
}

/// A failure of the demo's own machinery (its temporary server, files or
/// HTTP calls): nothing the user did or can fix by other input.
fn internal(what: &str, e: impl std::fmt::Display) -> ApiError {
    ApiError::Internal {
        message: format!("demo: {what}: {e}"),
    }
}

/// How the sign-in ended on the phone, when it did not end approved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NoSignIn {
    Denied,
    Fraud,
    Expired,
    Skipped,
    InputEnded,
}

impl NoSignIn {
    /// The error the demo exits with: `expired` when time ran out,
    /// `refused` when the sign-in was refused or left unanswered.
    fn error(self, user: &str) -> ApiError {
        let message = |why: &str| format!("not signed in: {why}");
        match self {
            NoSignIn::Expired => ApiError::Expired {
                message: message(
                    "the sign-in request expired before it was answered, \
                     so the relying party refused it",
                ),
            },
            NoSignIn::Denied => ApiError::Refused {
                message: message("you denied the sign-in, so the relying party refused it"),
            },
            NoSignIn::Fraud => ApiError::Refused {
                message: message(&format!(
                    "you reported the sign-in as fraud, so the relying party refused it \
                     (and new requests for {user} are paused)"
                )),
            },
            NoSignIn::Skipped => ApiError::Refused {
                message: message(
                    "you skipped the sign-in request; the relying party got no answer",
                ),
            },
            NoSignIn::InputEnded => ApiError::Refused {
                message: message(
                    "input ended before an answer; the relying party got no answer \
                     (type the number, or run `watchword demo --yes`)",
                ),
            },
        }
    }
}

async fn demo(args: &Args, json: bool) -> Result<Output, ApiError> {
    let n = Narrator::new(json);
    let dir = tempfile::tempdir().map_err(|e| internal("temporary directory", e))?;
    // The server sends Web Push (it needs no account anywhere); APNs and
    // FCM need Apple's and Google's keys, which a demo does not have.
    let senders = Senders::build(
        DeliveryConfig {
            web_push: true,
            // The phone's endpoint is on this machine, like the server.
            web_push_loopback: true,
            ..DeliveryConfig::default()
        },
        Arc::new(LogSender::default()),
    )
    .map_err(|e| internal("push senders", e))?;
    let server = Arc::new(
        PushServer::open_with(
            dir.path().join("server.db"),
            // Nothing is kept: the server key is sealed with a key that
            // exists only in this process.
            &StaticKeyProvider::ephemeral().map_err(|e| internal("server key", e))?,
            Arc::new(SystemClock),
            Policy::default(),
            Arc::new(senders),
        )
        .map_err(|e| internal("server", e))?,
    );
    let handle = watchword_server::start(
        server.clone(),
        std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
    )
    .await
    .map_err(|e| internal("listen", e))?;
    let base = handle.base_url();
    n.say("Watchword push demo: server, phone and relying party on this machine; nothing is kept.");
    n.say(&format!("1. reference server  {base} (temporary database)"));

    let enrolment = server
        .enrol(&args.user, &base)
        .map_err(|e| ApiError::invalid_input(e.to_string()))?;
    n.say(&format!(
        "2. administrator     enrols {}: activation code {} *** ***, URL {}",
        args.user,
        &enrolment.code[..3],
        enrolment.url
    ));

    // The phone: the core's push service over a temporary vault, sealed
    // with a random key that is forgotten when the demo ends.
    let key = random_key().map_err(|e| internal("vault key", e))?;
    let vault = Vault::create(&dir.path().join("vault.db"), &StaticKeyProvider::new(*key))?;
    let phone = PushService::new(VaultPushStore::new(Arc::new(vault)), Arc::new(SystemClock))?;
    let activation = Activation::from_link(&enrolment.link)?;
    // Where the phone is woken: a Web Push endpoint on loopback, as a
    // UnifiedPush distributor hands one to the Android app.
    let mut inbox =
        web_push_receiver::start(std::net::SocketAddr::from(([127, 0, 0, 1], 0))).await?;
    let account = phone
        .activate(
            &activation,
            "watchword demo",
            Some(PlatformPushToken::UnifiedPush {
                endpoint: inbox.endpoint.clone(),
            }),
        )
        .await?;
    n.say(&format!(
        "3. phone             activated {} (device {}; its key sealed in a temporary vault; woken by Web Push at {})",
        account.account, account.device_id, inbox.endpoint
    ));

    // Answers come from stdin; read from here on so the Enter below and
    // the prompt share one reader.
    let mut reader = (!args.yes).then(LineReader::start);
    if let Some(reader) = reader.as_mut().filter(|_| prompt::stdin_is_terminal()) {
        // The sign-in has a 60 s countdown: start it when the reader is
        // ready, not while they are still reading the lines above.
        n.write("Press Enter to raise the sign-in (then type the number it shows)... ");
        let line = reader.next_line().await;
        if !Screen::of(&n).echoes || line.is_none() {
            // The terminal's echo of Enter did not end the line here.
            n.say("");
        }
        if line.is_none() {
            return Err(NoSignIn::InputEnded.error(&args.user));
        }
    }

    // The relying party, over HTTP with its API key.
    install_ring_provider();
    let rp = RelyingParty {
        http: reqwest::Client::new(),
        base: base.clone(),
        key: server.rotate_rp_key().map_err(|e| internal("rp key", e))?,
    };
    let started = Instant::now();
    let created = rp
        .create(&CreateChallengeRequest {
            user: args.user.clone(),
            app: args.app.clone(),
            location: args.location.clone(),
            ip: "203.0.113.7".into(),
            ttl: None,
            number_matching: Some(true),
        })
        .await?;
    let number = created.number;
    n.say(&format!(
        "4. relying party     asks to approve a sign-in to {}; its sign-in screen shows {}",
        args.app,
        number.map_or("no number".to_owned(), |x| x.to_string())
    ));

    let delivered = tokio::time::timeout(PUSH_WAIT, inbox.messages.recv()).await;
    let challenge = match delivered {
        Ok(Some(message)) => {
            let c = phone.handle_web_push(&message.body).await?;
            n.say(&format!(
                "   push              the server's Web Push message reached the phone ({} bytes, encrypted to its keys, TTL {} s); \
                 the phone decrypted it (ids only) and fetched the signed request",
                message.body.len(),
                message.ttl.unwrap_or(0)
            ));
            c
        }
        _ => {
            n.say("   push              no Web Push message arrived; the phone fetches its requests itself");
            phone
                .pending()
                .await?
                .into_iter()
                .find(|c| c.id == created.id)
                .ok_or_else(|| internal("phone", "the sign-in did not arrive"))?
        }
    };
    let now = || phone.now_for_challenge(&challenge.id);
    prompt::show(&n, &challenge, now());

    // (what the phone answered, where the request stands on the phone,
    // why there is no sign-in when the answer was not given)
    let (answer, state, unanswered) = match reader.as_mut() {
        None => {
            n.say(&format!(
                "{}{}   (typed by --yes)",
                prompt::question(challenge.needs_number),
                number.map_or("y".to_owned(), |x| x.to_string())
            ));
            let state = phone
                .respond(&challenge.id, &Answer::approve(number))
                .await?;
            (Some(Decision::Approve), state, None)
        }
        Some(reader) => match Prompt::new(n, Screen::of(&n), &challenge)
            .answer(reader, &phone, &challenge.id)
            .await?
        {
            Asked::Answered(answer, state) => (Some(answer.decision()), state, None),
            Asked::Expired => (None, ChallengeState::Expired, Some(NoSignIn::Expired)),
            Asked::Skipped => (None, ChallengeState::Pending, Some(NoSignIn::Skipped)),
            Asked::Closed => (None, ChallengeState::Pending, Some(NoSignIn::InputEnded)),
        },
    };
    n.say(&format!("5. phone             {}", state.as_str()));
    let seen = if state == ChallengeState::Pending {
        rp.status(&created.id).await?
    } else {
        rp.wait_for_verdict(&created.id).await?
    };
    let round_trip_ms = started.elapsed().as_secs_f64() * 1000.0;
    n.say(&format!(
        "6. relying party     sees {} ({round_trip_ms:.0} ms from sign-in request to verdict)",
        seen.status.as_str()
    ));
    handle.stop().await;

    if seen.status != ChallengeStatus::Approved {
        let why = unanswered.unwrap_or(match seen.status {
            ChallengeStatus::Fraud => NoSignIn::Fraud,
            ChallengeStatus::Expired => NoSignIn::Expired,
            _ => NoSignIn::Denied,
        });
        return Err(why.error(&args.user));
    }
    Ok(Output {
        human: "Signed in: the relying party lets the user in.".to_owned(),
        json: json!({
            "server": base,
            "account": account.account,
            "device_id": account.device_id,
            "challenge": challenge_json(&phone.shown(&challenge))?,
            "sign_in_number": number,
            "answer": answer.map(Decision::as_str),
            "device_state": state.as_str(),
            "relying_party": {
                "id": seen.id,
                "status": seen.status.as_str(),
                "answered_at": seen.answered_at,
            },
            "round_trip_ms": (round_trip_ms * 10.0).round() / 10.0,
            "deliveries": seen.deliveries,
        }),
    })
}

/// The relying party's side: raise a sign-in, poll its status.
struct RelyingParty {
    http: reqwest::Client,
    base: String,
    key: String,
}

impl RelyingParty {
    async fn create(
        &self,
        req: &CreateChallengeRequest,
    ) -> Result<CreateChallengeResponse, ApiError> {
        let r = self
            .http
            .post(format!("{}/v1/challenges", self.base))
            .bearer_auth(&self.key)
            .json(req)
            .send()
            .await
            .map_err(|e| internal("relying party", e))?;
        if !r.status().is_success() {
            return Err(ApiError::Refused {
                message: format!(
                    "the server refused the sign-in request: HTTP {}",
                    r.status()
                ),
            });
        }
        r.json().await.map_err(|e| internal("relying party", e))
    }

    async fn status(&self, id: &str) -> Result<ChallengeStatusResponse, ApiError> {
        self.http
            .get(format!("{}/v1/challenges/{id}", self.base))
            .bearer_auth(&self.key)
            .send()
            .await
            .map_err(|e| internal("relying party", e))?
            .json()
            .await
            .map_err(|e| internal("relying party", e))
    }

    /// Polls until the status is final (or the request expired).
    async fn wait_for_verdict(&self, id: &str) -> Result<ChallengeStatusResponse, ApiError> {
        loop {
            let s = self.status(id).await?;
            if s.status != ChallengeStatus::Pending {
                return Ok(s);
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demos_own_failures_are_internal_not_storage() {
        let e = internal("listen", "address in use");
        assert_eq!(e.kind(), "internal");
        assert_eq!(e.message(), "demo: listen: address in use");
    }

    #[test]
    fn no_sign_in_is_refused_or_expired() {
        for (why, kind, says) in [
            (NoSignIn::Denied, "refused", "you denied the sign-in"),
            (
                NoSignIn::Fraud,
                "refused",
                "new requests for alice are paused",
            ),
            (
                NoSignIn::Expired,
                "expired",
                "expired before it was answered",
            ),
            (NoSignIn::Skipped, "refused", "you skipped"),
            (NoSignIn::InputEnded, "refused", "input ended"),
        ] {
            let e = why.error("alice");
            assert_eq!(e.kind(), kind, "{why:?}");
            assert!(e.message().starts_with("not signed in: "), "{e}");
            assert!(e.message().contains(says), "{e}");
        }
    }
}
