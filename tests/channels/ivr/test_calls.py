"""Whole phone calls, made the way Twilio makes them.

``Call`` posts the form fields Twilio sends (CallSid, From, To, then Digits or
SpeechResult), signs each request with twilio's own RequestValidator for the
public URL, parses every answer as XML, and follows Gather actions and
Redirects as Twilio would. Only the clock is pinned, through ROUTING_NOW.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import urljoin, urlsplit

import pytest
from starlette.testclient import TestClient
from twilio.request_validator import RequestValidator

from routing.cli.main import main

TOKEN = "test-twilio-token"
PUBLIC = "https://help.example.com"
MONDAY_10AM = "2026-11-23T10:00:00-08:00"
SATURDAY = "2026-11-28T10:00:00-08:00"
THANKSGIVING = "2026-11-26T10:00:00-08:00"
TUESDAY_6PM = "2026-11-24T18:00:00-08:00"
MAIN_LINE = "+18007904661"
HARD_CAP = 25  # far more turns than any real call; reaching it means a loop


class Call:
    """One simulated call. Each method returns the parsed TwiML the caller is now hearing."""

    def __init__(self, client: TestClient, base: str = PUBLIC, token: str | None = TOKEN) -> None:
        self.client = client
        self.base = base
        self.token = token
        self.fields = {"CallSid": "CA0123456789abcdef0123456789abcdef", "AccountSid": "AC0123", "From": "+15105550123", "To": "+14155550100", "CallStatus": "in-progress"}
        self.url = ""
        self.heard: list[str] = []  # everything said to the caller, in order
        self.requests = 0

    def post(self, url: str, **extra: str) -> ET.Element:
        self.url = urljoin(self.url or self.base, url)
        params = {**self.fields, **extra}
        headers = {}
        if self.token is not None:
            headers["X-Twilio-Signature"] = RequestValidator(self.token).compute_signature(self.url, params)
        parts = urlsplit(self.url)
        response = self.client.post(parts.path + (f"?{parts.query}" if parts.query else ""), data=params, headers=headers)
        self.requests += 1
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/xml")
        root = ET.fromstring(response.text)
        assert root.tag == "Response"
        self.heard += [say.text or "" for say in root.iter("Say")]
        return root

    def dial_in(self) -> ET.Element:
        return self.post("/ivr/voice")

    def press(self, root: ET.Element, digits: str) -> ET.Element:
        return self.post(self._gather(root).get("action", ""), Digits=digits)

    def say(self, root: ET.Element, speech: str) -> ET.Element:
        return self.post(self._gather(root).get("action", ""), SpeechResult=speech, Confidence="0.92")

    def stay_silent(self, root: ET.Element) -> ET.Element:
        # Twilio falls through a Gather that heard nothing to the next verb.
        redirect = root.find("Redirect")
        assert redirect is not None, "a silent caller would be left with nothing"
        return self.post(redirect.text or "")

    def _gather(self, root: ET.Element) -> ET.Element:
        gather = root.find("Gather")
        assert gather is not None, f"nothing is listening for the caller: {ET.tostring(root)!r}"
        return gather

    def said(self) -> str:
        return " ".join(self.heard)


def ended(root: ET.Element) -> str:
    """How the call ends: 'Dial' or 'Hangup' (asserting it does end)."""
    assert root[-1].tag in ("Dial", "Hangup"), f"the call goes on: {ET.tostring(root)!r}"
    return root[-1].tag


def dialed(root: ET.Element) -> list[tuple[str, str | None]]:
    return [((n.text or "").strip(), n.get("sendDigits")) for n in root.iter("Number")]


# -- the menu ---------------------------------------------------------------------------------


def test_an_incoming_call_hears_the_greeting_and_the_menu(phone, clock, directory):
    call = Call(phone)
    root = call.dial_in()
    gather = root.find("Gather")
    assert gather is not None
    assert (gather.get("input"), gather.get("language"), gather.get("numDigits")) == ("dtmf speech", "en-US", "1")
    assert "broker of record" in gather.get("hints", "")
    assert call.heard[0] == directory.ivr.greeting
    assert "For broker of record, contact, group address, plan and renewal changes, the Account Management Support Team, press 3." in call.heard
    assert root[-1].tag == "Redirect"


@pytest.mark.parametrize(("key", "team"), [("1", "California Service Center"), ("2", "Client Services Unit"), ("3", "Account Management Support Team")])
def test_each_key_transfers_to_its_team_on_the_main_line(phone, clock, key, team):
    call = Call(phone)
    root = call.press(call.dial_in(), key)
    assert ended(root) == "Dial"
    assert dialed(root) == [(MAIN_LINE, f"wwww{key}")]
    assert call.heard[-1] == f"I will connect you to the {team}. Please hold."


def test_the_repeat_key_plays_the_menu_again(phone, clock, directory):
    call = Call(phone)
    again = call.press(call.dial_in(), directory.ivr.repeat_key)
    said_again = [say.text for say in again.iter("Say")]
    assert "For billing and eligibility questions, the California Service Center, press 1." in said_again
    assert directory.ivr.greeting not in said_again
    assert directory.ivr.not_understood not in said_again
    # And the menu still works after it.
    assert dialed(call.press(again, "2")) == [(MAIN_LINE, "wwww2")]


@pytest.mark.parametrize(
    ("speech", "digits", "team"),
    [
        ("I need to change our broker.", "wwww3", "Account Management Support Team"),
        ("We have a question about our bill", "wwww1", "California Service Center"),
        ("COBRA question for a former employee", "wwww2", "Client Services Unit"),
    ],
)
def test_speech_is_routed_like_the_web_and_transfers(phone, clock, speech, digits, team):
    call = Call(phone)
    root = call.say(call.dial_in(), speech)
    assert dialed(root) == [(MAIN_LINE, digits)]
    assert any(s.startswith((f"The {team} handles ", f"The {team} can help you ")) for s in call.heard)


def test_speech_for_a_line_without_listed_hours_is_put_through_anyway(phone, clock):
    call = Call(phone)
    root = call.say(call.dial_in(), "I have feedback about my health plan")
    assert dialed(root) == [("+18004644000", None)]
    assert "The hours of the Member Services Center are not listed, so I will try to connect you now." in call.heard


def test_speech_for_a_website_task_offers_an_open_team(phone, clock):
    call = Call(phone)
    root = call.say(call.dial_in(), "order replacement ID cards")
    assert "You can order member ID cards yourself online, any time, at account dot k p dot org, under Manage Members." in call.heard
    assert ended(root) == "Hangup"  # for a caller who does nothing more
    transferred = call.press(root, "5")
    assert dialed(transferred) == [("+18667524737", None)]


# -- failed tries -------------------------------------------------------------------------------


def test_no_input_replays_the_prompt_then_the_general_line_takes_the_call(phone, clock, directory):
    call = Call(phone)
    first = call.dial_in()
    second = call.stay_silent(first)
    assert second.find("Gather") is not None
    assert "For billing and eligibility questions, the California Service Center, press 1." in [s.text for s in second.iter("Say")]
    assert directory.ivr.not_understood not in call.heard  # silence is not scolded
    last = call.stay_silent(second)
    assert ended(last) == "Dial"
    assert dialed(last) == [(MAIN_LINE, None)]
    assert call.heard[-1] == "I will connect you to the Small Business Representative. Please hold."


def test_no_input_twice_after_hours_ends_with_the_after_hours_message(phone, clock, directory):
    clock(SATURDAY)
    call = Call(phone)
    last = call.stay_silent(call.stay_silent(call.dial_in()))
    assert ended(last) == "Hangup" and not dialed(last)
    assert "The Small Business Representative is closed now." in call.heard
    assert "It opens Monday at 8:30 AM Pacific." in call.heard
    assert "Then you can call 1-800-790-4661." in call.heard  # the general line has no key to press
    assert "Many requests can also be done online, any time, at account dot k p dot org." in call.heard
    assert call.heard[-1] == directory.ivr.goodbye


@pytest.mark.parametrize(
    ("speech", "opening"),
    [
        ("um my car insurance bill went up who do i call", "This sounds like a question about other kinds of insurance, which this help desk does not handle"),
        # Nothing named, but like the questions people asked about other things.
        ("what's the weather like in Fresno", "This does not sound like a question about the health plan"),
    ],
)
def test_a_question_about_something_else_hears_plainly_what_this_line_is_for_then_the_menu(phone, clock, directory, speech, opening):
    clock(MONDAY_10AM)
    call = Call(phone)
    root = call.say(call.dial_in(), speech)
    spoken = [s.text or "" for s in root.iter("Say")]
    assert spoken[0].startswith(opening)
    assert "Sorry, I didn't get that." not in spoken
    assert not dialed(root) and any("press 1" in s for s in spoken)  # the menu again, nobody dialled


def test_an_invalid_key_says_sorry_and_after_two_the_general_line_answers(phone, clock, directory):
    call = Call(phone)
    retry = call.press(call.dial_in(), "7")
    assert next(s.text for s in retry.iter("Say")) == "Sorry, I didn't get that."
    assert retry.find("Gather") is not None
    last = call.press(retry, "0")  # not 8: that key chooses Spanish
    assert call.heard.count(directory.ivr.not_understood) == 2
    assert dialed(last) == [(MAIN_LINE, None)]


def test_unrecognised_speech_says_sorry_and_asks_again(phone, clock, directory):
    # Words that match nothing; a question about something else ("what's the weather in Fresno?") is told so instead.
    call = Call(phone)
    retry = call.say(call.dial_in(), "banana purple seventeen")
    assert directory.ivr.not_understood in call.heard
    assert dialed(call.press(retry, "3")) == [(MAIN_LINE, "wwww3")]


@pytest.mark.parametrize("instant", [MONDAY_10AM, SATURDAY])
@pytest.mark.parametrize("caller", ["silent", "invalid key", "repeat key", "mumbles"])
def test_no_call_loops_forever(phone, clock, directory, instant, caller):
    clock(instant)
    call = Call(phone)
    root = call.dial_in()
    while root[-1].tag == "Redirect":
        assert call.requests < HARD_CAP, f"a {caller} caller is still in the menu after {HARD_CAP} requests"
        if caller == "silent":
            root = call.stay_silent(root)
        elif caller == "invalid key":
            root = call.press(root, "0")
        elif caller == "repeat key":
            root = call.press(root, directory.ivr.repeat_key)
        else:
            root = call.say(root, "hmm, uh, blah blah")
    assert ended(root) in ("Dial", "Hangup")


# -- closed teams -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("instant", "key", "expected"),
    [
        (SATURDAY, "3", ["The Account Management Support Team is closed now.", "It opens Monday at 7 AM Pacific.", "Then you can call 1-800-790-4661 and press 3.", "a m t at k p dot org"]),
        (THANKSGIVING, "1", ["The California Service Center is closed today for Thanksgiving Day.", "It opens Monday at 8 AM Pacific.", "Then you can call 1-800-790-4661 and press 1.", "c s c dash s d dash s b a at k p dot org"]),
        (TUESDAY_6PM, "2", ["The Client Services Unit is closed now.", "It opens tomorrow at 8:30 AM Pacific.", "Then you can call 1-800-790-4661 and press 2.", "c s u dot c a at k p dot org"]),
    ],
)
def test_a_closed_team_gives_next_opening_email_and_website_then_hangs_up(phone, clock, directory, instant, key, expected):
    clock(instant)
    call = Call(phone)
    root = call.press(call.dial_in(), key)
    said = call.said()
    for text in expected:
        assert text in said
    assert "online, any time, at account dot k p dot org" in said
    assert call.heard[-1] == directory.ivr.goodbye
    assert ended(root) == "Hangup" and not dialed(root)


def test_a_closed_team_asked_for_by_speech_points_at_the_right_page(phone, clock):
    clock(SATURDAY)
    call = Call(phone)
    root = call.say(call.dial_in(), "we never got our bill, can you send a copy")
    assert ended(root) == "Hangup"
    assert "You can also do this yourself online, any time, at account dot k p dot org, under Manage Members." in call.heard


# -- emergencies --------------------------------------------------------------------------------


@pytest.mark.parametrize("instant", [MONDAY_10AM, SATURDAY])
@pytest.mark.parametrize("speech", ["my husband is having chest pain", "Member services, someone collapsed in the office"])
def test_emergency_speech_says_dial_911_then_the_call_goes_on(phone, clock, directory, instant, speech):
    clock(instant)
    call = Call(phone)
    root = call.say(call.dial_in(), speech)
    said = [s.text for s in root.iter("Say")]
    assert said[0] == "This sounds like a medical emergency. Hang up and dial 911 now."
    assert root.find("Dial") is None
    # Never a dead end: the menu follows, and pressing a key still reaches a team.
    assert root.find("Gather") is not None
    assert ended(call.press(root, "1")) in ("Dial", "Hangup")


# -- signatures ----------------------------------------------------------------------------------


def unsigned_post(client: TestClient, path: str, signature: str | None, **fields: str) -> tuple[int, str]:
    headers = {"X-Twilio-Signature": signature} if signature is not None else {}
    response = client.post(path, data={"CallSid": "CA1", "From": "+15105550123", **fields}, headers=headers)
    return response.status_code, response.text


@pytest.mark.parametrize("path", ["/ivr/voice", "/ivr/gather?failures=0&turn=0", "/ivr/menu?failures=1&turn=1", "/ivr/transfer?to=client-services-unit"])
def test_a_missing_signature_is_refused(phone, path):
    status, body = unsigned_post(phone, path, None, Digits="1")
    assert status == 403
    assert "not signed by Twilio" in body and "Traceback" not in body


def test_a_signature_made_with_another_token_is_refused(phone):
    fields = {"CallSid": "CA1", "From": "+15105550123"}
    forged = RequestValidator("not-the-token").compute_signature(f"{PUBLIC}/ivr/voice", fields)
    assert unsigned_post(phone, "/ivr/voice", forged)[0] == 403


def test_a_signed_request_with_changed_fields_is_refused(phone):
    signed_for = RequestValidator(TOKEN).compute_signature(f"{PUBLIC}/ivr/gather?failures=0&turn=0", {"CallSid": "CA1", "From": "+15105550123", "Digits": "1"})
    assert unsigned_post(phone, "/ivr/gather?failures=0&turn=0", signed_for, Digits="3")[0] == 403
    assert unsigned_post(phone, "/ivr/gather?failures=0&turn=0", signed_for, Digits="1")[0] == 200


def test_behind_a_proxy_the_public_url_is_the_one_that_was_signed(phone, clock):
    # The app sees http://testserver/...; Twilio signed https://help.example.com/...
    call = Call(phone, base=PUBLIC)
    assert ended(call.press(call.dial_in(), "3")) == "Dial"
    with pytest.raises(AssertionError, match="403"):
        Call(phone, base="http://testserver").dial_in()


def test_without_public_base_url_the_url_the_app_sees_is_checked(make_client, clock):
    client = make_client(public_base_url="")
    assert Call(client, base="http://testserver").dial_in().find("Gather") is not None
    with pytest.raises(AssertionError, match="403"):
        Call(client, base=PUBLIC).dial_in()


def test_a_shared_key_signature_names_its_algorithm(phone):
    fields = {"CallSid": "CA1", "From": "+15105550123"}
    signature = RequestValidator(TOKEN).compute_signature(f"{PUBLIC}/ivr/voice", fields, algorithm="HMAC_SHA256")
    headers = {"X-Twilio-Signature": signature, "X-Twilio-Webhooks-Signature-Settings": "key=webhooks_sharedkey_1,algorithm=HMAC_SHA256"}
    assert phone.post("/ivr/voice", data=fields, headers=headers).status_code == 200
    assert phone.post("/ivr/voice", data=fields, headers={"X-Twilio-Signature": signature}).status_code == 403


def test_without_a_token_signatures_are_not_checked(make_client, clock, caplog):
    client = make_client(twilio_auth_token="")
    assert "Twilio signature checks are OFF" in caplog.text
    call = Call(client, token=None)
    assert dialed(call.press(call.dial_in(), "1")) == [(MAIN_LINE, "wwww1")]


def test_a_transfer_offer_for_an_unknown_contact_ends_politely(phone, clock, directory):
    call = Call(phone)
    root = call.post("/ivr/transfer?to=nobody", Digits="1")
    assert ended(root) == "Hangup" and call.heard == [directory.ivr.goodbye]


# -- the phone tree for people -------------------------------------------------------------------------


def test_api_ivr_lists_numbers_keys_and_how_to_call(client):
    tree = client.get("/api/ivr", params={"at": SATURDAY}).json()
    assert [(o["key"], o["contact"]["id"]) for o in tree["ivr"]["options"]] == [
        ("1", "california-service-center"),
        ("2", "client-services-unit"),
        ("3", "account-management-support"),
    ]
    contacts = {c["id"]: c for c in tree["contacts"]}
    assert [c["instructions"] for c in contacts["account-management-support"]["calls"]] == ["call 1-800-790-4661, press 3"]
    assert contacts["account-management-support"]["open_now"] is False
    assert contacts["account-management-support"]["next_open"] == "2026-11-30T07:00:00-08:00"
    main_line = next(n for n in tree["numbers"] if n["number"] == MAIN_LINE)
    assert main_line["options"][3]["status_line"] == "Closed · opens Mon 7:00 AM PT"


def test_api_ivr_with_a_bad_instant_says_how_to_write_one(client):
    response = client.get("/api/ivr", params={"at": "saturday"})
    assert response.status_code == 400
    assert "ISO-8601" in response.json()["error"]["message"]


def test_the_phone_menu_page(client):
    page = client.get("/ivr", params={"at": MONDAY_10AM})
    assert page.status_code == 200
    html = page.text
    assert "call 1-800-790-4661, press 3" in html
    assert 'href="tel:+18007904661,3"' in html
    assert "Press 3" in html and "Account Management Support Team" in html
    assert "Mon–Fri 7:00 AM–5:30 PM PT" in html
    assert 'aria-current="page"' in html  # the nav marks where we are
    saturday = client.get("/ivr", params={"at": SATURDAY}).text
    # The badge says "Closed"; beside it, only when it opens (the API keeps the whole line, above).
    assert '<span class="badge badge-closed">Closed</span> <span class="status-line">opens Mon 7:00 AM PT</span>' in saturday


def test_the_cli_prints_the_same_tree(capsys, monkeypatch):
    monkeypatch.delenv("DIRECTORY_PATH", raising=False)
    assert main(["ivr", "--at", SATURDAY]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "  press 3: Account Management Support Team (broker of record, contact, group address, plan and renewal changes)" in out
    assert "  Account Management Support Team (account-management-support): call 1-800-790-4661, press 3" in out
    assert main(["ivr", "--at", SATURDAY, "--json"]) == 0
    assert '"instructions": "call 1-800-790-4661, press 3"' in capsys.readouterr().out
