//! Apple string tables without Foundation: `.strings` files (`"key" =
//! "value";`), `.stringsdict` plists (plural rules) and the printf-style
//! placeholders in their texts. What [`crate::localization`] compares
//! between English and Dutch.

use std::collections::BTreeMap;

/// One `.stringsdict` entry: its format (`%#@count@`) and, per variable,
/// its keys (`NSStringFormatSpecTypeKey`, `one`, `other`, ...) and texts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plural {
    /// `NSStringLocalizedFormatKey`.
    pub format: String,
    /// Variable name → its dictionary (rule or setting → text).
    pub variables: BTreeMap<String, BTreeMap<String, String>>,
}

/// The entries of a `.strings` file: key → (1-based line, text). Comments
/// (`/* */`, `//`) are skipped; keys may be quoted or bare; the escapes
/// `\" \\ \n \t \r \Uxxxx` are decoded. A key written twice is an error,
/// as is anything else than `key = value;`.
pub fn parse_strings(text: &str) -> Result<BTreeMap<String, (usize, String)>, String> {
    let mut out = BTreeMap::new();
    let mut s = Scanner {
        chars: text.chars().collect(),
        at: 0,
        line: 1,
    };
    loop {
        s.skip_blank()?;
        if s.peek().is_none() {
            return Ok(out);
        }
        let line = s.line;
        let key = s.token()?;
        s.skip_blank()?;
        s.expect('=')?;
        s.skip_blank()?;
        let value = s.token()?;
        s.skip_blank()?;
        s.expect(';')?;
        if out.insert(key.clone(), (line, value)).is_some() {
            return Err(format!("line {line}: `{key}` is defined twice"));
        }
    }
}

struct Scanner {
    chars: Vec<char>,
    at: usize,
    line: usize,
}

impl Scanner {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.at += 1;
        if c == '\n' {
            self.line += 1;
        }
        Some(c)
    }

    fn starts(&self, s: &str) -> bool {
        s.chars()
            .enumerate()
            .all(|(i, c)| self.chars.get(self.at + i) == Some(&c))
    }

    /// Skips white space and comments.
    fn skip_blank(&mut self) -> Result<(), String> {
        loop {
            if self.starts("/*") {
                let line = self.line;
                self.at += 2;
                while !self.starts("*/") {
                    if self.bump().is_none() {
                        return Err(format!("line {line}: unclosed comment"));
                    }
                }
                self.at += 2;
            } else if self.starts("//") {
                while self.peek().is_some_and(|c| c != '\n') {
                    self.bump();
                }
            } else if self.peek().is_some_and(char::is_whitespace) {
                self.bump();
            } else {
                return Ok(());
            }
        }
    }

    fn expect(&mut self, want: char) -> Result<(), String> {
        match self.bump() {
            Some(c) if c == want => Ok(()),
            Some(c) => Err(format!(
                "line {}: expected `{want}`, found `{c}`",
                self.line
            )),
            None => Err(format!(
                "line {}: expected `{want}`, found the end",
                self.line
            )),
        }
    }

    /// A quoted string or a bare word.
    fn token(&mut self) -> Result<String, String> {
        if self.peek() != Some('"') {
            let word: String = std::iter::from_fn(|| {
                self.peek()
                    .filter(|c| c.is_alphanumeric() || "_.-".contains(*c))
                    .inspect(|_| self.at += 1)
            })
            .collect();
            return if word.is_empty() {
                Err(format!("line {}: expected a quoted string", self.line))
            } else {
                Ok(word)
            };
        }
        let line = self.line;
        self.bump();
        let mut out = String::new();
        loop {
            match self.bump() {
                None => return Err(format!("line {line}: unclosed string")),
                Some('"') => return Ok(out),
                Some('\\') => match self.bump() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some('r') => out.push('\r'),
                    Some('U' | 'u') => {
                        let hex: String = (0..4).filter_map(|_| self.bump()).collect();
                        let c = u32::from_str_radix(&hex, 16)
                            .ok()
                            .and_then(char::from_u32)
                            .ok_or_else(|| format!("line {line}: bad \\U escape `{hex}`"))?;
                        out.push(c);
                    }
                    Some(c) => out.push(c),
                    None => return Err(format!("line {line}: unclosed string")),
                },
                Some(c) => out.push(c),
            }
        }
    }
}

/// A value of the plist subset stringsdict files use.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Value {
    Dict(Vec<(String, Value)>),
    Text(String),
    Other,
}

