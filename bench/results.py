"""Writes one benchmark's section of bench/RESULTS.md between
`<!-- NAME:begin -->` and `<!-- NAME:end -->`, keeping every other section."""
import re
from pathlib import Path

HEADER = "# Benchmark results\n\nEach section is written by the script it names, from one run on this project's CI-sized machine (2 cores). Ratios compare against a named peer measured in the same run.\n"


def write_section(path: Path, name: str, body: str) -> None:
    text = path.read_text() if path.exists() else HEADER
    block = f"<!-- {name}:begin -->\n{body.strip()}\n<!-- {name}:end -->"
    pattern = re.compile(rf"<!-- {re.escape(name)}:begin -->.*?<!-- {re.escape(name)}:end -->", re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text)
