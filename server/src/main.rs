//! `watchword-server`: run the reference push server and administer it.
//!
//! `serve` runs the HTTP API and sends notifications (APNs, FCM, Web
//! Push; `PushOptions`); `enrol`, `challenge`, `status`, `rp-key` and
//! `vapid` work directly on the SQLite file (also while `serve` runs).

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
    DbLocation, Policy, PushServer, ServerError,
    delivery::{
        LogSender, PushSender, Senders,
        apns::{self, ApnsConfig},
        fcm::{self, ServiceAccount},
        senders::DeliveryConfig,
    },
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
        /// The state: a SQLite file (created if missing) or a
        /// postgres://user@host/db URL (several instances on one database).
        #[arg(long)]
        db: DbLocation,
        /// Address to listen on (loopback by default; put TLS in front).
        #[arg(long, default_value = "127.0.0.1:8470")]
        listen: SocketAddr,
        /// Public base URL devices use (default http://<listen>, or
        /// https:// with TLS).
        #[arg(long)]
        public_url: Option<String>,
        /// Serve TLS with this PEM certificate chain (leaf first), instead
        /// of plain HTTP for a proxy in front.
        #[arg(long, requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// The PEM private key of `--tls-cert`.
        #[arg(long, requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        #[command(flatten)]
        push: PushOptions,
    },
    /// Create an activation code for a user, or for every user of a file.
    Enrol {
        /// The state: a SQLite file or a postgres:// URL.
        #[arg(long)]
        db: DbLocation,
        /// The user.
        #[arg(
            long,
            required_unless_present = "users_file",
            conflicts_with = "users_file"
        )]
        user: Option<String>,
        /// Enrol every user listed in this file, one a line (blank lines
        /// and `#` comments skipped): one code each, the database opened
        /// once. With `--json`, one JSON object a line.
        #[arg(long)]
        users_file: Option<PathBuf>,
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
        /// The state: a SQLite file or a postgres:// URL.
        #[arg(long)]
        db: DbLocation,
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
        #[command(flatten)]
        push: PushOptions,
    },
    /// Show the server's VAPID public key (Web Push), making one if needed.
    Vapid {
        /// The state: a SQLite file or a postgres:// URL.
        #[arg(long)]
        db: DbLocation,
        /// Make a new key pair (takes effect when `serve` next starts).
        #[arg(long)]
        rotate: bool,
        /// Store the contact push services see (mailto: or https:).
        #[arg(long)]
        subject: Option<String>,
    },
    /// Show a challenge's status and how its notifications went.
    Status {
        /// The state: a SQLite file or a postgres:// URL.
        #[arg(long)]
        db: DbLocation,
        /// The challenge id.
        id: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// List a user's devices: name, activated, last seen, how it is woken.
    Devices {
        /// The state: a SQLite file or a postgres:// URL.
        #[arg(long)]
        db: DbLocation,
        /// The user.
        #[arg(long)]
        user: String,
        /// Also list revoked devices.
        #[arg(long)]
        all: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Revoke a device (a lost or replaced phone): its requests are refused
    /// from now on and nothing is sent to it.
    Revoke {
        /// The state: a SQLite file or a postgres:// URL.
        #[arg(long)]
        db: DbLocation,
        /// The device id (from `devices`).
        device: String,
    },
    /// Remove a user: revoke every device, cancel unused activation codes,
    /// end open sign-in requests.
    RemoveUser {
        /// The state: a SQLite file or a postgres:// URL.
        #[arg(long)]
        db: DbLocation,
        /// The user.
        #[arg(long)]
        user: String,
    },
    /// The audit log: activations, devices, sign-ins and their answers,
    /// key changes (nothing secret).
    Audit {
        /// The state: a SQLite file or a postgres:// URL.
        #[arg(long)]
        db: DbLocation,
        /// From this moment on: Unix seconds or a date `YYYY-MM-DD` (UTC).
        #[arg(long, default_value = "0", value_parser = parse_since)]
        since: i64,
        /// One JSON object a line.
        #[arg(long)]
        json: bool,
    },
    /// A new administrator key for the admin HTTP API (/v1/admin/...,
    /// `Authorization: Bearer`), printed once; the old one stops working.
    AdminKey {
        /// The state: a SQLite file or a postgres:// URL.
        #[arg(long)]
        db: DbLocation,
    },
    /// Relying parties' API keys. Without a subcommand: a new key for the
    /// relying party `default` (its old key stops working).
    RpKey {
        /// The state: a SQLite file or a postgres:// URL.
        #[arg(long)]
        db: DbLocation,
        #[command(subcommand)]
        action: Option<RpKeyAction>,
    },
}

/// What `rp-key` does with relying parties' keys.
#[derive(Debug, Subcommand)]
enum RpKeyAction {
    /// A key for a new relying party NAME (printed once; only a hash is
    /// kept). Each relying party sees only the sign-ins it raised.
    Add {
        /// The relying party's name (letters, digits, `.`, `_`, `-`).
        name: String,
    },
    /// Every relying party and whether its key is live.
    List,
    /// Revoke NAME's key: its calls are refused from now on.
    Revoke {
        /// The relying party's name.
        name: String,
    },
}

/// How `serve` reaches phones. Each service is on when its credentials
/// are given (flags or the environment); Web Push is always on. Key files
/// are read once at start and never logged.
#[derive(Debug, clap::Args)]
struct PushOptions {
    /// APNs: the `.p8` token-signing key from the Apple developer account.
    #[arg(long, env = "WATCHWORD_APNS_KEY_FILE", requires_all = ["apns_key_id", "apns_team_id", "apns_topic"])]
    apns_key_file: Option<PathBuf>,
    /// APNs: the key's id.
    #[arg(long, env = "WATCHWORD_APNS_KEY_ID")]
    apns_key_id: Option<String>,
    /// APNs: the team id.
    #[arg(long, env = "WATCHWORD_APNS_TEAM_ID")]
    apns_team_id: Option<String>,
    /// APNs: the app's bundle id (apns-topic).
    #[arg(long, env = "WATCHWORD_APNS_TOPIC")]
    apns_topic: Option<String>,
    /// APNs: send every notification to this host instead of Apple's
    /// production and sandbox hosts (a test receiver, a proxy).
    #[arg(long, env = "WATCHWORD_APNS_URL")]
    apns_url: Option<String>,
    /// FCM: the service-account JSON key file (project id included).
    #[arg(long, env = "WATCHWORD_FCM_SERVICE_ACCOUNT")]
    fcm_service_account: Option<PathBuf>,
    /// FCM: the API host.
    #[arg(long, env = "WATCHWORD_FCM_URL", default_value = fcm::FCM_URL)]
    fcm_url: String,
    /// Web Push: the contact push services see (mailto: or https:).
    #[arg(long, env = "WATCHWORD_VAPID_SUBJECT")]
    vapid_subject: Option<String>,
    /// Web Push: allow endpoints on this machine's loopback (tests and
    /// demos only: otherwise a device could make the server POST to local
    /// services).
    #[arg(long)]
    web_push_allow_loopback: bool,
    /// A CA certificate (PEM) to trust besides the system's, for the
    /// push services' TLS (a test receiver, a corporate proxy).
    #[arg(long, env = "WATCHWORD_PUSH_CA_FILE")]
    push_ca_file: Option<PathBuf>,
}

impl PushOptions {
    fn read(path: &std::path::Path, what: &str) -> Result<Zeroizing<Vec<u8>>, String> {
        std::fs::read(path)
            .map(Zeroizing::new)
            .map_err(|e| format!("cannot read the {what} {}: {e}", path.display()))
    }

    /// The delivery configuration these options describe.
    fn config(&self) -> Result<DeliveryConfig, String> {
        let apns = match &self.apns_key_file {
            Some(path) => Some(ApnsConfig {
                key_pem: Self::read(path, "APNs key")?,
                key_id: self.apns_key_id.clone().unwrap_or_default(),
                team_id: self.apns_team_id.clone().unwrap_or_default(),
                topic: self.apns_topic.clone().unwrap_or_default(),
                production_url: self
                    .apns_url
                    .clone()
                    .unwrap_or_else(|| apns::PRODUCTION_URL.into()),
                sandbox_url: self
                    .apns_url
                    .clone()
                    .unwrap_or_else(|| apns::SANDBOX_URL.into()),
            }),
            None => None,
        };
        let fcm = match &self.fcm_service_account {
            Some(path) => Some((
                ServiceAccount::from_json(&Self::read(path, "FCM service account")?)?,
                self.fcm_url.clone(),
            )),
            None => None,
        };
        let extra_root = match &self.push_ca_file {
            Some(path) => Some(Self::read(path, "CA certificate")?),
            None => None,
        };
        Ok(DeliveryConfig {
            apns,
            fcm,
            web_push: true,
            web_push_loopback: self.web_push_allow_loopback,
            extra_root,
        })
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let command = Cli::parse().command;
    // `serve` logs what it does (each push it sends); the one-shot admin
    // commands print their result and only warnings and errors besides.
    // WATCHWORD_LOG (`error` … `trace`) overrides both.
    let level = std::env::var("WATCHWORD_LOG")
        .ok()
        .and_then(|v| v.trim().parse::<tracing::Level>().ok())
        .unwrap_or(match command {
            Command::Serve { .. } => tracing::Level::INFO,
            _ => tracing::Level::WARN,
        });
    // WATCHWORD_LOG_FORMAT=json: one JSON object a line, for a log
    // collector (fields as fields, not in the message).
    let logs = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_max_level(level);
    if std::env::var("WATCHWORD_LOG_FORMAT").as_deref() == Ok("json") {
        logs.json().flatten_event(true).init();
    } else {
        logs.init();
    }
    match run(command).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `--since`: Unix seconds, or a UTC date `YYYY-MM-DD` (its midnight).
fn parse_since(text: &str) -> Result<i64, String> {
    if let Ok(secs) = text.parse::<i64>() {
        return Ok(secs);
    }
    let parts: Vec<i64> = text
        .split('-')
        .map(|p| p.parse::<i64>())
        .collect::<Result<_, _>>()
        .map_err(|_| format!("{text:?} is neither Unix seconds nor a date YYYY-MM-DD"))?;
    match parts[..] {
        [y, m, d] if (1..=12).contains(&m) && (1..=31).contains(&d) => {
            Ok(watchword_core::calendar::days_from_civil(y, m, d) * 86_400)
        }
        _ => Err(format!("{text:?} is not a date YYYY-MM-DD")),
    }
}

/// UTC to the minute, for the admin listings.
fn utc_minute(t: i64) -> String {
    let (y, m, d) = watchword_core::calendar::civil_from_days(t.div_euclid(86_400));
    let s = t.rem_euclid(86_400);
    format!("{y}-{m:02}-{d:02} {:02}:{:02} UTC", s / 3600, s / 60 % 60)
}

/// One line for an audit record: when, what, then each known field.
fn describe_audit(r: &watchword_server::audit::AuditRecord) -> String {
    let c = &r.context;
    let mut line = format!("{}  {}", utc_minute(r.at), r.event);
    for (name, value) in [
        ("user", &c.user),
        ("device", &c.device),
        ("rp", &c.rp),
        ("challenge", &c.challenge),
        ("app", &c.app),
        ("location", &c.location),
        ("ip", &c.ip),
    ] {
        if let Some(v) = value {
            line.push_str(&format!("  {name}={v:?}"));
        }
    }
    line
}

/// One line for a device: id, name, when activated and last seen (UTC),
/// how it is woken, revoked or not.
fn describe_device(d: &watchword_server::admin::DeviceInfo) -> String {
    let mut line = format!(
        "{}  {}  activated {}  last seen {}  {}",
        d.id,
        d.name,
        utc_minute(d.activated_at),
        d.last_seen.map_or_else(|| "never".to_owned(), utc_minute),
        d.push.map_or("polls (no push address)", |k| k.as_str())
    );
    if let Some(t) = d.revoked_at {
        line.push_str(&format!("  REVOKED {}", utc_minute(t)));
    }
    line
}

/// The environment variable whose passphrase seals the server's signing
/// key in its database (argon2id, then AES-256-GCM).
const PASSPHRASE_ENV: &str = "WATCHWORD_SERVER_PASSPHRASE";

fn open(
    db: &DbLocation,
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
                "wrong passphrase: {PASSPHRASE_ENV} does not open the signing key sealed in {db}; \
                 set the one it was first opened with, nothing was changed (wrong_passphrase)"
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
    let log: Arc<dyn PushSender> = Arc::new(Senders::log_only(Arc::new(LogSender::default())));
    match command {
        Command::Serve {
            db,
            listen,
            public_url,
            tls_cert,
            tls_key,
            push,
        } => {
            let tls = match (tls_cert, tls_key) {
                (Some(cert), Some(key)) => {
                    let cert = std::fs::read(&cert)
                        .map_err(|e| format!("cannot read {}: {e}", cert.display()))?;
                    let key = Zeroizing::new(
                        std::fs::read(&key)
                            .map_err(|e| format!("cannot read {}: {e}", key.display()))?,
                    );
                    Some(watchword_server::tls::server_config(&cert, &key)?)
                }
                _ => None,
            };
            let senders = Senders::build(push.config()?, Arc::new(LogSender::default()))?;
            let kinds: Vec<&str> = senders.kinds().iter().map(|k| k.as_str()).collect();
            let server = Arc::new(open(&db, Policy::default(), Arc::new(senders))?);
            if let Some(subject) = &push.vapid_subject {
                server
                    .set_vapid_subject(subject)
                    .map_err(|e| e.to_string())?;
            }
            let handle = watchword_server::start_with(server.clone(), listen, tls)
                .await
                .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
            if let Some(url) = public_url {
                server.set_public_url(&url).map_err(|e| e.to_string())?;
            }
            eprintln!("watchword-server listening on {}", handle.base_url());
            eprintln!(
                "sending notifications through: {} (Web Push VAPID public key {})",
                kinds.join(", "),
                server.vapid().public_key()
            );
            tokio::signal::ctrl_c().await.map_err(|e| e.to_string())?;
            handle.stop().await;
            Ok(())
        }
        Command::Enrol {
            db,
            user,
            users_file,
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
            let Some(path) = users_file else {
                let user = user.ok_or("give --user or --users-file")?;
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
                return Ok(());
            };
            // Many users at once (an organisation's staff): the key is
            // unsealed once, not once a user. Each line's code is printed
            // as it is made, so a failure part-way leaves the earlier
            // ones usable; the error names the line.
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            for (n, line) in text.lines().enumerate() {
                let user = line.trim();
                if user.is_empty() || user.starts_with('#') {
                    continue;
                }
                let e = server
                    .enrol(user, &base)
                    .map_err(|e| format!("{} line {}: {e}", path.display(), n + 1))?;
                if json {
                    print_json(&e)?;
                } else {
                    println!("{}  {}  {}", e.user, group_code(&e.code), e.url);
                }
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
            push,
        } => {
            // The notifications go out as `serve` would send them (same
            // options and environment), and are waited for.
            let senders = Senders::build(push.config()?, Arc::new(LogSender::default()))?;
            let server = open(&db, Policy::default(), Arc::new(senders))?;
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
            server.deliver(notes).await;
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
        Command::Devices {
            db,
            user,
            all,
            json,
        } => {
            let server = open(&db, Policy::default(), log)?;
            let devices = server.devices(&user, all).map_err(describe)?;
            if json {
                print_json(&devices)?;
            } else if devices.is_empty() {
                println!("{user} has no {}device", if all { "" } else { "active " });
            } else {
                for d in &devices {
                    println!("{}", describe_device(d));
                }
            }
            Ok(())
        }
        Command::Revoke { db, device } => {
            let server = open(&db, Policy::default(), log)?;
            let d = server.revoke_device(&device).map_err(describe)?;
            println!("revoked {} ({}, {})", d.id, d.user, d.name);
            Ok(())
        }
        Command::RemoveUser { db, user } => {
            let server = open(&db, Policy::default(), log)?;
            let r = server.remove_user(&user).map_err(describe)?;
            println!(
                "removed {user}: {} device(s) revoked, {} activation code(s) cancelled, {} open request(s) ended",
                r.devices_revoked, r.activations_cancelled, r.requests_ended
            );
            Ok(())
        }
        Command::Status { db, id, json } => {
            let server = open(&db, Policy::default(), log)?;
            let s = server.challenge_status(&id).map_err(describe)?;
            if json {
                print_json(&s)?;
            } else {
                println!("{}", s.status.as_str());
                for d in &s.deliveries {
                    println!("  {}", describe_delivery(d));
                }
            }
            Ok(())
        }
        Command::Vapid {
            db,
            rotate,
            subject,
        } => {
            let server = open(&db, Policy::default(), log)?;
            if let Some(subject) = subject {
                server
                    .set_vapid_subject(&subject)
                    .map_err(|e| e.to_string())?;
            }
            let public = if rotate {
                server.rotate_vapid_key().map_err(|e| e.to_string())?
            } else {
                server.vapid().public_key().to_owned()
            };
            println!("{public}");
            Ok(())
        }
        Command::Audit { db, since, json } => {
            let server = open(&db, Policy::default(), log)?;
            for r in server.audit_since(since).map_err(describe)? {
                if json {
                    println!("{}", serde_json::to_string(&r).map_err(|e| e.to_string())?);
                } else {
                    println!("{}", describe_audit(&r));
                }
            }
            Ok(())
        }
        Command::AdminKey { db } => {
            let server = open(&db, Policy::default(), log)?;
            println!("{}", server.rotate_admin_key().map_err(describe)?);
            Ok(())
        }
        Command::RpKey { db, action } => {
            let server = open(&db, Policy::default(), log)?;
            match action {
                None => println!("{}", server.rotate_rp_key().map_err(describe)?),
                Some(RpKeyAction::Add { name }) => {
                    println!("{}", server.add_rp_key(&name).map_err(describe)?)
                }
                Some(RpKeyAction::List) => {
                    for rp in server.rp_keys().map_err(describe)? {
                        match rp.revoked_at {
                            None => println!("{}  live", rp.name),
                            Some(_) => println!("{}  revoked", rp.name),
                        }
                    }
                }
                Some(RpKeyAction::Revoke { name }) => {
                    server.revoke_rp_key(&name).map_err(describe)?;
                    println!("revoked the key of {name}");
                }
            }
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

/// One device's delivery as `status` prints it.
fn describe_delivery(d: &watchword_core::push::protocol::Delivery) -> String {
    use watchword_core::push::protocol::DeliveryState;
    let Some(kind) = d.kind else {
        return format!("device {}: no push address (the phone polls)", d.device_id);
    };
    let tries = match d.attempts {
        1 => "1 try".to_owned(),
        n => format!("{n} tries"),
    };
    let detail = d
        .detail
        .as_deref()
        .map(|x| format!(": {x}"))
        .unwrap_or_default();
    let what = match d.state {
        DeliveryState::Sent => "sent",
        DeliveryState::Sending => "sending",
        DeliveryState::Retrying => "retrying",
        DeliveryState::Failed => "failed",
        DeliveryState::TokenDropped => "token dropped",
        DeliveryState::NoAddress => "no push address",
    };
    format!(
        "device {} via {}: {what} after {tries}{detail}",
        d.device_id,
        kind.as_str()
    )
}

/// `123456789` -> `123 456 789`, easier to read out and type.
fn group_code(code: &str) -> String {
    code.as_bytes()
        .chunks(3)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory as _;

    use super::*;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn since_is_unix_seconds_or_a_date() {
        assert_eq!(parse_since("1765000000"), Ok(1_765_000_000));
        assert_eq!(parse_since("2026-12-07"), Ok(1_796_601_600));
        assert_eq!(parse_since("1970-01-01"), Ok(0));
        for bad in ["yesterday", "2026-13-01", "2026-12", ""] {
            assert!(parse_since(bad).is_err(), "{bad}");
        }
    }
}
