"""orjson writes the API's bodies: the bytes must be exactly what Starlette's JSONResponse (json.dumps) wrote."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from paths import DATA
from starlette.responses import JSONResponse

from routing.channels.http import FastJSONResponse, json_bytes
from routing.core.instants import parse_instant
from routing.core.model import Directory
from routing.core.rules import route
from routing.present.answers import decision_json
from routing.present.json import contact_json
from routing.store.search_index import open_index


def starlette_bytes(content: object) -> bytes:
    return bytes(JSONResponse(content).body)


def test_every_table_answer_encodes_to_the_same_bytes(directory: Directory, tmp_path: Path) -> None:
    index = open_index(directory, tmp_path)
    questions = [row["q"] for name in ("questions.yaml", "questions_blind.yaml") for row in yaml.safe_load((DATA / name).read_text())]
    for at in ("2026-11-23T10:00:00-08:00", "2026-11-28T23:30:00-08:00"):
        for question in questions + ["café", "¿Dónde pago la factura?", "emoji 🙂 bill"]:
            answer = decision_json(route(index, question, "web", parse_instant(at)), directory)
            assert json_bytes(answer) == starlette_bytes(answer), question


def test_contact_cards_and_odd_values_encode_to_the_same_bytes(directory: Directory) -> None:
    now = parse_instant("2026-11-23T10:00:00-08:00")
    cards = [contact_json(c, directory, now) for c in directory.contacts]
    assert json_bytes(cards) == starlette_bytes(cards)
    odd = {"ints": [0, -1, 2**53], "floats": [0.5, 0.35, 0.95, 1.0], "text": "line\nbreak \"quoted\" \\ back </script> \u2028", "none": None, "nested": [{"a": []}]}
    assert json_bytes(odd) == starlette_bytes(odd)
    assert json.loads(bytes(FastJSONResponse(odd).body)) == odd
    assert FastJSONResponse(odd).headers["content-type"] == "application/json"
