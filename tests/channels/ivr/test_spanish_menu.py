"""The Spanish phone menu's parts, called directly: the directory's ``ivr:`` languages and their checks,
names with their articles, opening times, spoken addresses, and an emergency that also asks for a team.

Whole Spanish calls over HTTP are in test_spanish_calls.py.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import timedelta
from types import SimpleNamespace

import pytest

from routing.channels.ivr import twiml as ivr
from routing.channels.ivr.twiml import CallState
from routing.core import i18n
from routing.core.directory import DirectoryError, loads
from routing.core.hours import spoken_next_open, status
from routing.core.instants import parse_instant
from routing.core.model import ContactKind
from routing.core.rules import route
from routing.present import phone_words
from routing.settings import ROOT
from routing.store import catalogs
from routing.store.search_index import open_index

MONDAY_10AM = parse_instant("2026-11-23T10:00:00-08:00")
SATURDAY = parse_instant("2026-11-28T10:00:00-08:00")
LANGUAGES_LINE = '    es: {key: "8", voice: es-US, offer: "Para español, oprima 8."}'


@pytest.fixture(scope="module", autouse=True)
def spanish_catalog():
    catalogs.install_all()


@pytest.fixture(scope="module")
def index(tmp_path_factory, directory):
    return open_index(directory, tmp_path_factory.mktemp("index"))


def directory_text() -> str:
    text = (ROOT / "directory.yaml").read_text()
    assert LANGUAGES_LINE in text
    return text


def problems_in(text: str) -> list[str]:
    with pytest.raises(DirectoryError) as refused:
        loads(text, "changed.yaml")
    return [p.message for p in refused.value.problems]


# -- the directory's ivr languages -----------------------------------------------------------------


def test_the_real_directory_offers_spanish_on_a_free_key(directory):
    offered = directory.ivr.languages["es"]
    assert (offered.key, offered.voice) == ("8", "es-US")
    keys = {o.key for o in ivr.menu_options(directory)} | {directory.ivr.repeat_key}
    assert offered.key not in keys
    assert set(directory.ivr.translations["es"]) == {"greeting", "menu_intro", "goodbye", "not_understood", "emergency", "menu"}
    assert set(directory.ivr.translations["es"]["menu"]) == {o.contact.id for o in ivr.menu_options(directory)}


@pytest.mark.parametrize(("key", "what"), [("9", "already the repeat key or a team's key"), ("3", "already the repeat key or a team's key"), ("88", "one key on a phone")])
def test_a_language_key_that_collides_or_is_not_one_key_is_refused(key, what):
    text = directory_text().replace(LANGUAGES_LINE, LANGUAGES_LINE.replace('key: "8"', f'key: "{key}"').replace("oprima 8", f"oprima {key}"))
    assert any(what in message for message in problems_in(text))


def test_routing_check_reports_a_colliding_language_key(tmp_path):
    changed = tmp_path / "directory.yaml"
    changed.write_text(directory_text().replace(LANGUAGES_LINE, LANGUAGES_LINE.replace('"8"', '"1"').replace("oprima 8", "oprima 1")))
    found = subprocess.run([sys.executable, "-m", "routing", "check", str(changed)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert found.returncode != 0
    assert "key 1 for 'es' is already the repeat key or a team's key on the menu" in found.stdout + found.stderr


def test_an_offer_that_does_not_say_its_key_is_refused():
    text = directory_text().replace("oprima 8.", "oprima 7.")
    assert any("does not say its key 8" in message for message in problems_in(text))


def test_a_menu_line_without_its_spanish_wording_is_reported():
    text = directory_text()
    line = next(row for row in text.splitlines() if row.strip().startswith("client-services-unit: "))
    messages = problems_in(text.replace(line + "\n", ""))
    assert any("the menu line for 'client-services-unit' is not translated" in m for m in messages)


def test_spanish_wording_without_a_key_to_choose_it_is_reported():
    messages = problems_in(directory_text().replace("  languages:\n" + LANGUAGES_LINE + "\n", ""))
    assert any("no key under 'languages'" in m for m in messages)


def test_a_directory_without_languages_keeps_an_english_only_menu():
    text = directory_text()
    start = text.index("  languages:\n")
    english_only = loads(text[:start], "english.yaml")
    said = [s.text for s in ET.fromstring(str(ivr.menu(english_only, CallState()))).iter("Say")]
    assert not any("español" in (s or "") for s in said)
    assert said[0] == english_only.ivr.greeting


# -- wording -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind", "said"),
    [
        ("Centro de Servicio de California", ContactKind.TEAM, "el Centro de Servicio de California"),
        ("Unidad de Servicios al Cliente", ContactKind.TEAM, "la Unidad de Servicios al Cliente"),
        ("Equipo de Apoyo para la Administración de Cuentas", ContactKind.TEAM, "el Equipo de Apoyo para la Administración de Cuentas"),
        ("Servicios para Miembros", ContactKind.TEAM, "los Servicios para Miembros"),
        ("Ayuda con transacciones en línea", ContactKind.HELP_LINE, "la línea de Ayuda con transacciones en línea"),
        ("account.kp.org (autoservicio)", ContactKind.SELF_SERVICE_SITE, "account.kp.org (autoservicio)"),
    ],
)
def test_a_translated_name_gets_its_article_in_a_spanish_sentence(name, kind, said):
    contact = SimpleNamespace(name="English name", kind=kind, translations={"es": {"name": name}})
    with i18n.speaking("es"):
        assert phone_words.team(contact) == said  # type: ignore[arg-type]
        # A sentence starts with a capital, except a site's address, which is never capitalised.
        start = said if kind is ContactKind.SELF_SERVICE_SITE else said[0].upper() + said[1:]
        assert phone_words.team(contact, start=True) == start  # type: ignore[arg-type]


def test_a_team_is_said_the_way_the_directory_names_it_and_an_untranslated_one_as_a_proper_name(directory):
    center = directory.contact("california-service-center")
    with i18n.speaking("es"):
        assert phone_words.team(center) == center.translations["es"]["named"]
        assert phone_words.team(center, start=True).startswith("El ")
        untranslated = dataclasses.replace(center, translations={})
        assert phone_words.team(untranslated) == "California Service Center"
    assert phone_words.team(center) == "the California Service Center"


def test_a_spanish_infinitive_is_a_task():
    with i18n.speaking("es"):
        assert phone_words.is_task_phrase("pedir tarjetas de identificación")
        assert not phone_words.is_task_phrase("preguntas de facturación")


def test_english_openings_read_exactly_as_before(directory):
    center = directory.contact("account-management-support")
    instant = SATURDAY
    for _ in range(60):  # every few hours over ten days, holidays and weekends included
        found = status(center.hours, directory.holidays, instant)
        if found.next_open is not None:
            assert phone_words.opens_sentence(found, instant) == f"It opens {spoken_next_open(found, instant)}."
        instant += timedelta(hours=4)


def test_spanish_openings_say_la_for_one_oclock_and_las_otherwise(directory):
    found = status(directory.contact("account-management-support").hours, directory.holidays, SATURDAY)
    with i18n.speaking("es"):
        assert phone_words.opens_sentence(found, SATURDAY) == "Vuelve a atender el lunes a las 7 a. m., hora del Pacífico."
        one_pm = replace(found, next_open=found.next_open.replace(hour=13))
        assert phone_words.opens_sentence(one_pm, SATURDAY) == "Vuelve a atender el lunes a la 1 p. m., hora del Pacífico."
        later = replace(found, next_open=found.next_open + timedelta(days=14))
        assert phone_words.opens_sentence(later, SATURDAY) == "Vuelve a atender el lunes 14 de diciembre a las 7 a. m., hora del Pacífico."


@pytest.mark.parametrize(
    ("text", "english", "spanish"),
    [
        ("csc-sd-sba@kp.org", "c s c dash s d dash s b a at k p dot org", "c s c guion s d guion s b a arroba k p punto org"),
        ("a_b+c@account.kp.org", "a underscore b plus c at account dot k p dot org", "a guion bajo b más c arroba account punto k p punto org"),
    ],
)
def test_addresses_are_spelled_in_the_calls_language(text, english, spanish):
    assert ivr.speakable(text) == english
    with i18n.speaking("es"):
        assert ivr.speakable(text) == spanish


# -- emergencies ---------------------------------------------------------------------------------


def test_an_emergency_that_also_asks_for_a_team_hears_911_then_reaches_the_team(directory, index):
    with i18n.speaking("es"):
        asked = route(index, "quiero cambiar nuestro corredor", "ivr", MONDAY_10AM)
        assert asked.contact.id == "account-management-support"
        root = ET.fromstring(str(ivr.heard(directory, replace(asked, safety=True), CallState(turn=1), MONDAY_10AM)))
    said = [s.text for s in root.iter("Say")]
    assert said[0] == directory.ivr.translations["es"]["emergency"]
    assert [(n.text or "").strip() for n in root.iter("Number")] == [directory.ivr.line]
    assert all(s.get("language") == "es-US" for s in root.iter("Say"))


def test_an_unsure_emergency_hears_911_then_the_menu(directory, index):
    asked = route(index, "hmm uh blah", "ivr", SATURDAY)
    root = ET.fromstring(str(ivr.heard(directory, replace(asked, safety=True, fallback=True), CallState(), SATURDAY)))
    said = [s.text for s in root.iter("Say")]
    assert said[0] == directory.ivr.emergency
    assert root.find("Gather") is not None and root.find("Hangup") is None
