#!/usr/bin/env python3
"""Checks the Android shell's texts without the Android SDK (no aapt2, no lint).

    strings_check.py RES_DIR KOTLIN_DIR MANIFEST API_LISTING GLOSSARY

RES_DIR is app/src/main/res, KOTLIN_DIR the shell's sources, API_LISTING the
public API snapshot (bindings/api/WatchwordCore.swift.txt: its `ApiError`
cases are the core's error kinds), GLOSSARY docs/glossary-nl.md. Exit 1
with every problem found:

- values/strings.xml and values-nl/strings.xml are well-formed and have the
  same <string> and <plurals> names, except that translatable="false"
  strings are in values only; no name twice;
- every <plurals> has `one` and `other` in both languages, and no quantity
  Android does not know;
- both languages have the same format placeholders (%1$s, %d, ...) per
  string and per plural quantity, and a text with more than one
  placeholder numbers them (%1$s %2$d), so a translation may reorder them;
- no unescaped apostrophe or double quote (aapt2 would refuse the first
  and silently drop the second);
- every error kind of the core has an `error_<kind>` string (and every
  `error_*` string is a kind), and the Kotlin sources use each of them;
- every R.string / R.plurals the Kotlin uses exists, and every string is
  used (by the Kotlin or as @string/ in the manifest);
- no Kotlin source shows English of its own: a string literal with two or
  more words, or one capitalised word, is only allowed in developer text (Log.*, throw, exceptions,
  check/require/error messages, annotations) or on a line marked
  `// not shown`;
- no Dutch text uses a term the glossary's "Avoid" column lists.
"""
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

QUANTITIES = {"zero", "one", "two", "few", "many", "other"}
# Java Formatter specifiers (what Resources.getString(id, args) uses).
PLACEHOLDER = re.compile(r"%(?:(\d+)\$)?[-#+ 0,(<]*\d*(?:\.\d+)?([a-zA-Z%])")
# Two words, or one capitalised word ("Approve", "Cancel."): words for people.
PROSE = re.compile(r"[A-Za-z]{2,}\s+[A-Za-z]{2,}|^\s*[A-Z][a-z]{2,}[.!?:…]?\s*$")
DEVELOPER_LINE = re.compile(
    r"\bLog\.[a-z]+\(|\bthrow\b|Exception\(|\b(?:check|require|requireNotNull|checkNotNull|error)\s*[({]|^\s*@[A-Z]|// not shown"
)
R_USE = re.compile(r"\bR\.(string|plurals)\.([A-Za-z0-9_]+)")


def text_of(element: ET.Element) -> str:
    return "".join(element.itertext())


def load(path: Path, problems: list[str]) -> tuple[dict[str, str], set[str], dict[str, dict[str, str]]]:
    """(strings, names marked translatable="false", plurals) of one strings.xml."""
    strings: dict[str, str] = {}
    fixed: set[str] = set()
    plurals: dict[str, dict[str, str]] = {}
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as e:
        problems.append(f"{path}: not readable XML: {e}")
        return strings, fixed, plurals
    for element in root:
        name = element.get("name")
        if element.tag not in ("string", "plurals"):
            continue
        if not name:
            problems.append(f"{path}: a <{element.tag}> without a name")
            continue
        if name in strings or name in plurals:
            problems.append(f"{path}: `{name}` is defined twice")
        if element.tag == "string":
            strings[name] = text_of(element)
            if element.get("translatable") == "false":
                fixed.add(name)
        else:
            forms: dict[str, str] = {}
            for item in element:
                quantity = item.get("quantity", "")
                if item.tag != "item" or quantity not in QUANTITIES:
                    problems.append(f"{path}: plurals `{name}` has <{item.tag} quantity=\"{quantity}\">, not an Android quantity")
                    continue
                forms[quantity] = text_of(item)
            plurals[name] = forms
    return strings, fixed, plurals


def placeholders(text: str) -> list[str]:
    return sorted(m.group(0) for m in PLACEHOLDER.finditer(text) if m.group(2) not in "%n")


def check_format(where: str, text: str, problems: list[str]) -> None:
    specs = [m for m in PLACEHOLDER.finditer(text) if m.group(2) not in "%n"]
    if len(specs) > 1 and any(m.group(1) is None for m in specs):
        problems.append(f"{where}: {len(specs)} placeholders must be numbered (%1$s, %2$d): {text!r}")
    unescaped = re.search(r"(?<!\\)['\"]", text)
    if unescaped and not (text.startswith('"') and text.endswith('"')):
        problems.append(f"{where}: unescaped {unescaped.group(0)} (write \\{unescaped.group(0)}): {text!r}")


def enum_cases(listing: Path, enum: str) -> list[str]:
    """The cases of the core's `enum` in the API snapshot, in snake_case."""
    cases = []
    for line in listing.read_text().splitlines():
        found = re.match(rf"{enum} :: case (\w+)", line)
        if found:
            cases.append(re.sub(r"(?<!^)(?=[A-Z])", "_", found.group(1)).lower())
    return cases


