//! `transfer-bench`: the Watchword side of the transfer benchmark
//! (`bench/transfer/run.sh`): import and backup of a 1,000-account vault.
//! Each timed operation is its own process, so its peak RSS is its own;
//! `bench/transfer/report.py` runs them (and the Python peers) under
//! `/usr/bin/time` and writes the `transfer` section of bench/RESULTS.md.
//!
//! - `setup <dir>`: makes `<dir>/source.vault` with 1,000 varied TOTP/HOTP
//!   accounts, exports it as encrypted Aegis JSON (`accounts-aegis.json`,
//!   scrypt N=2^15 r=8 p=1 + AES-256-GCM) and writes `accounts.json`, the
//!   same accounts field by field for the Python backup peer; and
//!   `empty-aegis.json`, the encrypted Aegis export of an empty vault (its
//!   import is the scrypt and nothing else to speak of).
//! - `import <aegis.json> <dir>`: reads, decrypts and parses the Aegis file
//!   and applies it into a fresh vault (made before the clock starts); every
//!   account in the file must be added.
//! - `backup <vault> <out>`: `backup::write_backup` with
//!   `KdfParams::STRONG` (argon2id 64 MiB, 3 passes, 1 lane), verified.
//! - `restore <backup> <dir>`: `backup::restore` into a fresh vault.
//! - `verify <backup> <vault>`: opens a backup (the Python peer's) and says
//!   whether it holds exactly what the vault holds (untimed check).
//! - `argon2id`: one argon2id derivation with `KdfParams::STRONG` (a
//!   `PassphraseKeyProvider` wrap), the backup's key derivation alone.
//!
//! Each prints one JSON line: the operation's own time in ms (monotonic
//! clock, from reading the input file to the last byte stored) and counts.

use std::{
    fs,
    path::{Path, PathBuf},
    time::Instant,
};

use serde_json::{Value, json};
use watchword_core::{
    account::{Account, Provenance},
    backup,
    export::{ExportFormat, export_vault},
    import::{self, OnDuplicate},
    otp::{Algorithm, Digits, OtpKind, OtpParams, Secret},
    sensitive::Sensitive,
    vault::{BatchEntry, KdfParams, KeyProvider, PassphraseKeyProvider, StaticKeyProvider, Vault},
};
use zeroize::Zeroizing;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// Accounts in the benchmark vault.
const ACCOUNTS: usize = 1000;
/// The export and backup password (both sides use it).
const PASSWORD: &str = "correct horse battery staple";
/// The vault key every benchmark vault is made with.
const VAULT_KEY: [u8; 32] = [7u8; 32];

const ISSUERS: &[&str] = &[
    "GitHub",
    "GitLab",
    "Google",
    "Microsoft",
    "Amazon Web Services",
    "Dropbox",
    "Cloudflare",
    "DigitalOcean",
    "Proton",
    "Fastmail",
    "Mastodon (hachyderm.io)",
    "Discord",
    "Reddit",
    "PyPI",
    "npm",
    "crates.io",
    "Bitwarden",
    "1Password",
    "Tailscale",
    "Hetzner",
    "OVHcloud",
    "Kraken",
    "Coinbase",
    "Binance",
    "PayPal",
    "Stripe",
    "Deutsche Bank",
    "Société Générale",
    "Nordea",
    "Raiffeisen Österreich",
    "Epic Games",
    "Steam",
    "Battle.net",
    "Nintendo",
    "Slack",
    "Atlassian",
    "Okta",
    "Salesforce",
    "Zoho",
    "Namecheap",
];
const GROUPS: &[Option<&str>] = &[
    Some("Work"),
    Some("Personal"),
    Some("Finance"),
    None,
    Some("Servers"),
    Some("Gaming"),
    None,
    Some("Family"),
];
const NOTES: &[&str] = &[
    "Recovery codes are in the safe, envelope 3.",
    "Shared with the on-call rotation; rotate when someone leaves.",
    "Old phone number still on this account — change it.",
    "Hardware key is primary; this is the fallback.",
    "Company account, ask IT before removing. Ticket INC-20417.",
];

