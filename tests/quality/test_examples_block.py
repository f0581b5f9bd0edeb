"""directory.yaml's examples are the development sets' questions, never an emergency, and answer in their own words."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml
from paths import DATA

from routing.core.directory import load
from routing.core.instants import parse_instant
from routing.core.rules import route
from routing.settings import ROOT
from routing.store.search_index import SearchIndex, open_index

sys.path.insert(0, str(ROOT / "tools"))
import build_examples

BLIND = DATA / "blind"
MONDAY_10AM = parse_instant("2026-11-23T10:00:00-08:00")


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    return open_index(load(ROOT / "directory.yaml"), Path(tmp_path_factory.mktemp("index")))


def test_the_examples_block_is_what_the_development_sets_give() -> None:
    assert build_examples.main(["--check"]) == 0, "run python tools/build_examples.py"


def test_no_emergency_is_an_example(index: SearchIndex) -> None:
    # Only the safety rules decide an emergency: no example may stand between a caller and 911.
    emergencies = {
        build_examples.key(str(item["q"]))
        for path in sorted(BLIND.glob("dev_*.yaml"))
        for item in yaml.safe_load(path.read_text())
        if item["expect"] == "emergency"
    }
    assert emergencies
    assert not emergencies & {build_examples.key(e.text) for e in index.directory.examples}
    assert "emergency" not in {e.contact_id for e in index.directory.examples}


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("I'm sick of mailing you a paper check every single month.", "account-kp-org"),
        ("Our auditor asked for a spreadsheet listing everybody we cover right now.", "account-kp-org"),
        ("my dishwasher wants to tell kaiser the nurse was super kind to him", "member-services"),
    ],
)
def test_a_question_told_in_its_own_words_goes_where_questions_like_it_went(index: SearchIndex, question: str, expected: str) -> None:
    decision = route(index, question, "web", MONDAY_10AM)
    assert decision.contact.id == expected and decision.confident
    assert decision.reason.startswith("Questions like yours go to ") and "for example: “" in decision.reason


@pytest.mark.parametrize(
    ("question", "team"),
    [
        # The nearest examples ask "can you recommend a good accountant ...": the framing, not the subject.
        ("Can you recommend a good doctor for my employee's back pain?", "kp-org"),
        # The plan named: an example may pick the team, never say it is not the plan's.
        ("The gym down the street wants our employees list for a corporate membership discount through our health plan.", None),
    ],
)
def test_an_off_topic_vote_never_overrules_the_plan_named_or_a_topic_it_does_not_speak_to(index: SearchIndex, question: str, team: str | None) -> None:
    decision = route(index, question, "web", MONDAY_10AM)
    assert not decision.offtopic, decision.reason
    assert team is None or decision.contact.id == team


def test_examples_never_overrule_an_emergency_or_a_rule(index: SearchIndex) -> None:
    decision = route(index, "my dishwasher collapsed and isn't breathing, he wanted to tell kaiser the nurse was kind", "web", MONDAY_10AM)
    assert decision.safety and decision.contact.id == "emergency"
    decision = route(index, "We need to change our broker of record", "web", MONDAY_10AM)
    assert decision.contact.id == "account-management-support" and decision.reason == "Broker of record changes are handled by the Account Management Support Team."


def test_a_first_request_read_alone_says_why_when_the_examples_agree_with_it(index: SearchIndex) -> None:
    decision = route(index, "My worker needs a new member ID card, and she also wants to refill her prescription.", "web", MONDAY_10AM)
    assert decision.contact.id == "account-kp-org" and not decision.example
    assert decision.reason == "On account.kp.org, under Manage Members, you can order member ID cards."
    assert [a.contact.id for a in decision.also_needed] == ["kp-org"]
