"""Triage decisions: the fixture inbox, group details as employers write them, loop guards and the reply draft."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
import yaml
from paths import FIXTURES

from routing.core.email.group_fields import group_ids, name_like
from routing.core.email.parse import parse
from routing.core.email.triage import ASK_SENDER, FORWARD, IGNORE, REVIEW, Correction, Triage, triage
from routing.core.instants import parse_instant
from routing.core.model import Directory
from routing.present.drafts import ask_sender_draft
from routing.present.triage import triage_json
from routing.store.search_index import SearchIndex, open_index

EXPECTED: dict[str, dict[str, Any]] = yaml.safe_load((FIXTURES / "expected.yaml").read_text())
WEDNESDAY_10AM = parse_instant("2026-03-18T10:00:00-07:00")
SATURDAY_NIGHT = parse_instant("2026-03-21T22:00:00-07:00")


@pytest.fixture(scope="module")
def index(directory: Directory, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    built = open_index(directory, tmp_path_factory.mktemp("triage-index"))
    yield built
    built.close()


def run(index: SearchIndex, raw: bytes, now: datetime = WEDNESDAY_10AM, correction: Correction | None = None) -> Triage:
    return triage(parse(raw), index, now, correction)


def email(body: str, subject: str = "Question", headers: str = "", sender: str = "Ana Ortiz <ana@example.com>") -> bytes:
    return (
        f"From: {sender}\nTo: inbox@example.com\nSubject: {subject}\nMessage-ID: <q1@example.com>\n{headers}"
        f"Content-Type: text/plain; charset=utf-8\n\n{body}"
    ).encode()


# --- the fixture inbox --------------------------------------------------------------------


def _outcome(result: dict[str, Any]) -> dict[str, Any]:
    return {
        "contact": result["contact"]["id"] if result["contact"] else None,
        "group_id": result["group_id"],
        "group_name": result["group_name"],
        "action": result["action"],
        "missing": sorted(result["missing"]),
    }


def _wrong(name: str, result: dict[str, Any]) -> list[str]:
    expected = EXPECTED[name]
    got = _outcome(result)
    wrong = [f"{key}: expected {expected[key]!r}, got {got[key]!r}" for key in got if key in expected and (sorted(expected[key]) if key == "missing" else expected[key]) != got[key]]
    if "guard" in expected and expected["guard"] not in result["loop_signals"]:
        wrong.append(f"guard: expected {expected['guard']!r} among {result['loop_signals']!r}")
    return wrong


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_fixture_is_triaged_as_expected(name: str, index: SearchIndex) -> None:
    result = triage_json(run(index, (FIXTURES / name).read_bytes()))
    assert _wrong(name, result) == [], result["reason"]


@pytest.mark.parametrize("now", [WEDNESDAY_10AM, SATURDAY_NIGHT], ids=["business-hours", "saturday-night"])
def test_fixture_accuracy(now: datetime, index: SearchIndex, capsys: pytest.CaptureFixture[str]) -> None:
    """Prints the accuracy per field; every field must be right on every fixture, at any hour."""
    fields = ("contact", "group_id", "group_name", "action", "missing")
    right = {field: 0 for field in fields}
    for name, expected in EXPECTED.items():
        got = _outcome(triage_json(run(index, (FIXTURES / name).read_bytes(), now)))
        for field in fields:
            if field not in expected or (sorted(expected[field]) if field == "missing" else expected[field]) == got[field]:
                right[field] += 1
    with capsys.disabled():
        print(f"\ntriage accuracy over {len(EXPECTED)} fixtures ({now:%a %H:%M}): " + ", ".join(f"{f} {right[f]}/{len(EXPECTED)}" for f in fields))
    assert right == {field: len(EXPECTED) for field in fields}


# --- group IDs ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Group ID: 604213", ["604213"]),
        ("We are group #0117742.", ["0117742"]),
        ("[Group 190044] COBRA election question", ["190044"]),
        ("We are under ID 441902.", ["441902"]),
        ("Group number: 87120", ["87120"]),
        ("Group No. 0045881", ["0045881"]),
        ("Our group ID is 772301-0001.", ["772301"]),  # a -NNNN suffix is not part of the ID
        ("Group number: 30417-0002", ["30417"]),
        ("Café Lumière LLC, group 5521873", ["5521873"]),
        ("GROUP ID 8812040, “Delgado & Sons Catering”", ["8812040"]),
        ("Invoice #00731882 came to $3,912.40", []),
        ("Reference: Case 00912345", []),
        ("bank confirmation 48213-77", []),
        ("Tahoe City, CA 96145", []),
        ("call (555) 013-2287 or 1-800-790-4661", []),
        ("our tax ID 123456 and member ID 7654321", []),
        ("a group of 12 employees", []),
        ("Group ID: 123", []),  # too short for the directory's pattern
        ("Group ID: 604213 and group 604214", ["604213", "604214"]),
    ],
)
def test_group_ids_in_the_forms_employers_write(text: str, expected: list[str], directory: Directory) -> None:
    assert group_ids(text, directory) == expected


def test_two_different_group_ids_need_a_person(index: SearchIndex) -> None:
    result = triage_json(run(index, email("Please change our broker of record.\nGroup ID: 604213\nGroup name: Acme LLC\nOur other group is 604214.")))
    assert result["action"] == REVIEW
    assert "604213 and 604214" in result["reason"]
    assert result["group_id"] is None


def test_the_group_id_in_quoted_history_is_not_used(index: SearchIndex) -> None:
    body = "Please change our broker of record to Dana Lee.\n\nThanks,\nAna\n\nOn Mon, Mar 9 CSU <csu@example.com> wrote:\n> Group ID: 604213\n> Group name: Ortiz Landscaping LLC\n"
    result = triage_json(run(index, email(body, subject="Re: broker")))
    assert result["group_id"] is None and result["group_name"] is None
    assert result["action"] == ASK_SENDER


# --- group names --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Blue Heron Dental Group", True),
        ("Delgado & Sons Catering", True),
        ("Café Lumière LLC", True),
        ("Office Manager", False),
        ("Head of School", False),
        ("HR & Payroll", False),
        ("Dueño / Owner", False),
        ("Bookkeeper", False),
        ("(555) 019-3321", False),
        ("2150 Harbor Blvd, Suite 4", False),
        ("Thanks so much", False),
        ("the bakery on Main", False),
    ],
)
def test_what_counts_as_a_business_name(text: str, expected: bool) -> None:
    assert name_like(text) is expected


@pytest.mark.parametrize(
    "body, subject, expected",
    [
        ("Please send our bills.\n\nGroup ID: 604213\n\nThanks,\nAna Ortiz\nOrtiz Landscaping LLC\n(555) 013-2287", "Bills", "Ortiz Landscaping LLC"),
        ("Please send our bills.\nGroup ID: 604213\n\nAna Ortiz\nOwner, Sunrise Deli Inc", "Bills", "Sunrise Deli Inc"),
        ("Please send our bills.\nGroup ID: 604213\nCompany: “Maple Street Cafe”\n", "Bills", "Maple Street Cafe"),
        ("Please send our bills.\nGroup ID: 604213\n", "Sunrise Deli Inc - bill copies", "Sunrise Deli Inc"),
        ("Please send our bills.\nGroup ID: 604213\n\nThanks,\nAna Ortiz\nOffice Manager", "Bills", None),
        ("Please send our bills.\nGroup ID: 604213\n\nAna Ortiz\nHR", "Bills", None),
        # Two name-like parts in the subject: a guess, so none.
        ("Please send our bills.\nGroup ID: 604213\n", "Sunrise Deli - Maple Cafe", None),
    ],
    ids=["signature", "role-comma-name", "labelled-quoted", "subject", "role-only", "hr", "ambiguous-subject"],
)
def test_group_names_from_labels_subject_and_signature(body: str, subject: str, expected: str | None, index: SearchIndex) -> None:
    assert triage_json(run(index, email(body, subject=subject)))["group_name"] == expected


# --- actions ------------------------------------------------------------------------------------


def test_a_complete_request_is_forwarded_with_reasons(index: SearchIndex) -> None:
    result = triage_json(run(index, (FIXTURES / "01_bor_change.eml").read_bytes()))
    assert result["action"] == FORWARD
    assert result["contact"]["email"] == result["forward_to"]["address"]
    assert "Broker of record" in result["reason"] and "604213" in result["reason"]
    assert result["sources"] == {"group_id": "the message", "group_name": "a labelled line"}


def test_json_shape(index: SearchIndex) -> None:
    result = triage_json(run(index, (FIXTURES / "08_enrollment_application_pdf.eml").read_bytes()))
    assert {"contact", "group_id", "group_name", "missing", "action", "reason", "confidence", "message_id", "from", "subject", "attachments", "loop_signals"} <= set(result)
    assert {"id", "name"} <= set(result["contact"])
    assert result["attachments"] == [{"filename": "Enrollment_Application_A_Reyes.pdf", "content_type": "application/pdf", "size": 478}]
    assert result["message_id"] == "<CAB7q1+Vd9kz3e@example.org>" and result["from"] == "mgonzalez.dds@example.org"


@pytest.mark.parametrize("name", sorted(n for n, e in EXPECTED.items() if e["action"] == IGNORE))
def test_machine_mail_is_ignored_with_no_team_and_no_reply(name: str, index: SearchIndex, directory: Directory) -> None:
    result = run(index, (FIXTURES / name).read_bytes())
    assert result.action == IGNORE and result.contact is None
    assert "loop" in result.reason
    assert ask_sender_draft(result, directory) is None or result.loop_guarded


def test_a_medical_emergency_is_for_a_person(index: SearchIndex) -> None:
    result = run(index, email("My employee collapsed at work and is not breathing. Group ID: 604213, Group name: Acme LLC"))
    assert result.action == REVIEW and result.decision is not None and result.decision.safety


def test_mail_without_a_sender_is_for_a_person(index: SearchIndex) -> None:
    assert run(index, b"Subject: bill\n\nPlease send a copy of our bill. Group ID: 604213").action == REVIEW


def test_empty_input_is_for_a_person(index: SearchIndex) -> None:
    result = run(index, b"")
    assert result.action == REVIEW and "empty" in result.reason


def test_the_reply_subject_does_not_decide_when_the_reply_says_enough(index: SearchIndex) -> None:
    result = triage_json(run(index, (FIXTURES / "20_reply_outlook_reconcile_cp1252.eml").read_bytes()))
    assert result["contact"]["id"] == "california-service-center"
    assert "not the reply's subject" in result["routing"]["read"]


def test_a_short_forward_note_reads_the_forwarded_message(index: SearchIndex) -> None:
    result = triage_json(run(index, (FIXTURES / "15_fwd_midyear_downgrade.eml").read_bytes()))
    assert "the forwarded message" in result["routing"]["read"]
    assert result["sources"]["group_id"] == "the forwarded message"


def test_staff_corrections_replace_what_was_read(index: SearchIndex) -> None:
    raw = (FIXTURES / "21_missing_both_invoice_copy.eml").read_bytes()
    fixed = run(index, raw, correction=Correction(contact_id="client-services-unit", group_id="604213", group_name="Acme LLC"))
    assert fixed.action == FORWARD
    assert fixed.team is not None and fixed.team.id == "client-services-unit"
    assert triage_json(fixed)["sources"] == {"group_id": "staff", "group_name": "staff"}


# --- the ask_sender draft -------------------------------------------------------------------------


def test_the_draft_asks_for_what_is_missing_and_says_why(index: SearchIndex, directory: Directory) -> None:
    result = run(index, (FIXTURES / "22_missing_id_cobra_zip.eml").read_bytes())
    draft = ask_sender_draft(result, directory)
    assert draft is not None
    assert draft.to == "nora@example.net"
    assert draft.subject == "Re: COBRA for employee going part-time"
    assert draft.in_reply_to == "<CANj3ns0@example.net>" and draft.references.endswith("<CANj3ns0@example.net>")
    # The Client Services Unit's listing asks for nothing itself, so the desk asks in its own name.
    assert directory.contact("client-services-unit").emails[0].include == ()
    assert "To pass it on we need the group name and group ID" in draft.body and "The team asks" not in draft.body
    assert "did not include the group ID" in draft.body
    assert "Group ID: " + directory.group_id.description in draft.body
    assert "Group name: Lakeside Florist" in draft.body  # what we already have is repeated back
    assert draft.body.startswith("Hello Nora,")


def test_a_reply_keeps_one_re_prefix(index: SearchIndex, directory: Directory) -> None:
    result = run(index, email("Can you send a copy of our bill?", subject="RE: our bill"))
    draft = ask_sender_draft(result, directory)
    assert draft is not None and draft.subject == "RE: our bill"


def test_no_draft_when_nothing_is_missing(index: SearchIndex, directory: Directory) -> None:
    assert ask_sender_draft(run(index, (FIXTURES / "01_bor_change.eml").read_bytes()), directory) is None
