"""/api/route and /api/contacts in Spanish, over real HTTP: the same JSON, Spanish wording, the same ids.

The app runs under uvicorn as a subprocess with the clock pinned to a Saturday
morning, when every team is closed, so each answer says when it opens again.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from browser import LiveServer, live_server
from spanish import english_left

SATURDAY = "2026-11-28T10:00:00-08:00"
# Spanish questions and the English each means: a Spanish question is routed like its English.
QUESTIONS = [
    ("Mi compañero de trabajo se desmayó y no está respirando.", "My coworker passed out and is not breathing."),
    ("Necesito una copia de la factura de este mes.", "I need a copy of this month's bill."),
    ("Queremos cambiar nuestro corredor de seguros.", "We want to change our insurance broker."),
    ("¿Cómo pido tarjetas de identificación para mis empleados?", "How do I order ID cards for my employees?"),
    ("¿Cuánto cuesta el seguro de mi carro?", "How much is my car insurance?"),
]
# The fields people read. Everything else is an id, an enum, a number, a fact, or for programs (explanation).
WORDING = {
    "reason", "notes", "title", "name", "summary", "kind_label", "status_line", "text", "label", "instructions",
    "purpose", "advice", "include", "note", "sentence", "sentences", "lead", "handles", "how", "description",
}
NOT_WORDING = {"explanation", "query", "matched", "corrections", "rule", "shared_subject"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("spanish-api"), {"ROUTING_NOW": SATURDAY}) as running:
        yield running


@pytest.fixture(scope="module")
def http(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


def wording(value: Any, key: str = "") -> list[str]:
    """Every wording string in an answer, wherever it sits."""
    if isinstance(value, dict):
        return [text for k, v in value.items() if k not in NOT_WORDING for text in wording(v, k)]
    if isinstance(value, list):
        return [text for item in value for text in wording(item, key)]
    return [value] if key in WORDING and isinstance(value, str) and value else []


def ids(answer: dict[str, Any]) -> dict[str, Any]:
    """What a program keys on: the same in every language."""
    def card(c: dict[str, Any]) -> tuple[Any, ...]:
        return (c["id"], c["kind"], c["open_now"], c["next_open"], [p["number"] for p in c["phones"]], [e["address"] for e in c["emails"]], c["url"])

    return {
        "contact": card(answer["contact"]),
        "alternatives": [card(c) for c in answer["alternatives"]],
        "shared_with": [card(c) for c in answer["shared_with"]],
        "topic": answer["topic"]["id"] if answer["topic"] else None,
        **{k: answer[k] for k in ("rule", "confidence", "confident", "fallback", "safety", "off_topic", "offer_first", "channel", "at")},
        "self_service": answer["self_service"]["contact_id"] if answer["self_service"] else None,
        "send": [w["kind"] for w in answer["send"]["ways"]] if answer["send"] else None,
    }


def ask(http: httpx.Client, question: str, **params: str) -> dict[str, Any]:
    response = http.get("/api/route", params={"q": question, **params})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize(("spanish", "english"), QUESTIONS)
def test_a_spanish_question_gets_a_spanish_answer_routed_like_its_english(http: httpx.Client, spanish: str, english: str) -> None:
    answer = ask(http, spanish, lang="es")
    assert answer["language"] == "es"
    texts = wording(answer)
    assert len(texts) > 5
    leaks = {text: found for text in texts if (found := english_left(text))}
    assert leaks == {}
    same = ask(http, english, lang="en")
    assert same["language"] == "en"
    assert ids(answer)["contact"][0] == ids(same)["contact"][0]
    assert ids(answer)["topic"] == ids(same)["topic"]
    # The very same question in English: every id and enum the same, only the words differ.
    in_english = ask(http, spanish, lang="en")
    assert ids(in_english) == ids(answer)
    assert in_english["reason"] != answer["reason"]
    assert any(english_left(text) for text in wording(in_english))  # the check above can fail


def test_the_emergency_and_the_hours_read_in_spanish(http: httpx.Client) -> None:
    emergency = ask(http, QUESTIONS[0][0], lang="es")
    assert emergency["contact"]["id"] == "emergency" and emergency["safety"] is True
    assert emergency["reason"].startswith("Esto parece una emergencia médica: llame al 911 ahora.")
    bill = ask(http, QUESTIONS[1][0], lang="es")
    assert bill["contact"]["id"] == "california-service-center"
    assert bill["contact"]["status_line"] == "Cerrado · abre el lunes a las 8:00 a. m., hora del Pacífico"
    assert bill["contact"]["hours"]["text"] == "lun.–vie. 8:00 a. m.–5:00 p. m., hora del Pacífico"
    assert bill["contact"]["phones"][0]["instructions"] == "llame al 1-800-790-4661 y oprima 1"


def test_the_cache_never_answers_in_the_other_language(http: httpx.Client) -> None:
    question = "necesito una copia de la factura"
    first_en = ask(http, question, lang="en")
    es = ask(http, question, lang="es")
    again_en = ask(http, question, lang="en")
    again_es = ask(http, question, lang="es")
    assert first_en == again_en and es == again_es
    assert first_en["language"] == "en" and es["language"] == "es"
    assert first_en["reason"] == "The California Service Center can help you receive copies of bills."
    assert es["reason"] == "El Centro de Servicio de California puede ayudarle a recibir copias de las facturas."


def test_the_browser_language_decides_when_lang_is_not_given(http: httpx.Client) -> None:
    spanish = http.get("/api/route", params={"q": "copy of our bill"}, headers={"accept-language": "es-MX,es;q=0.9"}).json()
    assert spanish["language"] == "es" and spanish["reason"].startswith("El Centro de Servicio de California")
    asked = http.get("/api/route", params={"q": "copy of our bill", "lang": "en"}, headers={"accept-language": "es"}).json()
    assert asked["language"] == "en" and asked["reason"].startswith("The California Service Center")
    unknown = http.get("/api/route", params={"q": "copy of our bill", "lang": "fr"}).json()
    assert unknown["language"] == "en"


def test_contacts_in_spanish_are_the_same_contacts(http: httpx.Client) -> None:
    english = http.get("/api/contacts", params={"lang": "en"}).json()
    spanish = http.get("/api/contacts", params={"lang": "es"}).json()
    assert [c["id"] for c in spanish] == [c["id"] for c in english]
    for es, en in zip(spanish, english, strict=True):
        assert es["language"] == "es" and en["language"] == "en"
        assert set(es) == set(en)
        assert [p["number"] for p in es["phones"]] == [p["number"] for p in en["phones"]]
        assert [e["address"] for e in es["emails"]] == [e["address"] for e in en["emails"]]
        assert (es["kind"], es["open_now"], es["next_open"], es["url"]) == (en["kind"], en["open_now"], en["next_open"], en["url"])
        assert {text: found for text in wording(es) if (found := english_left(text))} == {}
    one = http.get("/api/contacts/client-services-unit", params={"lang": "es"}).json()
    assert one["name"] == "Unidad de Servicios al Cliente"
    assert one["emails"][0]["purpose"].startswith("Consultas sobre beneficios")
    assert one["sources"] == [{"id": "seed-004", "description": "Página de contacto para pequeñas empresas"}]
