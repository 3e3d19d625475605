//! The iOS shell's languages, checked without Xcode: every text a target
//! shows comes from its string tables, in English and Dutch alike.
//!
//! The targets, their Swift and their tables come from the XcodeGen spec
//! (`ios/project.yml`): a target's Swift files and its `<lang>.lproj`
//! folders are the ones under its source paths (as XcodeGen adds them).
//! Per target:
//! - `en` and `nl` both exist, with the same table files, the same keys in
//!   each, the same placeholders per key (`%@`, `%1$@`, `%lld`), and in a
//!   `.stringsdict` every variable a plural rule with `one` and `other`;
//! - every key the Swift uses exists in both languages: a literal given to
//!   a SwiftUI view or modifier that localises it (`Text("key")`,
//!   `Button("key")`, `Section`, `Label`, `LabeledContent`, `TextField`,
//!   `.alert("key")`, `.navigationTitle`, ...), to `L10n.text` or
//!   `NSLocalizedString` (in `Localizable.strings`) or to `L10n.plural` (in
//!   `Localizable.stringsdict`); such a literal may not interpolate (its key
//!   would be the interpolation's format); a key of the tables that no Swift
//!   uses is reported too;
//! - no Swift shows English of its own: a literal of two or more words, or
//!   one capitalised word, is only allowed as developer text (a `reason:` or
//!   `comment:` argument, a logger call, `throw`, a `case` pattern, or a line
//!   marked `// not shown`), and a literal that is a key of the tables may
//!   not be used as plain text (it would show the key);
//! - the Info.plist texts iOS shows (`*UsageDescription`,
//!   `CFBundleDisplayName`) are in both languages' `InfoPlist.strings`;
//! - the application has `error_<kind>` for every error kind of the core
//!   (the `ApiError` cases of the API listing) in both languages and uses
//!   each, and no `error_*` key that is not a kind;
//! - a key both targets have says the same in both;
//! - the Dutch avoids every term the glossary (`docs/glossary-nl.md`) lists
//!   under "Avoid".

use std::{
    collections::{BTreeMap, BTreeSet},
    path::{Path, PathBuf},
};

use tree_sitter::{Node, Parser};
use yaml_rust2::{Yaml, YamlLoader};

use crate::tables::{Plural, parse_strings, parse_stringsdict, placeholders};

/// The two languages of the shells.
pub const LANGUAGES: [&str; 2] = ["en", "nl"];

/// SwiftUI initialisers whose first unlabelled `String` literal is a
/// `LocalizedStringKey`.
const VIEWS: &[&str] = &[
    "Text",
    "Button",
    "Label",
    "LabeledContent",
    "Section",
    "TextField",
    "SecureField",
    "NavigationLink",
    "PhotosPicker",
    "Toggle",
    "Picker",
    "Menu",
    "Link",
    "ProgressView",
    "ShareLink",
    "ContentUnavailableView",
];

/// SwiftUI modifiers whose first unlabelled literal is localised.
const MODIFIERS: &[&str] = &[
    "alert",
    "confirmationDialog",
    "navigationTitle",
    "help",
    "accessibilityLabel",
    "accessibilityHint",
    "badge",
];

/// Argument labels whose literal is for developers, not shown.
const DEVELOPER_LABELS: &[&str] = &["reason", "comment"];

/// Callees whose literals are log or crash text.
const DEVELOPER_CALLS: &[&str] = &[
    "print",
    "debugPrint",
    "fatalError",
    "precondition",
    "preconditionFailure",
    "assert",
    "assertionFailure",
    "NSLog",
    "os_log",
];

/// Names of loggers: `log.error("...")`, `sink.log(...)`.
const LOGGERS: &[&str] = &["log", "logger", "sink", "Logger"];

/// Where a key is looked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum KeyKind {
    /// `Localizable.strings` (SwiftUI, `L10n.text`, `NSLocalizedString`).
    Text,
    /// `Localizable.stringsdict` (`L10n.plural`).
    Plural,
}

/// A key the Swift uses, at a 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct KeyUse {
    /// The key.
    pub key: String,
    /// Which table it must be in.
    pub kind: KeyKind,
    /// 1-based line.
    pub line: usize,
}

/// What one Swift file shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SwiftTexts {
    /// Keys given to localising calls.
    pub keys: Vec<KeyUse>,
    /// Plain literals (not localised, without interpolation), with their
    /// line: none may be a key of the tables.
    pub plain: Vec<(usize, String)>,
    /// Problems in the file alone: English in the code, interpolated keys.
    pub problems: Vec<(usize, String)>,
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

