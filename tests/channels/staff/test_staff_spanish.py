"""The staff console in Spanish: the list, a triaged email and the corrections form speak the page's language.

What staff read that comes from the email or the directory stays as it is; the
console's own words (headings, labels, buttons, problems) come from the catalog.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from email import message_from_bytes, policy

import pytest
from paths import FIXTURES
from starlette.testclient import TestClient

from routing.app import create_app
from routing.settings import Settings

PASSWORD = "test-staff-pass"


@pytest.fixture
def staff(make_settings: Callable[..., Settings], monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("ROUTING_NOW", "2026-03-18T10:00:00-07:00")
    with TestClient(create_app(make_settings())) as client:
        client.cookies.set("lang", "es")  # the choice the switch remembers
        login = client.get("/staff/login").text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', login)
        assert csrf and "Inicio de sesión del personal" in login
        signed = client.post("/staff/login", data={"password": PASSWORD, "csrf_token": csrf.group(1), "next": "/staff"}, follow_redirects=False)
        assert signed.status_code == 303
        yield client


def test_the_console_reads_in_spanish_from_the_list_to_a_correction(staff: TestClient) -> None:
    empty = staff.get("/staff").text
    assert '<html lang="es">' in empty
    assert "<h1>Correos clasificados</h1>" in empty and "Todavía no hay correos." in empty and "Cerrar sesión" in empty
    raw = (FIXTURES / "01_bor_change.eml").read_bytes()
    sent = staff.post("/api/triage", content=raw, headers={"content-type": "message/rfc822"})
    assert sent.status_code in (200, 201), sent.text
    listing = staff.get("/staff").text
    assert "1 correo." in listing and 'data-label="Recibido"' in listing and "Buscar correos" in listing
    record = re.search(r'href="(/staff/messages/[A-Z0-9-]+)\?lang=es"', listing)
    assert record, "a link to the email that keeps the language"
    page = staff.get(record.group(1)).text
    for words in ("Sugerido:", "Qué tan seguro", "Correcciones", "Guardar correcciones", "Quién hizo qué", "Lo que escribió el remitente"):
        assert words in page, words
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf
    wrong = staff.post(f"{record.group(1)}/correct", data={"csrf_token": csrf.group(1), "group_id": "12", "contact_id": "", "group_name": ""})
    assert wrong.status_code == 422
    assert "Corrija el campo marcado abajo y guarde otra vez." in wrong.text
    assert "“12” no es un número de grupo." in wrong.text


def test_the_triage_reason_is_said_in_spanish_on_a_spanish_console(staff: TestClient) -> None:
    raw = (FIXTURES / "01_bor_change.eml").read_bytes()
    assert staff.post("/api/triage", content=raw, headers={"content-type": "message/rfc822"}).status_code in (200, 201)
    record = re.search(r'href="(/staff/messages/[A-Z0-9-]+)\?lang=es"', staff.get("/staff").text)
    assert record
    page = staff.get(record.group(1)).text
    reason = re.search(r'<p class="reason">(.*?)</p>', page, re.S)
    assert reason
    said = reason.group(1)
    # The sentence is the console's; the facts in it (address, group ID, the group's name) are the email's and the directory's.
    assert said.startswith("Reenviar al Equipo de Soporte de Administración de Cuentas: “Cambios del corredor de registro” va al Equipo")
    assert "Se encontró el número de grupo 604213 en el mensaje y el nombre del grupo “Ortiz Landscaping LLC” en una línea con etiqueta." in said
    assert "Forward to" not in said and " from " not in said


def test_a_forward_from_a_spanish_console_tells_the_team_why_in_english(staff: TestClient) -> None:
    raw = (FIXTURES / "01_bor_change.eml").read_bytes()
    record = staff.post("/api/triage", content=raw, headers={"content-type": "message/rfc822"}).json()["id"]
    page = staff.get(f"/staff/messages/{record}").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf
    done = staff.post(f"/staff/messages/{record}/forward", data={"csrf_token": csrf.group(1)}, follow_redirects=True)
    assert done.status_code == 200 and "Reenviado" in done.text  # staff read the outcome in Spanish
    services = staff.app.state.services  # type: ignore[attr-defined]
    [item] = services.mailroom.outbox.recent(10)
    body = message_from_bytes(item.message, policy=policy.default).get_body(("plain",)).get_content().splitlines()  # type: ignore[union-attr]
    # The team reads English, whatever language the console was in.
    assert body[body.index("Why it came to you:") + 1] == "Broker of record changes are handled by the Account Management Support Team."
    # So does the reason the outbox keeps beside it.
    assert item.fields["reason"].startswith("Forward to Account Management Support Team: “Broker of record changes” goes to Account Management Support Team")
    assert "Found group ID 604213 from the message" in item.fields["reason"]
