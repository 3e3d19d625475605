//! Android shared-preferences XML (`shared_prefs/*.xml`), which several
//! apps' data are stored as (FreeOTP, Authy, Battle.net, TOTP
//! Authenticator): a `<map>` of `<string name="...">value</string>` and
//! `<int|long|boolean|float name="..." value="..."/>` entries (and `<set>`s
//! of strings, kept as their strings joined by newlines). Read with
//! quick-xml; the entities (`&quot;`) are unescaped here.

use quick_xml::{Reader, XmlVersion, escape::resolve_predefined_entity, events::Event};
use zeroize::Zeroizing;

/// One preferences file: its entries in file order.
#[derive(Default)]
pub(crate) struct Prefs {
    entries: Vec<(String, Zeroizing<String>)>,
}

impl Prefs {
    /// Parses `text` if it is a shared-preferences file (root `<map>`);
    /// `None` otherwise.
    pub(crate) fn parse(text: &str) -> Option<Prefs> {
        let head = text.trim_start();
        if !(head.starts_with("<?xml") || head.starts_with("<map")) || !text.contains("<map") {
            return None;
        }
        let mut reader = Reader::from_str(text);
        let mut prefs = Prefs::default();
        let mut depth = 0usize;
        let mut open: Option<String> = None;
        let mut value = Zeroizing::new(String::new());
        let mut item_started = false;
        loop {
            match reader.read_event().ok()? {
                Event::Start(e) => {
                    depth += 1;
                    if depth == 1 && e.name().as_ref() != b"map" {
                        return None;
                    }
                    if depth == 2 {
                        open = Some(attr(&e, b"name")?);
                        value = Zeroizing::new(String::new());
                    }
                    item_started = false;
                }
                Event::Empty(e) => {
                    if depth == 0 && e.name().as_ref() == b"map" {
                        return Some(prefs);
                    }
                    if depth == 1 {
                        let name = attr(&e, b"name")?;
                        let v = attr(&e, b"value").unwrap_or_default();
                        prefs.entries.push((name, Zeroizing::new(v)));
                    }
                }
                // A string set's items are joined by newlines. Text and
                // entity references (`&amp;`, `&#10;`) arrive as separate
                // events: the newline goes before an item's first piece.
                Event::Text(t) if depth >= 2 => {
                    join_item(&mut value, depth, &mut item_started);
                    value.push_str(&t.decode().ok()?);
                }
                Event::GeneralRef(r) if depth >= 2 => {
                    join_item(&mut value, depth, &mut item_started);
                    match r.resolve_char_ref().ok()? {
                        Some(c) => value.push(c),
                        None => value.push_str(resolve_predefined_entity(&r.decode().ok()?)?),
                    }
                }
                Event::CData(t) if depth >= 2 => {
                    value.push_str(std::str::from_utf8(&t).ok()?);
                }
                Event::End(_) => {
                    item_started = false;
                    if depth == 2
                        && let Some(name) = open.take()
                    {
                        prefs.entries.push((name, std::mem::take(&mut value)));
                    }
                    depth = depth.checked_sub(1)?;
                }
                Event::Eof => break,
                _ => {}
            }
        }
        (depth == 0).then_some(prefs)
    }

    /// The value of the entry called `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every entry, in file order: (name, value).
    pub(crate) fn entries(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }
}

/// Starts a string-set item: a newline before it when an earlier item
/// holds text (items are only at depth 3).
fn join_item(value: &mut String, depth: usize, item_started: &mut bool) {
    if depth == 3 && !*item_started && !value.is_empty() {
        value.push('\n');
    }
    *item_started = true;
}

/// The unescaped value of attribute `key`.
fn attr(e: &quick_xml::events::BytesStart<'_>, key: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .and_then(|a| a.normalized_value(XmlVersion::Implicit1_0).ok())
        .map(|v| v.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_strings_scalars_and_sets() {
        let p = Prefs::parse(
            "<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n<map>\n  \
             <string name=\"a\">{&quot;x&quot;:1}</string>\n  <int name=\"n\" value=\"121\" />\n  \
             <set name=\"s\"><string>one</string><string>two</string></set>\n  <string name=\"e\"></string>\n</map>",
        )
        .unwrap();
        assert_eq!(p.get("a"), Some("{\"x\":1}"));
        assert_eq!(p.get("n"), Some("121"));
        assert_eq!(p.get("s"), Some("one\ntwo"));
        assert_eq!(p.get("e"), Some(""));
        assert_eq!(p.entries().count(), 4);
    }

    #[test]
    fn entity_references_are_resolved_inside_text_and_set_items() {
        let p = Prefs::parse(
            "<map><string name=\"a\">R&amp;D &lt;x&gt; &#10;&#x263A;</string>\
             <set name=\"s\"><string>a&amp;b</string><string>&quot;c&quot;</string></set>\
             <string name=\"t\" value=\"1&amp;2\" /></map>",
        )
        .unwrap();
        assert_eq!(p.get("a"), Some("R&D <x> \n\u{263A}"));
        assert_eq!(p.get("s"), Some("a&b\n\"c\""));
        assert_eq!(p.get("t"), Some("1&2"));
        // An unknown entity is damage, not text.
        assert!(Prefs::parse("<map><string name=\"a\">&bogus;</string></map>").is_none());
    }

    #[test]
    fn other_xml_is_not_prefs() {
        assert!(Prefs::parse("<html><body/></html>").is_none());
        assert!(Prefs::parse("<?xml version='1.0'?><map><string name=\"a\">x").is_none());
        assert!(Prefs::parse("not xml").is_none());
        assert!(Prefs::parse("<?xml version='1.0'?><map />").is_some());
    }
}
