#!/usr/bin/env python3
"""Runs every command example in README.md and compares its output with the
README text, so the README and the programs cannot drift apart (issue 15).

    python3 tests/readme/run_examples.py [-v] [README]
    python3 tests/readme/run_examples.py --self-test   # the matching rules alone

What is run: every fenced ```sh / ```console block, in README order, in ONE
bash session (so `export`, `&` servers and files carry over between blocks).
- A line starting with `$ ` is a command (a trailing `\\` continues it onto
  the next line); the lines after it, up to the next `$ ` or the end of the
  block, are its expected output (stdout and stderr, interleaved).
- A block without any `$ ` line is a list of commands whose output is not
  shown (the README's "Set up" block): run, output not compared.
- A command ending in `&` runs in the background; its output is what it
  printed once it printed as many lines as the README shows (at most 20 s).
- The session runs in a scratch directory: HOME and the XDG directories point
  into it (no real vault is touched), `watchword` and `watchword-server` come
  from target/debug (built first, as test.sh's test build), `tests/` is
  linked in so repo-relative commands work as from the repository root, stdin
  is /dev/null (an example that needs input pipes it in). Whatever was
  started in the background is killed at the end (the session's own process
  group).
- Loopback ports a command picks (`127.0.0.1:8470`) are replaced by free ones,
  so two runs at once do not collide (they are bindings, see below).

How output is compared (whitespace runs are equal to each other, since
columns shift with the width of values; line breaks must match):
- Both texts are cut into tokens: numbers joined by `.` or `:` (16:37:46,
  127.0.0.1:8470, 2.26131), runs of letters, digits, `_` and `-`, and single
  punctuation characters.
- A README token without a digit must be printed exactly.
- A README token with a digit (ports, ids, codes, timestamps, `decode_ms`,
  "59 s") may differ. When it does, the README value is bound to the printed
  one and replaced in every LATER command and expected output, so a code or
  id the program printed flows into the commands that use it. (One-character
  values such as "(1 s)" are not bound: too common to replace safely. A
  varying value must not also stand for something else in a later command.)
- `...` in the README output matches any text, across lines too.
- In the printed output the scratch HOME reads as `~`.

Skipped, with the reason printed: the few commands in SKIP (they cannot run
inside a test), the privacyIDEA section when no live privacyIDEA answers
(`test.sh` starts one before), blocks with a `postgres://` URL when no
PostgreSQL answers (`tests/postgres/server.sh start`), and blocks using "$WATCHWORD_SHARED" when
the third-party corpus is absent. Under CI=true those three are failures.

Per block it prints PASS/FAIL (with a diff per failing command), then exactly
one line `README examples: N passed, N failed, N skipped` (counting
commands); the exit status is non-zero when anything failed.
"""

import difflib
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Commands that cannot run inside a test: (pattern, reason).
SKIP = [
    (r"^\./test\.sh\b", "it is the test run itself (recursion)"),
    (r"^cargo run --release\b.*\bdemo\b",
     "a release build takes minutes; the same demo runs below as `watchword demo --yes`"),
    (r"^tests/privacyidea/server\.sh start\b",
     "test.sh starts the live privacyIDEA before the Rust tests and stops it on exit; "
     "the examples use that one"),
]

# A README section whose examples need the live privacyIDEA.
PI_SECTION = "privacyIDEA"
CMD_TIMEOUT = 120
BACKGROUND_WAIT = 20

# Numbers joined by `.` or `:` are one token (a time, an address, a
# decimal), so a varying time binds as a whole and never as its parts ("51"
# of 16:51:21 would otherwise rewrite the "51" of 198.51.100.23 later).
TOKEN = re.compile(r"\d+(?:[.:]\d+)+|[A-Za-z0-9_-]+|\n|[^\sA-Za-z0-9_-]")
WILD = object()  # `...` in expected output


class Example:
    def __init__(self, line, command, expected):
        self.line = line          # README line of the command
        self.command = command    # as written (continuations joined)
        self.expected = expected  # list of lines, or None: not compared


class Block:
    def __init__(self, line, section, examples):
        self.line, self.section, self.examples = line, section, examples


def parse(readme):
    """The ```sh / ```console blocks of the README, with their examples."""
    blocks, section, lines = [], "", readme.read_text().splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("#"):
            section = line.lstrip("#").strip()
        if re.fullmatch(r"```(sh|console)\s*", line):
            start, body = i + 1, []
            i += 1
            while i < len(lines) and not lines[i].startswith("```"):
                body.append((i + 1, lines[i]))
                i += 1
            blocks.append(Block(start, section, examples_of(body)))
        i += 1
    return blocks


