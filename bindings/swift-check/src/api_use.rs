//! A cross-check tree-sitter's syntax check cannot do: the shell's calls
//! into the generated API name things that exist, with argument labels one
//! of the declarations accepts.
//!
//! The API is the listing [`crate::public_api`] makes of the generated
//! `WatchwordCore.swift` (or its snapshot `bindings/api/WatchwordCore.swift.txt`).
//! Checked in the shell's Swift:
//! - `CoreType(...)`: an initialiser of that type with those labels;
//! - `CoreType.member` and `CoreType.member(...)`: a static function, an
//!   initialiser or an enum case of that type (labels checked for calls;
//!   an enum case pattern may leave labels out), also in `catch` and
//!   `case` patterns;
//! - `coreFunction(...)`: a free function of the API with those labels;
//! - `anything.method(...)` where `method` is a method of the API and no
//!   function of that name is declared in the shell itself: one of the API's
//!   declarations of that name takes those labels.
//!
//! Types, `throws`/`async` and optionals stay unchecked (that needs a
//! Swift compiler), and so does a misspelt method on a value (its type is
//! unknown here, so `push.pendings()` could be a platform call); names the
//! shell declares itself are its own business.

use std::collections::{BTreeMap, BTreeSet};

use tree_sitter::{Node, Parser};

/// One declaration's argument labels: `(label, has_default)`, `_` for none.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Signature {
    labels: Vec<(String, bool)>,
    is_case: bool,
}

/// The API's declarations, by enclosing type (`""` for free functions)
/// and member name (`init` for initialisers).
#[derive(Debug, Default)]
pub struct Api {
    members: BTreeMap<String, BTreeMap<String, Vec<Signature>>>,
    types: BTreeSet<String>,
}

/// A call that does not fit the API, at a 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Misuse {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub what: String,
}

impl Api {
    /// Reads the listing of [`crate::public_api`], one declaration a line.
    pub fn from_listing<S: AsRef<str>>(lines: &[S]) -> Self {
        let mut api = Self::default();
        for line in lines {
            let line = line.as_ref();
            let (scope, head) = match line.rsplit_once(" :: ") {
                Some((s, h)) => (s.rsplit(" :: ").next().unwrap_or(s), h),
                None => ("", line),
            };
            for kw in ["struct ", "class ", "enum ", "protocol "] {
                if let Some(rest) = after_word(head, kw) {
                    api.types.insert(identifier(rest));
                }
            }
            let (name, rest, is_case) = if let Some(rest) = after_word(head, "func ") {
                (identifier(rest), rest, false)
            } else if let Some(rest) = after_word(head, "init") {
                ("init".to_owned(), rest, false)
            } else if let Some(rest) = head.strip_prefix("case ") {
                (identifier(rest), rest, true)
            } else {
                continue;
            };
            let signature = Signature {
                labels: parameter_labels(rest),
                is_case,
            };
            api.members
                .entry(scope.to_owned())
                .or_default()
                .entry(name)
                .or_default()
                .push(signature);
        }
        api
    }

    /// Every method (not enum case) called `name`, of any type.
    fn method_signatures(&self, name: &str) -> Vec<&Signature> {
        self.members
            .iter()
            .filter(|(scope, _)| !scope.is_empty())
            .filter_map(|(_, m)| m.get(name))
            .flatten()
            .filter(|s| !s.is_case)
            .collect()
    }
}

/// `rest` after the keyword `kw` when it is a whole word in `head`.
fn after_word<'a>(head: &'a str, kw: &str) -> Option<&'a str> {
    let at = head.find(kw)?;
    let word_start = at == 0 || !head[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_');
    word_start.then(|| &head[at + kw.len()..])
}

