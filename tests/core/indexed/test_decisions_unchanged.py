"""Speed work must not change a single answer: every question in the test tables, routed now, matches a snapshot.

The snapshot (``decisions_snapshot.json`` beside this file) was written from
the code before the issue-15 speed work, by running this module as a script:
``python tests/core/indexed/test_decisions_unchanged.py --write``. Each
question is routed on every channel at an open and a closed instant; the
record keeps the ids and flags in the clear and a digest of the sentences,
so a changed reason or note fails too. Regenerate it only for a deliberate
change of decisions, and say so in the commit.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent.parent
SNAPSHOT = HERE / "decisions_snapshot.json"
TABLES = ("questions.yaml", "questions_blind.yaml", "blind/dev_a.yaml", "blind/dev_b.yaml")
INSTANTS = ("2026-11-23T10:00:00-08:00", "2026-11-28T23:30:00-08:00")  # a weekday morning; a Saturday night
CHANNELS = ("web", "ivr", "email")


def questions() -> list[str]:
    found: dict[str, None] = {}
    for table in TABLES:
        for row in yaml.safe_load((ROOT / "tests" / "data" / table).read_text()):
            found[str(row["q"])] = None
    return list(found)


def record(decision: Any) -> list[Any]:
    words = json.dumps(
        [decision.reason, decision.notes, decision.matched, decision.rule_matched, decision.shared_subject,
         decision.sending.sentences if decision.sending else None, decision.corrections, decision.topics,
         [h.contact.id for h in decision.shared]],
        ensure_ascii=False,
    )
    return [
        decision.contact.id,
        [c.id for c in decision.alternatives],
        decision.rule.id if decision.rule else None,
        decision.topic.id if decision.topic else None,
        decision.confidence,
        [decision.fallback, decision.safety, decision.offtopic, decision.self_service_first],
        hashlib.sha256(words.encode()).hexdigest()[:16],
    ]


def current(index_dir: Path) -> dict[str, list[Any]]:
    from routing.core.directory import load
    from routing.core.instants import parse_instant
    from routing.core.rules import route
    from routing.store.search_index import open_index

    index = open_index(load(ROOT / "directory.yaml"), index_dir)
    try:
        return {
            f"{channel} {at} {q}": record(route(index, q, channel, parse_instant(at)))
            for q in questions()
            for channel in CHANNELS
            for at in INSTANTS
        }
    finally:
        index.close()


def test_every_table_question_is_decided_as_before(tmp_path: Path) -> None:
    expected = json.loads(SNAPSHOT.read_text())
    now = current(tmp_path / "index")
    assert now.keys() == expected.keys(), "the tables changed: regenerate the snapshot from the code before the change"
    changed = {key: {"before": expected[key], "now": now[key]} for key in expected if expected[key] != now[key]}
    assert not changed, f"{len(changed)} of {len(expected)} decisions changed, e.g. {json.dumps(dict(list(changed.items())[:3]), indent=1)}"


if __name__ == "__main__":
    import tempfile

    sys.path.insert(0, str(ROOT))
    if "--write" not in sys.argv:
        sys.exit("run with --write to replace the snapshot")
    with tempfile.TemporaryDirectory() as tmp:
        SNAPSHOT.write_text(json.dumps(current(Path(tmp)), ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n")
    print(f"wrote {SNAPSHOT}")
