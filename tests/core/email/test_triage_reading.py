"""What triage does with the desk's own mail, scan-to-email relays, emergencies and Spanish, as a person at the desk would."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from routing.core.email.parse import parse
from routing.core.email.triage import ASK_SENDER, FORWARD, IGNORE, REVIEW, Triage, triage
from routing.core.instants import parse_instant
from routing.core.model import Directory
from routing.store.search_index import SearchIndex, open_index

WEDNESDAY_10AM = parse_instant("2026-03-18T10:00:00-07:00")


@pytest.fixture(scope="module")
def index(directory: Directory, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    built = open_index(directory, tmp_path_factory.mktemp("reading-index"))
    yield built
    built.close()


def run(index: SearchIndex, body: str, subject: str = "Question", sender: str | None = "Ana Ortiz <ana@example.com>", headers: str = "") -> Triage:
    head = f"From: {sender}\n" if sender else ""
    raw = f"{head}To: inbox@example.com\nSubject: {subject}\n{headers}Content-Type: text/plain; charset=utf-8\n\n{body}".encode()
    return triage(parse(raw), index, WEDNESDAY_10AM)


TERMINATION = "Please terminate coverage for Sam Ortiz, last day 3/7.\n\nGroup name: Ridgeview Hardware\nGroup ID: 2875510"


def test_the_desks_own_forward_coming_back_is_ignored_with_the_reason(index: SearchIndex) -> None:
    result = run(index, TERMINATION, sender="Help Desk <desk@example.com>", headers="X-Help-Desk-Reference: R-1\n")
    assert result.action == IGNORE
    assert "X-Help-Desk-Reference" in result.reason


def test_x_loop_is_ignored(index: SearchIndex) -> None:
    result = run(index, TERMINATION, headers="X-Loop: inbox@example.com\n")
    assert result.action == IGNORE and "X-Loop" in result.reason


def test_a_scan_relay_with_no_from_header_goes_to_a_person_not_the_bin(index: SearchIndex) -> None:
    result = run(index, "Scanned document attached.\n\nNote from sender:\n" + TERMINATION, subject="Scanned document", sender=None)
    assert result.action == REVIEW
    assert result.group_id is not None and result.group_id.value == "2875510"
    assert result.group_name is not None and result.group_name.value == "Ridgeview Hardware"


def test_an_emergency_inside_an_ordinary_request_is_review_with_the_911_notice(index: SearchIndex) -> None:
    body = "Please update our group address for Pinecrest Moving & Storage (group 3958104).\n\nAlso one of our movers just collapsed and he's barely breathing. What do we do"
    result = run(index, body, subject="Address change")
    assert result.action == REVIEW
    assert "911" in result.reason


def test_a_spanish_request_is_routed_like_its_english_equivalent(index: SearchIndex) -> None:
    english = run(index, "We need to terminate coverage for an employee. His last day was March 14.\n\nGroup name: Jardinería Ortega\nGroup ID: 4410023")
    spanish = run(index, "Necesitamos dar de baja del seguro a un empleado. Su último día fue el 14 de marzo.\n\nNombre del grupo: Jardinería Ortega\nNúmero de grupo: 4410023")
    assert english.contact is not None and spanish.contact is not None
    assert spanish.contact.id == english.contact.id
    assert spanish.action == english.action == FORWARD
    assert spanish.group_name is not None and spanish.group_name.value == "Jardinería Ortega"


def test_a_missing_name_says_why_when_the_email_holds_a_firms_name(index: SearchIndex) -> None:
    body = "I keep the books for one of your groups, Grp# 880342. Please send a copy of the last bill.\n\nRosa Castillo\nCastillo Tax & Bookkeeping"
    result = run(index, body, sender="Rosa Castillo <rosa@example.com>")
    assert result.group_name is None and result.action in (ASK_SENDER, REVIEW)
    assert any("Castillo Tax & Bookkeeping" in note for note in result.notes)
