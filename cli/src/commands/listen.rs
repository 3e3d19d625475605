//! `watchword listen`: this machine as the phone's push receiver. Starts a
//! Web Push endpoint on loopback, registers it with every push account's
//! server (a signed push-token change), and for each message that arrives
//! decrypts it with the vault's Web Push keys, fetches and verifies the
//! sign-in request it announces and shows it; answer with `respond` or
//! `approve`. On exit it tells the servers to stop sending (the endpoint is
//! gone). Useful with a server on this machine (tests, the demo setup): a
//! server elsewhere cannot reach a loopback endpoint.

use std::{net::SocketAddr, path::Path, sync::Arc, time::Duration};

use serde_json::{Value, json};
use watchword_core::{
    ApiError,
    otp::SystemClock,
    push::{PlatformPushToken, PushService},
};

use super::{
    prompt,
    push_common::{Narrator, challenge_json, runtime},
    push_store, web_push_receiver,
};
use crate::{output::Output, unlock::UnlockArgs};

/// Arguments of `listen`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address of the Web Push endpoint (loopback; port 0: any free port).
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// Stop after this many sign-in requests.
    #[arg(long)]
    count: Option<u32>,
    /// Stop after this many seconds.
    #[arg(long)]
    timeout: Option<u64>,
    #[command(flatten)]
    unlock: UnlockArgs,
}

/// Receives pushes until `--count`, `--timeout` or the end of input.
pub fn run(args: &Args, vault: Option<&Path>, json: bool) -> Result<Output, ApiError> {
    runtime()?.block_on(listen(args, vault, json))
}

async fn listen(args: &Args, vault: Option<&Path>, json: bool) -> Result<Output, ApiError> {
    let n = Narrator::new(json);
    let service = PushService::new(
        push_store::open(vault, &args.unlock)?,
        Arc::new(SystemClock),
    )?;
    let mut inbox = web_push_receiver::start(args.listen).await?;
    let token = PlatformPushToken::UnifiedPush {
        endpoint: inbox.endpoint.clone(),
    };
    let report = service.push_token_changed(Some(&token)).await?;
    n.say(&format!(
        "Listening for Web Push at {}; registered with {} push account(s){}.",
        inbox.endpoint,
        report.updated,
        if report.failed.is_empty() {
            String::new()
        } else {
            format!("; not with: {}", report.failed.join("; "))
        }
    ));
    if report.updated == 0 {
        return Err(ApiError::NotFound {
            message: "no push account's server took this endpoint: activate a Watchword push account first".into(),
        });
    }
    let deadline = args
        .timeout
        .map(|s| tokio::time::Instant::now() + Duration::from_secs(s));
    let mut shown: Vec<Value> = Vec::new();
    let mut failures = 0u32;
    while args.count.is_none_or(|c| (shown.len() as u32) < c) {
        let next = match deadline {
            Some(d) => tokio::time::timeout_at(d, inbox.messages.recv())
                .await
                .ok()
                .flatten(),
            None => inbox.messages.recv().await,
        };
        let Some(message) = next else { break };
        match service.handle_web_push(&message.body).await {
            Ok(c) => {
                let now = service.now_for_challenge(&c.id);
                prompt::show(&n, &c, now);
                n.say(&format!(
                    "  answer with: watchword respond {} approve{}   (or deny, fraud)",
                    c.id,
                    if c.needs_number { " --number N" } else { "" }
                ));
                shown.push(challenge_json(&service.shown(&c))?);
            }
            Err(e) => {
                // A message that is not for us, or a request that does
                // not verify: said, and the next one is awaited.
                failures += 1;
                let e = ApiError::from(e);
                n.say(&format!(
                    "A push message was refused: {} ({})",
                    e.message(),
                    e.kind()
                ));
            }
        }
    }
    // The endpoint goes away with this process: stop the servers sending.
    let _ = service.push_token_changed(None).await;
    Ok(Output {
        human: format!(
            "Stopped listening: {} sign-in request(s) received{}.",
            shown.len(),
            if failures > 0 {
                format!(", {failures} message(s) refused")
            } else {
                String::new()
            }
        ),
        json: json!({
            "endpoint": inbox.endpoint,
            "registered": report.updated,
            "received": shown,
            "refused": failures,
        }),
    })
}
