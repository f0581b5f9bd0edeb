"""Score triage on a blind email set: team, group ID, group name and action, each against the writer's answer.

    python tools/score_triage.py tests/data/blind/emails_dev [--misses]

The team is right when triage's contact (or, for a forward, its team) is the
expected one; for ``ignore`` mail any team is accepted.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from routing.core.directory import load
from routing.core.email.parse import parse
from routing.core.email.triage import triage
from routing.core.instants import parse_instant
from routing.settings import ROOT
from routing.store.search_index import open_index

WEEKDAY_10AM = parse_instant("2026-11-23T10:00:00-08:00")
FIELDS = ("team", "group_id", "group_name", "action")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--misses", action="store_true", help="print every miss (never for a held-out set)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        index = open_index(load(ROOT / "directory.yaml"), Path(tmp))
        for folder in args.folders:
            right = dict.fromkeys(FIELDS, 0)
            misses: list[str] = []
            items = yaml.safe_load((folder / "index.yaml").read_text())
            for item in items:
                result = triage(parse((folder / item["file"]).read_bytes()), index, WEEKDAY_10AM)
                got = {
                    "team": result.contact.id if result.contact else None,
                    "group_id": result.group_id.value if result.group_id else None,
                    "group_name": result.group_name.value if result.group_name else None,
                    "action": result.action,
                }
                for name in FIELDS:
                    wanted = item.get(name)
                    ok = got[name] == wanted or (name == "team" and item.get("action") == "ignore")
                    if name == "group_name" and wanted and got[name]:
                        ok = got[name].lower() == str(wanted).lower()
                    right[name] += ok
                    if not ok:
                        misses.append(f"{item['file']}: {name} expected {wanted!r}, got {got[name]!r}")
            total = len(items)
            print(f"{folder.name}: " + ", ".join(f"{n} {right[n]}/{total} ({right[n] / total:.0%})" for n in FIELDS))
            if args.misses:
                print("\n".join(misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
