"""Contact cards are built once per directory version and instant: the reused card must equal a fresh one, always."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from routing.core.instants import parse_instant
from routing.core.model import Directory
from routing.present import json as cards
from routing.present.answers import decision_json

INSTANTS = ["2026-11-23T10:00:00-08:00", "2026-11-23T18:30:00-08:00", "2026-11-26T10:00:00-08:00", "2026-11-28T23:59:00-08:00"]


def fresh(contact_id: str, directory: Directory, now: datetime) -> dict[str, object]:
    """A card built with every cache emptied first."""
    cards._static_cards.clear()
    cards._status_cards.clear()
    return cards.contact_json(directory.contact(contact_id), directory, now)


@pytest.mark.parametrize("instant", INSTANTS)
def test_a_reused_card_is_the_card_built_afresh_at_that_instant(directory: Directory, instant: str) -> None:
    now = parse_instant(instant)
    for other in INSTANTS:  # fill the caches at other instants first: nothing may leak across
        for contact in directory.contacts:
            cards.contact_json(contact, directory, parse_instant(other))
    reused = {c.id: json.dumps(cards.contact_json(c, directory, now)) for c in directory.contacts}
    assert reused == {c.id: json.dumps(fresh(c.id, directory, now)) for c in directory.contacts}


def test_the_open_closed_fields_follow_the_instant(directory: Directory) -> None:
    team = directory.contact("california-service-center")
    morning = cards.contact_json(team, directory, parse_instant(INSTANTS[0]))
    night = cards.contact_json(team, directory, parse_instant(INSTANTS[3]))
    assert morning["open_now"] is True and night["open_now"] is False
    assert morning["status_line"] != night["status_line"]


def test_what_a_caller_adds_to_a_card_does_not_reach_the_next_one(directory: Directory) -> None:
    now = parse_instant(INSTANTS[0])
    team = next(c for c in directory.contacts if c.emails)
    first = cards.contact_json(team, directory, now)
    first["badge"] = {"state": "open"}
    first["emails"][0]["advice"] = "Include your group ID."
    again = cards.contact_json(team, directory, now)
    assert "badge" not in again
    assert "advice" not in again["emails"][0]


def test_an_answer_with_advice_leaves_the_contacts_api_card_as_it_was(directory: Directory, tmp_path) -> None:
    from routing.core.rules import route
    from routing.store.search_index import open_index

    now = parse_instant(INSTANTS[0])
    index = open_index(directory, tmp_path)
    answer = decision_json(route(index, "where do I email enrollment forms", "web", now), directory)
    assert any("advice" in email for email in answer["contact"]["emails"])
    card = cards.contact_json(directory.contact(answer["contact"]["id"]), directory, now)
    assert all("advice" not in email for email in card["emails"])