/// A small deterministic generator, so every run builds the same vault.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Benchmark account `i` (varied kinds, algorithms, digits, periods,
/// secret lengths, issuers, groups, notes and link extras).
fn account(i: usize, rng: &mut Rng) -> Res<Account> {
    let secret_len = [10, 16, 20, 20, 20, 32, 64][rng.below(7)];
    let secret: Vec<u8> = (0..secret_len).map(|_| rng.next() as u8).collect();
    let secret = Secret::from_bytes(secret)?;
    let hotp = i % 7 == 3;
    let mut otp = if hotp {
        OtpParams::hotp(secret, rng.next() % 5000)
    } else {
        OtpParams::totp(secret)
    };
    otp.algorithm = match rng.below(10) {
        0 | 1 => Algorithm::Sha256,
        2 => Algorithm::Sha512,
        _ => Algorithm::Sha1,
    };
    if rng.below(5) == 0 {
        otp.digits = Digits::new(8)?;
    }
    if otp.kind == OtpKind::Totp && rng.below(8) == 0 {
        otp.period = 60;
    }
    let issuer = (i % 13 != 5).then(|| ISSUERS[rng.below(ISSUERS.len())].to_owned());
    let name = match i % 4 {
        0 => format!("user{i}@example.org"),
        1 => format!("alice.{i}"),
        2 => format!("ops-{i}@corp.example.com"),
        _ => format!("Jürgen Müller {i}"),
    };
    let provenance = match i % 3 {
        0 => Provenance::Qr,
        1 => Provenance::Manual,
        _ => Provenance::import("google-migration"),
    };
    let mut a = Account::new(issuer.clone(), name, otp, provenance);
    a.group = GROUPS[rng.below(GROUPS.len())].map(str::to_owned);
    if rng.below(3) == 0 {
        a.notes = Some(NOTES[rng.below(NOTES.len())].to_owned());
    }
    if i.is_multiple_of(3) {
        // As enrolled from a QR link: the issuer spelled in both places.
        a.extras.label_issuer = issuer.clone();
        a.extras.param_issuer = issuer;
        if rng.below(4) == 0 {
            a.extras.image = Some(format!("https://icons.example.net/{i}.png"));
        }
    }
    Ok(a)
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// An account field by field, as `peer_backup.py` encodes it.
fn account_json(a: &Account) -> Value {
    let o = &a.otp;
    let x = &a.extras;
    json!({
        "kind": match o.kind { OtpKind::Totp => 0, OtpKind::Hotp => 1, OtpKind::Steam => 2 },
        "algorithm": match o.algorithm { Algorithm::Sha1 => 0, Algorithm::Sha256 => 1, Algorithm::Sha512 => 2 },
        "digits": o.digits.get(),
        "period": o.period,
        "counter": o.counter,
        "t0": o.t0,
        "secret": hex(o.secret.expose()),
        "exportable": a.exportable,
        "steam_encoder": x.steam_encoder,
        "issuer": a.issuer,
        "name": a.name,
        "icon": a.icon,
        "group": a.group,
        "notes": a.notes,
        "provenance": a.provenance.to_string(),
        "label_issuer": x.label_issuer,
        "param_issuer": x.param_issuer,
        "image": x.image,
        "color": x.color,
        "params": x.params,
    })
}

fn provider() -> StaticKeyProvider {
    StaticKeyProvider::new(VAULT_KEY)
}

/// A new empty vault `<dir>/fresh-<pid>.vault` (the files of an earlier
/// one of that name removed first).
fn fresh_vault(dir: &Path) -> Res<(Vault, PathBuf)> {
    fs::create_dir_all(dir)?;
    let path = dir.join(format!("fresh-{}.vault", std::process::id()));
    remove_vault(&path);
    Ok((Vault::create(&path, &provider())?, path))
}

fn remove_vault(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = fs::remove_file(PathBuf::from(p));
    }
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

fn setup(dir: &Path) -> Res<Value> {
    fs::create_dir_all(dir)?;
    let path = dir.join("source.vault");
    remove_vault(&path);
    let vault = Vault::create(&path, &provider())?;
    let mut rng = Rng(0x0005_EED0_FA11_u64);
    let accounts = (0..ACCOUNTS)
        .map(|i| account(i, &mut rng))
        .collect::<Res<Vec<_>>>()?;
    vault.store_batch(accounts.into_iter().map(BatchEntry::Add).collect())?;
    let stored: Vec<Account> = vault
        .list_accounts(None)?
        .into_iter()
        .map(|s| s.account)
        .collect();
    let export = export_vault(
        &vault,
        ExportFormat::Aegis,
        Some(PASSWORD),
        false,
        KdfParams::STRONG,
    )?;
    fs::write(dir.join("accounts-aegis.json"), &*export.bytes)?;
    let (empty, empty_path) = fresh_vault(dir)?;
    let export_empty = export_vault(
        &empty,
        ExportFormat::Aegis,
        Some(PASSWORD),
        false,
        KdfParams::STRONG,
    )?;
    fs::write(dir.join("empty-aegis.json"), &*export_empty.bytes)?;
    drop(empty);
    remove_vault(&empty_path);
    let dump = Zeroizing::new(serde_json::to_vec(&json!({
        "clock_offset_ms": vault.clock_offset_ms()?,
        "accounts": stored.iter().map(account_json).collect::<Vec<_>>(),
    }))?);
    fs::write(dir.join("accounts.json"), &*dump)?;
    drop(vault); // closing checkpoints the WAL: the file's real size below
    let hotp = stored
        .iter()
        .filter(|a| a.otp.kind == OtpKind::Hotp)
        .count();
    Ok(json!({
        "op": "setup",
        "accounts": stored.len(),
        "hotp": hotp,
        "with_group": stored.iter().filter(|a| a.group.is_some()).count(),
        "with_notes": stored.iter().filter(|a| a.notes.is_some()).count(),
        "issuers": stored.iter().filter_map(|a| a.issuer.as_deref()).collect::<std::collections::BTreeSet<_>>().len(),
        "aegis_bytes": export.bytes.len(),
        "vault_bytes": fs::metadata(&path)?.len(),
    }))
}

fn import_op(file: &Path, dir: &Path) -> Res<Value> {
    let (vault, path) = fresh_vault(dir)?;
    let password = Zeroizing::new(PASSWORD.to_owned());
    let t = Instant::now();
    let bytes = Zeroizing::new(fs::read(file)?);
    let parsed = import::read(&bytes, Some(&password))?;
    let read_ms = ms(t);
    let t_apply = Instant::now();
    let report = parsed.apply(&vault, OnDuplicate::Skip)?;
    let apply_ms = ms(t_apply);
    let total = ms(t);
    drop(vault);
    remove_vault(&path);
    let in_file = parsed.accounts().count();
    if report.added.len() != in_file {
        return Err(format!("imported {} of {in_file} accounts", report.added.len()).into());
    }
    Ok(json!({
        "op": "import", "ms": total, "read_ms": read_ms, "apply_ms": apply_ms,
        "accounts": report.added.len(),
    }))
}

fn backup_op(vault_path: &Path, out: &Path) -> Res<Value> {
    let vault = Vault::open(vault_path, &provider())?;
    let t = Instant::now();
    let outcome = backup::write_backup(&vault, out, PASSWORD, KdfParams::STRONG)?;
    let total = ms(t);
    Ok(json!({
        "op": "backup", "ms": total, "accounts": outcome.accounts,
        "bytes": fs::metadata(out)?.len(),
    }))
}

fn restore_op(file: &Path, dir: &Path) -> Res<Value> {
    let (vault, path) = fresh_vault(dir)?;
    let t = Instant::now();
    let bytes = fs::read(file)?;
    let report = backup::restore(&vault, &bytes, PASSWORD, OnDuplicate::Skip)?;
    let total = ms(t);
    drop(vault);
    remove_vault(&path);
    Ok(json!({
        "op": "restore", "ms": total, "accounts": report.import.added.len(),
    }))
}

fn verify_op(file: &Path, vault_path: &Path) -> Res<Value> {
    let vault = Vault::open(vault_path, &provider())?;
    let (contents, same) = backup::verify_backup(file, PASSWORD, Some(&vault))?;
    Ok(json!({
        "op": "verify", "accounts": contents.accounts.len(), "same_as_vault": same,
    }))
}

fn argon2id_op() -> Res<Value> {
    let provider =
        PassphraseKeyProvider::new(Sensitive::new(PASSWORD.to_owned()), KdfParams::STRONG);
    let t = Instant::now();
    provider.wrap(Zeroizing::new(vec![0u8; 32]))?;
    Ok(json!({"op": "argon2id", "ms": ms(t)}))
}

fn main() -> Res<()> {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let usage = "usage: transfer-bench setup <dir> | import <aegis.json> <dir> | \
                 backup <vault> <out> | restore <backup> <dir> | verify <backup> <vault> | argon2id";
    let arg = |i: usize| -> Res<&Path> { Ok(args.get(i).ok_or(usage)?.as_path()) };
    let out = match arg(0)?.to_str() {
        Some("setup") => setup(arg(1)?)?,
        Some("import") => import_op(arg(1)?, arg(2)?)?,
        Some("backup") => backup_op(arg(1)?, arg(2)?)?,
        Some("restore") => restore_op(arg(1)?, arg(2)?)?,
        Some("verify") => verify_op(arg(1)?, arg(2)?)?,
        Some("argon2id") => argon2id_op()?,
        _ => return Err(usage.into()),
    };
    println!("{out}");
    Ok(())
}
