"""Score triage on a blind email set: team, group ID, group name and action, each against the writer's answer.

    python tools/score_triage.py tests/data/blind/emails_dev [--misses]

The team is right when triage's contact is the expected one; for ``ignore``
mail any team and group are accepted, as nothing is sent for it. A group ID or name is *wrong* when triage gives a
value the writer did not (a different one, or one where there is none), and
*missing* when triage gives none where the writer did: a wrong one sends the
team after the wrong account, so the two are counted apart.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from routing.core.directory import load
from routing.core.email.parse import parse
from routing.core.email.triage import Triage, triage
from routing.core.instants import parse_instant
from routing.core.recipients import written_route
from routing.settings import ROOT
from routing.store.search_index import SearchIndex, open_index

WEEKDAY_10AM = parse_instant("2026-11-23T10:00:00-08:00")
FIELDS = ("team", "action", "group_id", "group_name")
# The action, counting as right a ``review`` where the writer expected a forward or a question but the team takes
# that kind of request by phone only (issue 16: staff get the line to give the sender instead).
BY_RULE = "action_by_phone_rule"
GROUP_FIELDS = ("group_id", "group_name")


@dataclass
class Score:
    total: int = 0
    right: dict[str, int] = field(default_factory=lambda: dict.fromkeys((*FIELDS, BY_RULE), 0))
    wrong: dict[str, int] = field(default_factory=lambda: dict.fromkeys(GROUP_FIELDS, 0))
    missing: dict[str, int] = field(default_factory=lambda: dict.fromkeys(GROUP_FIELDS, 0))
    misses: list[str] = field(default_factory=list)

    def line(self, name: str) -> str:
        parts = [f"{n} {self.right[n]}/{self.total}" for n in (*FIELDS, BY_RULE)]
        parts += [f"wrong {n} {self.wrong[n]}, missing {self.missing[n]}" for n in GROUP_FIELDS]
        return f"{name}: " + ", ".join(parts)


def _same(field_name: str, got: str | None, wanted: object) -> bool:
    if field_name == "group_name" and got and wanted:
        return got.casefold() == str(wanted).casefold()
    return got == (str(wanted) if wanted is not None else None)


def _phone_only(result: Triage, index: SearchIndex) -> bool:
    """The request is clear, and its team does not take it by email."""
    if result.decision is None or not result.decision.confident:
        return False
    written = written_route(result.decision, index.directory)
    return not written.by_email and written.topic is not None


def score(index: SearchIndex, folder: Path) -> Score:
    found = Score()
    for item in yaml.safe_load((folder / "index.yaml").read_text()):
        found.total += 1
        result = triage(parse((folder / item["file"]).read_bytes()), index, WEEKDAY_10AM)
        got = {
            "team": result.contact.id if result.contact else None,
            "group_id": result.group_id.value if result.group_id else None,
            "group_name": result.group_name.value if result.group_name else None,
            "action": result.action,
        }
        phone_only = _phone_only(result, index)
        by_rule = got["action"] == item.get("action") or (
            phone_only and got["team"] == item.get("team") and got["action"] == "review" and item.get("action") in ("forward", "ask_sender")
        )
        found.right[BY_RULE] += by_rule
        for name in FIELDS:
            wanted = item.get(name)
            # Ignored mail is neither forwarded nor answered: its team and group do not matter.
            ok = _same(name, got[name], wanted) or (name != "action" and item.get("action") == "ignore")
            found.right[name] += ok
            if ok:
                continue
            if name in GROUP_FIELDS:
                kind = "missing" if got[name] is None else "WRONG"
                (found.missing if got[name] is None else found.wrong)[name] += 1
            else:
                kind = "miss"
            why = f" ({result.reason})" if name == "action" else ""
            found.misses.append(f"{item['file']}: {kind} {name}: expected {wanted!r}, got {got[name]!r}{why}")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--misses", action="store_true", help="print every miss (never for a held-out set)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        index = open_index(load(ROOT / "directory.yaml"), Path(tmp))
        for folder in args.folders:
            found = score(index, folder)
            print(found.line(folder.name))
            if args.misses:
                print("\n".join(found.misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
