#!/usr/bin/env python3
"""Checks AndroidManifest.xml without the Android SDK.

    manifest_check.py MANIFEST BUILD_GRADLE_KTS CLASSES_DIR

The manifest must be well-formed XML, and every component it names
(application, activity, activity-alias target, service, receiver, provider)
must be a class the Kotlin compile produced in CLASSES_DIR. Names starting
with "." (or without a dot) are relative to the app's `namespace` in
build.gradle.kts, as AGP resolves them. Every app resource the manifest
refers to (`@xml/name`, `@string/name`, not `@android:...`) must exist
under the module's src/main/res (a file for `@xml/`, a <string> in
values/*.xml for `@string/`), and be well-formed XML when it is XML. Exit 1
with the reasons otherwise.
"""
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ANDROID = "{http://schemas.android.com/apk/res/android}"
COMPONENTS = ("application", "activity", "activity-alias", "service", "receiver", "provider")
# Resources that are entries of res/values/*.xml rather than files of their own.
VALUE_KINDS = ("string", "plurals", "color", "dimen", "bool", "integer")


def namespace(gradle: Path) -> str:
    found = re.search(r'^\s*namespace\s*=\s*"([^"]+)"', gradle.read_text(), re.M)
    if not found:
        sys.exit(f"manifest check: no `namespace = \"...\"` in {gradle}")
    return found.group(1)


def main() -> int:
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    manifest, gradle, classes = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    try:
        root = ET.parse(manifest).getroot()
    except ET.ParseError as e:
        print(f"manifest check: {manifest} is not well-formed XML: {e}", file=sys.stderr)
        return 1
    if root.tag != "manifest":
        print(f"manifest check: root element is <{root.tag}>, not <manifest>", file=sys.stderr)
        return 1
    package = namespace(gradle)
    problems, checked = [], []
    for element in root.iter():
        if element.tag not in COMPONENTS:
            continue
        attribute = "targetActivity" if element.tag == "activity-alias" else "name"
        name = element.get(ANDROID + attribute)
        if name is None:
            if element.tag != "application":
                problems.append(f"<{element.tag}> without android:{attribute}")
            continue
        qualified = package + name if name.startswith(".") else (name if "." in name else f"{package}.{name}")
        class_file = classes / (qualified.replace(".", "/") + ".class")
        checked.append(f"{element.tag} {qualified}")
        if not class_file.is_file():
            problems.append(f"<{element.tag}> names {qualified}, which is not among the compiled classes")
    res = gradle.parent / "src" / "main" / "res"
    resources = []
    for element in root.iter():
        for value in element.attrib.values():
            ref = re.fullmatch(r"@([a-z]+)/([A-Za-z0-9_]+)", value)
            if not ref:
                continue
            kind, name = ref.groups()
            if kind in VALUE_KINDS:
                found = [
                    f for f in sorted(res.glob("values/*.xml"))
                    if any(e.tag == kind and e.get("name") == name for e in ET.parse(f).getroot())
                ]
            else:
                found = sorted(res.glob(f"{kind}*/{name}.*"))
            if not found:
                problems.append(f"{value} is not a resource under {res}")
                continue
            resources.append(value)
            if found[0].suffix == ".xml":
                try:
                    ET.parse(found[0])
                except ET.ParseError as e:
                    problems.append(f"{found[0]} is not well-formed XML: {e}")
    if problems:
        for problem in problems:
            print(f"manifest check: {problem}", file=sys.stderr)
        return 1
    print(
        f"manifest check: well-formed; {len(checked)} components all compiled: " + ", ".join(checked)
        + f"; resources present: {', '.join(resources) or 'none'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