/// The entries of a `.stringsdict` file: key → [`Plural`]. The file must be
/// a plist whose top level is a dict of dicts, each with an
/// `NSStringLocalizedFormatKey` string.
pub fn parse_stringsdict(text: &str) -> Result<BTreeMap<String, Plural>, String> {
    let tokens = xml_tokens(text)?;
    let mut at = 0;
    // <plist> ... </plist>
    while tokens
        .get(at)
        .is_some_and(|t| !matches!(t, Token::Open(n) if n == "dict"))
    {
        at += 1;
    }
    let Value::Dict(entries) = value(&tokens, &mut at)? else {
        return Err("the top level is not a <dict>".to_owned());
    };
    let mut out = BTreeMap::new();
    for (key, entry) in entries {
        let Value::Dict(fields) = entry else {
            return Err(format!("`{key}` is not a <dict>"));
        };
        let mut plural = Plural::default();
        for (name, field) in fields {
            match (name.as_str(), field) {
                ("NSStringLocalizedFormatKey", Value::Text(t)) => plural.format = t,
                (_, Value::Dict(rules)) => {
                    let mut map = BTreeMap::new();
                    for (rule, text) in rules {
                        if let Value::Text(t) = text {
                            map.insert(rule, t);
                        } else {
                            return Err(format!("`{key}`: `{name}.{rule}` is not a <string>"));
                        }
                    }
                    plural.variables.insert(name, map);
                }
                (other, _) => return Err(format!("`{key}`: `{other}` is not understood")),
            }
        }
        if plural.format.is_empty() {
            return Err(format!("`{key}` has no NSStringLocalizedFormatKey"));
        }
        if out.insert(key.clone(), plural).is_some() {
            return Err(format!("`{key}` is defined twice"));
        }
    }
    Ok(out)
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Open(String),
    Close(String),
    Empty(String),
    Text(String),
}

/// Tags and text of an XML document (declarations, doctype and comments dropped).
fn xml_tokens(text: &str) -> Result<Vec<Token>, String> {
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("<!--") {
            let end = after.find("-->").ok_or("unclosed comment")?;
            rest = &after[end + 3..];
        } else if rest.starts_with("<?") || rest.starts_with("<!") {
            let end = rest.find('>').ok_or("unclosed declaration")?;
            rest = &rest[end + 1..];
        } else if let Some(after) = rest.strip_prefix('<') {
            let end = after.find('>').ok_or("unclosed tag")?;
            let tag = after[..end].trim();
            let name = |t: &str| t.split_whitespace().next().unwrap_or_default().to_owned();
            out.push(if let Some(closing) = tag.strip_prefix('/') {
                Token::Close(name(closing))
            } else if let Some(empty) = tag.strip_suffix('/') {
                Token::Empty(name(empty))
            } else {
                Token::Open(name(tag))
            });
            rest = &after[end + 1..];
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            let raw = &rest[..end];
            if !raw.trim().is_empty() {
                out.push(Token::Text(unescape_xml(raw)?));
            }
            rest = &rest[end..];
        }
    }
    Ok(out)
}

