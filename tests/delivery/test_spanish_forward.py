"""A request sent in Spanish, through the API or the form, reaches the team with one line saying so; English is unchanged.

Real parts: the app (TestClient, with its language middleware), the outbox, the sender and aiosmtpd on loopback.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from smtp_fixture import Received, SmtpServer
from starlette.testclient import TestClient

from routing.app import create_app
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
