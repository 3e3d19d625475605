//! Saying what unrecognised text looked like, and what the user can do.
//!
//! No user should see a bare "invalid QR code": each reason names what was
//! recognised (a web address, a number, a short secret, another app's link)
//! and the next step.

/// Describes text that is not an enrolment Watchword knows.
pub(crate) fn reason(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    if text.is_empty() {
        return "nothing to read: the text is empty".into();
    }
    if let Some(idx) = [
        "otpauth://",
        "otpauth-migration://",
        "watchword://",
        "phonefactor://",
    ]
    .iter()
    .filter_map(|s| lower.find(s))
    .min()
    .filter(|&i| i > 0)
    {
        let prefix: String = text[..idx].chars().take(20).collect();
        return format!(
            "the text holds an enrolment link after \"{prefix}\"; paste only the link, starting at {}",
            &lower[idx..]
                .split("://")
                .next()
                .map(|s| format!("{s}://"))
                .unwrap_or_default()
        );
    }
    if lower.starts_with("oktaverify://") {
        return "this is an Okta Verify enrolment, which only Okta's app can complete; ask your administrator for a standard authenticator app (TOTP) code instead".into();
    }
    if lower.starts_with("duo://") || lower.contains("duosecurity.com") {
        return "this is a Duo Mobile activation, which only Duo's app can complete; ask your administrator for a third-party (TOTP) authenticator instead".into();
    }
    if lower.starts_with("motp://") || lower.starts_with("otpauth://yaotp") {
        return "this account type (mOTP or Yandex) is not supported".into();
    }
    if lower.starts_with("pia://") {
        return "this privacyIDEA link (token container or app backup) is not supported yet; enrol push or TOTP tokens from their own QR codes".into();
    }
    if lower.starts_with("http://") || lower.starts_with("https://") {
        let host = url::Url::parse(text)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_default();
        return format!(
            "this is a web address ({host}), not an enrolment link; if the sign-in page shows it beside an activation code, use \"Enter code and URL\" and type both"
        );
    }
    if let Some((scheme, _)) = text.split_once("://")
        && !scheme.is_empty()
        && scheme.len() <= 32
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    {
        return format!("links starting with {scheme}:// are not enrolment links Watchword knows");
    }
    let digits = text.chars().filter(char::is_ascii_digit).count();
    if digits > 0
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || " -.".contains(c))
    {
        return if (6..=12).contains(&digits) {
            "this looks like an activation code; use \"Enter code and URL\" and also type the URL shown beside it".into()
        } else {
            "this is a number, not an enrolment link or secret".into()
        };
    }
    let b32 = text
        .chars()
        .filter(|c| !" -=".contains(*c))
        .all(|c| c.is_ascii_alphabetic() || ('2'..='7').contains(&c));
    if b32 && text.len() < 16 {
        return "this could be a secret key, but it is too short (fewer than 16 characters); check that you copied all of it".into();
    }
    "this is not a QR code or link Watchword can enrol: scan the QR code again, or type the secret key or the activation code and URL".into()
}
