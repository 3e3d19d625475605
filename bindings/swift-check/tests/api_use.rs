//! The API cross-check: the iOS shell's calls fit the generated API (its
//! committed listing), and calls with a wrong name or wrong labels are
//! caught while platform calls and the shell's own functions are left alone.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is a failure report.

use std::{collections::BTreeSet, fs, path::Path};

use swift_check::{
    api_use::{Api, check_uses, declared_functions},
    public_api, swift_files,
};

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// The committed API listing (test.sh keeps it equal to the generated API).
fn api() -> Api {
    let listing = fs::read_to_string(root().join("bindings/api/WatchwordCore.swift.txt")).unwrap();
    Api::from_listing(&listing.lines().collect::<Vec<_>>())
}

fn misuses(source: &str) -> Vec<String> {
    let own = declared_functions(&[source.to_owned()]).unwrap();
    check_uses(&api(), &own, source)
        .unwrap()
        .misuses
        .into_iter()
        .map(|m| m.what)
        .collect()
}

#[test]
fn the_ios_shell_calls_the_api_as_declared() {
    let files = swift_files(&[root().join("ios")]).unwrap();
    let sources: Vec<String> = files
        .iter()
        .map(|f| fs::read_to_string(f).unwrap())
        .collect();
    let own = declared_functions(&sources).unwrap();
    let mut calls = 0;
    for (file, source) in files.iter().zip(&sources) {
        let uses = check_uses(&api(), &own, source).unwrap();
        assert_eq!(uses.misuses, vec![], "{}", file.display());
        calls += uses.calls;
    }
    // The shell does call the core (vault, push, scanner, enrolment, errors).
    assert!(calls >= 20, "only {calls} calls into the API found");
}

#[test]
fn correct_calls_pass() {
    let good = r#"
func f(vault: Vault, push: PushClient, s: String) async throws {
    let v = try Vault.open(path: s, keys: KeychainKeyProvider())
    let p = PushClient(vault: v, tokens: nil, http: PlatformHttp())
    _ = try await p.respond(id: s, decision: .approve, number: nil)
    _ = try QrScanner().offer(frame: Data(), width: 1, height: 1, rowStride: 1)
    _ = try classify(text: s)
    _ = AccountChanges(name: "x")
    _ = AccountChanges()
    do { _ = try vault.codes() } catch ApiError.Duplicate(let why) { print(why) }
    throw ShellError.Unavailable(reason: "locked")
}
"#;
    assert_eq!(misuses(good), Vec::<String>::new());
}

#[test]
fn wrong_names_and_labels_are_caught() {
    let cases = [
        (
            "_ = try Vault.opne(path: s, keys: k)",
            "`Vault` has no member `opne`",
        ),
        (
            "_ = try Vault.open(file: s, keys: k)",
            "Vault.open(file:keys:) matches no declaration",
        ),
        (
            "_ = try await push.respond(id: s, decision: .deny)",
            "respond(id:decision:) matches no declaration",
        ),
        (
            "_ = try scanner.offer(frame: d, width: 1, height: 1, stride: 1)",
            "offer(frame:width:height:stride:)",
        ),
        ("_ = try classify(s)", "classify(_:) matches no declaration"),
        ("_ = try PushClient(vault: v)", "PushClient.init(vault:)"),
        (
            "throw ShellError.Unavailable(message: m)",
            "ShellError.Unavailable(message:)",
        ),
        (
            "throw ShellError.Locked",
            "`ShellError` has no member `Locked`",
        ),
        (
            "_ = try await push.handlePush(userInfo: s)",
            "handlePush(userInfo:)",
        ),
        (
            "do { try g() } catch ApiError.VaultMising(message: _) {}",
            "`ApiError` has no member `VaultMising`",
        ),
        (
            "switch e { case ShellError.Locked: break\n default: break }",
            "`ShellError` has no member `Locked`",
        ),
    ];
    for (line, expected) in cases {
        let source = format!("func f() async throws {{\n    {line}\n}}\n");
        let found = misuses(&source);
        assert!(
            found.iter().any(|m| m.contains(expected)),
            "{line}: expected {expected:?}, got {found:?}"
        );
    }
}

#[test]
fn platform_calls_and_the_shells_own_functions_are_left_alone() {
    let source = r#"
final class Sink: WatchwordCore.Logger {
    private let sink = os.Logger(subsystem: "a", category: "b")
    func log(record: LogRecord) { sink.log(level: .info, "\(record.message)") }
}
func g(log: os.Logger) {
    log.error("an os.Logger call, not LogLevel.error")
    UNUserNotificationCenter.current().add(request)
    _ = items.first { $0.id == id }
}
"#;
    assert_eq!(misuses(source), Vec::<String>::new());
}

#[test]
fn the_listing_of_the_generated_file_reads_the_same_as_the_snapshot() {
    // `Api::from_listing` accepts both sources: the committed snapshot and
    // `public_api` of a Swift file. A small file shows the second path.
    let swift = r#"
open class Vault {
    public static func `open`(path: String, keys: KeyProvider) throws -> Vault { fatalError() }
}
"#;
    let api = Api::from_listing(&public_api(swift).unwrap());
    let own = BTreeSet::new();
    let bad = check_uses(&api, &own, "let v = try Vault.open(path: p, key: k)\n").unwrap();
    assert_eq!((bad.calls, bad.misuses.len()), (0, 1), "{bad:?}");
    let good = check_uses(&api, &own, "let v = try Vault.open(path: p, keys: k)\n").unwrap();
    assert_eq!((good.calls, good.misuses.len()), (1, 0), "{good:?}");
}
