"""Score the router on a blind question set: accuracy by voice, emergency recall, false emergencies, off-topic flagging.

    python tools/score_routing.py tests/data/blind/dev_a.yaml [--misses]

A question is right when the first contact is its ``expect`` or one of its
``also``. An off-topic question is flagged when the answer is not confident.

The directory's examples are the development sets' own questions, so a set is
scored with its own questions taken out of them (``without_own``): every
question is answered from what the other sets' writers asked, as a new one
would be.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from routing.core.directory import load
from routing.core.instants import parse_instant
from routing.core.model import Directory
from routing.core.rules import route
from routing.core.search import Searcher
from routing.settings import ROOT
from routing.store.search_index import open_index

WEEKDAY_10AM = parse_instant("2026-11-23T10:00:00-08:00")
CHANNEL = {"phone": "ivr", "email": "email"}


@dataclass
class Score:
    right: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    total: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    emergencies: int = 0
    caught: int = 0
    false_emergencies: int = 0
    offtopic: int = 0
    flagged: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def overall(self) -> float:
        return sum(self.right.values()) / max(1, sum(self.total.values()))

    def lines(self, name: str) -> list[str]:
        out = [f"{name}: {sum(self.right.values())}/{sum(self.total.values())} = {self.overall:.1%} top-1"]
        for voice in sorted(self.total):
            out.append(f"  {voice:<10} {self.right[voice]:>3}/{self.total[voice]:<3} {self.right[voice] / self.total[voice]:.0%}")
        out.append(f"  emergency recall {self.caught}/{self.emergencies}, false emergencies {self.false_emergencies}, "
                   f"off-topic flagged {self.flagged}/{self.offtopic}")
        return out


def _key(text: object) -> str:
    return " ".join(str(text).lower().split())


def without_own(directory: Directory, items: list[dict[str, Any]]) -> Directory:
    """The directory without the examples that are the set's own questions (the same directory when none are)."""
    own = {_key(item["q"]) for item in items}
    kept = tuple(e for e in directory.examples if _key(e.text) not in own)
    return directory if len(kept) == len(directory.examples) else replace(directory, examples=kept)


def score(index: Searcher, items: list[dict[str, Any]]) -> Score:
    result = Score()
    for item in items:
        voice = str(item.get("voice", "web"))
        decision = route(index, str(item["q"]), CHANNEL.get(voice, "web"), WEEKDAY_10AM)
        also = item.get("also") or []
        if not isinstance(also, list):  # a bare string would be read letter by letter
            raise ValueError(f"{item['q']!r}: 'also' must be a list of contact ids, not {also!r}")
        wanted = {item["expect"], *also}
        got = decision.contact.id
        ok = got in wanted
        result.total[voice] += 1
        result.right[voice] += ok
        if item["expect"] == "emergency":
            result.emergencies += 1
            result.caught += decision.safety
        elif decision.safety:
            result.false_emergencies += 1
        if item.get("offtopic"):
            result.offtopic += 1
            result.flagged += not decision.confident
        if not ok:
            result.misses.append(f"[{voice}] {item['q']!r}: expected {item['expect']}, got {got} ({decision.confidence:.2f}) {decision.reason}")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="+", type=Path)
    parser.add_argument("--misses", action="store_true", help="print every miss (never for the held-out test set)")
    args = parser.parse_args(argv)
    directory = load(ROOT / "directory.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        for path in args.sets:
            items = yaml.safe_load(path.read_text())
            found = score(open_index(without_own(directory, items), Path(tmp)), items)
            print("\n".join(found.lines(path.name)))
            if args.misses:
                print("\n".join(found.misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
