//! The iOS shell's languages: the real `ios/` passes `--strings`, and copies
//! of it with one thing wrong each (a Dutch key missing, a key the Swift
//! uses missing, English in the Swift, a plural without `other`, a changed
//! placeholder, an error kind without a message, a term the glossary
//! avoids, a privacy string without Dutch) are refused, each for its reason.
//! The error kinds the check reads from the API listing are the core's own
//! `ApiError::kind()` names.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is a failure report.

use std::{
    fs,
    path::{Path, PathBuf},
    process::Command,
};

use swift_check::localization::{Report, check, error_kinds};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

fn listing() -> Vec<String> {
    fs::read_to_string(repo().join("bindings/api/WatchwordCore.swift.txt"))
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn glossary() -> String {
    fs::read_to_string(repo().join("docs/glossary-nl.md")).unwrap()
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn run(ios: &Path) -> Report {
    let spec = fs::read_to_string(ios.join("project.yml")).unwrap();
    check(&spec, ios, &listing(), &glossary())
}

/// The report for a copy of `ios/` whose `file` has `from` replaced by `to` (which must occur).
fn damaged(file: &str, from: &str, to: &str) -> Report {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("ios");
    copy_dir(&repo().join("ios"), &copy);
    let path = copy.join(file);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{from:?} is not in {file}");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
    run(&copy)
}

fn refused(report: &Report, needle: &str) {
    assert!(
        report.problems.iter().any(|p| p.contains(needle)),
        "expected {needle:?} in {:#?}",
        report.problems
    );
}

#[test]
fn the_ios_shell_speaks_english_and_dutch_from_its_tables() {
    let report = run(&repo().join("ios"));
    assert_eq!(report.problems, Vec::<String>::new());
    // The app and the Notification Service Extension.
    assert_eq!(report.targets, 2);
    assert!(report.uses > 150, "{report:?}");
    assert_eq!(report.kinds, error_kinds(&listing()).len());
}

#[test]
fn a_key_missing_in_dutch_is_refused() {
    let report = damaged(
        "Watchword/Resources/nl.lproj/Localizable.strings",
        "\"deny\" = \"Weigeren\";\n",
        "",
    );
    refused(
        &report,
        "`deny` is in en.lproj/Localizable.strings but not in nl.lproj",
    );
    refused(
        &report,
        "`deny` is not a key of nl.lproj/Localizable.strings of target Watchword",
    );
}

#[test]
fn a_dutch_key_missing_in_the_extension_is_refused() {
    refused(
        &damaged(
            "NotificationService/nl.lproj/Localizable.strings",
            "\"approval_title\" = \"Aanmelding goedkeuren?\";\n",
            "",
        ),
        "`approval_title` is not a key of nl.lproj/Localizable.strings of target NotificationService",
    );
}

#[test]
fn a_key_the_swift_uses_and_no_table_has_is_refused() {
    refused(
        &damaged(
            "Watchword/Screens/RootView.swift",
            "Button(\"action_try_again\")",
            "Button(\"action_try_once_more\")",
        ),
        "`action_try_once_more` is not a key of en.lproj/Localizable.strings",
    );
}

#[test]
fn a_key_no_swift_uses_is_refused() {
    refused(
        &damaged(
            "Watchword/Screens/RootView.swift",
            "Button(\"action_try_again\") { core.start() }",
            "Button(action: { core.start() }) { Image(systemName: \"arrow.clockwise\") }",
        ),
        "`action_try_again` is used by none of its Swift",
    );
}

#[test]
fn english_in_the_swift_is_refused() {
    refused(
        &damaged(
            "Watchword/Screens/RootView.swift",
            "Text(\"vault_cannot_open\")",
            "Text(\"Watchword cannot open its vault\")",
        ),
        "`Watchword cannot open its vault` is not a key",
    );
    refused(
        &damaged(
            "Watchword/Shared/ApprovalNotification.swift",
            "content.title = L10n.text(\"approval_title\")",
            "content.title = \"Approve sign-in?\"",
        ),
        "English text in the code: \"Approve sign-in?\"",
    );
    refused(
        &damaged(
            "Watchword/Shared/ApprovalNotification.swift",
            "title: L10n.text(\"deny\")",
            "title: \"Deny\"",
        ),
        "English text in the code: \"Deny\"",
    );
    refused(
        &damaged(
            "Watchword/Screens/ApprovalView.swift",
            "Text(L10n.plural(\"seconds_left\", Int(secondsLeft)))",
            "Text(\"\\(secondsLeft) s left\")",
        ),
        "interpolated text",
    );
    refused(
        &damaged(
            "Watchword/Shared/ApprovalNotification.swift",
            "content.title = L10n.text(\"approval_title\")",
            "content.title = \"approval_title\"",
        ),
        "\"approval_title\" is a key, used as plain text",
    );
}

#[test]
fn a_plural_without_other_is_refused() {
    refused(
        &damaged(
            "Watchword/Resources/nl.lproj/Localizable.stringsdict",
            "<key>other</key>\n\t\t\t<string>Nog %lld seconden</string>\n",
            "",
        ),
        "`seconds_left`: `count` has no `other`",
    );
}

#[test]
fn a_plural_used_as_text_is_refused() {
    refused(
        &damaged(
            "Watchword/Screens/ApprovalView.swift",
            "L10n.plural(\"seconds_left\", Int(secondsLeft))",
            "L10n.text(\"seconds_left\", Int(secondsLeft))",
        ),
        "it is in Localizable.stringsdict: use L10n.plural",
    );
}

#[test]
fn a_changed_placeholder_is_refused() {
    refused(
        &damaged(
            "Watchword/Resources/nl.lproj/Localizable.strings",
            "\"enrol_added\" = \"%@ toegevoegd.\";",
            "\"enrol_added\" = \"%lld toegevoegd.\";",
        ),
        "`enrol_added`: placeholders [\"%lld\"], English has [\"%@\"]",
    );
}

#[test]
fn an_error_kind_without_a_message_is_refused() {
    let report = damaged(
        "Watchword/Resources/en.lproj/Localizable.strings",
        "\"error_network\" = ",
        "\"error_networking\" = ",
    );
    refused(
        &report,
        "the core's error kind `network` has no `error_network` in en.lproj",
    );
    refused(
        &report,
        "`error_networking` is not an error kind of the core",
    );
}

#[test]
fn an_error_kind_the_swift_never_shows_is_refused() {
    refused(
        &damaged(
            "Watchword/Core/ErrorMessages.swift",
            "case .Network: return L10n.text(\"error_network\")",
            "case .Network: return L10n.text(\"error_internal\")",
        ),
        "no Swift shows `error_network`",
    );
}

#[test]
fn a_term_the_glossary_avoids_is_refused() {
    refused(
        &damaged(
            "Watchword/Resources/nl.lproj/Localizable.strings",
            "\"deny\" = \"Weigeren\";",
            "\"deny\" = \"Afwijzen\";",
        ),
        "`deny` uses \"afwijzen\"",
    );
    refused(
        &damaged(
            "NotificationService/nl.lproj/Localizable.strings",
            "\"notification_unchecked_body\" = \"Open Watchword om het te bekijken.\";",
            "\"notification_unchecked_body\" = \"Open Watchword om je inlogverzoek te bekijken.\";",
        ),
        "uses \"inlog\"",
    );
}

#[test]
fn a_privacy_string_without_dutch_is_refused() {
    refused(
        &damaged(
            "Watchword/Resources/nl.lproj/InfoPlist.strings",
            "\"NSCameraUsageDescription\"",
            "\"NSCameraUsage\"",
        ),
        "Info.plist's NSCameraUsageDescription is not in nl.lproj/InfoPlist.strings",
    );
}

#[test]
fn the_two_targets_say_the_same_for_the_same_key() {
    refused(
        &damaged(
            "NotificationService/nl.lproj/Localizable.strings",
            "\"deny\" = \"Weigeren\";",
            "\"deny\" = \"Nee, weigeren\";",
        ),
        "nl.lproj/Localizable.strings `deny`: target",
    );
}

/// The kinds the shells have messages for are the names the core gives
/// them (`ApiError::kind()`, the CLI's `{"error":{"kind":...}}`).
#[test]
fn the_error_kinds_of_the_api_listing_are_the_cores_kind_names() {
    let source = fs::read_to_string(repo().join("core/src/error.rs")).unwrap();
    let body = source
        .split("pub fn kind(&self)")
        .nth(1)
        .and_then(|rest| rest.split("pub fn message").next())
        .expect("core/src/error.rs has ApiError::kind()");
    let core_kinds: Vec<&str> = body
        .lines()
        .filter_map(|l| l.split("=> \"").nth(1))
        .filter_map(|l| l.split('"').next())
        .collect();
    assert_eq!(error_kinds(&listing()), core_kinds);
}

#[test]
fn the_binary_refuses_a_missing_key_and_passes_the_real_shell() {
    let bin = env!("CARGO_BIN_EXE_swift-check");
    let args = |ios: &Path| {
        [
            ios.join("project.yml"),
            repo().join("bindings/api/WatchwordCore.swift.txt"),
            repo().join("docs/glossary-nl.md"),
        ]
    };
    let out = Command::new(bin)
        .arg("--strings")
        .args(args(&repo().join("ios")))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("ios");
    copy_dir(&repo().join("ios"), &copy);
    let nl = copy.join("Watchword/Resources/nl.lproj/Localizable.strings");
    let text = fs::read_to_string(&nl).unwrap();
    fs::write(&nl, text.replace("\"approve\" = \"Goedkeuren\";\n", "")).unwrap();
    let out = Command::new(bin)
        .arg("--strings")
        .args(args(&copy))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("`approve` is not a key of nl.lproj/Localizable.strings"),
        "{stderr}"
    );
}
