//! Finding and unlocking the vault for the vault commands.
//!
//! The vault path is `--vault` / `WATCHWORD_VAULT`, else `vault.db` in the
//! platform data directory (`~/.local/share/watchword` on Linux). The
//! passphrase comes from, in order: `--passphrase-file` (first line),
//! `WATCHWORD_PASSPHRASE`, or a prompt on the terminal (no echo).

use std::path::{Path, PathBuf};

use watchword_core::{
    ApiError,
    sensitive::Sensitive,
    vault::{KdfParams, PassphraseKeyProvider, Vault, VaultError},
};
use zeroize::Zeroizing;

/// Environment variable holding the passphrase (for scripts and tests).
pub const PASSPHRASE_ENV: &str = "WATCHWORD_PASSPHRASE";

/// Options every vault command takes.
#[derive(Debug, Clone, clap::Args)]
pub struct UnlockArgs {
    /// Read the passphrase from the first line of this file (else
    /// WATCHWORD_PASSPHRASE, else a prompt).
    #[arg(long, value_name = "PATH")]
    passphrase_file: Option<PathBuf>,
}

/// The vault path: the one given, or the platform default. A directory
/// is refused here, before any passphrase is asked for: SQLite would only
/// say it is "not a database".
pub fn vault_path(given: Option<&Path>) -> Result<PathBuf, ApiError> {
    if let Some(p) = given {
        if p.is_dir() {
            return Err(ApiError::invalid_input(format!(
                "{} is a directory; a vault path must be a file (such as {})",
                p.display(),
                p.join("vault.db").display()
            )));
        }
        return Ok(p.to_owned());
    }
    directories::ProjectDirs::from("", "", "watchword")
        .map(|d| d.data_dir().join("vault.db"))
        .ok_or_else(|| {
            ApiError::invalid_input("no home directory to keep the vault in: pass --vault PATH")
        })
}

/// Reads the passphrase from the first source given; `confirm` asks
/// twice when prompting (for `init`, where a typo would lock the vault).
fn read_passphrase(args: &UnlockArgs, confirm: bool) -> Result<Sensitive<String>, ApiError> {
    read_secret(
        args.passphrase_file.as_deref(),
        PASSPHRASE_ENV,
        "Vault passphrase",
        confirm,
    )
}

/// Environment variable holding the new passphrase for `watchword passphrase`.
pub const NEW_PASSPHRASE_ENV: &str = "WATCHWORD_NEW_PASSPHRASE";

/// The new passphrase for `watchword passphrase`: the first line of
/// `file`, else WATCHWORD_NEW_PASSPHRASE, else asked twice.
pub fn read_new_passphrase(file: Option<&Path>) -> Result<Sensitive<String>, ApiError> {
    read_secret(file, NEW_PASSPHRASE_ENV, "New vault passphrase", true)
}

/// A passphrase from the first line of `file`, else the variable `env`,
/// else a prompt (no echo) labelled `label`, twice when `confirm`.
pub fn read_secret(
    file: Option<&Path>,
    env: &str,
    label: &str,
    confirm: bool,
) -> Result<Sensitive<String>, ApiError> {
    let text = if let Some(file) = file {
        let content = Zeroizing::new(std::fs::read_to_string(file).map_err(|e| {
            ApiError::invalid_input(format!(
                "cannot read the passphrase file {}: {e}",
                file.display()
            ))
        })?);
        Zeroizing::new(content.lines().next().unwrap_or_default().to_owned())
    } else if let Some(value) = std::env::var_os(env) {
        Zeroizing::new(
            value
                .into_string()
                .map_err(|_| ApiError::invalid_input(format!("{env} is not valid UTF-8")))?,
        )
    } else {
        prompt_secret(env, label, confirm, rpassword::prompt_password)?
    };
    if text.is_empty() {
        return Err(empty_passphrase());
    }
    Ok(Sensitive::new(text.to_string()))
}

fn empty_passphrase() -> ApiError {
    ApiError::invalid_input("the passphrase is empty")
}