/// The identifier at the start of `text` (backticks dropped).
fn identifier(text: &str) -> String {
    text.trim_start_matches('`')
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// The labels of the parameter list that starts at the first `(` of
/// `rest` (none when there is no list: an enum case without values).
fn parameter_labels(rest: &str) -> Vec<(String, bool)> {
    let Some(open) = rest.find('(') else {
        return Vec::new();
    };
    // Before the parameter list there may only be the name or generics.
    if rest[..open].contains(['{', '=', ':']) {
        return Vec::new();
    }
    let mut depth = 0usize;
    let mut params = Vec::new();
    let mut current = String::new();
    for c in rest[open + 1..].chars() {
        match c {
            '(' | '[' | '<' => depth += 1,
            ')' if depth == 0 => break,
            ')' | ']' | '>' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                params.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    if !current.trim().is_empty() {
        params.push(current);
    }
    params
        .iter()
        .map(|p| {
            let before_colon = p.split(':').next().unwrap_or_default();
            let label = before_colon
                .split_whitespace()
                .next()
                .unwrap_or("_")
                .to_owned();
            (label, p.contains('='))
        })
        .collect()
}

/// Whether call labels `used` fit `signature` (parameters with defaults
/// may be left out; a case pattern may leave labels out).
fn fits(used: &[String], signature: &Signature) -> bool {
    let mut used = used.iter().peekable();
    for (label, has_default) in &signature.labels {
        match used.peek() {
            Some(u) if *u == label || (signature.is_case && u.as_str() == "_") => {
                used.next();
            }
            _ if *has_default => {}
            _ => return false,
        }
    }
    used.next().is_none()
}

fn describe(signatures: &[&Signature], name: &str) -> String {
    signatures
        .iter()
        .map(|s| {
            let labels: String = s.labels.iter().map(|(l, _)| format!("{l}:")).collect();
            format!("{name}({labels})")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Names of the functions and methods declared in `sources` (the shell's own).
pub fn declared_functions(sources: &[String]) -> Result<BTreeSet<String>, String> {
    let mut names = BTreeSet::new();
    for source in sources {
        let tree = parse(source)?;
        collect_declared(tree.root_node(), source, &mut names);
    }
    Ok(names)
}

fn collect_declared(node: Node<'_>, source: &str, out: &mut BTreeSet<String>) {
    if matches!(
        node.kind(),
        "function_declaration" | "protocol_function_declaration"
    ) && let Some(name) = node.child_by_field_name("name")
    {
        out.insert(text(name, source).trim_matches('`').to_owned());
    }
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        collect_declared(child, source, out);
    }
}

/// What [`check_uses`] found in one file.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Uses {
    /// Calls into the API whose labels were checked.
    pub calls: usize,
    /// The uses that do not fit the API.
    pub misuses: Vec<Misuse>,
}

/// Checks every use of the API in `source`. `own` names the functions the
/// shell declares itself (see [`declared_functions`]).
pub fn check_uses(api: &Api, own: &BTreeSet<String>, source: &str) -> Result<Uses, String> {
    let tree = parse(source)?;
    let mut out = Uses::default();
    walk(api, own, tree.root_node(), source, &mut out);
    Ok(out)
}

fn parse(source: &str) -> Result<tree_sitter::Tree, String> {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_swift::LANGUAGE.into())
        .map_err(|e| format!("cannot load the Swift grammar: {e}"))?;
    parser
        .parse(source, None)
        .ok_or_else(|| "the parser gave up".to_owned())
}

fn text<'a>(node: Node<'_>, source: &'a str) -> &'a str {
    source.get(node.byte_range()).unwrap_or_default()
}

/// The labels of a call (`_` for an unlabelled argument), or None when the
/// call has a trailing closure (its labels are not all written).
fn call_labels(call: Node<'_>, source: &str) -> Option<Vec<String>> {
    let suffix = call.child(1).filter(|n| n.kind() == "call_suffix")?;
    let mut labels = Vec::new();
    let mut cursor = suffix.walk();
    for part in suffix.children(&mut cursor) {
        match part.kind() {
            "lambda_literal" => return None,
            "value_arguments" => {
                let mut c = part.walk();
                for arg in part
                    .children(&mut c)
                    .filter(|a| a.kind() == "value_argument")
                {
                    let label = arg
                        .child_by_field_name("name")
                        .map_or("_", |l| text(l, source).trim());
                    labels.push(label.trim_end_matches(':').trim().to_owned());
                }
            }
            _ => {}
        }
    }
    Some(labels)
}

/// `Target.member` split into the target's text (when it is a plain name)
/// and the member name.
fn navigation_parts<'a>(nav: Node<'_>, source: &'a str) -> Option<(Option<&'a str>, &'a str)> {
    let target = nav.child_by_field_name("target")?;
    let suffix = nav.child_by_field_name("suffix")?;
    let member = suffix.child_by_field_name("suffix")?;
    let target = (target.kind() == "simple_identifier").then(|| text(target, source));
    Some((target, text(member, source).trim_matches('`')))
}

fn walk(api: &Api, own: &BTreeSet<String>, node: Node<'_>, source: &str, out: &mut Uses) {
    let mut report = |n: Node<'_>, what: String| {
        let p = n.start_position();
        out.misuses.push(Misuse {
            line: p.row + 1,
            column: p.column + 1,
            what,
        });
    };
    match node.kind() {
        "call_expression" => {
            if let (Some(callee), Some(used)) = (node.child(0), call_labels(node, source)) {
                let target = match callee.kind() {
                    "simple_identifier" => Some((None, text(callee, source))),
                    "navigation_expression" => navigation_parts(callee, source),
                    _ => None,
                };
                match target.and_then(|(t, m)| check_call(api, own, t, m, &used)) {
                    Some(Err(problem)) => report(node, problem),
                    Some(Ok(())) => out.calls += 1,
                    None => {}
                }
            }
        }
        "navigation_expression" => {
            if let Some((Some(t), member)) = navigation_parts(node, source)
                && api.types.contains(t)
                && !api.members.get(t).is_some_and(|m| m.contains_key(member))
            {
                report(node, format!("`{t}` has no member `{member}` in the API"));
            }
        }
        // `catch CoreType.member(...)`, `case CoreType.member(let x):`
        "pattern" => {
            let mut cursor = node.walk();
            let parts: Vec<Node<'_>> = node.named_children(&mut cursor).take(2).collect();
            if let [ty, member] = parts.as_slice()
                && ty.kind() == "user_type"
                && member.kind() == "simple_identifier"
            {
                let (t, m) = (text(*ty, source), text(*member, source));
                if api.types.contains(t) && !api.members.get(t).is_some_and(|ms| ms.contains_key(m))
                {
                    report(node, format!("`{t}` has no member `{m}` in the API"));
                }
            }
        }
        _ => {}
    }
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        walk(api, own, child, source, out);
    }
}

fn check_call(
    api: &Api,
    own: &BTreeSet<String>,
    target: Option<&str>,
    member: &str,
    used: &[String],
) -> Option<Result<(), String>> {
    let (signatures, name): (Vec<&Signature>, String) = match target {
        // CoreType(...)
        None if api.types.contains(member) => (
            api.members
                .get(member)
                .and_then(|m| m.get("init"))
                .map(|s| s.iter().collect())
                .unwrap_or_default(),
            format!("{member}.init"),
        ),
        // coreFunction(...)
        None => match api.members.get("").and_then(|m| m.get(member)) {
            Some(s) if !own.contains(member) => (s.iter().collect(), member.to_owned()),
            _ => return None,
        },
        // CoreType.member(...): a missing member is reported by the navigation check.
        Some(t) if api.types.contains(t) => (
            api.members
                .get(t)
                .and_then(|m| m.get(member))
                .map(|s| s.iter().collect())?,
            format!("{t}.{member}"),
        ),
        // value.method(...)
        Some(_) => {
            if own.contains(member) {
                return None;
            }
            let s = api.method_signatures(member);
            if s.is_empty() {
                return None;
            }
            (s, member.to_owned())
        }
    };
    if signatures.iter().any(|s| fits(used, s)) {
        return Some(Ok(()));
    }
    let labels: String = used.iter().map(|l| format!("{l}:")).collect();
    Some(Err(format!(
        "{name}({labels}) matches no declaration of the API: {}",
        describe(&signatures, member)
    )))
}
