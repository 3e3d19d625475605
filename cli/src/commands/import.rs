//! `watchword import FILE`: another authenticator's export (Aegis, 2FAS,
//! andOTP, FreeOTP, Authy, Stratum, Bitwarden, a link list, a Watchword
//! backup...; the format is recognised from the content) into the vault,
//! all or nothing. `--dry-run` shows what would happen and stores nothing.

use std::{io::Read as _, path::PathBuf};

use serde_json::json;
use watchword_core::{
    ApiError,
    import::{self, ImportError, ImportFile, NotImported, OnDuplicate},
};

use super::file_password::{IMPORT_PASSWORD_ENV, PasswordArgs};
use crate::{account_view, output::Output, unlock};

/// What to do with accounts the vault already has.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Duplicates {
    /// Keep the stored account, drop the imported copy.
    Skip,
    /// Add the imported copy too.
    Keep,
    /// Write the imported account over the stored one.
    Replace,
}

impl From<Duplicates> for OnDuplicate {
    fn from(d: Duplicates) -> Self {
        match d {
            Duplicates::Skip => OnDuplicate::Skip,
            Duplicates::Keep => OnDuplicate::KeepBoth,
            Duplicates::Replace => OnDuplicate::Replace,
        }
    }
}

/// Arguments of `import`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The export file.
    file: PathBuf,
    /// Accounts already in the vault: skip (default), keep both, replace.
    #[arg(long, value_enum, default_value = "skip")]
    on_duplicate: Duplicates,
    /// Show what would be imported; store nothing.
    #[arg(long)]
    dry_run: bool,
    #[command(flatten)]
    password: PasswordArgs,
    #[command(flatten)]
    unlock: unlock::UnlockArgs,
}

/// Reads `file`, asking for its password only when it is encrypted. A
/// file over [`import::MAX_IMPORT_BYTES`] is refused from its size, before
/// any of it is read.
pub fn read_file(file: &std::path::Path, password: &PasswordArgs) -> Result<ImportFile, ApiError> {
    let cannot =
        |e: std::io::Error| ApiError::invalid_input(format!("cannot read {}: {e}", file.display()));
    let f = std::fs::File::open(file).map_err(cannot)?;
    let size = usize::try_from(f.metadata().map_err(cannot)?.len()).unwrap_or(usize::MAX);
    if size > import::MAX_IMPORT_BYTES {
        return Err(ImportError::TooLarge { bytes: size }.into());
    }
    // The file holds secrets (a plain export): wiped once read, and read
    // into a buffer of its size, never moved (a move would leave an unwiped
    // copy). `take` bounds a file that grows meanwhile; `import::read`
    // refuses it if it did.
    let mut bytes = zeroize::Zeroizing::new(Vec::with_capacity(size));
    f.take(import::MAX_IMPORT_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    let given = password.password_file.is_some() || std::env::var_os(IMPORT_PASSWORD_ENV).is_some();
    let first = if given {
        Some(password.read(IMPORT_PASSWORD_ENV, "Export password", false)?)
    } else {
        None
    };
    match import::read(&bytes, first.as_ref()) {
        Err(ImportError::PasswordNeeded { format }) if first.is_none() => {
            let label = format!("Password of the {format} export");
            let pw = password.read(IMPORT_PASSWORD_ENV, &label, false)?;
            Ok(import::read(&bytes, Some(&pw))?)
        }
        other => Ok(other?),
    }
}

fn not_imported_lines(list: &[NotImported]) -> String {
    list.iter()
        .map(|n| format!("\n  not imported: {}: {}", n.label, n.reason))
        .collect()
}

/// Imports (or previews) the file.
pub fn run(vault: Option<&std::path::Path>, args: &Args) -> Result<Output, ApiError> {
    // Read the file first: a file that is not an export asks for no
    // passphrase and opens no vault.
    let file = read_file(&args.file, &args.password)?;
    let v = unlock::open_vault(vault, &args.unlock)?;
    if args.dry_run {
        let p = file.preview(&v)?;
        let mut human = format!(
            "{} export: {} new, {} already in the vault{}",
            p.format,
            p.new_count(),
            p.duplicate_count(),
            if p.not_imported.is_empty() {
                String::new()
            } else {
                format!(", {} cannot be imported", p.not_imported.len())
            }
        );
        for l in &p.accounts {
            human.push_str(&format!(
                "\n  {} {}  {}",
                if l.duplicate_of.is_some() { "=" } else { "+" },
                l.label,
                l.kind.as_str()
            ));
        }
        human.push_str(&not_imported_lines(&p.not_imported));
        human.push_str("\nNothing was stored (--dry-run).");
        return Ok(Output {
            json: json!({"dry_run": true, "preview": p}),
            human,
        });
    }
    let r = file.apply(&v, args.on_duplicate.into())?;
    unlock::after_change(&v);
    let mut human = format!(
        "Imported {} account(s) from the {} export",
        r.added.len(),
        r.format
    );
    if !r.replaced.is_empty() {
        human.push_str(&format!(", replaced {}", r.replaced.len()));
    }
    if !r.skipped.is_empty() {
        human.push_str(&format!(
            ", {} already in the vault (kept as they were)",
            r.skipped.len()
        ));
    }
    for a in r.added.iter().chain(&r.replaced) {
        human.push_str(&format!("\n  {}", account_view::line(a)));
    }
    human.push_str(&not_imported_lines(&r.not_imported));
    Ok(Output {
        json: json!({"dry_run": false, "report": r}),
        human,
    })
}