/// Asks with `ask` (the terminal prompt, no echo), twice when `confirm`.
/// An empty answer is refused at once: asking to repeat it first would
/// only delay the error.
fn prompt_secret(
    env: &str,
    label: &str,
    confirm: bool,
    mut ask: impl FnMut(String) -> std::io::Result<String>,
) -> Result<Zeroizing<String>, ApiError> {
    let no_tty = |e: std::io::Error| {
        ApiError::invalid_input(format!(
            "cannot prompt for the passphrase ({e}): set {env} or pass a passphrase file"
        ))
    };
    let first = Zeroizing::new(ask(format!("{label}: ")).map_err(no_tty)?);
    if first.is_empty() {
        return Err(empty_passphrase());
    }
    if confirm {
        let again =
            Zeroizing::new(ask(format!("Repeat {}: ", label.to_lowercase())).map_err(no_tty)?);
        if *again != *first {
            return Err(ApiError::invalid_input("the passphrases do not match"));
        }
    }
    Ok(first)
}

/// After a command changed the vault: when automatic backups are on and
/// the accounts changed, the core writes one (`backup::backup_if_changed`).
/// A failure does not fail the command that made the change: it is said on
/// stderr and recorded as the last backup (`backup status`).
pub fn after_change(v: &Vault) {
    match watchword_core::backup::backup_if_changed(v) {
        Ok(Some(out)) => eprintln!("Backed up automatically: {}", out.path),
        Ok(None) => {}
        Err(e) => eprintln!("warning: the automatic backup failed: {}", e.message()),
    }
}

/// Opens the vault at `given` (or the default path), asking for the
/// passphrase only once the file is known to exist.
pub fn open_vault(given: Option<&Path>, args: &UnlockArgs) -> Result<Vault, ApiError> {
    let path = vault_path(given)?;
    if !path.exists() {
        return Err(VaultError::Missing(path).into());
    }
    let provider = PassphraseKeyProvider::new(read_passphrase(args, false)?, KdfParams::STRONG);
    Ok(Vault::open(&path, &provider)?)
}

/// Creates a vault with `params`, making its directory if needed.
pub fn create_vault(
    given: Option<&Path>,
    args: &UnlockArgs,
    params: KdfParams,
) -> Result<Vault, ApiError> {
    let path = vault_path(given)?;
    if path.exists() {
        return Err(VaultError::AlreadyExists(path).into());
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| {
            ApiError::from(VaultError::Storage(format!(
                "cannot create {}: {e}",
                dir.display()
            )))
        })?;
    }
    let provider = PassphraseKeyProvider::new(read_passphrase(args, true)?, params);
    Ok(Vault::create(&path, &provider)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs the prompt with `answers`; returns the result and the prompts shown.
    fn prompted(confirm: bool, answers: &[&str]) -> (Result<String, ApiError>, Vec<String>) {
        let mut shown = Vec::new();
        let mut answers = answers.iter();
        let result = prompt_secret(PASSPHRASE_ENV, "Vault passphrase", confirm, |p| {
            shown.push(p);
            Ok(answers.next().map_or_else(String::new, |a| (*a).to_owned()))
        });
        (result.map(|s| s.to_string()), shown)
    }

    #[test]
    fn an_empty_passphrase_is_refused_at_the_first_prompt() {
        let (result, shown) = prompted(true, &["", ""]);
        assert_eq!(result.unwrap_err().message(), "the passphrase is empty");
        assert_eq!(shown, vec!["Vault passphrase: ".to_owned()]);
    }

    #[test]
    fn a_passphrase_is_asked_twice_when_confirming() {
        let (result, shown) = prompted(true, &["pw", "pw"]);
        assert_eq!(result.unwrap(), "pw");
        assert_eq!(shown.len(), 2);
        assert_eq!(shown[1], "Repeat vault passphrase: ");
        let (result, _) = prompted(true, &["pw", "other"]);
        assert_eq!(
            result.unwrap_err().message(),
            "the passphrases do not match"
        );
        let (result, shown) = prompted(false, &["pw"]);
        assert_eq!((result.unwrap(), shown.len()), ("pw".to_owned(), 1));
    }
}
