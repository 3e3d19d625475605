//! The checker itself: clean Swift passes, broken Swift fails (the
//! negative control), and the API listing sees public declarations.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is a failure report.

use swift_check::{check_source, public_api};

const GOOD: &str = r#"
import Foundation

public protocol KeyProvider: AnyObject {
    func wrap(key: Data) throws -> Data
}

public final class Vault {
    private let handle: UInt64
    public init(handle: UInt64) { self.handle = handle }
    public func codes(at unixMs: Int64) async throws -> [String] {
        return try await withCheckedThrowingContinuation { c in c.resume(returning: []) }
    }
}

public enum WatchwordError: Error {
    case invalidInput(message: String)
    case wrongKey(message: String)
}
"#;

#[test]
fn clean_swift_passes() {
    assert_eq!(check_source(GOOD).unwrap(), vec![]);
}

#[test]
fn known_grammar_gaps_are_tolerated() {
    let src = "@_documentation(visibility: private)\npublic struct S {}\n";
    assert_eq!(check_source(src).unwrap(), vec![]);
    let void_closure = "func f() {\n    let writeReturn = { () }\n    writeReturn()\n}\n";
    assert_eq!(check_source(void_closure).unwrap(), vec![]);
}

#[test]
fn broken_swift_fails() {
    for broken in [
        "public func f( -> Int { return 1 }",
        "public class A { func b() { let x = } }",
        "public struct S { var a: Int",
        "let x = [1, 2,, 3]",
    ] {
        let errors = check_source(broken).unwrap();
        assert!(!errors.is_empty(), "{broken}");
        assert!(errors[0].line >= 1);
    }
}

#[test]
fn api_lists_public_declarations() {
    let api = public_api(GOOD).unwrap();
    assert!(
        api.iter()
            .any(|l| l.starts_with("public protocol KeyProvider")),
        "{api:?}"
    );
    assert!(
        api.iter().any(|l| l.contains("Vault :: public func codes")),
        "{api:?}"
    );
    assert!(
        !api.iter()
            .any(|l| l.contains("handle: UInt64") && l.contains("private")),
        "{api:?}"
    );
}
