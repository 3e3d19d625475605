//! The whole vault as Google Authenticator export links (and, on request,
//! their QR images): what `watchword export --google` prints and what the
//! shells' "move to another phone" screen shows.
//!
//! The links and images hold secrets (that is what an export is for), so
//! they stay `Zeroizing` until the caller hands them out.

use zeroize::Zeroizing;

use super::{export_google_migration, qr_image::render_png};
use crate::{
    ApiError,
    vault::{PresenceAction, Vault},
};

/// Why an account of the vault is not in the export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedAccount {
    /// Vault id.
    pub id: i64,
    /// Why (no secret in it).
    pub reason: String,
}

/// The vault's accounts as Google export links.
#[derive(Debug)]
pub struct VaultGoogleExport {
    /// `otpauth-migration://offline?data=...` links, ten accounts each.
    pub links: Vec<Zeroizing<String>>,
    /// One PNG QR image per link, when asked for.
    pub pngs: Vec<Zeroizing<Vec<u8>>>,
    /// Accounts left out: may not leave the device (`exportable = false`)
    /// or Google cannot express them (Steam, a period other than 30 s, ...).
    pub skipped: Vec<SkippedAccount>,
}

/// [`export_vault_google`] once the person confirmed
/// ([`PresenceAction::ExportSecrets`]): what a phone's "move to another
/// phone" screen calls.
pub async fn export_vault_google_confirmed(
    vault: &Vault,
    with_png: bool,
) -> Result<VaultGoogleExport, ApiError> {
    vault
        .confirm_presence(PresenceAction::ExportSecrets)
        .await?;
    export_vault_google(vault, with_png)
}

/// Exports every account of `vault` as Google export links, with one PNG
/// QR image per link when `with_png`.
pub fn export_vault_google(vault: &Vault, with_png: bool) -> Result<VaultGoogleExport, ApiError> {
    let stored = vault.list_accounts(None)?;
    let mut skipped = Vec::new();
    let mut ids = Vec::new();
    let mut uris = Vec::new();
    for s in &stored {
        if s.account.exportable {
            ids.push(s.id);
            uris.push(s.account.to_uri());
        } else {
            skipped.push(SkippedAccount {
                id: s.id,
                reason: "this account may not leave the device".into(),
            });
        }
    }
    let export = export_google_migration(&uris)?;
    for (index, reason) in &export.skipped {
        if let Some(id) = ids.get(*index) {
            skipped.push(SkippedAccount {
                id: *id,
                reason: (*reason).to_owned(),
            });
        }
    }
    let pngs = if with_png {
        export
            .links
            .iter()
            .map(|l| render_png(l))
            .collect::<Result<_, _>>()?
    } else {
        Vec::new()
    };
    Ok(VaultGoogleExport {
        links: export.links,
        pngs,
        skipped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        account::{Account, Provenance},
        enrol::{Enrolment, classify},
        otp::{OtpAuthUri, OtpKind, TypedSettings},
        sensitive::Sensitive,
        vault::{KdfParams, PassphraseKeyProvider},
    };

    #[test]
    fn exports_links_and_images_and_lists_what_it_skips() {
        let dir = tempfile::tempdir().unwrap();
        let keys = PassphraseKeyProvider::new(
            Sensitive::new("pw".to_owned()),
            KdfParams::FAST_INSECURE_FOR_TESTS,
        );
        let v = Vault::create(&dir.path().join("v.db"), &keys).unwrap();
        let link = "otpauth://totp/ACME:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ACME";
        v.add_account(
            Account::from_uri(&OtpAuthUri::parse(link).unwrap(), Provenance::Manual),
            false,
        )
        .unwrap();
        let steam = Account::from_typed(
            Some("Steam".into()),
            "bob".into(),
            OtpKind::Steam,
            "JBSWY3DPEHPK3PXP",
            &TypedSettings::default(),
        )
        .unwrap();
        let steam_id = v.add_account(steam, false).unwrap().id;

        let e = export_vault_google(&v, true).unwrap();
        assert_eq!(e.links.len(), 1);
        assert_eq!(e.pngs.len(), 1);
        assert_eq!(e.skipped.len(), 1);
        assert_eq!(e.skipped[0].id, steam_id);
        match classify(&e.links[0]).unwrap() {
            Enrolment::GoogleMigration(m) => assert_eq!(m.accounts[0].name, "alice"),
            other => panic!("{other:?}"),
        }
        let decoded = crate::qr::decode_image(&e.pngs[0]).unwrap();
        assert_eq!(decoded[0].text, e.links[0].as_str());
        assert!(export_vault_google(&v, false).unwrap().pngs.is_empty());
    }
}