def examples_of(body):
    if not any(text.startswith("$ ") for _, text in body):
        return [Example(n, text, None) for n, text in body if text.strip()]
    examples, j = [], 0
    while j < len(body):
        n, text = body[j]
        if not text.startswith("$ "):
            j += 1  # text before the first command: nothing to compare it with
            continue
        command = text[2:]
        while command.endswith("\\") and j + 1 < len(body):
            j += 1
            command += "\n" + body[j][1]
        j += 1
        expected = []
        while j < len(body) and not body[j][1].startswith("$ "):
            expected.append(body[j][1])
            j += 1
        while expected and not expected[-1].strip():
            expected.pop()
        examples.append(Example(n, command, expected))
    return examples


# --- comparing -------------------------------------------------------------

def tokens(text):
    out = []
    for m in TOKEN.finditer(text):
        t = m.group(0)
        if t == "." and out[-2:] == [".", "."] and text[m.start() - 2:m.start() + 1] == "...":
            out[-2:] = [WILD]
        else:
            out.append(t)
    return out


def has_digit(tok):
    return isinstance(tok, str) and any(c.isdigit() for c in tok)


def tok_match(e, a):
    return e == a or (has_digit(e) and a != "\n")


def align(exp, act):
    """Pairs (README token, printed token) if `act` matches `exp`, else None."""
    n, m = len(exp), len(act)
    # ok[i][j]: exp[i:] matches act[j:]
    ok = [[False] * (m + 1) for _ in range(n + 1)]
    ok[n][m] = True
    for i in range(n - 1, -1, -1):
        for j in range(m, -1, -1):
            if exp[i] is WILD:
                ok[i][j] = ok[i + 1][j] or (j < m and ok[i][j + 1])
            else:
                ok[i][j] = j < m and tok_match(exp[i], act[j]) and ok[i + 1][j + 1]
    if not ok[0][0]:
        return None
    pairs, i, j = [], 0, 0
    while i < n:
        if exp[i] is WILD:
            if ok[i + 1][j]:
                i += 1
            else:
                j += 1
        else:
            pairs.append((exp[i], act[j]))
            i, j = i + 1, j + 1
    return pairs


class Bindings:
    """README value -> printed value, replaced as whole tokens."""

    def __init__(self):
        self.map = {}

    def bind(self, readme_value, actual):
        if readme_value != actual and len(readme_value) >= 2:
            self.map[readme_value] = actual

    def apply(self, text):
        if not self.map:
            return text
        keys = sorted(self.map, key=len, reverse=True)
        pattern = r"(?<![A-Za-z0-9_-])(" + "|".join(map(re.escape, keys)) + r")(?![A-Za-z0-9_-])"
        return re.sub(pattern, lambda m: self.map[m.group(1)], text)


# --- running -----------------------------------------------------------------

def port_open(port):
    """Whether something accepts connections on 127.0.0.1:`port`."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return True
    except OSError:
        return False


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return str(s.getsockname()[1])


class Session:
    """One bash process; each command's output goes to its own file."""

    def __init__(self, cwd, env, scratch):
        self.scratch = scratch
        self.n = 0
        self.said = ""
        self.dead = False
        self.proc = subprocess.Popen(
            ["bash", "--noprofile", "--norc"], cwd=cwd, env=env, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            start_new_session=True)  # its own process group: killed whole at the end

    def run(self, command, background=False, want_lines=0):
        self.n += 1
        out = self.scratch / f"out.{self.n}"
        marker = f"__readme_done_{self.n}__"
        # A brace group runs in this shell (export, cd, variables stay), with
        # stdin from /dev/null so no command reads the session's own input.
        self.proc.stdin.write(f"{{ {command}\n}} >{out} 2>&1 </dev/null\necho {marker} $?\n")
        self.proc.stdin.flush()
        rc = self._wait_marker(marker)
        if background:
            end = time.time() + BACKGROUND_WAIT
            while time.time() < end and len(read(out).splitlines()) < want_lines:
                time.sleep(0.1)
            if not want_lines:
                time.sleep(0.5)
        return rc, self.said + read(out)

    def _wait_marker(self, marker):
        """The command's exit status, once bash printed the marker. What bash
        says itself (a syntax error in an example) goes with the output."""
        end = time.time() + CMD_TIMEOUT
        self.said = ""
        while time.time() < end:
            r, _, _ = select.select([self.proc.stdout], [], [], 0.5)
            if not r:
                continue
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("the bash session ended")
            if line.startswith(marker):
                return int(line.split()[1])
            self.said += line
        raise TimeoutError(f"no answer within {CMD_TIMEOUT} s")

    def close(self):
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)


