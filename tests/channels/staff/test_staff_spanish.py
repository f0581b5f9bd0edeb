"""The staff console in Spanish: the list, a triaged email and the corrections form speak the page's language.

What staff read that comes from the email or the directory stays as it is; the
console's own words (headings, labels, buttons, problems) come from the catalog.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

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