fn is_literal(node: Node<'_>) -> bool {
    matches!(
        node.kind(),
        "line_string_literal" | "multi_line_string_literal" | "raw_string_literal"
    )
}

/// A literal's text without its interpolations, and whether it has any.
fn literal_text(node: Node<'_>, source: &str) -> (String, bool) {
    let mut out = String::new();
    let mut interpolated = false;
    let mut cursor = node.walk();
    for part in node.children(&mut cursor) {
        match part.kind() {
            "line_str_text" | "multi_line_str_text" | "raw_str_part" => {
                out.push_str(text(part, source));
            }
            "str_escaped_char" => out.push_str(match text(part, source) {
                "\\n" => "\n",
                "\\t" => "\t",
                "\\\"" => "\"",
                "\\\\" => "\\",
                other => other,
            }),
            "interpolated_expression" => {
                if !interpolated {
                    out.push(' ');
                }
                interpolated = true;
            }
            _ => {}
        }
    }
    (out, interpolated)
}

/// The arguments of a call: (label or None, value node).
fn arguments<'t>(call: Node<'t>) -> Vec<(Option<Node<'t>>, Node<'t>)> {
    let mut out = Vec::new();
    let Some(suffix) = call.child(1).filter(|n| n.kind() == "call_suffix") else {
        return out;
    };
    let mut cursor = suffix.walk();
    for part in suffix.children(&mut cursor) {
        if part.kind() != "value_arguments" {
            continue;
        }
        let mut c = part.walk();
        for arg in part
            .children(&mut c)
            .filter(|a| a.kind() == "value_argument")
        {
            let label = arg.child_by_field_name("name");
            if let Some(value) = arg.child_by_field_name("value").or_else(|| {
                let mut c = arg.walk();
                arg.named_children(&mut c)
                    .filter(|n| n.kind() != "value_argument_label")
                    .last()
            }) {
                out.push((label, value));
            }
        }
    }
    out
}

fn label_text<'a>(label: Option<Node<'_>>, source: &'a str) -> Option<&'a str> {
    label.map(|l| text(l, source).trim().trim_end_matches(':').trim())
}

/// Which literal arguments of `call` are localised keys, and of which kind.
fn localised_arguments<'t>(call: Node<'t>, source: &str) -> Vec<(Node<'t>, KeyKind)> {
    let Some(mut callee) = call.child(0) else {
        return Vec::new();
    };
    // tree-sitter-swift 0.7 reads `" " + L10n.text("k")` as a call of
    // `(" " + L10n.text)`: the callee is then the operator's last operand.
    while !matches!(callee.kind(), "simple_identifier" | "navigation_expression") {
        let count = callee.named_child_count();
        match count
            .checked_sub(1)
            .and_then(|last| callee.named_child(last))
        {
            Some(last) => callee = last,
            None => return Vec::new(),
        }
    }
    let args = arguments(call);
    let first_unlabelled = || args.iter().find(|(l, _)| l.is_none()).map(|(_, v)| *v);
    let labelled = |name: &str| {
        args.iter()
            .find(|(l, _)| label_text(*l, source) == Some(name))
            .map(|(_, v)| *v)
    };
    let (target, member) = match callee.kind() {
        "simple_identifier" => (None, text(callee, source)),
        "navigation_expression" => {
            let target = callee.child_by_field_name("target");
            let member = callee
                .child_by_field_name("suffix")
                .and_then(|s| s.child_by_field_name("suffix"))
                .map_or("", |m| text(m, source));
            (target.map(|t| text(t, source)), member)
        }
        _ => return Vec::new(),
    };
    let chosen: Vec<(Option<Node<'t>>, KeyKind)> = match (target, member) {
        (Some("L10n"), "text") => vec![(first_unlabelled(), KeyKind::Text)],
        (Some("L10n"), "plural") => vec![(first_unlabelled(), KeyKind::Plural)],
        (None, "NSLocalizedString") => vec![(first_unlabelled(), KeyKind::Text)],
        (None, "String") => vec![(labelled("localized"), KeyKind::Text)],
        (None, view) if VIEWS.contains(&view) => vec![(first_unlabelled(), KeyKind::Text)],
        (Some(_), "searchable") => vec![(labelled("prompt"), KeyKind::Text)],
        (Some(_), modifier) if MODIFIERS.contains(&modifier) => {
            vec![(first_unlabelled(), KeyKind::Text)]
        }
        _ => Vec::new(),
    };
    let mut out = Vec::new();
    for (node, kind) in chosen {
        let Some(node) = node else { continue };
        // A literal, or a choice between literals (`a ? "x" : "y"`).
        if is_literal(node) {
            out.push((node, kind));
        } else if node.kind() == "ternary_expression" {
            let mut c = node.walk();
            let branches: Vec<Node<'t>> = node.named_children(&mut c).skip(1).collect();
            out.extend(
                branches
                    .into_iter()
                    .filter(|b| is_literal(*b))
                    .map(|b| (b, kind)),
            );
        }
    }
    out
}

