//! Syntax checks for Swift without a Swift toolchain.
//!
//! [`check_source`] parses a file with tree-sitter-swift and reports every
//! `ERROR` or `MISSING` node with its line and column. [`public_api`] lists
//! the public declarations of the generated bindings, one per line, so that
//! an API change is a visible diff against `bindings/api/WatchwordCore.swift.txt`.
//! [`swift_files`] finds the files to check (recursively); [`xcodegen`]
//! checks the iOS shell's XcodeGen spec; [`api_use`] checks the shell's
//! calls against the generated API; [`localization`] checks that every text
//! the shell shows comes from its English and Dutch string tables
//! ([`tables`] reads them).

pub mod api_use;
mod files;
pub mod localization;
pub mod tables;
pub mod xcodegen;

pub use files::swift_files;

use tree_sitter::{Node, Parser};

/// A syntax problem at a 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What tree-sitter found there.
    pub what: String,
}

/// Attributes that are valid Swift but unknown to tree-sitter-swift 0.7.
/// UniFFI 0.32 emits the first on internal helpers. They are blanked with
/// spaces of the same length before parsing, so positions stay right.
const GRAMMAR_GAPS: &[&str] = &["@_documentation(visibility: private)"];

/// Valid Swift the grammar misreads, with a same-length stand-in the
/// grammar reads as the same construct. UniFFI 0.32 writes
/// `let writeReturn = { () }` (a closure returning the empty tuple) in the
/// glue of every foreign-trait method that returns nothing; the grammar
/// takes `()` there for a bad call.
const GRAMMAR_REWRITES: &[(&str, &str)] = &[("{ () }", "{ (0)}")];

fn parse(source: &str) -> Result<tree_sitter::Tree, String> {
    let mut source = source.to_owned();
    for gap in GRAMMAR_GAPS {
        source = source.replace(gap, &" ".repeat(gap.len()));
    }
    for (from, to) in GRAMMAR_REWRITES {
        source = source.replace(from, to);
    }
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_swift::LANGUAGE.into())
        .map_err(|e| format!("cannot load the Swift grammar: {e}"))?;
    parser
        .parse(&source, None)
        .ok_or_else(|| "the parser gave up".to_owned())
}

/// Every syntax error in `source` (empty when it parses cleanly).
pub fn check_source(source: &str) -> Result<Vec<SyntaxError>, String> {
    let tree = parse(source)?;
    let mut errors = Vec::new();
    collect_errors(tree.root_node(), source, &mut errors);
    Ok(errors)
}

fn collect_errors(node: Node<'_>, source: &str, out: &mut Vec<SyntaxError>) {
    if node.is_error() || node.is_missing() {
        let p = node.start_position();
        let text: String = source
            .get(node.byte_range())
            .unwrap_or_default()
            .chars()
            .take(40)
            .collect();
        out.push(SyntaxError {
            line: p.row + 1,
            column: p.column + 1,
            what: if node.is_missing() {
                format!("missing {}", node.kind())
            } else {
                format!("unexpected `{text}`")
            },
        });
        return;
    }
    if !node.has_error() {
        return;
    }
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        collect_errors(child, source, out);
    }
}

/// The public declarations of a Swift file, one line each (the declaration
/// up to its body, white space folded), prefixed with the enclosing type,
/// in source order. UniFFI's own plumbing (`FfiConverter*`, `Uniffi*`,
/// `uniffi*`, `RustBuffer`) is left out: it is not the API shells use.
pub fn public_api(source: &str) -> Result<Vec<String>, String> {
    let tree = parse(source)?;
    let mut out = Vec::new();
    walk_api(tree.root_node(), source, "", &mut out);
    Ok(out)
}

fn walk_api(node: Node<'_>, source: &str, scope: &str, out: &mut Vec<String>) {
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        let kind = child.kind();
        let is_decl = kind.ends_with("_declaration");
        let mut inner_scope = scope.to_owned();
        if is_decl {
            let text = source.get(child.byte_range()).unwrap_or_default();
            let head = fold(text.split('{').next().unwrap_or_default());
            let modifiers = text.split(['(', ':', '=']).next().unwrap_or_default();
            if modifiers
                .split_whitespace()
                .any(|w| w == "public" || w == "open")
                && !is_plumbing(scope)
                && !is_plumbing(&head)
            {
                out.push(if scope.is_empty() {
                    head
                } else {
                    format!("{scope} :: {head}")
                });
            }
            if let Some(name) = child.child_by_field_name("name") {
                inner_scope = source.get(name.byte_range()).unwrap_or_default().to_owned();
            }
        }
        if kind == "enum_entry" && !scope.is_empty() && !is_plumbing(scope) {
            let text = source.get(child.byte_range()).unwrap_or_default();
            out.push(format!("{scope} :: {}", fold(text)));
        }
        walk_api(child, source, &inner_scope, out);
    }
}

/// Drops `/* ... */` and `// ...` comments, then folds white space.
fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        rest = rest[start..]
            .find("*/")
            .map_or("", |end| &rest[start + end + 2..]);
    }
    out.push_str(rest);
    out.lines()
        .map(|l| l.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace("( ", "(")
        .replace(" )", ")")
}

fn is_plumbing(text: &str) -> bool {
    [
        "FfiConverter",
        "Uniffi",
        "uniffi",
        "RustBuffer",
        "InitializationResult",
        "fileprivate",
    ]
    .iter()
    .any(|p| text.contains(p))
}
