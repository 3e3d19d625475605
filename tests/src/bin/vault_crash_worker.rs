//! Crash-test worker: writes to a vault in a loop until it is killed.
//!
//! `vault_crash_worker <vault> <hotp-id> <first-index>` opens the vault
//! (passphrase from `WATCHWORD_PASSPHRASE`) and repeats forever:
//! add account `crash-<n>`, step the HOTP account, update the new
//! account's notes. After each call returns it prints and flushes one line,
//! so every line the test reads is a write that was committed:
//! `added <id> <name>`, `hotp <counter used>`, `updated <id>`.

use std::io::Write;

use watchword_core::{
    account::{Account, Provenance},
    otp::{OtpParams, Secret},
    sensitive::Sensitive,
    vault::{AccountUpdate, KdfParams, PassphraseKeyProvider, Vault},
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, path, hotp, first] = args.as_slice() else {
        return Err("usage: vault_crash_worker <vault> <hotp-id> <first-index>".into());
    };
    let hotp: i64 = hotp.parse()?;
    let first: u64 = first.parse()?;
    let passphrase = std::env::var("WATCHWORD_PASSPHRASE")?;
    let provider = PassphraseKeyProvider::new(
        Sensitive::new(passphrase),
        KdfParams::FAST_INSECURE_FOR_TESTS,
    );
    let vault = Vault::open(std::path::Path::new(path), &provider)?;
    let mut out = std::io::stdout().lock();
    for n in first.. {
        let name = format!("crash-{n}");
        let mut key = n.to_be_bytes().to_vec();
        key.extend_from_slice(b"crash-test-key");
        let account = Account::new(
            Some("CrashTest".into()),
            name.clone(),
            OtpParams::totp(Secret::from_bytes(key)?),
            Provenance::Manual,
        );
        let stored = vault.add_account(account, false)?;
        writeln!(out, "added {} {name}", stored.id)?;
        out.flush()?;
        let code = vault.next_hotp_code(hotp)?;
        writeln!(out, "hotp {}", code.counter)?;
        out.flush()?;
        vault.update_account(
            stored.id,
            AccountUpdate {
                notes: Some(Some(format!("updated {n}"))),
                ..Default::default()
            },
        )?;
        writeln!(out, "updated {}", stored.id)?;
        out.flush()?;
    }
    Ok(())
}