/// Whether `literal` sits where developers, not users, read it.
fn is_developer_text(literal: Node<'_>, source: &str) -> bool {
    let line = literal.start_position().row;
    if source
        .lines()
        .nth(line)
        .is_some_and(|l| l.contains("// not shown"))
    {
        return true;
    }
    let mut node = literal.parent();
    while let Some(n) = node {
        match n.kind() {
            "value_argument"
                if label_text(n.child_by_field_name("name"), source)
                    .is_some_and(|l| DEVELOPER_LABELS.contains(&l)) =>
            {
                return true;
            }
            "switch_pattern" => return true,
            "control_transfer_statement" if text(n, source).starts_with("throw") => return true,
            "call_expression" => {
                if let Some(callee) = n.child(0) {
                    let callee_text = text(callee, source);
                    if DEVELOPER_CALLS.contains(&callee_text) {
                        return true;
                    }
                    if callee.kind() == "navigation_expression"
                        && let Some(target) = callee.child_by_field_name("target")
                    {
                        let t = text(target, source);
                        let last = t.rsplit('.').next().unwrap_or(t);
                        if LOGGERS.contains(&last) {
                            return true;
                        }
                    }
                }
            }
            _ => {}
        }
        node = n.parent();
    }
    false
}

/// Words for people: two words, or one capitalised word ("Approve").
pub fn is_prose(text: &str) -> bool {
    let words: Vec<&str> = text
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| w.chars().count() >= 2)
        .collect();
    let pairs = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .windows(2)
        .any(|w| {
            w.iter()
                .all(|x| x.chars().filter(|c| c.is_alphabetic()).count() >= 2)
        });
    let single = text.trim().trim_end_matches(['.', '!', '?', ':', '…']);
    let capitalised = words.len() == 1
        && single == words[0]
        && single.chars().next().is_some_and(char::is_uppercase)
        && single.chars().skip(1).all(char::is_lowercase)
        && single.chars().count() >= 3;
    pairs || capitalised
}

/// What `source` shows: the keys it uses, its plain literals, and its own
/// problems (English in the code, interpolated keys).
pub fn swift_texts(source: &str) -> Result<SwiftTexts, String> {
    let tree = parse(source)?;
    let mut out = SwiftTexts::default();
    let mut localised = BTreeSet::new();
    collect_keys(tree.root_node(), source, &mut localised, &mut out);
    collect_plain(tree.root_node(), source, &localised, &mut out);
    Ok(out)
}

fn collect_keys(
    node: Node<'_>,
    source: &str,
    localised: &mut BTreeSet<usize>,
    out: &mut SwiftTexts,
) {
    if node.kind() == "call_expression" {
        for (literal, kind) in localised_arguments(node, source) {
            localised.insert(literal.start_byte());
            let (key, interpolated) = literal_text(literal, source);
            let line = literal.start_position().row + 1;
            if interpolated {
                out.problems.push((
                    line,
                    format!(
                        "interpolated text {} where a key is expected: use a key with placeholders (L10n.text(\"key\", value))",
                        text(literal, source)
                    ),
                ));
            } else {
                out.keys.push(KeyUse { key, kind, line });
            }
        }
    }
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        collect_keys(child, source, localised, out);
    }
}

fn collect_plain(node: Node<'_>, source: &str, localised: &BTreeSet<usize>, out: &mut SwiftTexts) {
    if is_literal(node) && !localised.contains(&node.start_byte()) {
        let (words, interpolated) = literal_text(node, source);
        let line = node.start_position().row + 1;
        if !interpolated {
            out.plain.push((line, words.clone()));
        }
        if is_prose(&words) && !is_developer_text(node, source) {
            out.problems.push((
                line,
                format!(
                    "English text in the code: {} (a key of Localizable.strings in en and nl, through Text(\"key\") or L10n.text; developer text: `// not shown`)",
                    text(node, source)
                ),
            ));
        }
    }
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        collect_plain(child, source, localised, out);
    }
}

/// Enums of the core whose cases the application words itself, and the
/// prefix of their keys: the biometric prompt's text for each
/// `PresenceAction`, why for each `NotImportedKind`.
const WORDED_ENUMS: [(&str, &str); 2] = [
    ("PresenceAction", "biometric_reason_"),
    ("NotImportedKind", "not_imported_"),
];

