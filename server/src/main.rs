//! `watchword-server`: run the reference push server and administer it.
//!
//! `serve` runs the HTTP API; `enrol`, `challenge`, `status` and `rp-key`
//! work directly on the SQLite file (also while `serve` runs).

use std::{
    net::SocketAddr,
    path::PathBuf,
    process::ExitCode,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
};

use clap::{Parser, Subcommand};
use watchword_core::{
    otp::SystemClock,
    push::protocol::CreateChallengeRequest,
    sensitive::Sensitive,
    vault::{KdfParams, KeyProvider, KeyProviderError, PassphraseKeyProvider},
};
use watchword_server::{
    Policy, PushServer, ServerError,
    push_sender::{LogSender, PushSender, WebhookSender},
};
use zeroize::Zeroizing;

/// The reference server of Watchword's open push protocol.
#[derive(Debug, Parser)]
#[command(name = "watchword-server", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the HTTP API.
    Serve {
        /// The SQLite state file (created if missing).
        #[arg(long)]
        db: PathBuf,
        /// Address to listen on (loopback by default; put TLS in front).
        #[arg(long, default_value = "127.0.0.1:8470")]
        listen: SocketAddr,
        /// Public base URL devices use (default http://<listen>).
        #[arg(long)]
        public_url: Option<String>,
        /// POST push notifications (ids only) to this URL.
        #[arg(long)]
        webhook: Option<String>,
    },
    /// Create an activation code for a user.
    Enrol {
        /// The SQLite state file.
        #[arg(long)]
        db: PathBuf,
        /// The user.
        #[arg(long)]
        user: String,
        /// Organisation shown on the device (for a new user).
        #[arg(long, default_value = "Watchword")]
        organisation: String,
        /// Public base URL (default: the one `serve` last used).
        #[arg(long)]
        url: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Raise a sign-in approval for a user (as a relying party would).
    Challenge {
        /// The SQLite state file.
        #[arg(long)]
        db: PathBuf,
        /// The user.
        #[arg(long)]
        user: String,
        /// Application being signed in to.
        #[arg(long)]
        app: String,
        /// Where the sign-in comes from.
        #[arg(long, default_value = "")]
        location: String,
        /// IP address of the sign-in.
        #[arg(long, default_value = "")]
        ip: String,
        /// Seconds to answer.
        #[arg(long, default_value_t = 60)]
        ttl: i64,
        /// No number matching.
        #[arg(long)]
        no_number: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show a challenge's status.
    Status {
        /// The SQLite state file.
        #[arg(long)]
        db: PathBuf,
        /// The challenge id.
        id: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Make a new relying-party API key (the old one stops working).
    RpKey {
        /// The SQLite state file.
        #[arg(long)]
        db: PathBuf,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    let command = Cli::parse().command;
    // `serve` logs what it does (each push it sends); the one-shot admin
    // commands print their result and only warnings and errors besides.
    let level = match command {
        Command::Serve { .. } => tracing::Level::INFO,
        _ => tracing::Level::WARN,
    };
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_max_level(level)
        .init();
    match run(command).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The environment variable whose passphrase seals the server's signing
/// key in its database (argon2id, then AES-256-GCM).
const PASSPHRASE_ENV: &str = "WATCHWORD_SERVER_PASSPHRASE";

fn open(
    db: &std::path::Path,
    policy: Policy,
    sender: Arc<dyn PushSender>,
) -> Result<PushServer, String> {
    let passphrase = std::env::var(PASSPHRASE_ENV)
        .ok()
        .filter(|p| !p.is_empty())
        .ok_or_else(|| {
            format!(
                "set {PASSPHRASE_ENV}: the server's signing key is kept in the database \
                 sealed with it (the same passphrase every time for the same database)"
            )
        })?;
    let keys = NotingKeys {
        inner: PassphraseKeyProvider::new(Sensitive::from(passphrase), KdfParams::STRONG),
        wrong: AtomicBool::new(false),
    };
    PushServer::open_with(db, &keys, Arc::new(SystemClock), policy, sender).map_err(|e| {
        if keys.wrong.load(Ordering::Relaxed) {
            format!(
                "wrong passphrase: {PASSPHRASE_ENV} does not open the signing key sealed in {}; \
                 set the one it was first opened with, nothing was changed (wrong_passphrase)",
                db.display()
            )
        } else {
            e.to_string()
        }
    })
}

/// The passphrase key provider, noting when the passphrase is wrong: the
/// server reports every key failure as an internal fault, but a wrong
/// passphrase is the operator's to fix and must say so.
struct NotingKeys {
    inner: PassphraseKeyProvider,
    wrong: AtomicBool,
}

impl KeyProvider for NotingKeys {
    fn wrap(&self, data_key: Zeroizing<Vec<u8>>) -> Result<Vec<u8>, KeyProviderError> {
        self.inner.wrap(data_key)
    }

    fn unwrap(&self, wrapped: Vec<u8>) -> Result<Zeroizing<Vec<u8>>, KeyProviderError> {
        let result = self.inner.unwrap(wrapped);
        if matches!(result, Err(KeyProviderError::WrongKey)) {
            self.wrong.store(true, Ordering::Relaxed);
        }
        result
    }
}

fn print_json(v: &impl serde::Serialize) -> Result<(), String> {
    println!("{}", serde_json::to_string(v).map_err(|e| e.to_string())?);
    Ok(())
}

async fn run(command: Command) -> Result<(), String> {
    let log: Arc<dyn PushSender> = Arc::new(LogSender::default());
    match command {
        Command::Serve {
            db,
            listen,
            public_url,
            webhook,
        } => {
            let sender: Arc<dyn PushSender> = match webhook {
                Some(url) => Arc::new(WebhookSender::new(url)?),
                None => log,
            };
            let server = Arc::new(open(&db, Policy::default(), sender)?);
            let handle = watchword_server::start(server.clone(), listen)
                .await
                .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
            if let Some(url) = public_url {
                server.set_public_url(&url).map_err(|e| e.to_string())?;
            }
            eprintln!("watchword-server listening on {}", handle.base_url());
            tokio::signal::ctrl_c().await.map_err(|e| e.to_string())?;
            handle.stop().await;
            Ok(())
        }
        Command::Enrol {
            db,
            user,
            organisation,
            url,
            json,
        } => {
            let policy = Policy {
                organisation,
                ..Policy::default()
            };
            let server = open(&db, policy, log)?;
            let base = match url {
                Some(u) => u,
                None => server
                    .public_url()
                    .map_err(|e| e.to_string())?
                    .ok_or("no public URL known: pass --url or run `serve` once")?,
            };
            let e = server.enrol(&user, &base).map_err(|e| e.to_string())?;
            if json {
                print_json(&e)?;
            } else {
                println!("user:            {}", e.user);
                println!("activation code: {}", group_code(&e.code));
                println!("URL:             {}", e.url);
                println!("QR link:         {}", e.link);
                println!("expires at:      {} (Unix time)", e.expires_at);
            }
            Ok(())
        }
        Command::Challenge {
            db,
            user,
            app,
            location,
            ip,
            ttl,
            no_number,
            json,
        } => {
            let server = open(&db, Policy::default(), log)?;
            let (c, notes) = server
                .create_challenge(&CreateChallengeRequest {
                    user,
                    app,
                    location,
                    ip,
                    ttl: Some(ttl),
                    number_matching: Some(!no_number),
                })
                .map_err(describe)?;
            server.dispatch(notes).await;
            if json {
                print_json(&c)?;
            } else {
                println!("challenge: {}", c.id);
                match c.number {
                    Some(n) => println!("number:    {n}  (show this on the sign-in screen)"),
                    None => println!("number:    none (no number matching)"),
                }
                println!("expires:   in {} s", c.expires_at - c.created_at);
            }
            Ok(())
        }
        Command::Status { db, id, json } => {
            let server = open(&db, Policy::default(), log)?;
            let s = server.challenge_status(&id).map_err(describe)?;
            if json {
                print_json(&s)?;
            } else {
                println!("{}", s.status.as_str());
            }
            Ok(())
        }
        Command::RpKey { db } => {
            let server = open(&db, Policy::default(), log)?;
            println!("{}", server.rotate_rp_key().map_err(|e| e.to_string())?);
            Ok(())
        }
    }
}

fn describe(e: ServerError) -> String {
    match e.retry_after {
        Some(s) => format!("{e}; retry after {s} s"),
        None => e.to_string(),
    }
}

/// `123456789` -> `123 456 789`, easier to read out and type.
fn group_code(code: &str) -> String {
    code.as_bytes()
        .chunks(3)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}
