"""The README's samples of command output, run for real.

Each sample in README.md is a fenced block right after a marker comment that
names the command which printed it:

    <!-- sample: ROUTING_NOW=2026-11-23T10:00:00-08:00 python -m routing hours -->
    ```
    …what that command prints…
    ```

``python tools/readme_samples.py`` runs every marked command from the project
directory and says which samples no longer match; ``--write`` puts the real
output into README.md. ``tests/cli/test_readme_samples.py`` fails when a
sample and the real output differ.

Two things are not compared: the directory's version (a content hash, new
with every edit of directory.yaml) and, in a line ending in "…", whatever
comes after the text before the "…" (a generated password).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"

MARKER = re.compile(r"<!-- sample: (?P<command>.+?) -->\n```(?P<lang>[a-z]*)\n(?P<body>.*?)```", re.DOTALL)
_VERSION = re.compile(r"\(version [0-9a-f]{16}\)")


@dataclass(frozen=True)
class Sample:
    command: str
    shown: str  # the block as the README has it
    start: int  # where the block's text starts and ends in README.md
    end: int


def samples(text: str) -> list[Sample]:
    return [Sample(m.group("command"), m.group("body"), m.start("body"), m.end("body")) for m in MARKER.finditer(text)]


def run(command: str) -> str:
    """What the command prints (standard output, then standard error), run from the project directory."""
    words = shlex.split(command)
    env = {k: v for k, v in os.environ.items() if k not in ("DIRECTORY_PATH", "ROUTING_NOW", "STAFF_PASSWORD")}
    while words and re.fullmatch(r"[A-Z_]+=.*", words[0]):
        name, _, value = words.pop(0).partition("=")
        env[name] = value
    if words[:1] == ["python"]:
        words[0] = sys.executable
    done = subprocess.run(words, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    return done.stdout + done.stderr


def same(shown: str, real: str) -> bool:
    shown_lines, real_lines = _VERSION.sub("(version …)", shown).splitlines(), _VERSION.sub("(version …)", real).splitlines()
    if len(shown_lines) != len(real_lines):
        return False
    return all(s == r or (s.endswith("…") and r.startswith(s[:-1])) for s, r in zip(shown_lines, real_lines, strict=True))


def main(argv: list[str]) -> int:
    text = README.read_text(encoding="utf-8")
    stale = [(sample, output) for sample in samples(text) if not same(sample.shown, output := run(sample.command))]
    for sample, output in stale:
        print(f"README sample of `{sample.command}` differs from the real output:\n{output}")
    if stale and "--write" in argv:
        for sample, output in sorted(stale, key=lambda pair: pair[0].start, reverse=True):
            text = text[: sample.start] + output + text[sample.end :]
        README.write_text(text, encoding="utf-8")
        print(f"Wrote {len(stale)} sample(s) into {README.name}.")
        return 0
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
