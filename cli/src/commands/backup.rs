//! `watchword backup now|verify|restore|status`: Watchword's own encrypted
//! backups. `now` writes a verified backup into a folder that keeps the
//! newest few (`--keep`); `verify` opens one and compares it with the
//! vault; `restore` brings one back into the vault; `status` shows the
//! last attempt.

use std::path::PathBuf;

use serde_json::json;
use watchword_core::{
    ApiError,
    backup::{
        auto_backup, backup_if_changed, backup_now, disable_auto_backup, last_backup, restore,
        set_auto_backup, verify_backup,
    },
};

use super::{
    file_password::{BACKUP_PASSWORD_ENV, KdfArgs, PasswordArgs},
    import::Duplicates,
};
use crate::{output::Output, unlock};

/// Arguments of `backup`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

/// What to do.
#[derive(Debug, clap::Subcommand)]
enum Action {
    /// Write a verified backup now (into --dir, keeping the newest --keep).
    Now {
        /// The backup folder (default: `backups` beside the vault).
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
        /// How many backups to keep in the folder.
        #[arg(long, default_value_t = 5)]
        keep: u32,
        #[command(flatten)]
        password: PasswordArgs,
        #[command(flatten)]
        kdf: KdfArgs,
        #[command(flatten)]
        unlock: unlock::UnlockArgs,
    },
    /// Open a backup with its password and compare it with the vault.
    Verify {
        /// The backup file.
        file: PathBuf,
        #[command(flatten)]
        password: PasswordArgs,
        #[command(flatten)]
        unlock: unlock::UnlockArgs,
    },
    /// Bring a backup's accounts back into the vault (all or nothing).
    Restore {
        /// The backup file.
        file: PathBuf,
        /// Accounts already in the vault: skip (default), keep both, replace.
        #[arg(long, value_enum, default_value = "skip")]
        on_duplicate: Duplicates,
        #[command(flatten)]
        password: PasswordArgs,
        #[command(flatten)]
        unlock: unlock::UnlockArgs,
    },
    /// Back up automatically after every change (into --dir, keeping
    /// --keep), or stop (--off).
    Auto {
        /// The backup folder (default: `backups` beside the vault).
        #[arg(long, value_name = "DIR", conflicts_with = "off")]
        dir: Option<PathBuf>,
        /// How many backups to keep in the folder.
        #[arg(long, default_value_t = 5)]
        keep: u32,
        /// Stop backing up automatically (the backups written stay).
        #[arg(long)]
        off: bool,
        #[command(flatten)]
        password: PasswordArgs,
        #[command(flatten)]
        unlock: unlock::UnlockArgs,
    },
    /// When the last backup was made, and whether it worked.
    Status {
        #[command(flatten)]
        unlock: unlock::UnlockArgs,
    },
}

