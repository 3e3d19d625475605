//! Which app wrote an export: the formats [`super::read`] recognises.

use std::fmt;

/// An app (or file kind) whose exports Watchword imports. Variants of one
/// app's format (plain, encrypted, older versions) are one value: the
/// reader tells them apart itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImportFormat {
    /// Aegis vault export, plain or encrypted (JSON).
    Aegis,
    /// 2FAS backup (`.2fas`, schema 1–4), plain or encrypted.
    TwoFas,
    /// andOTP backup: plain JSON, encrypted, or the old encrypted form.
    AndOtp,
    /// Authenticator Plus: a password-protected ZIP of links.
    AuthenticatorPlus,
    /// Authy's token list (Android shared preferences), plain or encrypted.
    Authy,
    /// Battle.net authenticator (Android shared preferences).
    BattleNet,
    /// Bitwarden vault export, JSON or CSV.
    Bitwarden,
    /// Duo Mobile's account list.
    Duo,
    /// FreeOTP: its token preferences (v1) or encrypted backup (v2).
    FreeOtp,
    /// FreeOTP+ export or internal preferences.
    FreeOtpPlus,
    /// Google Authenticator's database (Android, up to 5.10).
    GoogleAuthenticator,
    /// Microsoft Authenticator's database (Android).
    MicrosoftAuthenticator,
    /// A text file of `otpauth://` (or `otpauth-migration://`) links, one a
    /// line: plain exports of Ente Auth, FreeOTP+, Aegis and others.
    OtpauthList,
    /// Proton Authenticator export.
    Proton,
    /// Steam Guard maFile or the Steam app's guard file.
    Steam,
    /// Stratum / Authenticator Pro: plain, encrypted, legacy, database.
    Stratum,
    /// TOTP Authenticator backup or internal preferences.
    TotpAuthenticator,
    /// Watchword's own encrypted backup.
    Watchword,
}

impl ImportFormat {
    /// Every format, in the order the error for an unknown file lists them.
    pub const ALL: [ImportFormat; 18] = [
        ImportFormat::Watchword,
        ImportFormat::Aegis,
        ImportFormat::TwoFas,
        ImportFormat::AndOtp,
        ImportFormat::AuthenticatorPlus,
        ImportFormat::Authy,
        ImportFormat::BattleNet,
        ImportFormat::Bitwarden,
        ImportFormat::Duo,
        ImportFormat::FreeOtp,
        ImportFormat::FreeOtpPlus,
        ImportFormat::GoogleAuthenticator,
        ImportFormat::MicrosoftAuthenticator,
        ImportFormat::OtpauthList,
        ImportFormat::Proton,
        ImportFormat::Steam,
        ImportFormat::Stratum,
        ImportFormat::TotpAuthenticator,
    ];

    /// The stable id (`--json`, an account's provenance `import:<id>`).
    pub fn id(self) -> &'static str {
        match self {
            ImportFormat::Aegis => "aegis",
            ImportFormat::TwoFas => "2fas",
            ImportFormat::AndOtp => "andotp",
            ImportFormat::AuthenticatorPlus => "authenticator_plus",
            ImportFormat::Authy => "authy",
            ImportFormat::BattleNet => "battle_net",
            ImportFormat::Bitwarden => "bitwarden",
            ImportFormat::Duo => "duo",
            ImportFormat::FreeOtp => "freeotp",
            ImportFormat::FreeOtpPlus => "freeotp_plus",
            ImportFormat::GoogleAuthenticator => "google_authenticator",
            ImportFormat::MicrosoftAuthenticator => "microsoft_authenticator",
            ImportFormat::OtpauthList => "otpauth_list",
            ImportFormat::Proton => "proton",
            ImportFormat::Steam => "steam",
            ImportFormat::Stratum => "stratum",
            ImportFormat::TotpAuthenticator => "totp_authenticator",
            ImportFormat::Watchword => "watchword",
        }
    }

    /// The name people know the app by.
    pub fn name(self) -> &'static str {
        match self {
            ImportFormat::Aegis => "Aegis",
            ImportFormat::TwoFas => "2FAS",
            ImportFormat::AndOtp => "andOTP",
            ImportFormat::AuthenticatorPlus => "Authenticator Plus",
            ImportFormat::Authy => "Authy",
            ImportFormat::BattleNet => "Battle.net",
            ImportFormat::Bitwarden => "Bitwarden",
            ImportFormat::Duo => "Duo Mobile",
            ImportFormat::FreeOtp => "FreeOTP",
            ImportFormat::FreeOtpPlus => "FreeOTP+",
            ImportFormat::GoogleAuthenticator => "Google Authenticator",
            ImportFormat::MicrosoftAuthenticator => "Microsoft Authenticator",
            ImportFormat::OtpauthList => "otpauth:// link list",
            ImportFormat::Proton => "Proton Authenticator",
            ImportFormat::Steam => "Steam Guard",
            ImportFormat::Stratum => "Stratum / Authenticator Pro",
            ImportFormat::TotpAuthenticator => "TOTP Authenticator",
            ImportFormat::Watchword => "Watchword backup",
        }
    }

    /// "Aegis, 2FAS, ...": for the error that lists what is supported.
    pub fn supported_list() -> String {
        Self::ALL
            .iter()
            .map(|f| f.name())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Serialized as its stable [`ImportFormat::id`].
impl serde::Serialize for ImportFormat {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

impl fmt::Display for ImportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
