"""A request sent in Spanish, through the API or the form, reaches the team with one line saying so; English is unchanged.

Real parts: the app (TestClient, with its language middleware), the outbox, the sender and aiosmtpd on loopback.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from smtp_fixture import Received, SmtpServer
from starlette.testclient import TestClient

from routing.app import create_app
from routing.core import i18n
from routing.core.directory import load
from routing.settings import Settings
from routing.store.outbox import Outbox, outbox_path

NOTE = "The employer wrote in Spanish; please reply in Spanish if you can."
REQUEST = {
    "group_name": "Panadería El Sol",
    "group_id": "604213",
    "name": "María Gómez",
    "email": "maria@panaderia-sol.example",
    "phone": "(555) 201-4477",
    "subject": "Materiales de renovación",
    "message": "Necesitamos los materiales de renovación de nuestro plan para este año. ¿Nos los pueden enviar?",
    "contact_id": "client-services-unit",
}


@pytest.fixture
def settings(make_settings: Callable[..., Settings], smtp_server: SmtpServer) -> Settings:
    return make_settings(
        smtp_host=smtp_server.host, smtp_port=smtp_server.port, smtp_timeout=2.0, mail_from="help-desk@desk.example",
        retry_base_seconds=0.05, retry_max_seconds=0.2, forward_rate_limit=1000,
    )


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as running:
        yield running


def text_of(received: Received) -> list[str]:
    return received.message.get_body(("plain",)).get_content().splitlines()  # type: ignore[union-attr]


def localized(directory_path: Path, contact_id: str) -> str:
    return str(i18n.localized(load(directory_path).contact(contact_id), "name", "es"))


def stored_language(settings: Settings, reference: str) -> object:
    box = Outbox(outbox_path(settings.data_dir))
    try:
        item = box.get(reference)
        assert item is not None
        return item.fields.get("language")
    finally:
        box.close()


def test_a_spanish_api_request_tells_the_team_the_employer_wrote_in_spanish(client: TestClient, smtp_server: SmtpServer, settings: Settings) -> None:
    response = client.post("/api/forward?lang=es", json=REQUEST)
    assert response.status_code == 202, response.text
    [received] = smtp_server.wait_for(1)
    lines = text_of(received)
    assert lines[0] == "An employer sent this request through the small-business help desk."  # the team reads English
    assert lines[1] == "Reply to this email to answer María Gómez directly at maria@panaderia-sol.example."
    assert lines[2] == NOTE
    assert REQUEST["message"] in lines
    assert stored_language(settings, response.json()["id"]) == "es"
    # The employer's answer names the team in Spanish, as the directory words it; the team's email stays English.
    assert response.json()["team"] == localized(settings.directory_path, "client-services-unit")


def test_a_spanish_request_without_a_subject_reaches_the_team_under_an_english_one(client: TestClient, smtp_server: SmtpServer) -> None:
    # A message that names no topic of the chosen team, so the subject is the form's default.
    request = {k: v for k, v in REQUEST.items() if k != "subject"} | {"message": "Hola, ¿me pueden llamar mañana, por favor?"}
    response = client.post("/api/forward?lang=es", json=request)
    assert response.status_code == 202, response.text
    [received] = smtp_server.wait_for(1)
    assert received.message["Subject"] == "[Group 604213] Panadería El Sol: Request from the help desk form"


def test_the_accept_language_header_counts_as_well(client: TestClient, smtp_server: SmtpServer) -> None:
    response = client.post("/api/forward", json=REQUEST, headers={"Accept-Language": "es-MX,es;q=0.9"})
    assert response.status_code == 202, response.text
    [received] = smtp_server.wait_for(1)
    assert NOTE in text_of(received)


def test_an_english_request_has_no_language_line(client: TestClient, smtp_server: SmtpServer, settings: Settings) -> None:
    english = REQUEST | {"subject": "Renewal materials", "message": "Please send us the renewal materials for our plan this year."}
    response = client.post("/api/forward", json=english, headers={"Accept-Language": "en-US"})
    assert response.status_code == 202, response.text
    [received] = smtp_server.wait_for(1)
    lines = text_of(received)
    assert lines[2] == "" and lines[3].startswith("Reference")
    assert not any("Spanish" in line for line in lines)
    assert stored_language(settings, response.json()["id"]) == "en"


def why_it_came(lines: list[str]) -> list[str]:
    start = lines.index("Why it came to you:")
    return lines[start + 1 : start + 3]


def test_a_spanish_request_routed_by_the_desk_gives_the_team_its_reason_in_english(client: TestClient, smtp_server: SmtpServer) -> None:
    routed = {k: v for k, v in REQUEST.items() if k != "contact_id"}
    response = client.post("/api/forward?lang=es", json=routed)
    assert response.status_code == 202, response.text
    # The employer reads their confirmation in Spanish ...
    assert response.json()["summary"].startswith("En cola: su solicitud está guardada aquí")
    [received] = smtp_server.wait_for(1)
    # ... and the team reads why the desk sent it to them in English, as for any request.
    reason, sent_to = why_it_came(text_of(received))
    # Whichever team the desk chose, its reason and its address line are the English sentences any request gets.
    assert re.fullmatch(r"“[^”]+” goes to [A-Z][A-Za-z ]+ at [a-z.]+@[a-z.]+, the mailbox listed for .+\.", reason), reason
    assert re.fullmatch(r"Sent to [a-z.]+@[a-z.]+ \([A-Z][A-Za-z ]+\), the address for: .+\.", sent_to), sent_to
    assert not any(word in reason + sent_to for word in ("Equipo", "Unidad", "Centro", " va ", " la ", " el ", "buzón"))


def test_a_team_the_spanish_employer_chose_is_explained_to_the_team_in_english(client: TestClient, smtp_server: SmtpServer) -> None:
    response = client.post("/api/forward?lang=es", json=REQUEST)
    assert response.status_code == 202, response.text
    [received] = smtp_server.wait_for(1)
    [reason, _sent_to] = why_it_came(text_of(received))
    assert reason.startswith("The employer chose Client Services Unit on the form.")
    # The router's own suggestion, when it disagrees, is quoted in English too.
    assert not any(word in reason for word in ("Equipo", "Unidad", "enrutador", " la ", " el "))


def test_a_spanish_request_no_mailbox_covers_is_refused_in_spanish(client: TestClient) -> None:
    bill = {k: v for k, v in REQUEST.items() if k != "contact_id"} | {"subject": "Reconcile your bill", "message": "Necesitamos conciliar nuestra factura (reconcile your bill)."}
    response = client.post("/api/forward?lang=es", json=bill)
    assert response.status_code == 422
    assert response.json()["error"]["message"] == (
        "No enviamos su solicitud. El Centro de Servicio de California atiende “Conciliar su factura” por teléfono: llame al 1-800-790-4661 "
        "y oprima 1. Su buzón no lo cubre: csc-sd-sba@kp.org está indicado solo para solicitudes de inscripción, bajas de miembros y "
        "cambios de cuenta. Ningún buzón de la lista lo cubre, así que no hay ninguna dirección que ofrecer."
    )
