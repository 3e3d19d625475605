//! `push-load`: the push load generator (`watchword_bench::load`), one
//! JSON report on stdout. `bench/load/run.sh` runs it against the
//! reference server (SQLite, PostgreSQL with one and two instances) and
//! privacyIDEA 3.14, and writes `bench/RESULTS.md`.
//!
//! ```sh
//! watchword-server enrol --db push.db --users-file users.txt --json > issued.jsonl
//! push-load watchword --server http://127.0.0.1:8470 --rp-key-file rp.key \
//!     --issued issued.jsonl --concurrency 32 --duration 30
//! eval "$(tests/privacyidea/server.sh env)"
//! push-load privacyidea --devices 32 --concurrency 32 --duration 30
//! ```
//!
//! Loopback only, bounded in devices, concurrency and time
//! (`watchword_bench::load::{MAX_DEVICES, MAX_CONCURRENCY, MAX_DURATION}`).

use std::{path::PathBuf, process::ExitCode, time::Duration};

use clap::{Args, Parser, Subcommand};
use watchword_bench::load::{self, Load};

/// Load a push server with many phones and relying parties doing whole
/// round trips on this machine; print a JSON report.
#[derive(Debug, Parser)]
#[command(name = "push-load")]
struct Cli {
    #[command(subcommand)]
    target: Target,
}

#[derive(Debug, Subcommand)]
enum Target {
    /// The Watchword reference server (one or more instances on one
    /// database).
    Watchword {
        /// A server instance's base URL (loopback); repeat for several
        /// instances: device i talks to instance i mod K, its relying
        /// party to the next one.
        #[arg(long = "server", required = true)]
        servers: Vec<String>,
        /// File holding the relying party's API key (`watchword-server
        /// rp-key`).
        #[arg(long)]
        rp_key_file: PathBuf,
        /// The activation codes, JSON lines from `watchword-server enrol
        /// --users-file ... --json`: one device each.
        #[arg(long)]
        issued: PathBuf,
        /// Use only the first N codes.
        #[arg(long)]
        devices: Option<usize>,
        /// Activations in flight at once.
        #[arg(long, default_value_t = 32)]
        activation_parallel: usize,
        #[command(flatten)]
        load: LoadArgs,
    },
    /// privacyIDEA 3.14 (`tests/privacyidea/server.sh`; its URL and admin
    /// from WATCHWORD_PI_URL, WATCHWORD_PI_ADMIN, WATCHWORD_PI_PASSWORD).
    Privacyidea {
        /// Devices: users PREFIX000, PREFIX001, ... (they must be in the
        /// server's user file), one push token each.
        #[arg(long)]
        devices: usize,
        /// The users' name prefix.
        #[arg(long, default_value = "load")]
        user_prefix: String,
        /// Enrolments in flight at once (each phone makes an RSA-4096 key).
        #[arg(long, default_value_t = 4)]
        enrol_parallel: usize,
        #[command(flatten)]
        load: LoadArgs,
    },
}

#[derive(Debug, Args)]
struct LoadArgs {
    /// Round trips in flight at once (relying party + phone pairs).
    #[arg(long)]
    concurrency: usize,
    /// Seconds of measured load.
    #[arg(long)]
    duration: f64,
    /// Seconds of load before measuring.
    #[arg(long, default_value_t = 3.0)]
    warmup: f64,
    /// Stop after this many measured round trips, if sooner.
    #[arg(long)]
    max_rounds: Option<u64>,
    /// A server process whose memory (VmRSS, VmHWM) and CPU time to
    /// report; repeat for several.
    #[arg(long = "server-pid")]
    server_pids: Vec<u32>,
    /// The generator's runtime threads.
    #[arg(long, default_value_t = 2)]
    threads: usize,
}

impl LoadArgs {
    fn load(&self) -> Result<Load, String> {
        let secs = |s: f64, what: &str| {
            Duration::try_from_secs_f64(s).map_err(|_| format!("{what}: not a number of seconds"))
        };
        Ok(Load {
            concurrency: self.concurrency,
            warmup: secs(self.warmup, "--warmup")?,
            duration: secs(self.duration, "--duration")?,
            max_rounds: self.max_rounds,
            server_pids: self.server_pids.clone(),
        })
    }
}

fn read(path: &PathBuf) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

async fn run(target: Target) -> Result<serde_json::Value, String> {
    match target {
        Target::Watchword {
            servers,
            rp_key_file,
            issued,
            devices,
            activation_parallel,
            load,
        } => {
            // Refused before anything is read or sent.
            for s in &servers {
                load::loopback_url(s)?;
            }
            let rp_key = read(&rp_key_file)?.trim().to_owned();
            let mut issued = load::read_issued(&read(&issued)?)
                .map_err(|e| format!("{}: {e}", issued.display()))?;
            if let Some(n) = devices {
                issued.truncate(n);
            }
            load::run_watchword(servers, rp_key, issued, activation_parallel, &load.load()?).await
        }
        Target::Privacyidea {
            devices,
            user_prefix,
            enrol_parallel,
            load,
        } => {
            let url = std::env::var("WATCHWORD_PI_URL")
                .map_err(|_| "set WATCHWORD_PI_URL (tests/privacyidea/server.sh env)")?;
            load::loopback_url(&url)?;
            let pi = watchword_tests::privacyidea::PiServer::from_env()
                .await
                .ok_or("WATCHWORD_PI_URL is not set")?;
            let users = (0..devices)
                .map(|i| format!("{user_prefix}{i:03}"))
                .collect();
            load::run_privacyidea(pi, users, enrol_parallel, &load.load()?).await
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let threads = match &cli.target {
        Target::Watchword { load, .. } | Target::Privacyidea { load, .. } => load.threads,
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads.clamp(1, 64))
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.target)) {
        Ok(report) => {
            println!("{report}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