fn unescape_xml(raw: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let end = rest[amp..]
            .find(';')
            .ok_or_else(|| format!("unfinished entity in `{raw}`"))?;
        let entity = &rest[amp + 1..amp + end];
        out.push(match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => entity
                .strip_prefix("#x")
                .map(|h| u32::from_str_radix(h, 16))
                .or_else(|| entity.strip_prefix('#').map(str::parse))
                .and_then(Result::ok)
                .and_then(char::from_u32)
                .ok_or_else(|| format!("unknown entity `&{entity};`"))?,
        });
        rest = &rest[amp + end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The value starting at `tokens[*at]`.
fn value(tokens: &[Token], at: &mut usize) -> Result<Value, String> {
    let Some(token) = tokens.get(*at) else {
        return Err("the document ends early".to_owned());
    };
    *at += 1;
    match token {
        Token::Open(tag) if tag == "dict" => {
            let mut entries = Vec::new();
            loop {
                match tokens.get(*at) {
                    Some(Token::Close(t)) if t == "dict" => {
                        *at += 1;
                        return Ok(Value::Dict(entries));
                    }
                    Some(Token::Open(t)) if t == "key" => {
                        *at += 1;
                        let key = match tokens.get(*at) {
                            Some(Token::Text(k)) => {
                                *at += 1;
                                k.trim().to_owned()
                            }
                            _ => String::new(),
                        };
                        close(tokens, at, "key")?;
                        let v = value(tokens, at)?;
                        entries.push((key, v));
                    }
                    other => return Err(format!("expected <key> in a <dict>, found {other:?}")),
                }
            }
        }
        Token::Open(tag) if tag == "string" => {
            let text = match tokens.get(*at) {
                Some(Token::Text(t)) => {
                    *at += 1;
                    t.clone()
                }
                _ => String::new(),
            };
            close(tokens, at, "string")?;
            Ok(Value::Text(text))
        }
        Token::Empty(tag) if tag == "string" => Ok(Value::Text(String::new())),
        Token::Open(tag) => {
            // Another element (<integer>, <array>): skipped whole.
            let mut depth = 1;
            while depth > 0 {
                match tokens.get(*at) {
                    Some(Token::Open(t)) if t == tag => depth += 1,
                    Some(Token::Close(t)) if t == tag => depth -= 1,
                    None => return Err(format!("unclosed <{tag}>")),
                    _ => {}
                }
                *at += 1;
            }
            Ok(Value::Other)
        }
        Token::Empty(_) => Ok(Value::Other),
        other => Err(format!("expected a value, found {other:?}")),
    }
}

fn close(tokens: &[Token], at: &mut usize, tag: &str) -> Result<(), String> {
    match tokens.get(*at) {
        Some(Token::Close(t)) if t == tag => {
            *at += 1;
            Ok(())
        }
        other => Err(format!("expected </{tag}>, found {other:?}")),
    }
}

/// The printf placeholders of `text` as Foundation reads them (`%@`,
/// `%lld`, `%1$@`, `%+.1f`, `%#@count@`), sorted, `%%` left out. Two texts
/// that take the same arguments have the same list.
pub fn placeholders(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '%' {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        let take = |i: &mut usize, ok: &dyn Fn(char) -> bool| {
            while chars.get(*i).is_some_and(|c| ok(*c)) {
                *i += 1;
            }
        };
        take(&mut i, &|c| c.is_ascii_digit() || c == '$');
        if chars.get(i) == Some(&'#') && chars.get(i + 1) == Some(&'@') {
            // %#@variable@
            let end = chars[i + 2..].iter().position(|c| *c == '@');
            i = end.map_or(chars.len(), |e| i + 2 + e + 1);
        } else {
            take(&mut i, &|c| "-+ #0'".contains(c));
            take(&mut i, &|c| c.is_ascii_digit() || c == '*' || c == '.');
            take(&mut i, &|c| "hlqLztj".contains(c));
            if chars.get(i) == Some(&'%') && i == start + 1 {
                i += 1;
                continue;
            }
            i += 1;
        }
        out.push(chars[start..i.min(chars.len())].iter().collect());
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn strings_files_are_read_with_comments_escapes_and_bare_keys() {
        let text = "/* c */\n\"a\" = \"x \\\"y\\\" \\n\";\n// line\nCFBundleName = \"W\";\n\"u\" = \"\\U00e9\";\n";
        let t = parse_strings(text).unwrap();
        assert_eq!(t["a"], (2, "x \"y\" \n".to_owned()));
        assert_eq!(t["CFBundleName"].1, "W");
        assert_eq!(t["u"].1, "é");
        assert!(
            parse_strings("\"a\" = \"1\";\n\"a\" = \"2\";")
                .unwrap_err()
                .contains("twice")
        );
        assert!(parse_strings("\"a\" = \"1\"").is_err());
        assert!(parse_strings("\"a\" \"1\";").is_err());
    }

    #[test]
    fn stringsdict_entries_are_read() {
        let text = r#"<?xml version="1.0"?><!DOCTYPE plist><plist version="1.0"><dict>
          <key>n</key><dict><key>NSStringLocalizedFormatKey</key><string>%#@c@</string>
          <key>c</key><dict><key>NSStringFormatSpecTypeKey</key><string>NSStringPluralRuleType</string>
          <key>one</key><string>%lld &amp; one</string><key>other</key><string>%lld others</string></dict></dict>
        </dict></plist>"#;
        let d = parse_stringsdict(text).unwrap();
        assert_eq!(d["n"].format, "%#@c@");
        assert_eq!(d["n"].variables["c"]["one"], "%lld & one");
        assert!(
            parse_stringsdict("<plist><dict><key>n</key><dict></dict></dict></plist>").is_err()
        );
    }

    #[test]
    fn placeholders_are_listed_as_foundation_reads_them() {
        assert_eq!(placeholders("a %@ b %lld c %% d"), vec!["%@", "%lld"]);
        assert_eq!(placeholders("%2$@ then %1$lld"), vec!["%1$lld", "%2$@"]);
        assert_eq!(placeholders("%+.1f s"), vec!["%+.1f"]);
        assert_eq!(placeholders("%#@count@ left"), vec!["%#@count@"]);
        assert_eq!(placeholders("100%"), vec!["%"]);
    }
}
