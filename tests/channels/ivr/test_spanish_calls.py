"""Whole Spanish phone calls, signed as Twilio signs them and followed to their end over HTTP.

The caller hears the offer in Spanish, presses its key, and from then on every
<Say> and <Gather> is in the Spanish voice, every word is Spanish (except facts:
names, numbers, addresses), and every URL Twilio calls back carries lang=es, so
the call cannot fall back to English halfway. Only the clock is pinned.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from urllib.parse import parse_qsl, urlsplit

import pytest
from channels.ivr.test_calls import MAIN_LINE, MONDAY_10AM, PUBLIC, SATURDAY, THANKSGIVING, TOKEN, TUESDAY_6PM, Call, dialed, ended
from twilio.request_validator import RequestValidator

from routing.core import i18n

SPANISH = "es-US"
# Words of the English frames; none may be heard once the caller chose Spanish.
ENGLISH = re.compile(r"\b(press|please|hold|the|for|you|your|is|closed|opens|email|again|dot|dash|at|online|thank|sorry|goodbye|connect)\b", re.IGNORECASE)


def urls(root: ET.Element) -> list[str]:
    """Every address Twilio would call back from this answer: Gather actions and Redirects."""
    return [g.get("action", "") for g in root.iter("Gather")] + [(r.text or "").strip() for r in root.iter("Redirect")]


def spanish_throughout(root: ET.Element, directory) -> None:
    """Everything in this answer is said and heard in Spanish, and every callback stays in Spanish."""
    for verb in (*root.iter("Say"), *root.iter("Gather")):
        assert verb.get("language") == SPANISH, ET.tostring(verb)
    for url in urls(root):
        assert dict(parse_qsl(urlsplit(url).query)).get("lang") == "es", url
    for say in root.iter("Say"):
        text = say.text or ""
        for fact in facts(directory):
            text = text.replace(fact, "")
        assert not ENGLISH.search(text), f"English in a Spanish call: {say.text!r}"


def facts(directory) -> list[str]:
    # Names the directory has not translated yet are said as they are (proper names); so are site sections.
    found = [str(i18n.localized(c, "name", "es")) for c in directory.contacts]
    found += [t.where for c in directory.contacts for t in c.topics if t.where]
    return sorted(found, key=len, reverse=True)


def in_spanish(call: Call, directory) -> ET.Element:
    root = call.dial_in()
    offer = directory.ivr.languages["es"]
    says = list(root.iter("Say"))
    # First thing after the English greeting, in the Spanish voice.
    assert [s.text for s in says[:2]] == [directory.ivr.greeting, offer.offer]
    assert says[1].get("language") == SPANISH and says[0].get("language") == "en-US"
    chosen = call.press(root, offer.key)
    spanish_throughout(chosen, directory)
    return chosen


def test_the_spanish_menu_greets_in_spanish_and_reads_every_option(phone, clock, directory):
    call = Call(phone)
    menu = in_spanish(call, directory)
    gather = menu.find("Gather")
    assert gather is not None and gather.get("input") == "dtmf speech"
    said = [s.text for s in menu.iter("Say")]
    es = directory.ivr.translations["es"]
    assert said[:2] == [es["greeting"], es["menu_intro"]]
    assert "Para preguntas de facturación y elegibilidad, " in said[2] and said[2].endswith(", oprima 1.")
    assert said[3].endswith(", oprima 2.") and said[4].endswith(", oprima 3.")
    assert said[-1] == "Para escuchar estas opciones otra vez, oprima 9."
    # The recogniser listens for Spanish: the hints are the Spanish menu's words.
    assert "facturación" in gather.get("hints", "") and "broker of record" not in gather.get("hints", "")


@pytest.mark.parametrize(
    ("speech", "key", "contact_id"),
    [
        ("Tengo una pregunta sobre nuestra factura", "1", "california-service-center"),
        ("pregunta sobre COBRA para un ex empleado", "2", "client-services-unit"),
        ("quiero cambiar nuestro corredor", "3", "account-management-support"),
    ],
)
def test_a_spanish_question_while_open_is_put_through_to_its_team(phone, clock, directory, speech, key, contact_id):
    call = Call(phone)
    answer = call.say(in_spanish(call, directory), speech)
    spanish_throughout(answer, directory)
    assert ended(answer) == "Dial"
    assert dialed(answer) == [(MAIN_LINE, f"wwww{key}")]
    team = str(i18n.localized(directory.contact(contact_id), "name", "es"))
    assert team in " ".join(s.text or "" for s in answer.iter("Say"))
    assert call.heard[-1] == "Por favor, espere en la línea mientras le comunico."


def test_a_spanish_question_after_hours_gives_the_opening_the_email_and_the_website_in_spanish(phone, clock, directory):
    clock(SATURDAY)
    call = Call(phone)
    answer = call.say(in_spanish(call, directory), "Tengo una pregunta sobre nuestra factura")
    spanish_throughout(answer, directory)
    assert ended(answer) == "Hangup" and not dialed(answer)
    said = [s.text or "" for s in answer.iter("Say")]
    team = str(i18n.localized(directory.contact("california-service-center"), "name", "es"))
    assert team in said[0]
    assert "En este momento no atiende." in said
    assert "Vuelve a atender el lunes a las 8 a. m., hora del Pacífico." in said
    assert "A esa hora puede llamar al 1-800-790-4661 y oprimir 1." in said  # the team's own number and key
    # The address is spelled out the Spanish way, twice, so a caller can write it down.
    email = next(s for s in said if "arroba" in s)
    assert email.count("c s c guion s d guion s b a arroba k p punto org") == 2
    assert any("en línea, a cualquier hora, en account punto k p punto org" in s for s in said)
    assert said[-1] == directory.ivr.translations["es"]["goodbye"]


def test_a_key_after_hours_on_a_holiday_says_so_in_spanish(phone, clock, directory):
    clock(THANKSGIVING)
    call = Call(phone)
    answer = call.press(in_spanish(call, directory), "2")
    spanish_throughout(answer, directory)
    said = " ".join(s.text or "" for s in answer.iter("Say"))
    assert "no atiende hoy" in said and "c s u punto c a arroba k p punto org" in said
    assert ended(answer) == "Hangup"


@pytest.mark.parametrize("instant", [MONDAY_10AM, SATURDAY, THANKSGIVING, TUESDAY_6PM])
@pytest.mark.parametrize("key", ["1", "2", "3"])
def test_every_key_at_every_hour_answers_in_spanish_to_the_end(phone, clock, directory, instant, key):
    clock(instant)
    call = Call(phone)
    answer = call.press(in_spanish(call, directory), key)
    spanish_throughout(answer, directory)
    assert ended(answer) in ("Dial", "Hangup")
    if ended(answer) == "Dial":
        assert dialed(answer) == [(MAIN_LINE, f"wwww{key}")]
    else:
        assert call.heard[-1] == directory.ivr.translations["es"]["goodbye"]
        assert "arroba" in call.said() and "Vuelve a atender" in call.said()


@pytest.mark.parametrize("instant", [MONDAY_10AM, SATURDAY])
def test_a_spanish_emergency_hears_911_first_and_the_call_goes_on_in_spanish(phone, clock, directory, instant):
    clock(instant)
    call = Call(phone)
    root = call.say(in_spanish(call, directory), "Mi compañero de trabajo se desmayó y no está respirando.")
    spanish_throughout(root, directory)
    said = [s.text for s in root.iter("Say")]
    assert said[0] == directory.ivr.translations["es"]["emergency"]
    assert root.find("Dial") is None and root.find("Hangup") is None
    assert root.find("Gather") is not None  # never a dead end: a short prompt in Spanish, the menu a key away
    assert "oprima 9 para el menú" in " ".join(s or "" for s in said)
    # The caller who also needs a team still reaches it by its key, in Spanish.
    after = call.press(root, "1")
    spanish_throughout(after, directory)
    assert ended(after) in ("Dial", "Hangup")


def test_a_spanish_call_never_switches_back_to_english(phone, clock, directory):
    call = Call(phone)
    root = in_spanish(call, directory)
    root = call.press(root, directory.ivr.languages["es"].key)  # the language key again: the Spanish menu again
    spanish_throughout(root, directory)
    root = call.stay_silent(root)
    spanish_throughout(root, directory)
    root = call.press(root, "7")  # no such option
    spanish_throughout(root, directory)
    assert directory.ivr.translations["es"]["not_understood"] in [s.text for s in root.iter("Say")]
    while root[-1].tag == "Redirect":
        assert call.requests < 25
        root = call.say(root, "eh, bla bla")
        spanish_throughout(root, directory)
    assert ended(root) in ("Dial", "Hangup")


def test_the_language_in_the_url_is_covered_by_the_signature(phone, clock):
    fields = {"CallSid": "CA1", "From": "+15105550123", "Digits": "1"}
    spanish = f"{PUBLIC}/ivr/gather?failures=0&turn=1&lang=es"
    signature = RequestValidator(TOKEN).compute_signature(spanish, fields)
    headers = {"X-Twilio-Signature": signature}
    assert phone.post("/ivr/gather?failures=0&turn=1&lang=es", data=fields, headers=headers).status_code == 200
    # The same signature on a URL whose language was changed is refused.
    assert phone.post("/ivr/gather?failures=0&turn=1&lang=en", data=fields, headers=headers).status_code == 403
    assert phone.post("/ivr/gather?failures=0&turn=1", data=fields, headers=headers).status_code == 403


@pytest.mark.parametrize("lang", ["fr", "", "ES'--", "en"])
def test_a_language_the_menu_does_not_offer_is_an_english_call(phone, clock, directory, lang):
    call = Call(phone)
    root = call.post(f"/ivr/menu?failures=0&turn=1&lang={lang}")
    gather = root.find("Gather")
    assert gather is not None and gather.get("language") == "en-US"
    assert "lang=" not in gather.get("action", "")


def test_a_caller_is_greeted_in_english_whatever_headers_arrive(phone, clock, directory):
    # The call's language comes from its URL only: Twilio's request headers never choose it.
    call = Call(phone)
    fields = {**call.fields}
    url = f"{PUBLIC}/ivr/voice"
    headers = {"X-Twilio-Signature": RequestValidator(TOKEN).compute_signature(url, fields), "Accept-Language": "es-MX,es;q=0.9", "Cookie": "lang=es"}
    root = ET.fromstring(phone.post("/ivr/voice", data=fields, headers=headers).text)
    assert next(root.iter("Say")).text == directory.ivr.greeting
    assert root.find("Gather").get("language") == "en-US"


# -- the phone tree for Spanish readers -------------------------------------------------------------


def test_api_ivr_in_spanish_has_the_same_ids_and_keys_with_spanish_wording(client):
    english = client.get("/api/ivr", params={"at": SATURDAY}).json()
    spanish = client.get("/api/ivr", params={"at": SATURDAY, "lang": "es"}).json()
    assert (english["language"], spanish["language"]) == ("en", "es")
    assert [(o["key"], o["contact"]["id"]) for o in spanish["ivr"]["options"]] == [(o["key"], o["contact"]["id"]) for o in english["ivr"]["options"]]
    assert spanish["ivr"]["options"][0]["handles"] == "preguntas de facturación y elegibilidad"
    assert english["ivr"]["options"][0]["handles"] == "billing and eligibility questions"
    assert spanish["ivr"]["languages"] == [{"code": "es", "key": "8", "voice": "es-US", "offer": "Para español, oprima 8."}]
    calls = {c["id"]: c["calls"] for c in spanish["contacts"]}
    assert [c["instructions"] for c in calls["account-management-support"]] == ["llame al 1-800-790-4661 y oprima 3"]
    assert [c["instructions"] for c in calls["small-business-representative"]] == ["llame al 1-800-790-4661"]
    assert [c["tel"] for c in calls["account-management-support"]] == ["tel:+18007904661,3"]


def test_the_phone_menu_page_shows_the_spanish_key(client):
    html = client.get("/ivr", params={"at": MONDAY_10AM}).text
    assert '<span lang="es">Para español, oprima 8.</span>' in html


def test_a_website_answer_in_spanish_offers_a_team_and_the_transfer_stays_in_spanish(phone, clock, directory):
    call = Call(phone)
    root = call.say(in_spanish(call, directory), "quiero pedir tarjetas de identificación para mis empleados")
    spanish_throughout(root, directory)
    assert any("account punto k p punto org" in (s.text or "") for s in root.iter("Say"))
    offer = root.find("Gather")
    assert offer is not None and "lang=es" in offer.get("action", "")
    transferred = call.press(root, "5")
    spanish_throughout(transferred, directory)
    assert ended(transferred) == "Dial"


def test_a_number_pointed_at_the_spanish_menu_answers_in_spanish_from_the_first_word(phone, clock, directory):
    # A Twilio number whose voice webhook is /ivr/voice?lang=es is a Spanish line: no offer, Spanish greeting.
    call = Call(phone)
    root = call.post("/ivr/voice?lang=es")
    spanish_throughout(root, directory)
    said = [s.text for s in root.iter("Say")]
    assert said[0] == directory.ivr.translations["es"]["greeting"]
    assert directory.ivr.languages["es"].offer not in said


@pytest.mark.parametrize("speech", ["Español", "en español, por favor", "um espanol"])
def test_an_english_caller_who_says_the_language_by_name_gets_the_spanish_menu(phone, clock, directory, speech):
    clock(MONDAY_10AM)
    call = Call(phone)
    root = call.say(call.dial_in(), speech)
    spanish_throughout(root, directory)
    assert directory.ivr.translations["es"]["greeting"] in [s.text for s in root.iter("Say")]


def test_a_question_that_only_mentions_spanish_is_routed_like_any_other(phone, clock, directory):
    clock(MONDAY_10AM)
    call = Call(phone)
    root = call.say(call.dial_in(), "do you have the enrollment forms in español for my employees")
    assert all(verb.get("language") == "en-US" for verb in root.iter("Say"))