def read(path):
    try:
        return path.read_text(errors="replace")
    except FileNotFoundError:
        return ""


def pi_up(url):
    try:
        urllib.request.urlopen(url + "/", timeout=3)
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False
    return True


def self_test():
    """The comparison rules on small texts, both ways (no README, no build)."""
    def matches(readme, printed):
        return align(tokens(readme), tokens(printed)) is not None

    assert matches("Added #1  ACME (bob)  totp", "Added #12 ACME (bob) totp")  # digits, spacing
    assert not matches("Added #1 ACME (bob) totp", "Added #1 ACME (bob) hotp")  # a word
    assert not matches("add it with force", "add it with --force")             # punctuation
    assert not matches("one\ntwo", "one two")                                  # line breaks
    assert not matches("approved", "approved\nand more")                       # extra output
    assert matches("text: ...", "text: This account is managed\nby Microsoft")  # wildcard
    assert matches('{"a":...,"b":2}', '{"a":[1,2],"b":3}')
    assert not matches('{"a":...,"b":2}', '{"a":[1,2],"c":3}')
    b = Bindings()
    for e, a in align(tokens("challenge: c1f2 number: 58 (1 s)"),
                      tokens("challenge: c9a8 number: 42 (7 s)")):
        if has_digit(e):
            b.bind(e, a)
    assert b.apply("respond c1f2 approve --number 58 --at 1") == "respond c9a8 approve --number 42 --at 1"
    assert b.apply("c1f2x 580") == "c1f2x 580"                                  # whole tokens only
    assert tokens("at 16:51:21 from 198.51.100.23") == ["at", "16:51:21", "from", "198.51.100.23"]
    print("README examples runner: comparison rules self-test passed")


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    args = [a for a in sys.argv[1:] if a != "-v"]
    verbose = "-v" in sys.argv[1:]
    readme = Path(args[0]) if args else ROOT / "README.md"
    ci = os.environ.get("CI") == "true"
    blocks = parse(readme)

    # The same targets as `cargo test --workspace` (so the same features): in
    # test.sh this compiles nothing, where `-p watchword-cli` would rebuild
    # shared dependencies with its own feature set.
    build = ["cargo", "build", "-q", "--locked", "--workspace", "--lib", "--bins", "--tests", "--examples"]
    if subprocess.run(build, cwd=ROOT).returncode != 0:
        sys.exit("README examples: not run, the build failed")
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")).resolve() / "debug"

    corpus = Path(os.environ.get("WATCHWORD_SHARED") or ROOT.parent / "shared").resolve()
    have_corpus = (corpus / "testdata").is_dir()
    pi_env = subprocess.run([str(ROOT / "tests/privacyidea/server.sh"), "env"], text=True,
                            capture_output=True, check=True).stdout
    pi_url = re.search(r"WATCHWORD_PI_URL=(\S+)", pi_env).group(1)
    have_pi = pi_up(pi_url)
    # The PostgreSQL examples (two server instances on one database) use the
    # one tests/postgres/server.sh runs (test.sh starts it first).
    pg_env = subprocess.run([str(ROOT / "tests/postgres/server.sh"), "env"], text=True,
                            capture_output=True, check=True).stdout
    pg_port = re.search(r"127\.0\.0\.1:(\d+)/", pg_env).group(1)
    have_pg = port_open(int(pg_port))

    scratch = Path(tempfile.mkdtemp(prefix="watchword-readme-"))
    home, work = scratch / "home", scratch / "work"
    home.mkdir()
    work.mkdir()
    (work / "tests").symlink_to(ROOT / "tests")
    env = {k: v for k, v in os.environ.items() if not k.startswith("WATCHWORD_")}
    env.update({
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / ".local/share"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_STATE_HOME": str(home / ".local/state"),
        "PATH": f"{target}:{os.environ['PATH']}",
        "WATCHWORD_SHARED": str(corpus),
        "PYTHONUNBUFFERED": "1",  # a Python server's banner shows as in a terminal
        "NO_COLOR": "1",
        "TZ": "UTC",
    })
    if "WATCHWORD_SKIP_LOG" in os.environ:
        env["WATCHWORD_SKIP_LOG"] = os.environ["WATCHWORD_SKIP_LOG"]

    bindings = Bindings()
    # Loopback ports the README's commands pick: free ones instead.
    for b in blocks:
        for ex in b.examples:
            for port in re.findall(r"127\.0\.0\.1:(\d{4,5})\b", ex.command):
                if port not in bindings.map and port not in (pi_url.rsplit(":", 1)[-1], pg_port):
                    bindings.map[port] = free_port()

    passed = failed = skipped = 0
    session = Session(work, env, scratch)
    try:
        for b in blocks:
            where = f"README.md:{b.line} ({b.section})"
            why_not, for_corpus = None, False
            if b.section == PI_SECTION and not have_pi:
                why_not = f"no live privacyIDEA at {pi_url} (tests/privacyidea/server.sh start)"
            elif any("postgres://" in ex.command for ex in b.examples) and not have_pg:
                why_not = (f"no PostgreSQL on 127.0.0.1:{pg_port} "
                           "(tests/postgres/server.sh start)")
            elif any("WATCHWORD_SHARED" in ex.command for ex in b.examples) and not have_corpus:
                why_not = (f"no third-party test corpus at {corpus} "
                           "(set WATCHWORD_SHARED to its folder; README: \"The test corpus\")")
                for_corpus = True
            if why_not:
                if ci:
                    print(f"FAIL {where}: {why_not}; under CI=true this is a failure, not a skip")
                    failed += len(b.examples)
                    continue
                print(f"skipped: README examples: {where}: {why_not}")
                skipped += len(b.examples)
                # test.sh counts the groups skipped for want of the corpus.
                if for_corpus and env.get("WATCHWORD_SKIP_LOG"):
                    with open(env["WATCHWORD_SKIP_LOG"], "a") as f:
                        f.write(f"README examples: {where}\n")
                continue
            block_failed, notes = 0, []
            for ex in b.examples:
                command = bindings.apply(ex.command)
                reason = next((r for p, r in SKIP if re.search(p, ex.command)), None)
                if reason:
                    notes.append(f"  skip line {ex.line}: {ex.command}\n        ({reason})")
                    skipped += 1
                    continue
                background = re.search(r"(?<!&)&\s*(#.*)?$", command) is not None
                expected = bindings.apply("\n".join(ex.expected)) if ex.expected is not None else None
                want = len(ex.expected) if ex.expected else 0
                if session.dead:
                    rc, out = None, "<not run: the session had ended>"
                else:
                    try:
                        rc, out = session.run(command, background, want)
                    except (TimeoutError, RuntimeError) as e:
                        # The session may still be inside that command: nothing
                        # after it can run in order any more.
                        session.dead = True
                        rc, out = None, f"<{e}>"
                out = out.replace(str(home), "~")
                out = "\n".join(l.rstrip() for l in out.splitlines()).rstrip("\n")
                if verbose:
                    print(f"  $ {command}\n" + "".join(f"  | {l}\n" for l in out.splitlines()), end="")
                if rc is None:
                    ok = False
                elif expected is None:
                    ok = True
                else:
                    pairs = align(tokens("\n".join(ex.expected)), tokens(out))
                    ok = pairs is not None
                    if ok:
                        for e, a in pairs:
                            if has_digit(e):
                                bindings.bind(e, a)
                                if verbose and len(e) >= 2 and e != a:
                                    print(f"  = {e} -> {a}")
                if ok:
                    passed += 1
                    continue
                failed += 1
                block_failed += 1
                diff = difflib.unified_diff((expected or "").splitlines(), out.splitlines(),
                                            "README", "printed", lineterm="", n=2)
                notes.append(f"  FAIL line {ex.line}: $ {command}" + (f"  (exit {rc})" if rc else "")
                             + "\n" + "\n".join("    " + d for d in list(diff)[2:]))
            ran = len(b.examples) - sum(n.startswith("  skip") for n in notes)
            status = "FAIL" if block_failed else "PASS" if ran else "SKIP"
            print(f"{status} {where}: {len(b.examples)} command(s)")
            for n in notes:
                print(n)
    finally:
        session.close()
        if failed == 0:
            shutil.rmtree(scratch, ignore_errors=True)
        else:
            print(f"(scratch directory kept: {scratch})")
    print(f"README examples: {passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
