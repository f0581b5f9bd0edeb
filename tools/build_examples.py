"""Write directory.yaml's `examples:` block from the development question sets.

    python tools/build_examples.py          # rewrite the block at the end of directory.yaml
    python tools/build_examples.py --check  # exit 1 when the block is not what the sets give

The development sets (tests/data/blind/dev_*.yaml) were written blind, by people who saw only the two source
pages and the list of contact ids. Each question becomes an example of its expected contact; off-topic ones
are examples of `off-topic`. Emergencies are left out: the safety rules alone decide those, and an example
must never stand between a caller and 911. A held-out question (test_fresh*.yaml) is never an example: those
sets measure questions nobody tuned on, so one a development set repeats is left out.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from routing.core.text import MAX_QUERY_CHARS  # noqa: E402 (the repository's own package, found from here)

DIRECTORY = ROOT / "directory.yaml"
BLIND = ROOT / "tests" / "data" / "blind"
MARK = "# -- examples (written by tools/build_examples.py; edit the development sets, not this block) --"
HEADER = f"""{MARK}
# Questions people asked, in their own words, with the contact that answers each: the development sets in
# tests/data/blind, written blind by people who saw only the two source pages. A question that no rule answers
# and the topics' words fit only weakly goes where most of the examples nearest to it went, and the answer
# quotes one of them. Emergencies are never examples: the safety rules above decide those.
examples:
"""


def key(text: str) -> str:
    return " ".join(text.lower().split())


def examples() -> dict[str, list[str]]:
    held_out = {key(str(item["q"])) for path in sorted(BLIND.glob("test_fresh*.yaml")) for item in yaml.safe_load(path.read_text())}
    by_contact: dict[str, list[str]] = {}
    seen: dict[str, str] = {}
    for path in sorted(BLIND.glob("dev_*.yaml")):
        for item in yaml.safe_load(path.read_text()):
            text = " ".join(str(item["q"]).split())
            expect = "off-topic" if item.get("offtopic") else str(item["expect"])
            if expect == "emergency" or item.get("voice") == "emergency":
                continue
            if key(text) in held_out or key(text) in seen:
                continue  # a held-out question is never an example; of a repeated one, the first writer's answer stands
            if len(text) > MAX_QUERY_CHARS:
                continue  # a long pasted email: the router reads no more than this of a question, so neither is an example longer
            seen[key(text)] = expect
            by_contact.setdefault(expect, []).append(text)
    return dict(sorted(by_contact.items()))


def block() -> str:
    lines = [HEADER.rstrip("\n")]
    for contact, questions in examples().items():
        lines.append(f"  {contact}:")
        lines += [f"    - {json_quoted(q)}" for q in questions]
    return "\n".join(lines) + "\n"


def json_quoted(text: str) -> str:
    # A YAML double-quoted scalar: JSON's escaping is valid in it, and keeps every question on one line.


    return json.dumps(text, ensure_ascii=False)


def main(argv: list[str]) -> int:
    text = DIRECTORY.read_text(encoding="utf-8")
    before = text.split(MARK, 1)[0].rstrip("\n") + "\n\n"
    wanted = before + block()
    if "--check" in argv:
        if text != wanted:
            print("directory.yaml's examples are not what the development sets give: run python tools/build_examples.py", file=sys.stderr)
            return 1
        return 0
    DIRECTORY.write_text(wanted, encoding="utf-8")
    count = sum(len(q) for q in examples().values())
    print(f"Wrote {count} examples into {DIRECTORY.name}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
