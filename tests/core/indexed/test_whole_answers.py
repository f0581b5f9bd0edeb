"""Whole answers: the team and the website together at any hour, how to send a thing, and subjects two teams share.

Each expectation is read from the directory, not written out here, and the
derived ones are checked again on an edited directory, so a hard-coded answer
would fail.
"""

from __future__ import annotations

import pytest

from routing.core.directory import load, loads
from routing.core.instants import parse_instant
from routing.core.model import ContactKind
from routing.core.rules import route
from routing.settings import ROOT
from routing.store.search_index import open_index

MONDAY_10AM = parse_instant("2026-11-23T10:00:00-08:00")  # every team open
MONDAY_7PM = parse_instant("2026-11-23T19:00:00-08:00")  # every team closed, the website open
SATURDAY = parse_instant("2026-11-28T10:00:00-08:00")
INSTANTS = (MONDAY_10AM, MONDAY_7PM, SATURDAY)
SOURCE = (ROOT / "directory.yaml").read_text()


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    return open_index(load(ROOT / "directory.yaml"), tmp_path_factory.mktemp("index"))


def _edited(tmp_path, old: str, new: str, *more: tuple[str, str]):
    source = SOURCE
    for before, after in ((old, new), *more):
        assert before in source
        source = source.replace(before, after, 1)
    return open_index(loads(source), tmp_path)


# -- 2. the team and the website, at any hour ---------------------------------------------------


@pytest.mark.parametrize("question", ["renewal", "plan change", "we want to change plans at renewal"])
def test_renewal_answers_alike_at_every_hour_and_only_the_order_changes(index, question):
    answers = [route(index, question, "web", at) for at in INSTANTS]
    team = answers[0].contact
    assert team.kind is ContactKind.TEAM and team.id == "account-management-support"
    site, task = index.directory.topic(answers[0].topic.self_service)
    for answer in answers:
        assert answer.contact.id == team.id, answer.at
        assert answer.self_service is not None and answer.self_service.topic.id == task.id
        assert answer.alternatives[0].id == site.id
        assert answer.reason == answers[0].reason
        assert not any("closed" in note for note in answer.notes)  # no after-hours note standing in for the website
    assert [a.self_service_first for a in answers] == [False, True, True]


def test_after_hours_a_question_about_something_else_is_not_sent_to_the_renewal_team(index):
    # The old after-hours rule fired on any question whose hits merely included a renewal topic.
    for question in ["feedback about my health plan", "does our group plan cover chiropractic care", "renewal packet"]:
        assert route(index, question, "web", MONDAY_7PM).contact.id == route(index, question, "web", MONDAY_10AM).contact.id


def test_every_team_topic_with_a_website_way_offers_both_at_every_hour(index):
    directory = index.directory
    checked = 0
    for contact in directory.contacts:
        for topic in contact.topics:
            if not topic.self_service:
                continue
            answers = [route(index, topic.title, "web", at) for at in INSTANTS]
            if answers[0].topic is None or answers[0].topic.id != topic.id:
                continue  # the title reads as another topic; nothing to say about this one
            checked += 1
            for answer in answers:
                assert (answer.contact.id, answer.self_service and answer.self_service.topic.id) == (contact.id, topic.self_service), topic.id
    assert checked >= 4


# -- 3. how to send it, from the purposes of the contact's email and fax -----------------------------


def test_faxing_enrollment_forms_is_told_they_go_by_email_and_what_the_fax_is_for(index):
    answer = route(index, "where do I fax enrollment forms", "web", MONDAY_10AM)
    contact = answer.contact
    email = next(e for e in contact.emails if "enrollment" in e.purpose.lower())
    fax = contact.faxes[0]
    assert answer.sending is not None and answer.sending.asked == "fax"
    first, *rest = answer.sending.ways
    assert (first.kind, first.address, first.fits) == ("email", email.address, True)
    assert [(w.kind, w.address, w.fits) for w in rest] == [("fax", fax.display, False)]
    assert "by email, not by fax" in answer.sending.lead
    assert any(fax.purpose.lower() in s.lower() for s in answer.sending.sentences)


def test_the_way_to_send_follows_the_purposes_in_the_directory_not_the_code(tmp_path):
    # Swap what the email and the fax are for: the answer swaps with them.
    index = _edited(
        tmp_path,
        'purpose: "Enrollment applications, member terminations and account changes"\n        # No "include"',
        'purpose: "All other information"\n        # No "include"',
        (
            '{number: "+18553555334", display: "1-855-355-5334", purpose: "All other information"',
            '{number: "+18553555334", display: "1-855-355-5334", purpose: "Enrollment applications, member terminations and account changes"',
        ),
    )
    answer = route(index, "where do I email enrollment forms", "web", MONDAY_10AM)
    assert answer.sending is not None
    assert (answer.sending.ways[0].kind, answer.sending.ways[0].fits) == ("fax", True)
    assert "by fax, not by email" in answer.sending.lead


def test_a_question_that_sends_nothing_gets_no_sending_advice(index):
    assert route(index, "we are changing our broker of record", "web", MONDAY_10AM).sending is None


# -- 4. one subject, two teams ----------------------------------------------------------------------


def _teams_listing(directory, word: str) -> set[str]:
    return {c.id for c in directory.contacts if c.kind is ContactKind.TEAM for t in c.topics if word in t.words}


@pytest.mark.parametrize("question", ["eligibility", "who handles eligibility questions", "is my part time employee eligible"])
def test_eligibility_names_both_teams_each_with_its_part(index, question):
    answer = route(index, question, "web", MONDAY_10AM)
    named = {answer.contact.id, *(h.contact.id for h in answer.shared)}
    assert named == _teams_listing(index.directory, "eligibility") and len(named) == 2
    assert answer.shared_subject == "eligibility"
    assert not named & {c.id for c in answer.alternatives}  # equals, not "also worth knowing"
    for handler in [*answer.shared]:
        assert handler.topic in handler.contact.topics
        assert handler.contact.name in answer.reason


@pytest.mark.parametrize("question", ["renewal", "billing and eligibility question", "we are changing our broker of record"])
def test_a_subject_only_one_team_lists_has_one_answer(index, question):
    assert route(index, question, "web", MONDAY_10AM).shared == ()


def test_a_subject_listed_under_a_third_team_names_all_three(tmp_path):
    index = _edited(tmp_path, 'words: ["broker of record", "broker", "agent", "brokerage"]', 'words: ["broker of record", "broker", "agent", "brokerage", "eligibility"]')
    answer = route(index, "eligibility", "web", MONDAY_10AM)
    assert {answer.contact.id, *(h.contact.id for h in answer.shared)} == _teams_listing(index.directory, "eligibility")
    assert len(answer.shared) == 2 and answer.reason.startswith("Three teams")