def error_kinds(listing: Path) -> list[str]:
    """The core's error kinds: the `ApiError` cases of the API snapshot, in snake_case (ApiError::kind())."""
    return enum_cases(listing, "ApiError")


def avoided_terms(glossary: Path) -> list[tuple[str, str]]:
    """(term, the English it is avoided for) from the glossary's Avoid column."""
    terms = []
    for line in glossary.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and line.lstrip().startswith("|"):
            for term in re.findall(r"`([^`]+)`", cells[2]):
                terms.append((term, cells[0]))
    return terms


def uses_avoided(text: str, term: str) -> bool:
    prefix = term.endswith("*")
    word = re.escape(term.rstrip("*"))
    pattern = rf"(?<![\w-]){word}" + ("" if prefix else r"(?![\w-])")
    return re.search(pattern, text, re.IGNORECASE) is not None


def kotlin_literals(source: str, code: list[str] | None = None) -> list[tuple[int, str]]:
    """(line, literal text without its ${...} templates) of every string literal, comments skipped.

    When `code` is given, the source without its comments is appended to it."""
    out: list[tuple[int, str]] = []
    comments: list[tuple[int, int]] = []
    i, n, line = 0, len(source), 1

    def string(i: int, raw: bool) -> tuple[int, str]:
        """Reads a literal whose opening quote(s) end before i; returns (index after it, its text)."""
        nonlocal line
        parts = []
        while i < n:
            c = source[i]
            if raw and source.startswith('"""', i):
                return i + 3, "".join(parts)
            if not raw and c == '"':
                return i + 1, "".join(parts)
            if not raw and c == "\\":
                parts.append(source[i : i + 2])
                i += 2
                continue
            if c == "$" and i + 1 < n and source[i + 1] == "{":
                i = template(i + 2)
                parts.append(" ")
                continue
            if c == "\n":
                line += 1
            parts.append(c)
            i += 1
        return i, "".join(parts)

    def template(i: int) -> int:
        """Skips a ${...} expression (which may hold strings) from after its brace."""
        nonlocal line
        depth = 1
        while i < n and depth:
            c = source[i]
            if c == '"':
                raw = source.startswith('"""', i)
                start_line = line
                i, text = string(i + (3 if raw else 1), raw)
                out.append((start_line, text))
                continue
            depth += c == "{"
            depth -= c == "}"
            line += c == "\n"
            i += 1
        return i

    while i < n:
        c = source[i]
        if source.startswith("//", i):
            end = source.find("\n", i)
            comments.append((i, n if end < 0 else end))
            i = n if end < 0 else end
        elif source.startswith("/*", i):
            start = i
            depth, i = 1, i + 2
            while i < n and depth:
                if source.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif source.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    line += source[i] == "\n"
                    i += 1
            comments.append((start, i))
        elif c == "'":
            end = i + 1
            while end < n and source[end] != "'":
                end += 2 if source[end] == "\\" else 1
            i = end + 1
        elif c == '"':
            raw = source.startswith('"""', i)
            start_line = line
            i, text = string(i + (3 if raw else 1), raw)
            out.append((start_line, text))
        else:
            line += c == "\n"
            i += 1
    if code is not None:
        kept, at = [], 0
        for start, end in comments:
            kept.append(source[at:start])
            at = end
        kept.append(source[at:])
        code.append(" ".join(kept))
    return out