/// The core's error kinds: the `ApiError` cases of an API listing
/// ([`crate::public_api`]), in snake_case as `ApiError::kind()` names them.
pub fn error_kinds<S: AsRef<str>>(listing: &[S]) -> Vec<String> {
    enum_cases(listing, "ApiError")
}

/// The cases of the core's enum `name` in an API listing, in snake_case
/// (`PresenceAction :: case unlockApp` → `unlock_app`).
pub fn enum_cases<S: AsRef<str>>(listing: &[S], name: &str) -> Vec<String> {
    let prefix = format!("{name} :: case ");
    listing
        .iter()
        .filter_map(|l| l.as_ref().strip_prefix(prefix.as_str()))
        .map(|case| {
            let name: String = case
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            snake_case(&name)
        })
        .collect()
}

/// `CoolDown` → `cool_down`.
pub fn snake_case(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The glossary's avoided terms: (term, what it is avoided for). A term
/// ending in `*` also matches longer words starting with it.
pub fn avoided_terms(glossary: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for line in glossary.lines() {
        let line = line.trim();
        if !line.starts_with('|') {
            continue;
        }
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        let [english, _, avoid, ..] = cells.as_slice() else {
            continue;
        };
        for term in avoid.split('`').skip(1).step_by(2) {
            out.push((term.to_owned(), (*english).to_owned()));
        }
    }
    out
}

/// Whether `text` uses `term` (as a word, or as a word's start with `*`).
pub fn uses_term(text: &str, term: &str) -> bool {
    let prefix = term.ends_with('*');
    let term = term.trim_end_matches('*').to_lowercase();
    let text = text.to_lowercase();
    let word_char = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '-');
    let mut from = 0;
    while let Some(at) = text[from..].find(&term) {
        let start = from + at;
        let end = start + term.len();
        let before = text[..start].chars().next_back();
        let after = text[end..].chars().next();
        if !word_char(before) && (prefix || !word_char(after)) {
            return true;
        }
        from = start + term.chars().next().map_or(1, char::len_utf8);
    }
    false
}

/// One target of the spec, as far as texts go.
#[derive(Debug, Default)]
struct Target {
    name: String,
    kind: String,
    swift: Vec<PathBuf>,
    /// language → table file name → its path.
    tables: BTreeMap<String, BTreeMap<String, PathBuf>>,
    /// Info.plist keys iOS shows to people.
    shown_info: Vec<String>,
}

/// Every target of `spec` (relative paths against `base`) with Swift or tables.
fn targets(spec: &str, base: &Path) -> Result<Vec<Target>, String> {
    let docs = YamlLoader::load_from_str(spec).map_err(|e| format!("not valid YAML: {e}"))?;
    let doc = docs.first().ok_or("an empty spec")?;
    let mut out = Vec::new();
    for (name, target) in doc["targets"].as_hash().into_iter().flatten() {
        let mut t = Target {
            name: name.as_str().unwrap_or("?").to_owned(),
            kind: target["type"].as_str().unwrap_or_default().to_owned(),
            ..Target::default()
        };
        let sources: Vec<&Yaml> = match &target["sources"] {
            Yaml::Array(list) => list.iter().collect(),
            other => vec![other],
        };
        for source in sources {
            let path = source.as_str().or_else(|| source["path"].as_str());
            let Some(path) = path.map(|p| base.join(p)).filter(|p| p.exists()) else {
                continue;
            };
            t.swift.extend(crate::swift_files(&[&path])?);
            collect_lproj(&path, &mut t.tables)?;
        }
        if let Some(info) = target["info"]["properties"].as_hash() {
            t.shown_info = info
                .keys()
                .filter_map(Yaml::as_str)
                .filter(|k| k.ends_with("UsageDescription") || *k == "CFBundleDisplayName")
                .map(str::to_owned)
                .collect();
        }
        if !t.swift.is_empty() || !t.tables.is_empty() {
            out.push(t);
        }
    }
    Ok(out)
}

