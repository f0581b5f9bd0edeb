"""The README's samples are real output: each marked block is what its command prints now.

A block follows a comment naming its command (``<!-- sample: python -m routing check -->``);
``tools/readme_samples.py`` runs it the same way and ``--write`` updates the README.
The abridged JSON of POST /api/triage is checked key by key: every key it shows
has the value the API gives, "…" standing for text left out.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

import pytest
from paths import FIXTURES
from starlette.testclient import TestClient

from routing.settings import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import readme_samples

TEXT = readme_samples.README.read_text(encoding="utf-8")
SAMPLES = readme_samples.samples(TEXT)
JSON_SAMPLE = re.compile(r"<!-- sample-json: POST (?P<path>/api/\w+) (?P<file>\S+) -->\n```json\n(?P<body>.*?)```", re.DOTALL)


def test_the_readme_marks_its_samples():
    commands = [s.command for s in SAMPLES]
    assert any(c.endswith("routing check") for c in commands)
    assert any(" hours " in c for c in commands) and any(" ivr " in c for c in commands)
    # Every ``` block that shows what ``check`` or ``hours`` prints is a marked sample.
    for block in re.finditer(r"```\n(.*?)```", TEXT, re.DOTALL):
        if re.search(r": OK — \d+ contacts|^\s+Open now|^Phone menu on", block.group(1), re.MULTILINE):
            assert any(s.start == block.start(1) for s in SAMPLES), block.group(1)


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.command for s in SAMPLES])
def test_each_sample_is_what_its_command_prints(sample):
    real = readme_samples.run(sample.command)
    assert readme_samples.same(sample.shown, real), (
        f"README.md shows for `{sample.command}`:\n{sample.shown}\nbut it prints:\n{real}\n"
        "Run python tools/readme_samples.py --write to update the README."
    )


def test_the_comparison_can_fail():
    shown = "directory.yaml: OK — 9 contacts, 5 rules, 9 holidays (version 1a2b3c4d5e6f7a8b)\n"
    assert not readme_samples.same(shown, "directory.yaml: OK — 9 contacts, 9 rules, 9 holidays (version 0123456789abcdef)\n")
    assert readme_samples.same(shown, shown.replace("1a2b3c4d5e6f7a8b", "0123456789abcdef"))
    assert not readme_samples.same("Open 24/7\n", "Open 24/7\nOpen 24/7\n")


def matches(shown: Any, real: Any, key: str = "") -> bool:
    if isinstance(shown, dict):
        return isinstance(real, dict) and all(k == "..." or (k in real and matches(v, real[k], k)) for k, v in shown.items())
    if isinstance(shown, str) and shown.endswith("…"):
        return isinstance(real, str) and real.startswith(shown[:-1])
    if key == "id":  # a new reference each time: the same shape
        return isinstance(real, str) and re.fullmatch(re.sub(r"[A-Z0-9]", "[A-Z0-9]", shown), real) is not None
    return bool(shown == real)


def test_the_triage_json_sample_is_what_the_api_answers(make_settings):
    from routing.app import create_app

    found = JSON_SAMPLE.search(TEXT)
    assert found, "the POST /api/triage sample is not marked"
    shown = json.loads(found.group("body"))
    with TestClient(create_app(make_settings(staff_password="pw"))) as client:
        raw = (ROOT / found.group("file")).read_bytes()
        real = client.post(found.group("path"), content=raw, headers={"content-type": "message/rfc822", "authorization": "Bearer pw"}).json()
    assert (ROOT / found.group("file")).parent == FIXTURES
    wrong = {k: (v, real.get(k)) for k, v in shown.items() if k != "..." and not matches(v, real.get(k), k)}
    assert not wrong