def main() -> int:
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    res, kotlin_dir, manifest, listing, glossary = (Path(a) for a in sys.argv[1:])
    problems: list[str] = []
    en_path, nl_path = res / "values" / "strings.xml", res / "values-nl" / "strings.xml"
    en, fixed, en_plurals = load(en_path, problems)
    nl, nl_fixed, nl_plurals = load(nl_path, problems)

    # The same keys in both languages.
    for name in sorted(set(en) - fixed - set(nl)):
        problems.append(f"{nl_path}: no <string name=\"{name}\"> (values has it)")
    for name in sorted(set(nl) - set(en)):
        problems.append(f"{nl_path}: <string name=\"{name}\"> is not in values/strings.xml")
    for name in sorted(set(nl) & fixed):
        problems.append(f"{nl_path}: `{name}` is translatable=\"false\" in values, so it has no Dutch")
    for name in sorted(nl_fixed):
        problems.append(f"{nl_path}: translatable=\"false\" belongs in values only (`{name}`)")
    for name in sorted(set(en_plurals) - set(nl_plurals)):
        problems.append(f"{nl_path}: no <plurals name=\"{name}\"> (values has it)")
    for name in sorted(set(nl_plurals) - set(en_plurals)):
        problems.append(f"{nl_path}: <plurals name=\"{name}\"> is not in values/strings.xml")

    # Plural forms, placeholders, escapes.
    for path, strings, plurals in ((en_path, en, en_plurals), (nl_path, nl, nl_plurals)):
        for name, text in strings.items():
            check_format(f"{path}: `{name}`", text, problems)
        for name, forms in plurals.items():
            for needed in ("one", "other"):
                if needed not in forms:
                    problems.append(f"{path}: plurals `{name}` has no `{needed}`")
            for quantity, text in forms.items():
                check_format(f"{path}: plurals `{name}` ({quantity})", text, problems)
    for name in sorted(set(en) & set(nl)):
        if placeholders(en[name]) != placeholders(nl[name]):
            problems.append(
                f"`{name}`: placeholders differ: values {placeholders(en[name])}, values-nl {placeholders(nl[name])}"
            )
    for name in sorted(set(en_plurals) & set(nl_plurals)):
        for quantity in sorted(set(en_plurals[name]) & set(nl_plurals[name])):
            a, b = placeholders(en_plurals[name][quantity]), placeholders(nl_plurals[name][quantity])
            if a != b:
                problems.append(f"plurals `{name}` ({quantity}): placeholders differ: values {a}, values-nl {b}")

    # The Kotlin: which keys it uses, and no English of its own.
    sources = sorted(kotlin_dir.rglob("*.kt"))
    used: dict[str, set[str]] = {"string": set(), "plurals": set()}
    for source in sources:
        text = source.read_text()
        lines = text.splitlines()
        code: list[str] = []
        literals = kotlin_literals(text, code)
        # R.string.x in the code, not in its comments.
        for kind, name in R_USE.findall(code[0]):
            used[kind].add(name)
        for number, literal in literals:
            if PROSE.search(literal) and not DEVELOPER_LINE.search(lines[number - 1]):
                problems.append(
                    f"{source}:{number}: English text in the code: \"{literal.strip()}\" "
                    "(put it in res/values/strings.xml and values-nl, or mark developer text `// not shown`)"
                )
    manifest_strings = set(re.findall(r"@string/([A-Za-z0-9_]+)", manifest.read_text()))
    for name in sorted(used["string"] - set(en)):
        problems.append(f"the Kotlin uses R.string.{name}, which values/strings.xml does not define")
    for name in sorted(used["plurals"] - set(en_plurals)):
        problems.append(f"the Kotlin uses R.plurals.{name}, which values/strings.xml does not define")
    for name in sorted(manifest_strings - set(en)):
        problems.append(f"{manifest} uses @string/{name}, which values/strings.xml does not define")
    for name in sorted(set(en) - used["string"] - manifest_strings):
        problems.append(f"{en_path}: `{name}` is used by no Kotlin source and not by the manifest")
    for name in sorted(set(en_plurals) - used["plurals"]):
        problems.append(f"{en_path}: plurals `{name}` is used by no Kotlin source")

    # Kinds of the core the shells word themselves: one text per case, in
    # both languages, none for a case the core does not have; the error
    # kinds' messages must also be shown by the Kotlin (Texts.errorText).
    for enum, prefix, what, shown_by in (("ApiError", "error_", "error kind", "Texts.errorText"),
                                         ("PresenceAction", "biometric_reason_", "presence action", None),
                                         ("NotImportedKind", "not_imported_", "kind of entry left out", None)):
        cases = enum_cases(listing, enum)
        if not cases:
            problems.append(f"{listing}: no `{enum} :: case` lines: not the API listing?")
        for case in cases:
            key = f"{prefix}{case}"
            for path, strings in ((en_path, en), (nl_path, nl)):
                if key not in strings:
                    problems.append(f"{path}: the core's {what} `{case}` has no <string name=\"{key}\">")
            if shown_by and key not in used["string"]:
                problems.append(f"the Kotlin never shows R.string.{key} ({what} `{case}`; {shown_by})")
        for name in sorted(n for n in en if n.startswith(prefix) and n[len(prefix):] not in cases):
            problems.append(f"{en_path}: `{name}` is not a {what} of the core ({', '.join(cases)})")

    # The glossary's terms.
    terms = avoided_terms(glossary)
    if not terms:
        problems.append(f"{glossary}: no avoided terms found: not the glossary?")
    dutch = [(f"`{k}`", v) for k, v in nl.items()] + [
        (f"plurals `{k}` ({q})", v) for k, forms in nl_plurals.items() for q, v in forms.items()
    ]
    for where, text in dutch:
        for term, english in terms:
            if uses_avoided(text, term):
                problems.append(f"{nl_path}: {where} uses \"{term.rstrip('*')}\"; the glossary says: {english} ({glossary})")

    if problems:
        for problem in problems:
            print(f"strings check: {problem}", file=sys.stderr)
        return 1
    print(
        f"strings check: {len(en) - len(fixed)} strings and {len(en_plurals)} plurals in English and Dutch, "
        f"same keys, plural forms and placeholders; {len(error_kinds(listing))} error kinds with messages; "
        f"{len(sources)} Kotlin sources without English of their own; {len(terms)} avoided glossary terms absent"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
