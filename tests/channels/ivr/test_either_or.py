"""Two teams that fit about equally, and emergencies that also name a team, over the phone.

Whole calls signed as Twilio signs them (``Call``), answers parsed as XML. The ambiguous
questions are real ones, found by asking the router which of the development set's
questions it cannot decide between two teams; each test checks that before using one.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
import yaml
from channels.ivr.test_calls import MAIN_LINE, PUBLIC, SATURDAY, TOKEN, Call, dialed, ended, unsigned_post
from channels.ivr.test_spanish_calls import SPANISH, in_spanish, spanish_throughout
from twilio.request_validator import RequestValidator

from routing.channels.ivr import twiml as ivr
from routing.core import i18n
from routing.core.directory import load
from routing.core.instants import parse_instant
from routing.core.model import Directory
from routing.core.rules import Decision, route
from routing.present import phone_words
from routing.settings import ROOT
from routing.store import catalogs
from routing.store.search_index import open_index

MONDAY_10AM = parse_instant("2026-11-23T10:00:00-08:00")
# Every development set: which of their questions the router finds ambiguous changes as it learns, and some always are.
DEV_SETS = sorted((ROOT / "tests/data/blind").glob("dev_*.yaml"))
# Written here: the development sets hold no Spanish question the router finds ambiguous.
SPANISH_AMBIGUOUS = ["tengo una pregunta sobre la factura y los beneficios", "pregunta sobre facturación y beneficios"]
EMERGENCY_WITH_TEAM = "someone collapsed in the office and I also need a copy of our bill"
SPANISH_EMERGENCY_WITH_TEAM = "mi compañero no respira y también necesito una copia de la factura"


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    catalogs.install_all()
    return open_index(load(ROOT / "directory.yaml"), tmp_path_factory.mktemp("index"))


def dev_questions() -> list[str]:
    found: list[str] = []
    for path in DEV_SETS:
        # Phone speech first: that is what this prompt answers.
        items = [i for i in yaml.safe_load(path.read_text(encoding="utf-8")) if isinstance(i, dict) and "q" in i]
        found += [i["q"] for i in sorted(items, key=lambda i: i.get("voice") != "phone")]
    return found


def ambiguous(index, questions: list[str], language: str = "en") -> tuple[str, Decision]:
    """The first question the router answers confidently but cannot decide between two teams for."""
    with i18n.speaking(language):
        for question in questions:
            decision = route(index, question, "ivr", MONDAY_10AM)
            if decision.clarify is not None and decision.confident and not decision.safety:
                return question, decision
    pytest.fail(f"none of {len(questions)} questions is ambiguous to the router any more")


def team_line(directory: Directory, contact_id: str) -> list[tuple[str, str | None]]:
    phone = ivr.dial_phone(directory, directory.contact(contact_id))
    assert phone is not None
    return [(phone.number, f"wwww{phone.keys}" if phone.keys else None)]


def choice_of(root: ET.Element) -> tuple[str, ...]:
    gather = root.find("Gather")
    assert gather is not None
    return tuple(dict(parse_qsl(urlsplit(gather.get("action", "")).query))["choice"].split(","))


def asked_either_or(root: ET.Element, decision: Decision) -> None:
    """The caller hears a short either/or, listening for a word or one key, and nothing is dialled yet."""
    assert root.find("Dial") is None and root.find("Hangup") is None
    gather = root.find("Gather")
    assert gather is not None
    assert gather.get("input") == "speech dtmf" and gather.get("numDigits") == "1"
    assert urlsplit(gather.get("action", "")).path == ivr.CHOOSE_PATH
    assert decision.clarify is not None
    first, second = decision.clarify.topics
    assert choice_of(root) == (first.id, second.id)
    said = [s.text or "" for s in gather.iter("Say")]
    assert len(said) == 2 and said[0].endswith("?")
    # Both topics are named, in the call's language, in the order the router ranked them.
    first_said, second_said = phone_words.topic_what(first), phone_words.topic_what(second)
    assert first_said and second_said and said[0].index(first_said) < said[0].index(second_said)
    # Silence is never a dead end: Twilio falls through to the same callback, which takes the better fit.
    redirect = root.find("Redirect")
    assert redirect is not None and urlsplit((redirect.text or "").strip()).path == ivr.CHOOSE_PATH


# -- English --------------------------------------------------------------------------------------


def test_an_ambiguous_question_asks_either_or_and_2_reaches_the_second_team(phone, clock, directory, index):
    question, decision = ambiguous(index, dev_questions())
    assert decision.clarify is not None
    first, second = decision.clarify.contacts
    call = Call(phone)
    prompt = call.say(call.dial_in(), question)
    asked_either_or(prompt, decision)
    assert prompt.find("Gather").get("language") == "en-US"  # type: ignore[union-attr]
    put_through = call.press(prompt, "2")
    assert ended(put_through) == "Dial"
    assert dialed(put_through) == team_line(directory, second.id)
    assert phone_words.team(second, start=True) in " ".join(s.text or "" for s in put_through.iter("Say"))
    assert team_line(directory, second.id) != team_line(directory, first.id)


@pytest.mark.parametrize(("answer", "which"), [({"Digits": "1"}, 0), ({"SpeechResult": "the second one"}, 1), ({"SpeechResult": "um the first"}, 0), ({}, 0)])
def test_the_either_or_is_answered_by_key_word_or_silence(phone, clock, directory, index, answer, which):
    question, decision = ambiguous(index, dev_questions())
    assert decision.clarify is not None
    call = Call(phone)
    prompt = call.say(call.dial_in(), question)
    gather = prompt.find("Gather")
    assert gather is not None
    # No answer at all is what Twilio's fall-through Redirect posts.
    url = gather.get("action", "") if answer else (prompt.find("Redirect").text or "")  # type: ignore[union-attr]
    put_through = call.post(url, **answer)
    assert dialed(put_through) == team_line(directory, decision.clarify.contacts[which].id)


def test_naming_the_second_topic_reaches_the_second_team(phone, clock, directory, index):
    question, decision = ambiguous(index, ["question about billing and benefits", *dev_questions()])
    assert decision.clarify is not None
    second = decision.clarify.topics[1]
    call = Call(phone)
    put_through = call.say(call.say(call.dial_in(), question), phone_words.topic_what(second) or second.title)
    assert dialed(put_through) == team_line(directory, decision.clarify.contacts[1].id)


def test_after_hours_the_chosen_team_gives_its_after_hours_message(phone, clock, directory, index):
    clock("2026-11-28T10:00:00-08:00")
    question, decision = ambiguous(index, dev_questions())
    assert decision.clarify is not None
    call = Call(phone)
    prompt = call.say(call.dial_in(), question)
    assert prompt.find("Gather") is not None and prompt.find("Dial") is None
    closed = call.press(prompt, "2")
    said = " ".join(s.text or "" for s in closed.iter("Say"))
    assert ended(closed) == "Hangup" and not dialed(closed)
    assert phone_words.team(decision.clarify.contacts[1], start=True) in said and "closed" in said


def test_a_tampered_choice_is_refused_by_the_signature_check(phone, clock, index):
    question, _decision = ambiguous(index, dev_questions())
    call = Call(phone)
    prompt = call.say(call.dial_in(), question)
    action = urlsplit(prompt.find("Gather").get("action", ""))  # type: ignore[union-attr]
    query = dict(parse_qsl(action.query))
    fields = {"CallSid": "CA1", "From": "+15105550123", "Digits": "1"}
    signature = RequestValidator(TOKEN).compute_signature(f"{PUBLIC}{action.path}?{action.query}", fields)
    first, second = query["choice"].split(",")
    swapped = f"{action.path}?{urlencode({**query, 'choice': f'{second},{first}'})}"
    status, body = unsigned_post(phone, swapped, signature, Digits="1")
    assert status == 403 and "not signed by Twilio" in body
    assert unsigned_post(phone, f"{action.path}?{action.query}", signature, Digits="1")[0] == 200


def test_a_choice_naming_a_topic_no_longer_in_the_directory_still_answers(phone, clock, directory):
    call = Call(phone)
    answer = call.post(f"{ivr.CHOOSE_PATH}?failures=0&turn=1&choice=no-such-topic,neither", Digits="2")
    assert answer.find("Gather") is not None  # the menu again, never a dead end


# -- Spanish --------------------------------------------------------------------------------------


def test_a_spanish_ambiguous_question_asks_in_spanish_and_2_reaches_the_second_team(phone, clock, directory, index):
    question, decision = ambiguous(index, SPANISH_AMBIGUOUS, "es")
    assert decision.clarify is not None
    call = Call(phone)
    menu = in_spanish(call, directory)
    prompt = call.say(menu, question)
    spanish_throughout(prompt, directory)
    with i18n.speaking("es"):
        asked_either_or(prompt, decision)
    assert prompt.find("Gather").get("language") == SPANISH  # type: ignore[union-attr]
    assert next(s.text or "" for s in prompt.iter("Say")).startswith("¿")
    put_through = call.press(prompt, "2")
    spanish_throughout(put_through, directory)
    assert dialed(put_through) == team_line(directory, decision.clarify.contacts[1].id)


# -- emergencies ----------------------------------------------------------------------------------


def test_an_emergency_that_names_a_team_says_911_then_puts_the_caller_through(phone, clock, directory, index):
    decision = route(index, EMERGENCY_WITH_TEAM, "ivr", MONDAY_10AM)
    assert decision.safety and decision.also_needed
    team = decision.also_needed[0].contact
    call = Call(phone)
    answer = call.say(call.dial_in(), EMERGENCY_WITH_TEAM)
    said = [s.text or "" for s in answer.iter("Say")]
    assert said[0] == "This sounds like a medical emergency. Hang up and dial 911 now."
    assert ended(answer) == "Dial" and dialed(answer) == team_line(directory, team.id)
    assert MAIN_LINE in {n for n, _keys in dialed(answer)}


def test_an_emergency_that_names_a_closed_team_says_911_then_its_after_hours_message(phone, clock, directory, index):
    clock(SATURDAY)
    call = Call(phone)
    answer = call.say(call.dial_in(), EMERGENCY_WITH_TEAM)
    said = [s.text or "" for s in answer.iter("Say")]
    assert said[0] == "This sounds like a medical emergency. Hang up and dial 911 now."
    # Not hung up right after the warning: the team's after-hours message comes first.
    assert any("closed" in s for s in said[1:]) and any("opens" in s for s in said[1:])
    assert ended(answer) == "Hangup"


def test_a_spanish_emergency_that_names_a_team_warns_in_spanish_then_puts_through(phone, clock, directory, index):
    with i18n.speaking("es"):
        decision = route(index, SPANISH_EMERGENCY_WITH_TEAM, "ivr", MONDAY_10AM)
    assert decision.safety and decision.also_needed
    call = Call(phone)
    answer = call.say(in_spanish(call, directory), SPANISH_EMERGENCY_WITH_TEAM)
    spanish_throughout(answer, directory)
    assert next(s.text for s in answer.iter("Say")) == directory.ivr.translations["es"]["emergency"]
    assert dialed(answer) == team_line(directory, decision.also_needed[0].contact.id)


# -- the words ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("speech", "which"),
    [("the first one", 0), ("second", 1), ("the other one", 1), ("one", 0), ("two", 1), ("la primera", 0), ("la segunda opción", 1), ("dos", 1),
     ("una copia de la factura por favor", None), ("billing", None)],
)
def test_an_either_or_answer_is_read_as_first_second_or_neither(speech, which):
    assert phone_words.ordinal(speech) == which


def test_the_either_or_question_reads_as_a_sentence_in_both_languages(directory):
    csu, benefits = directory.topic("benefit-inquiries")
    csc, copies = directory.topic("bill-copies")
    assert phone_words.either_or(csu, benefits, csc, copies) == "Is this about benefit inquiries, or do you want to receive copies of bills?"
    catalogs.install_all()
    with i18n.speaking("es"):
        assert phone_words.either_or(csu, benefits, csc, copies) == "¿Se trata de consultas sobre beneficios, o quiere recibir copias de las facturas?"