fn collect_lproj(
    path: &Path,
    out: &mut BTreeMap<String, BTreeMap<String, PathBuf>>,
) -> Result<(), String> {
    if !path.is_dir() {
        return Ok(());
    }
    let mut entries = std::fs::read_dir(path)
        .map_err(|e| format!("{}: {e}", path.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect::<Vec<_>>();
    entries.sort();
    for entry in entries {
        let name = entry
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if let Some(lang) = name.strip_suffix(".lproj") {
            let mut files = std::fs::read_dir(&entry)
                .map_err(|e| format!("{}: {e}", entry.display()))?
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| {
                    p.extension()
                        .is_some_and(|e| e == "strings" || e == "stringsdict")
                })
                .collect::<Vec<_>>();
            files.sort();
            let tables = out.entry(lang.to_owned()).or_default();
            for f in files {
                let file = f
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or_default()
                    .to_owned();
                tables.insert(file, f);
            }
        } else if entry.is_dir() {
            collect_lproj(&entry, out)?;
        }
    }
    Ok(())
}

/// A loaded table of one language.
#[derive(Debug, Clone)]
enum Table {
    Strings(BTreeMap<String, (usize, String)>),
    Plurals(BTreeMap<String, Plural>),
}

impl Table {
    fn keys(&self) -> BTreeSet<String> {
        match self {
            Table::Strings(t) => t.keys().cloned().collect(),
            Table::Plurals(t) => t.keys().cloned().collect(),
        }
    }

    /// Every text with where it is: (what, text).
    fn texts(&self) -> Vec<(String, String)> {
        match self {
            Table::Strings(t) => t
                .iter()
                .map(|(k, (_, v))| (format!("`{k}`"), v.clone()))
                .collect(),
            Table::Plurals(t) => t
                .iter()
                .flat_map(|(k, p)| {
                    p.variables.iter().flat_map(move |(var, rules)| {
                        rules
                            .iter()
                            .filter(|(r, _)| !r.starts_with("NSString"))
                            .map(move |(r, v)| (format!("`{k}` ({var}.{r})"), v.clone()))
                    })
                })
                .collect(),
        }
    }
}

fn load(path: &Path) -> Result<Table, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let table = if path.extension().is_some_and(|e| e == "stringsdict") {
        parse_stringsdict(&text).map(Table::Plurals)
    } else {
        parse_strings(&text).map(Table::Strings)
    };
    table.map_err(|e| format!("{}: {e}", path.display()))
}

/// What [`check`] found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    /// Every problem, one line each (`path[:line]: what`).
    pub problems: Vec<String>,
    /// Targets checked.
    pub targets: usize,
    /// Keys in the tables (all targets, one language).
    pub keys: usize,
    /// Uses of keys in the Swift.
    pub uses: usize,
    /// Error kinds with messages.
    pub kinds: usize,
    /// Glossary terms the Dutch avoids.
    pub terms: usize,
}

