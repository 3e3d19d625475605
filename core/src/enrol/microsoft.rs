//! Microsoft Authenticator / Entra activation links and codes.
//!
//! Microsoft's activation needs a validation push on Microsoft's own
//! Firebase project, and its approvals arrive the same way: no other app
//! can receive them (`shared/reference/microsoft-and-others.md` section 4).
//! So Watchword recognises every form, never pretends to activate, and
//! explains how to get a standard code for the same account instead.

use serde::Serialize;

use super::{
    ActivationCode, Enrolment,
    query::{get, parse_query},
};

/// Which Microsoft form was seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MicrosoftKind {
    /// `phonefactor://activate_account?code=&url=` (MFA Server or older Entra QR).
    PhonefactorLink,
    /// `https://login.microsoftonline.com/authenticatorApp/activateAccount?...` (current Entra QR).
    EntraAppLink,
    /// Code and URL typed by hand.
    TypedCode,
    /// `accountType=msa`: a personal Microsoft account sign-in QR, not MFA.
    PersonalAccount,
    /// `microsoft-authenticator://...`: a hand-off to Microsoft's app.
    BrokerLink,
}

/// A message a shell shows, with a stable id to translate it by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explanation {
    /// Stable identifier for translations (e.g. `microsoft_managed`).
    pub id: &'static str,
    /// The English text.
    pub text: String,
}

/// Hosts of Microsoft activation URLs (typed or inside links).
pub fn is_microsoft_host(host: &str) -> bool {
    let h = host.trim_end_matches('.').to_ascii_lowercase();
    h == "phonefactor.net"
        || h.ends_with(".phonefactor.net")
        || matches!(
            h.as_str(),
            "mobileappcommunicator.auth.microsoft.com"
                | "mobileappcommunicator.auth-ppe.microsoft.com"
                | "adnotifications.windowsazure.com"
        )
}

/// Hosts of Microsoft's activation app links.
fn is_app_link_host(host: &str) -> bool {
    matches!(
        host.to_ascii_lowercase().as_str(),
        "login.microsoftonline.com" | "login.microsoftonline.us" | "login.chinacloudapi.cn"
    )
}

const STEER_TO_TOTP: &str = "To use Watchword for this account, sign in to your organisation's \"Security info\" page (https://mysignins.microsoft.com/security-info), choose \"Add sign-in method\", then \"Authenticator app\", then \"I want to use a different authenticator app\". It shows a QR code that Watchword scans. If an administrator gave you this code, ask them for \"another authenticator app\" instead.";

/// The explanation for a kind and activation host.
pub fn explanation(kind: MicrosoftKind, url: &str) -> Explanation {
    if kind == MicrosoftKind::PersonalAccount {
        return Explanation {
            id: "microsoft_personal_account",
            text: "This QR code signs in to a personal Microsoft account in Microsoft's own app; it is not an account Watchword can hold. To use Watchword with a personal Microsoft account, turn on two-step verification at account.microsoft.com, choose \"set up a different Authenticator app\", and scan the QR code shown there.".into(),
        };
    }
    let mfa_server = url.to_ascii_lowercase().contains("phonefactor.net");
    let mut text = String::from(
        "This account is managed by Microsoft (Microsoft Authenticator push sign-in). Microsoft only sends its activation and sign-in requests to its own app, so Watchword cannot activate it, and does not pretend to. ",
    );
    if mfa_server {
        text.push_str("This code comes from Azure MFA Server, which stopped answering sign-ins on 30 September 2024, so it no longer works in any app. ");
    }
    text.push_str(STEER_TO_TOTP);
    Explanation {
        id: if mfa_server {
            "microsoft_mfa_server"
        } else {
            "microsoft_managed"
        },
        text,
    }
}

pub(crate) fn microsoft(
    code: Option<ActivationCode>,
    url: String,
    kind: MicrosoftKind,
) -> Enrolment {
    let explanation = explanation(kind, &url);
    Enrolment::MicrosoftActivation {
        code,
        url,
        kind,
        explanation,
    }
}

/// `phonefactor://activate_account?code=&url=`.
pub(crate) fn parse_phonefactor(query: &str) -> Enrolment {
    from_pairs(query, MicrosoftKind::PhonefactorLink)
}

/// The Entra app link; `None` when the URL is some other Microsoft page.
pub(crate) fn parse_app_link(url: &url::Url) -> Option<Enrolment> {
    if !is_app_link_host(url.host_str()?)
        || !url
            .path()
            .eq_ignore_ascii_case("/authenticatorapp/activateaccount")
    {
        return None;
    }
    let query = url.query().unwrap_or_default();
    let pairs = parse_query(query, true).unwrap_or_default();
    let kind = match get(&pairs, "accountType") {
        Some(t) if t.eq_ignore_ascii_case("msa") => MicrosoftKind::PersonalAccount,
        _ => MicrosoftKind::EntraAppLink,
    };
    Some(from_pairs(query, kind))
}

/// `microsoft-authenticator://...`.
pub(crate) fn broker_link() -> Enrolment {
    microsoft(None, String::new(), MicrosoftKind::BrokerLink)
}

fn from_pairs(query: &str, kind: MicrosoftKind) -> Enrolment {
    // Even a damaged Microsoft link is a Microsoft link: the explanation
    // is what the user needs, so parsing problems only blank the fields.
    let pairs = parse_query(query, true).unwrap_or_default();
    let code = get(&pairs, "code").and_then(|c| ActivationCode::parse(c).ok());
    let url = get(&pairs, "url").unwrap_or_default().to_owned();
    microsoft(code, url, kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        assert!(is_microsoft_host("xx.phonefactor.net"));
        assert!(is_microsoft_host(
            "MOBILEAPPCOMMUNICATOR.auth.microsoft.com"
        ));
        assert!(!is_microsoft_host("phonefactor.net.evil.example"));
        assert!(!is_microsoft_host("example.org"));
    }

    #[test]
    fn explanation_steers_to_a_standard_code() {
        let e = explanation(
            MicrosoftKind::EntraAppLink,
            "https://mobileappcommunicator.auth.microsoft.com/x",
        );
        assert_eq!(e.id, "microsoft_managed");
        assert!(
            e.text
                .contains("I want to use a different authenticator app")
        );
        let e = explanation(MicrosoftKind::TypedCode, "https://xx.phonefactor.net/pad/1");
        assert_eq!(e.id, "microsoft_mfa_server");
        assert!(e.text.contains("2024"));
    }
}
