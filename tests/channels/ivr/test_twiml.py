"""The phone menu's TwiML builders, called directly: the menu, each outcome, spoken addresses, the phone tree.

Whole calls over HTTP, signed as Twilio signs them, are in test_ivr_calls.py.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from urllib.parse import parse_qsl, urlsplit

import pytest
from twilio.twiml.voice_response import VoiceResponse

from routing.channels.ivr import twiml as ivr
from routing.channels.ivr.twiml import CallState
from routing.core.directory import loads
from routing.core.instants import parse_instant
from routing.core.phone_menu import menu_options
from routing.core.rules import route
from routing.present.phone_tree import phone_tree, tree_lines
from routing.settings import ROOT
from routing.store.search_index import open_index

MONDAY_10AM = parse_instant("2026-11-23T10:00:00-08:00")
SATURDAY = parse_instant("2026-11-28T10:00:00-08:00")
THANKSGIVING = parse_instant("2026-11-26T10:00:00-08:00")
TUESDAY_6PM = parse_instant("2026-11-24T18:00:00-08:00")
INSTANTS = [MONDAY_10AM, SATURDAY, THANKSGIVING, TUESDAY_6PM]


@pytest.fixture(scope="module")
def index(tmp_path_factory, directory):
    return open_index(directory, tmp_path_factory.mktemp("index"))


def parsed(response: VoiceResponse) -> ET.Element:
    return ET.fromstring(str(response))


def spoken(root: ET.Element) -> str:
    return " ".join(say.text or "" for say in root.iter("Say"))


def dialed(root: ET.Element) -> list[tuple[str, str | None]]:
    return [((number.text or "").strip(), number.get("sendDigits")) for number in root.iter("Number")]


def last_verb(root: ET.Element) -> str:
    return root[-1].tag


# -- spoken addresses --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("csc-sd-sba@kp.org", "c s c dash s d dash s b a at k p dot org"),
        ("csu.ca@kp.org", "c s u dot c a at k p dot org"),
        ("amt@kp.org", "a m t at k p dot org"),
        ("account.kp.org", "account dot k p dot org"),
        ("kp.org", "k p dot org"),
        ("Help_Desk+2@Example.com", "h e l p underscore d e s k plus 2 at example dot com"),
    ],
)
def test_addresses_are_spelled_so_a_caller_can_write_them_down(text, said):
    assert ivr.speakable(text) == said


# -- the menu --------------------------------------------------------------------------


def test_the_menu_keys_are_the_main_lines_options(directory):
    options = menu_options(directory)
    assert [(o.key, o.contact.id) for o in options] == [
        ("1", "california-service-center"),
        ("2", "client-services-unit"),
        ("3", "account-management-support"),
    ]
    assert {o.phone.number for o in options} == {directory.ivr.line}


def test_the_greeting_gathers_a_key_or_speech_and_reads_the_options(directory):
    root = parsed(ivr.menu(directory, CallState()))
    gather = root.find("Gather")
    assert gather is not None
    assert gather.get("input") == "dtmf speech"
    assert gather.get("language") == "en-US"
    assert gather.get("numDigits") == "1"
    assert gather.get("speechTimeout") == "auto"
    said = [say.text for say in gather.iter("Say")]
    assert said[0] == directory.ivr.greeting
    assert directory.ivr.menu_intro in said
    assert "For billing and eligibility questions, the California Service Center, press 1." in said
    assert "For benefit, COBRA and contract or eligibility inquiries, the Client Services Unit, press 2." in said
    assert "For broker of record, contact, group address, plan and renewal changes, the Account Management Support Team, press 3." in said
    assert f"To hear these options again, press {directory.ivr.repeat_key}." in said
    # Silence falls through the Gather: the Redirect counts it as a failed try.
    assert last_verb(root) == "Redirect"
    assert "failures=1" in (root[-1].text or "")


def test_later_prompts_skip_the_greeting(directory):
    root = parsed(ivr.menu(directory, CallState(failures=1, turn=1)))
    assert directory.ivr.greeting not in spoken(root)
    assert "press 1" in spoken(root)


def test_speech_hints_come_from_the_directory_and_stay_short(directory):
    hints = [h.strip() for h in ivr.speech_hints(directory).split(",")]
    assert {"California Service Center", "Client Services Unit", "Account Management Support Team"} <= set(hints)
    assert "broker of record" in hints and "cobra" in hints
    # The recogniser is given words as people say them, not the matcher's joined-up tokens.
    assert "id card" in hints and "idcard" not in hints
    assert len(hints) <= ivr.MAX_HINTS
    assert len(hints) == len({h.lower() for h in hints})
    assert all(len(h.split()) <= ivr.MAX_HINT_WORDS for h in hints[3:])


def test_the_menu_follows_the_directory_not_the_code():
    text = (ROOT / "directory.yaml").read_text()
    text = text.replace('repeat_key: "9"', 'repeat_key: "0"')
    text = text.replace("name: Client Services Unit", "name: Benefits Desk")
    text = text.replace('greeting: "Thank you for calling small business support."', 'greeting: "Welcome to the help line."')
    changed = loads(text)
    said = spoken(parsed(ivr.menu(changed, CallState())))
    assert said.startswith("Welcome to the help line.")
    assert "For benefit, COBRA and contract or eligibility inquiries, the Benefits Desk, press 2." in said
    assert "press 0" in said and "press 9" not in said


def test_no_phone_number_address_or_key_is_written_into_the_ivr_code():
    for path in (*sorted((ROOT / "routing" / "channels" / "ivr").glob("*.py")), ROOT / "templates" / "ivr.html"):
        source = path.read_text()
        assert not re.search(r"\+1\d{10}|\d{3}-\d{4}|[\w.-]+@[\w-]+\.\w+|\b911\b", source), path
        assert not re.search(r"press [0-9*#]\b", source, re.IGNORECASE), path


# -- key presses ---------------------------------------------------------------------------


@pytest.mark.parametrize(("key", "name"), [("1", "California Service Center"), ("2", "Client Services Unit"), ("3", "Account Management Support Team")])
def test_a_key_for_an_open_team_says_its_name_and_dials_the_line_then_its_key(directory, key, name):
    root = parsed(ivr.pressed(directory, key, CallState(), MONDAY_10AM))
    assert spoken(root).startswith(f"I will connect you to the {name}.")
    assert dialed(root) == [("+18007904661", f"wwww{key}")]
    assert last_verb(root) == "Dial"


def test_the_repeat_key_reads_the_menu_again_without_counting_a_failure(directory):
    root = parsed(ivr.pressed(directory, directory.ivr.repeat_key, CallState(), MONDAY_10AM))
    assert "For billing and eligibility questions, the California Service Center, press 1." in spoken(root)
    assert directory.ivr.not_understood not in spoken(root)
    action = root.find("Gather").get("action")  # type: ignore[union-attr]
    assert "failures=0" in action and "turn=1" in action


def test_the_repeat_key_cannot_keep_a_call_going_forever(directory):
    root = parsed(ivr.pressed(directory, directory.ivr.repeat_key, CallState(turn=ivr.MAX_TURNS - 1), MONDAY_10AM))
    assert root.find("Gather") is None
    assert dialed(root) == [("+18007904661", None)]  # the general line, open on Monday


@pytest.mark.parametrize("key", ["0", "4", "7", "*", "#", "12"])
def test_an_invalid_key_says_sorry_and_asks_again(directory, key):
    root = parsed(ivr.pressed(directory, key, CallState(), MONDAY_10AM))
    assert spoken(root).startswith(directory.ivr.not_understood)
    assert root.find("Gather") is not None
    assert not dialed(root)


def test_after_the_last_failed_try_an_open_general_line_takes_the_call(directory):
    root = parsed(ivr.pressed(directory, "7", CallState(failures=directory.ivr.max_failures - 1, turn=1), MONDAY_10AM))
    assert spoken(root).startswith(directory.ivr.not_understood)
    assert "Small Business Representative" in spoken(root)
    assert dialed(root) == [("+18007904661", None)]


def test_after_the_last_failed_try_a_closed_general_line_gives_its_after_hours_message(directory):
    root = parsed(ivr.pressed(directory, "7", CallState(failures=directory.ivr.max_failures - 1, turn=1), SATURDAY))
    said = spoken(root)
    assert "The Small Business Representative is closed now." in said
    assert "It opens Monday at 8:30 AM Pacific." in said
    assert said.endswith(directory.ivr.goodbye)
    assert last_verb(root) == "Hangup" and not dialed(root)


@pytest.mark.parametrize(
    ("key", "at", "expected"),
    [
        ("3", SATURDAY, ["The Account Management Support Team is closed now.", "It opens Monday at 7 AM Pacific.", "a m t at k p dot org"]),
        ("1", THANKSGIVING, ["The California Service Center is closed today for Thanksgiving Day.", "It opens Monday at 8 AM Pacific.", "c s c dash s d dash s b a at k p dot org"]),
        ("2", TUESDAY_6PM, ["The Client Services Unit is closed now.", "It opens tomorrow at 8:30 AM Pacific.", "c s u dot c a at k p dot org"]),
    ],
)
def test_a_closed_team_says_when_it_opens_where_to_write_and_hangs_up(directory, key, at, expected):
    root = parsed(ivr.pressed(directory, key, CallState(), at))
    said = spoken(root)
    for sentence in expected:
        assert sentence in said
    # Only amt@kp.org's listing asks for the group name and ID (seed-000); the others are not given words they lack.
    assert ("include your group name and group ID" in said) == (key == "3")
    assert "online, any time, at account dot k p dot org" in said
    assert said.endswith(directory.ivr.goodbye)
    assert last_verb(root) == "Hangup" and not dialed(root)


# -- speech -----------------------------------------------------------------------------------


def test_speech_is_routed_by_the_rules_engine_and_said_back(directory, index):
    decision = route(index, "I need to change our broker", "ivr", MONDAY_10AM)
    root = parsed(ivr.heard(directory, decision, CallState(), MONDAY_10AM))
    assert "The Account Management Support Team handles broker of record changes." in spoken(root)
    assert dialed(root) == [("+18007904661", "wwww3")]


@pytest.mark.parametrize("at", INSTANTS)
def test_emergency_speech_says_dial_911_first_then_offers_the_menu_without_dialing(directory, index, at):
    decision = route(index, "my husband is having chest pain", "ivr", at)
    root = parsed(ivr.heard(directory, decision, CallState(), at))
    assert spoken(root).startswith(directory.ivr.emergency)
    assert root.find("Gather") is not None and last_verb(root) == "Redirect"  # the call goes on
    assert not dialed(root)
    # One short prompt after the warning, not the whole menu: the menu is a key away.
    assert "press 1" not in spoken(root) and "press 9 for the menu" in spoken(root)


def test_unrecognised_speech_is_a_failed_try(directory, index):
    decision = route(index, "what's the weather like", "ivr", MONDAY_10AM)
    root = parsed(ivr.heard(directory, decision, CallState(), MONDAY_10AM))
    assert spoken(root).startswith(directory.ivr.not_understood)
    assert "failures=1" in root.find("Gather").get("action")  # type: ignore[union-attr]


def test_a_line_with_unlisted_hours_is_tried_and_the_caller_told_why(directory, index):
    decision = route(index, "feedback about my health plan", "ivr", MONDAY_10AM)
    assert decision.contact.id == "member-services"
    root = parsed(ivr.heard(directory, decision, CallState(), MONDAY_10AM))
    assert "The hours of the Member Services Center are not listed, so I will try to connect you now." in spoken(root)
    assert dialed(root) == [("+18004644000", None)]


def test_a_website_answer_says_where_and_offers_an_open_team(directory, index):
    decision = route(index, "order replacement ID cards", "ivr", MONDAY_10AM)
    assert decision.contact.id == "account-kp-org"
    root = parsed(ivr.heard(directory, decision, CallState(), MONDAY_10AM))
    said = spoken(root)
    assert "online, any time, at account dot k p dot org, under Manage Members." in said
    offer = root.find("Gather")
    assert offer is not None and "to=online-self-service-help" in offer.get("action", "")
    assert "press any key" in spoken(offer)
    assert last_verb(root) == "Hangup" and not dialed(root)


def test_a_website_answer_when_no_team_is_open_offers_the_menu_then_says_goodbye(directory, index):
    decision = route(index, "order replacement ID cards", "ivr", SATURDAY)
    root = parsed(ivr.heard(directory, decision, CallState(), SATURDAY))
    offer = root.find("Gather")
    assert offer is not None and offer.get("action", "").startswith("/ivr/menu?")  # a key brings the menu back
    assert "For anything else, press any key now to hear the menu." in spoken(root)
    assert not dialed(root)
    assert spoken(root).endswith(directory.ivr.goodbye) and last_verb(root) == "Hangup"


def test_a_closed_team_reached_by_speech_names_the_do_it_yourself_page(directory, index):
    decision = route(index, "we need copies of our bills", "ivr", SATURDAY)
    assert decision.contact.id == "california-service-center" and decision.self_service is not None
    said = spoken(parsed(ivr.heard(directory, decision, CallState(), SATURDAY)))
    assert "You can also do this yourself online, any time, at account dot k p dot org, under Manage Members." in said


# -- no call loops forever -----------------------------------------------------------------------


def state_in(url: str | None) -> CallState:
    return CallState.from_query(dict(parse_qsl(urlsplit(url or "").query)))


@pytest.mark.parametrize("at", INSTANTS)
@pytest.mark.parametrize("digits", ["", "0", "1", "3", "4", "7", "8", "9", "*", "#"])
def test_a_caller_who_keeps_doing_the_same_thing_always_reaches_a_dial_or_hangup(directory, at, digits):
    """Silence follows each Redirect; a key answers each Gather, as Twilio would send them."""
    root = parsed(ivr.menu(directory, CallState()))
    for _ in range(2 * ivr.MAX_TURNS):
        if last_verb(root) in ("Dial", "Hangup"):
            return
        assert last_verb(root) == "Redirect"
        if digits:
            root = parsed(ivr.pressed(directory, digits, state_in(root.find("Gather").get("action")), at))  # type: ignore[union-attr]
        else:
            root = parsed(ivr.silence(directory, state_in(root[-1].text), at))
    pytest.fail(f"pressing {digits!r} kept the call in the menu")


@pytest.mark.parametrize(("raw", "count"), [("2", 2), ("-4", 0), ("lots", 0), (None, 0), ("99999", 1000)])
def test_a_count_in_the_url_is_read_safely(raw, count):
    assert CallState.from_query({"failures": raw, "turn": raw}) == CallState(count, count)


# -- the phone tree ---------------------------------------------------------------------------------


def test_the_phone_tree_lists_each_number_and_its_keys(directory):
    tree = phone_tree(directory, MONDAY_10AM)
    main = next(n for n in tree["numbers"] if n["number"] == directory.ivr.line)
    assert [(o["keys"], o["contact"]["id"]) for o in main["options"]] == [
        ("", "small-business-representative"),
        ("1", "california-service-center"),
        ("2", "client-services-unit"),
        ("3", "account-management-support"),
    ]
    amt = main["options"][3]
    assert amt["hours"]["text"] == "Mon–Fri 7:00 AM–5:30 PM PT"
    assert amt["open_now"] is True and amt["status_line"].startswith("Open now")
    other = next(n for n in tree["numbers"] if n["display"] == "1-800-731-4661")
    assert [(o["keys"], o["contact"]["id"]) for o in other["options"]] == [("2", "california-service-center")]


def test_the_phone_tree_says_how_to_reach_each_contact(directory):
    tree = phone_tree(directory, SATURDAY)
    calls = {c["id"]: [call["instructions"] for call in c["calls"]] for c in tree["contacts"]}
    assert calls["account-management-support"] == ["call 1-800-790-4661, press 3"]
    assert calls["california-service-center"] == ["call 1-800-790-4661, press 1", "call 1-800-731-4661, press 2"]
    assert calls["small-business-representative"] == ["call 1-800-790-4661"]
    assert "account-kp-org" not in calls  # a website has no phone tree entry
    assert {c["id"]: c["open_now"] for c in tree["contacts"]}["client-services-unit"] is False


def test_the_tree_as_text(directory):
    lines = tree_lines(phone_tree(directory, SATURDAY))
    assert lines[0].startswith("Phone menu on 1-800-790-4661")
    assert "  press 3: Account Management Support Team (broker of record, contact, group address, plan and renewal changes)" in lines
    assert "    press 3: Account Management Support Team · Mon–Fri 7:00 AM–5:30 PM PT · Closed · opens Mon 7:00 AM PT" in lines
    assert "  Account Management Support Team (account-management-support): call 1-800-790-4661, press 3" in lines
    assert "    answered directly: Member Services Center · Hours not listed" in lines