/// Checks the texts of the targets of the XcodeGen `spec` (paths relative
/// to `base`) against the API `listing` (for the error kinds) and the
/// `glossary` (see the module documentation).
pub fn check<S: AsRef<str>>(spec: &str, base: &Path, listing: &[S], glossary: &str) -> Report {
    let mut report = Report::default();
    let problems = &mut report.problems;
    let targets = match targets(spec, base) {
        Ok(t) => t,
        Err(e) => {
            problems.push(format!("the spec: {e}"));
            return report;
        }
    };
    let kinds = error_kinds(listing);
    if kinds.is_empty() {
        problems.push("the API listing has no `ApiError :: case` lines".to_owned());
    }
    let terms = avoided_terms(glossary);
    if terms.is_empty() {
        problems.push("the glossary lists no avoided terms (its Avoid column)".to_owned());
    }
    // Other kinds of the core the shells word themselves: one text each.
    let worded: Vec<(&str, &str, Vec<String>)> = WORDED_ENUMS
        .iter()
        .map(|(enum_name, prefix)| (*enum_name, *prefix, enum_cases(listing, enum_name)))
        .collect();
    for (enum_name, _, cases) in &worded {
        if cases.is_empty() {
            problems.push(format!(
                "the API listing has no `{enum_name} :: case` lines"
            ));
        }
    }
    report.kinds = kinds.len();
    report.terms = terms.len();
    let mut file_problems = BTreeSet::new();
    let mut texts_of: BTreeMap<PathBuf, SwiftTexts> = BTreeMap::new();
    // Per language and table file: key → (target, text), to compare targets.
    let mut shared: BTreeMap<(String, String, String), (String, String)> = BTreeMap::new();
    report.targets = targets.len();
    for target in &targets {
        let name = &target.name;
        // Both languages, the same table files.
        for lang in LANGUAGES {
            if !target.tables.contains_key(lang) {
                problems.push(format!("target {name}: no {lang}.lproj under its sources"));
            }
        }
        for lang in target.tables.keys() {
            if !LANGUAGES.contains(&lang.as_str()) {
                problems.push(format!(
                    "target {name}: {lang}.lproj is not one of the shell's languages ({})",
                    LANGUAGES.join(", ")
                ));
            }
        }
        let empty = BTreeMap::new();
        let en_files = target.tables.get("en").unwrap_or(&empty);
        let nl_files = target.tables.get("nl").unwrap_or(&empty);
        let file_names: BTreeSet<&String> = en_files.keys().chain(nl_files.keys()).collect();
        let mut loaded: BTreeMap<(String, String), Table> = BTreeMap::new();
        for file in file_names {
            for (lang, files) in [("en", en_files), ("nl", nl_files)] {
                match files.get(file) {
                    None => problems.push(format!(
                        "target {name}: {lang}.lproj has no {file} (the other language has)"
                    )),
                    Some(path) => match load(path) {
                        Ok(t) => {
                            loaded.insert((lang.to_owned(), file.clone()), t);
                        }
                        Err(e) => problems.push(e),
                    },
                }
            }
            if let (Some(en), Some(nl)) = (
                loaded.get(&("en".to_owned(), file.clone())),
                loaded.get(&("nl".to_owned(), file.clone())),
            ) {
                compare(name, file, en, nl, problems);
            }
        }
        for ((lang, file), table) in &loaded {
            if lang == "en" {
                report.keys += table.keys().len();
            }
            if let (Table::Strings(t), "Localizable.strings") = (table, file.as_str()) {
                for (key, (_, value)) in t {
                    let slot = (lang.clone(), file.clone(), key.clone());
                    match shared.get(&slot) {
                        Some((other, v)) if v != value => problems.push(format!(
                            "{lang}.lproj/{file} `{key}`: target {name} says {value:?}, target {other} says {v:?}"
                        )),
                        Some(_) => {}
                        None => {
                            shared.insert(slot, (name.clone(), value.clone()));
                        }
                    }
                }
            }
            if lang == "nl" {
                for (what, value) in table.texts() {
                    for (term, english) in &terms {
                        if uses_term(&value, term) {
                            problems.push(format!(
                                "target {name}: nl.lproj/{file} {what} uses \"{}\"; the glossary says: {english}",
                                term.trim_end_matches('*')
                            ));
                        }
                    }
                }
            }
        }
        let keys_of = |lang: &str, file: &str| {
            loaded
                .get(&(lang.to_owned(), file.to_owned()))
                .map(Table::keys)
                .unwrap_or_default()
        };

        // The Swift: its keys, its plain literals, its own problems.
        let mut used: BTreeSet<String> = BTreeSet::new();
        for file in &target.swift {
            if !texts_of.contains_key(file) {
                let texts = std::fs::read_to_string(file)
                    .map_err(|e| e.to_string())
                    .and_then(|s| swift_texts(&s));
                match texts {
                    Ok(t) => {
                        for (line, what) in &t.problems {
                            file_problems.insert(format!("{}:{line}: {what}", file.display()));
                        }
                        texts_of.insert(file.clone(), t);
                    }
                    Err(e) => {
                        problems.push(format!("{}: {e}", file.display()));
                        continue;
                    }
                }
            }
            let Some(texts) = texts_of.get(file) else {
                continue;
            };
            for u in &texts.keys {
                report.uses += 1;
                used.insert(u.key.clone());
                let (table, other) = match u.kind {
                    KeyKind::Text => ("Localizable.strings", "Localizable.stringsdict"),
                    KeyKind::Plural => ("Localizable.stringsdict", "Localizable.strings"),
                };
                for lang in LANGUAGES {
                    if !keys_of(lang, table).contains(&u.key) {
                        let hint = if keys_of(lang, other).contains(&u.key) {
                            format!(
                                " (it is in {other}: use {})",
                                match u.kind {
                                    KeyKind::Text => "L10n.plural",
                                    KeyKind::Plural => "L10n.text or Text",
                                }
                            )
                        } else {
                            String::new()
                        };
                        problems.push(format!(
                            "{}:{}: `{}` is not a key of {lang}.lproj/{table} of target {name}{hint}",
                            file.display(),
                            u.line,
                            u.key
                        ));
                    }
                }
            }
            let all_keys: BTreeSet<String> = ["Localizable.strings", "Localizable.stringsdict"]
                .iter()
                .flat_map(|t| keys_of("en", t))
                .collect();
            for (line, plain) in &texts.plain {
                if all_keys.contains(plain) {
                    file_problems.insert(format!(
                        "{}:{line}: \"{plain}\" is a key, used as plain text (it would show the key): Text(\"{plain}\") or L10n.text(\"{plain}\")",
                        file.display()
                    ));
                }
            }
        }
        if !target.swift.is_empty() {
            for table in ["Localizable.strings", "Localizable.stringsdict"] {
                for key in keys_of("en", table).difference(&used) {
                    problems.push(format!(
                        "target {name}: en.lproj/{table} `{key}` is used by none of its Swift"
                    ));
                }
            }
        }

        // Info.plist texts.
        for key in &target.shown_info {
            for lang in LANGUAGES {
                if !keys_of(lang, "InfoPlist.strings").contains(key) {
                    problems.push(format!(
                        "target {name}: Info.plist's {key} is not in {lang}.lproj/InfoPlist.strings"
                    ));
                }
            }
        }

        // The core's error kinds, in the application.
        if target.kind == "application" {
            for kind in &kinds {
                let key = format!("error_{kind}");
                for lang in LANGUAGES {
                    if !keys_of(lang, "Localizable.strings").contains(&key) {
                        problems.push(format!(
                            "target {name}: the core's error kind `{kind}` has no `{key}` in {lang}.lproj/Localizable.strings"
                        ));
                    }
                }
                if !used.contains(&key) {
                    problems.push(format!(
                        "target {name}: no Swift shows `{key}` (error kind `{kind}`; L10n.message)"
                    ));
                }
            }
            for key in keys_of("en", "Localizable.strings") {
                if let Some(kind) = key.strip_prefix("error_")
                    && !kinds.iter().any(|k| k == kind)
                {
                    problems.push(format!(
                        "target {name}: `{key}` is not an error kind of the core"
                    ));
                }
                for (enum_name, prefix, cases) in &worded {
                    if let Some(case) = key.strip_prefix(prefix)
                        && !cases.iter().any(|c| c == case)
                    {
                        problems.push(format!(
                            "target {name}: `{key}` is not a case of the core's {enum_name}"
                        ));
                    }
                }
            }
            for (enum_name, prefix, cases) in &worded {
                for case in cases {
                    let key = format!("{prefix}{case}");
                    for lang in LANGUAGES {
                        if !keys_of(lang, "Localizable.strings").contains(&key) {
                            problems.push(format!(
                                "target {name}: the core's {enum_name} `{case}` has no `{key}` in {lang}.lproj/Localizable.strings"
                            ));
                        }
                    }
                }
            }
        }
    }
    problems.extend(file_problems);
    report
}

