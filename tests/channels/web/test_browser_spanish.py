"""A Spanish-speaking employer in a real browser: the switch, a search, the contact form, in Spanish throughout.

Each page passes axe (tests/browser.py), reads in Spanish with ``<html lang="es">``,
and the choice, once made on the switch, holds on pages reached without
``lang`` in their address, because the switch set the ``lang`` cookie.
"""

from __future__ import annotations

import re

from browser import Watch, check_page
from playwright.sync_api import Page, expect
from smtp_fixture import SmtpServer

MONDAY_10AM = "2026-11-23T10:00:00-08:00"
QUESTION = "Queremos cambiar nuestro agente de seguros"


def in_spanish(page: Page) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("navigation", name="Principal")).to_contain_text("Buscar un contacto")
    expect(page.locator(".site-footer")).to_contain_text("Consola del personal")


def test_a_spanish_employer_switches_searches_and_sends_a_request(visit: tuple[Page, Watch], smtp: SmtpServer) -> None:
    page, seen = visit
    page.goto(f"/?at={MONDAY_10AM}")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("link", name="Español").click()

    # Back on the same page, with the same query, now in Spanish.
    page.wait_for_url(re.compile(r"/\?at=[^&]+&lang=es$"))
    in_spanish(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("¿Con quién debo comunicarme?")
    expect(page.get_by_role("link", name="English")).to_have_attribute("hreflang", "en")
    check_page(page, "es-home", seen)
    cookie = next(c for c in page.context.cookies() if c["name"] == "lang")
    assert cookie["value"] == "es" and cookie["sameSite"] == "Lax" and cookie["path"] == "/"

    page.get_by_label("Describa en pocas palabras lo que necesita").fill(QUESTION)
    page.get_by_role("button", name="Buscar el contacto").click()
    page.wait_for_url(re.compile(r"/search\?.*lang=es"))
    in_spanish(page)
    expect(page.locator("#answer-heading")).to_contain_text("Comuníquese con")
    check_page(page, "es-answer", seen)

    page.locator(".answer .send-request a").first.click()
    page.wait_for_url(re.compile(r"/contact\?contact=.*lang=es"))
    in_spanish(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Envíe una solicitud a un equipo")
    expect(page.get_by_label("Mensaje")).to_have_value(QUESTION)  # the question came along
    # Sent with a field left empty first: the problem is said in Spanish, and the page still passes axe.
    page.get_by_role("button", name="Enviar solicitud").click()
    expect(page.locator("#problem")).to_contain_text("marcados abajo")
    expect(page.locator("#group_name-error")).to_have_text("Escriba el nombre de su grupo, para que el equipo encuentre su cuenta.")
    check_page(page, "es-form-problems", seen)

    page.get_by_label("Nombre del grupo").fill("Jardinería Ortiz LLC")
    page.get_by_label("Número de grupo").fill("604213")
    page.get_by_label("Su correo electrónico").fill("ana.ortiz@example.net")
    page.get_by_label("Asunto").fill("Cambio de agente")
    page.get_by_role("button", name="Enviar solicitud").click()

    page.wait_for_url(re.compile(r"/contact/sent/FW-[0-9A-Z]{8}\?lang=es$"))
    in_spanish(page)
    reference = page.url.split("/")[-1].split("?")[0]
    expect(page.locator(".reference")).to_have_text(f"Su número de referencia es {reference}.")
    expect(page.get_by_role("heading", name="Qué sigue")).to_be_visible()
    expect(page.locator(f'a[href="/requests/{reference}?lang=es"]')).to_contain_text(f"/requests/{reference}?lang=es")
    check_page(page, "es-sent", seen)
    smtp.wait_for(1)

    # Pages reached without lang in the address stay Spanish: the cookie remembers.
    page.goto("/ivr")
    in_spanish(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Menú telefónico")
    check_page(page, "es-ivr", seen)

    page.get_by_role("link", name="English").click()
    page.wait_for_url(re.compile(r"/ivr$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Phone menu")
