//! The iOS shell under `ios/`: every Swift file in it (found recursively)
//! parses, a broken file anywhere in it fails the checker (the negative
//! control CI relies on), and its XcodeGen spec passes the spec check while
//! damaged copies of it do not.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is a failure report.

use std::{
    fs,
    path::{Path, PathBuf},
    process::Command,
};

use swift_check::{check_source, swift_files, xcodegen::check_spec};

fn ios_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../ios")
        .canonicalize()
        .unwrap()
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

fn run_checker(args: &[&Path]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_swift-check"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn every_swift_file_of_the_ios_shell_parses() {
    let files = swift_files(&[ios_dir()]).unwrap();
    let names: Vec<String> = files
        .iter()
        .map(|f| f.strip_prefix(ios_dir()).unwrap().display().to_string())
        .collect();
    // Files two and three directories deep are found.
    for expected in [
        "Watchword/App/WatchwordApp.swift",
        "Watchword/Keys/KeychainKeyProvider.swift",
        "Watchword/Camera/CameraScanner.swift",
        "NotificationService/NotificationService.swift",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} not in {names:?}"
        );
    }
    for f in &files {
        let errors = check_source(&fs::read_to_string(f).unwrap()).unwrap();
        assert_eq!(errors, vec![], "{}", f.display());
    }
}

#[test]
fn files_are_found_recursively_and_a_missing_path_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("a/b/c")).unwrap();
    fs::write(dir.path().join("a/b/c/deep.swift"), "let x = 1\n").unwrap();
    fs::write(dir.path().join("top.swift"), "let y = 2\n").unwrap();
    fs::write(dir.path().join("a/notes.txt"), "not swift").unwrap();
    let files = swift_files(&[dir.path()]).unwrap();
    assert_eq!(
        files,
        vec![
            dir.path().join("a/b/c/deep.swift"),
            dir.path().join("top.swift")
        ]
    );
    let missing = dir.path().join("no-such-dir");
    let err = swift_files(&[missing.as_path()]).unwrap_err();
    assert!(err.contains("no-such-dir"), "{err}");
}

#[test]
fn a_broken_file_anywhere_under_ios_fails_the_checker() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("ios");
    copy_dir(&ios_dir(), &copy);
    let (ok, stderr) = run_checker(&[&copy]);
    assert!(ok, "the clean copy should pass: {stderr}");

    let broken = copy.join("Watchword/Screens/Broken.swift");
    fs::write(&broken, "struct Broken {\n    func f( {\n}\n").unwrap();
    let (ok, stderr) = run_checker(&[&copy]);
    assert!(!ok, "a broken file must fail the check");
    assert!(stderr.contains("Broken.swift:2:"), "{stderr}");

    let (ok, stderr) = run_checker(&[&dir.path().join("nowhere")]);
    assert!(!ok);
    assert!(stderr.contains("no such file"), "{stderr}");
}

fn spec() -> String {
    fs::read_to_string(ios_dir().join("project.yml")).unwrap()
}

/// The problems of the real spec with `from` replaced by `to` (which must occur).
fn problems_with(from: &str, to: &str) -> Vec<String> {
    let text = spec();
    assert!(text.contains(from), "{from:?} is not in project.yml");
    check_spec(&text.replacen(from, to, 1), &ios_dir())
}

#[test]
fn the_ios_spec_is_valid_though_the_generated_files_are_absent() {
    // The bindings and the XCFramework are generated on a Mac, never committed.
    assert!(!ios_dir().join("Generated/WatchwordCore.swift").exists());
    assert_eq!(check_spec(&spec(), &ios_dir()), Vec::<String>::new());
}

#[test]
fn damaged_specs_are_refused() {
    let has = |problems: Vec<String>, needle: &str| {
        assert!(
            problems.iter().any(|p| p.contains(needle)),
            "expected {needle:?} in {problems:?}"
        );
    };
    has(
        check_spec("name: Watchword\ntargets: [unclosed\n", &ios_dir()),
        "not valid YAML",
    );
    has(check_spec("name: Watchword\n", &ios_dir()), "no `targets`");
    has(
        problems_with(
            "- path: NotificationService\n",
            "- path: NotificationServices\n",
        ),
        "source `NotificationServices` does not exist",
    );
    has(
        problems_with("optional: true", "optional: false"),
        "source `Generated/WatchwordCore.swift` does not exist",
    );
    has(
        problems_with("NSCameraUsageDescription:", "NSCameraUsage:"),
        "lacks NSCameraUsageDescription",
    );
    has(
        problems_with("[remote-notification, fetch]", "[fetch]"),
        "UIBackgroundModes",
    );
    has(
        problems_with("[app.watchword.poll]", "[app.watchword.refresh]"),
        "`app.watchword.refresh` is not registered by any Swift file",
    );
    has(
        problems_with("aps-environment: development", "aps: development"),
        "no aps-environment",
    );
    has(
        problems_with(
            "- target: WatchwordCore\n        embed: false",
            "- target: WatchwordKore\n        embed: false",
        ),
        "unknown target `WatchwordKore`",
    );
    // The extension's copy of the groups (the last occurrence) changed.
    let text = spec();
    let at = text.rfind("keychain-access-groups: [").unwrap();
    let damaged = format!("{}keychain-access-groups: [other.group]\n", &text[..at]);
    has(
        check_spec(&damaged, &ios_dir()),
        "no shared keychain-access-groups",
    );
    has(
        problems_with(
            "NSExtensionPointIdentifier: com.apple.usernotifications.service",
            "NSExtensionPointIdentifier: com.apple.widgetkit-extension",
        ),
        "one Notification Service Extension target, found 0",
    );
}