/// The same keys and placeholders in `en` and `nl` of one table file;
/// plural rules with `one` and `other`.
fn compare(target: &str, file: &str, en: &Table, nl: &Table, out: &mut Vec<String>) {
    let (ek, nk) = (en.keys(), nl.keys());
    for key in ek.difference(&nk) {
        out.push(format!(
            "target {target}: `{key}` is in en.lproj/{file} but not in nl.lproj/{file}"
        ));
    }
    for key in nk.difference(&ek) {
        out.push(format!(
            "target {target}: `{key}` is in nl.lproj/{file} but not in en.lproj/{file}"
        ));
    }
    match (en, nl) {
        (Table::Strings(e), Table::Strings(n)) => {
            for (key, (_, ev)) in e {
                if let Some((line, nv)) = n.get(key)
                    && placeholders(ev) != placeholders(nv)
                {
                    out.push(format!(
                        "target {target}: nl.lproj/{file}:{line} `{key}`: placeholders {:?}, English has {:?}",
                        placeholders(nv),
                        placeholders(ev)
                    ));
                }
            }
        }
        (Table::Plurals(e), Table::Plurals(n)) => {
            for (lang, table) in [("en", e), ("nl", n)] {
                for (key, plural) in table {
                    if plural.variables.is_empty() {
                        out.push(format!(
                            "target {target}: {lang}.lproj/{file} `{key}` has no plural variable"
                        ));
                    }
                    for (var, rules) in &plural.variables {
                        if !plural.format.contains(&format!("@{var}@")) {
                            out.push(format!(
                                "target {target}: {lang}.lproj/{file} `{key}`: variable `{var}` is not in its format {:?}",
                                plural.format
                            ));
                        }
                        if rules.get("NSStringFormatSpecTypeKey").map(String::as_str)
                            != Some("NSStringPluralRuleType")
                        {
                            out.push(format!(
                                "target {target}: {lang}.lproj/{file} `{key}`: `{var}` is not an NSStringPluralRuleType"
                            ));
                        }
                        for needed in ["one", "other"] {
                            if !rules.contains_key(needed) {
                                out.push(format!(
                                    "target {target}: {lang}.lproj/{file} `{key}`: `{var}` has no `{needed}`"
                                ));
                            }
                        }
                    }
                }
            }
            for (key, ep) in e {
                let Some(np) = n.get(key) else { continue };
                if placeholders(&ep.format) != placeholders(&np.format) {
                    out.push(format!(
                        "target {target}: nl.lproj/{file} `{key}`: format placeholders {:?}, English has {:?}",
                        placeholders(&np.format),
                        placeholders(&ep.format)
                    ));
                }
                for (var, rules) in &ep.variables {
                    let Some(nrules) = np.variables.get(var) else {
                        out.push(format!(
                            "target {target}: nl.lproj/{file} `{key}` has no variable `{var}`"
                        ));
                        continue;
                    };
                    for (rule, ev) in rules {
                        if let Some(nv) = nrules.get(rule)
                            && placeholders(ev) != placeholders(nv)
                        {
                            out.push(format!(
                                "target {target}: nl.lproj/{file} `{key}` ({var}.{rule}): placeholders {:?}, English has {:?}",
                                placeholders(nv),
                                placeholders(ev)
                            ));
                        }
                    }
                }
            }
        }
        _ => out.push(format!(
            "target {target}: {file} is not the same kind of table in en and nl"
        )),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn keys(source: &str) -> Vec<(String, KeyKind)> {
        swift_texts(source)
            .unwrap()
            .keys
            .into_iter()
            .map(|k| (k.key, k.kind))
            .collect()
    }

    #[test]
    fn keys_are_found_in_views_modifiers_and_l10n() {
        let source = r#"
            var body: some View {
                Button("approve", role: .destructive) { go() }
                Text("title").font(.headline)
                x.alert("ask", isPresented: $y) { }
                Button(cond ? "yes" : "no") { }
                LabeledContent("detail_app", value: app)
                Text(name)
            }
            let a = L10n.text("one", 1)
            let b = L10n.plural("count", 2)
            let c = NSLocalizedString("ns", comment: "for translators, a note")
            let d = String(localized: "modern")
        "#;
        assert_eq!(
            keys(source),
            [
                ("approve", KeyKind::Text),
                ("title", KeyKind::Text),
                ("ask", KeyKind::Text),
                ("yes", KeyKind::Text),
                ("no", KeyKind::Text),
                ("detail_app", KeyKind::Text),
                ("one", KeyKind::Text),
                ("count", KeyKind::Plural),
                ("ns", KeyKind::Text),
                ("modern", KeyKind::Text),
            ]
            .map(|(k, t)| (k.to_owned(), t))
        );
        assert_eq!(swift_texts(source).unwrap().problems, vec![]);
    }

    #[test]
    fn english_in_the_code_is_found_and_developer_text_is_not() {
        let source = r#"
            func f() throws {
                message = "Codes follow the phone's clock again."
                content.title = "Approve"
                let action = UNNotificationAction(identifier: id, title: "Not me: report fraud", options: [])
                Text("\(n) s left")
                throw ShellError.Unavailable(reason: "the device is locked")
                log.error("answering a sign-in request: \(e)")
                switch reason { case "show the secret": break default: break }
                let id = "app.watchword.poll"
                let marked = "Developer words here" // not shown
            }
        "#;
        let problems = swift_texts(source).unwrap().problems;
        let lines: Vec<usize> = problems.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, vec![6, 3, 4, 5], "{problems:?}");
        assert!(problems[0].1.contains("interpolated"), "{problems:?}");
        assert!(problems[1].1.contains("English text"), "{problems:?}");
    }

    #[test]
    fn prose_is_two_words_or_one_capitalised_word() {
        assert!(is_prose("Approve"));
        assert!(is_prose("Cancel."));
        assert!(is_prose("sign in now"));
        assert!(!is_prose("approve"));
        assert!(!is_prose("app.watchword.poll"));
        assert!(!is_prose("%02x"));
        assert!(!is_prose("GET"));
        assert!(!is_prose("+ "));
        assert!(!is_prose("WATCHWORD_APPROVAL"));
    }

    #[test]
    fn error_kinds_and_glossary_terms_are_read() {
        let listing = [
            "public enum ApiError: Swift.Error",
            "ApiError :: case InvalidInput(message: String)",
            "ApiError :: case CoolDown(message: String)",
            "ApiError :: public var errorDescription: String?",
        ];
        assert_eq!(error_kinds(&listing), ["invalid_input", "cool_down"]);
        let glossary = "| English | Nederlands | Avoid | Note |\n|---|---|---|---|\n| sign-in | aanmelding | `inlog*`, `login*` | x |\n| deny | weigeren | `afwijzen` | |\n";
        let terms = avoided_terms(glossary);
        assert_eq!(terms.len(), 3);
        assert!(uses_term("Het inlogscherm", "inlog*"));
        assert!(!uses_term("Het inlogscherm", "inlog"));
        assert!(uses_term("Afwijzen", "afwijzen"));
        assert!(!uses_term("telefoon wisselen", "wissen"));
        assert!(uses_term("een QR code", "QR code"));
        assert!(!uses_term("een QR-code", "QR code"));
    }
}
