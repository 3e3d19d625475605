//! `watchword`: the desktop shell over `watchword-core`.
//!
//! The contract other tools and tests rely on:
//! `watchword [--vault PATH] [--json] [--passphrase-file PATH] <command>`. With `--json` a command
//! prints exactly one JSON document on stdout; an error prints
//! `{"error":{"kind":"<snake_case>","message":"..."}}` on stdout and exits
//! non-zero. Without `--json` it prints human text (errors on stderr).
//!
//! Each command lives in its own file under `commands/`; this file only
//! parses arguments and prints what a command returns.

mod account_view;
mod commands;
mod hardening;
mod logging;
mod output;
mod unlock;

use std::{path::PathBuf, process::ExitCode};

use clap::{Parser, Subcommand};

use crate::output::Output;

/// Watchword: one-time codes and sign-in approvals.
#[derive(Debug, Parser)]
#[command(name = "watchword", version, about)]
struct Cli {
    /// The vault file (else WATCHWORD_VAULT, else `vault.db` in the platform
    /// data directory).
    // WATCHWORD_VAULT is read in `vault()`, not by clap: clap refuses an
    // empty variable ("a value is required"), where an empty value means
    // unset, as in most tools.
    #[arg(long, global = true)]
    vault: Option<PathBuf>,
    /// Print exactly one JSON document on stdout.
    #[arg(long, global = true)]
    json: bool,
    /// Read the vault passphrase from the first line of this file (else
    /// WATCHWORD_PASSPHRASE, else a prompt).
    // Only declared here so it may come before the command too: clap hands a
    // global's value down to the command's own `--passphrase-file` (same id,
    // in `unlock::UnlockArgs`), which is where the vault commands read it.
    #[arg(long, global = true, value_name = "PATH")]
    passphrase_file: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

/// The variable that picks the vault when `--vault` is not given.
const VAULT_ENV: &str = "WATCHWORD_VAULT";

impl Cli {
    /// `--vault`, else a non-empty WATCHWORD_VAULT, else none (the default
    /// path).
    fn vault(&self) -> Option<PathBuf> {
        self.vault.clone().or_else(|| {
            std::env::var_os(VAULT_ENV)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        })
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print the code of an otpauth:// link.
    Code(commands::code::Args),
    /// Show what a link holds (never the secret).
    Inspect(commands::inspect::Args),
    /// Create an encrypted vault.
    Init(commands::init::Args),
    /// Add an account to the vault (a link, or --secret/--issuer/--name).
    Add(commands::add::Args),
    /// List the vault's accounts (never the secrets).
    List(commands::list::Args),
    /// Current codes of the vault's accounts.
    Codes(commands::codes::Args),
    /// Next code of an HOTP account (steps its counter).
    Next(commands::next::Args),
    /// Rename an account or change its issuer, group, icon, notes, order
    /// (or an HOTP account's counter).
    Rename(commands::rename::Args),
    /// Put an HOTP account's counter back in step from two consecutive codes.
    Resync(commands::resync::Args),
    /// Deleted accounts that can be restored (7 days).
    Trash(commands::trash::Args),
    /// Bring a deleted account back.
    Restore(commands::restore::Args),
    /// Delete an account (to the trash for 7 days; a push account for good).
    Rm(commands::rm::Args),
    /// Show or set the clock correction used for codes.
    Clock(commands::clock::Args),
    /// Change the vault's passphrase.
    Passphrase(commands::passphrase::Args),
    /// Export the vault: a file (watchword, aegis, aegis-plain, otpauth) or
    /// Google Authenticator links (--google).
    Export(commands::export::Args),
    /// Import another app's export or a Watchword backup (format recognised).
    Import(commands::import::Args),
    /// Encrypted backups: now, verify, restore, status.
    Backup(commands::backup::Args),
    /// Read the QR codes in an image file or a raw camera frame.
    Scan(commands::scan::Args),
    /// Activate a push account (code and URL, or the QR link).
    Activate(commands::activate::Args),
    /// List sign-in requests waiting for approval.
    Pending(commands::pending::Args),
    /// Answer a sign-in request: approve --number N, deny, or fraud.
    Respond(commands::respond::Args),
    /// Approve sign-ins interactively (context, countdown, number).
    Approve(commands::approve::Args),
    /// Be woken by Web Push: receive sign-in requests on a loopback endpoint.
    Listen(commands::listen::Args),
    /// Run the whole push approval on this machine (server, phone, relying party).
    Demo(commands::demo::Args),
}

fn main() -> ExitCode {
    logging::init();
    hardening::disable_core_dumps();
    let json_requested = std::env::args().any(|a| a == "--json");
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // Usage errors keep the JSON contract when --json was asked for;
        // --help and --version print as usual.
        Err(e) if json_requested && e.use_stderr() => {
            return output::print_error(true, "usage", &e.to_string());
        }
        Err(e) => e.exit(),
    };
    let vault = cli.vault();
    let vault = vault.as_deref();
    let result: Result<Output, watchword_core::ApiError> = match &cli.command {
        Command::Code(args) => commands::code::run(args),
        Command::Inspect(args) => commands::inspect::run(args),
        Command::Init(args) => commands::init::run(vault, args),
        Command::Add(args) => commands::add::run(vault, args),
        Command::List(args) => commands::list::run(vault, args),
        Command::Codes(args) => commands::codes::run(vault, args),
        Command::Next(args) => commands::next::run(vault, args),
        Command::Rename(args) => commands::rename::run(vault, args),
        Command::Resync(args) => commands::resync::run(vault, args),
        Command::Rm(args) => commands::rm::run(vault, args),
        Command::Trash(args) => commands::trash::run(vault, args),
        Command::Restore(args) => commands::restore::run(vault, args),
        Command::Clock(args) => commands::clock::run(vault, args),
        Command::Passphrase(args) => commands::passphrase::run(vault, args),
        Command::Export(args) => commands::export::run(vault, args),
        Command::Import(args) => commands::import::run(vault, args),
        Command::Backup(args) => commands::backup::run(vault, args),
        Command::Scan(args) => commands::scan::run(args, vault),
        Command::Activate(args) => commands::activate::run(args, vault),
        Command::Pending(args) => commands::pending::run(args, vault),
        Command::Respond(args) => commands::respond::run(args, vault),
        Command::Approve(args) => commands::approve::run(args, vault, cli.json),
        Command::Demo(args) => commands::demo::run(args, cli.json),
        Command::Listen(args) => commands::listen::run(args, vault, cli.json),
    };
    match result {
        Ok(out) => out.print(cli.json),
        Err(e) => output::print_error(cli.json, e.kind(), e.message()),
    }
}