/// Runs the action.
pub fn run(vault: Option<&std::path::Path>, args: &Args) -> Result<Output, ApiError> {
    match &args.action {
        Action::Now {
            dir,
            keep,
            password,
            kdf,
            unlock: u,
        } => {
            let params = kdf.params()?;
            let v = unlock::open_vault(vault, u)?;
            let dir = match dir {
                Some(d) => d.clone(),
                None => v
                    .path()
                    .parent()
                    .unwrap_or(std::path::Path::new("."))
                    .join("backups"),
            };
            let pw = password.read(BACKUP_PASSWORD_ENV, "Backup password", true)?;
            let out = backup_now(&v, &dir, &pw, params, *keep)?;
            let mut human = format!(
                "Backed up {} account(s) to {} (verified)",
                out.accounts, out.path
            );
            for label in &out.reenrol {
                human.push_str(&format!(
                    "\n  not in the backup (enrol again on a new phone): {label}"
                ));
            }
            Ok(Output {
                json: json!(out),
                human,
            })
        }
        Action::Verify {
            file,
            password,
            unlock: u,
        } => {
            let v = unlock::open_vault(vault, u)?;
            let pw = password.read(BACKUP_PASSWORD_ENV, "Backup password", false)?;
            let (contents, same) = verify_backup(file, &pw, Some(&v))?;
            let same = same.unwrap_or(false);
            Ok(Output {
                human: format!(
                    "{}: opens with this password, {} account(s); {}",
                    file.display(),
                    contents.accounts.len(),
                    if same {
                        "the same as the vault now"
                    } else {
                        "the vault has changed since"
                    }
                ),
                json: json!({"file": file.display().to_string(), "accounts": contents.accounts.len(), "matches_vault": same}),
            })
        }
        Action::Restore {
            file,
            on_duplicate,
            password,
            unlock: u,
        } => {
            let bytes = std::fs::read(file).map_err(|e| {
                ApiError::invalid_input(format!("cannot read {}: {e}", file.display()))
            })?;
            let v = unlock::open_vault(vault, u)?;
            let pw = password.read(BACKUP_PASSWORD_ENV, "Backup password", false)?;
            let r = restore(&v, &bytes, &pw, (*on_duplicate).into())?;
            unlock::after_change(&v);
            let mut human = format!(
                "Restored {} account(s){}{}",
                r.import.added.len(),
                if r.import.skipped.is_empty() {
                    String::new()
                } else {
                    format!(", {} already in the vault", r.import.skipped.len())
                },
                if r.clock_offset_restored {
                    ", and the clock correction"
                } else {
                    ""
                }
            );
            for n in &r.import.not_imported {
                human.push_str(&format!("\n  enrol again: {}: {}", n.label, n.reason));
            }
            Ok(Output {
                json: json!(r),
                human,
            })
        }
        Action::Auto {
            dir,
            keep,
            off,
            password,
            unlock: u,
        } => {
            let v = unlock::open_vault(vault, u)?;
            if *off {
                disable_auto_backup(&v)?;
                return Ok(Output {
                    human: "Automatic backups are off (the backups written stay).".into(),
                    json: json!({"auto_backup": null}),
                });
            }
            let dir = backup_dir(&v, dir.as_deref());
            let pw = password.read(BACKUP_PASSWORD_ENV, "Backup password", true)?;
            set_auto_backup(&v, &dir, &pw, *keep)?;
            let first = backup_if_changed(&v)?;
            let settings = auto_backup(&v)?;
            Ok(Output {
                human: format!(
                    "Backing up automatically to {} after every change, keeping {}.{}",
                    dir.display(),
                    keep,
                    first
                        .as_ref()
                        .map(|o| format!(" First backup: {} account(s), {}", o.accounts, o.path))
                        .unwrap_or_default()
                ),
                json: json!({"auto_backup": settings, "written": first}),
            })
        }
        Action::Status { unlock: u } => {
            let v = unlock::open_vault(vault, u)?;
            let last = last_backup(&v)?;
            let human = match &last {
                None => "No backup made yet: watchword backup now".to_owned(),
                Some(l) => match &l.error {
                    None => format!(
                        "Last backup: {}, {} account(s), {}",
                        humantime_ago(l.at),
                        l.accounts,
                        l.path.as_deref().unwrap_or("")
                    ),
                    Some(e) => format!("Last backup FAILED {}: {e}", humantime_ago(l.at)),
                },
            };
            Ok(Output {
                json: json!({"last_backup": last}),
                human,
            })
        }
    }
}

/// `dir`, or `backups` beside the vault.
fn backup_dir(v: &watchword_core::vault::Vault, dir: Option<&std::path::Path>) -> PathBuf {
    match dir {
        Some(d) => d.to_owned(),
        None => v
            .path()
            .parent()
            .unwrap_or(std::path::Path::new("."))
            .join("backups"),
    }
}

/// "3 minutes ago" for a Unix time.
fn humantime_ago(at: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(at);
    let s = (now - at).max(0);
    match s {
        0..60 => format!("{s} s ago"),
        60..3600 => format!("{} min ago", s / 60),
        3600..86400 => format!("{} h ago", s / 3600),
        _ => format!("{} days ago", s / 86400),
    }
}
