"""Where the sender's new words end, in the languages Outlook writes, Outlook's HTML tables, and the desk's own mail."""

from __future__ import annotations

import pytest

from routing.core.email.parse import parse
from routing.core.email.sections import html_to_text, split_sections

NEW = "Please change our group address. Group ID 6654210.\n\nPieter"


@pytest.mark.parametrize(
    "header",
    [
        "Van: Pieter van Dijk <pieter@example.com>\nVerzonden: maandag 3 maart 2025 11:05\nAan: desk@example.com\nOnderwerp: Group address",
        "Da: Marco Rossi <marco@example.com>\nInviato: lunedì 3 marzo 2025 11:05\nA: desk@example.com\nOggetto: Indirizzo",
        "Von: Klaus Becker <klaus@example.com>\nGesendet: Montag, 10. März 2025 08:47\nAn: desk@example.com\nBetreff: Kontakt",
        "De : Luc Bernard <luc@example.com>\nEnvoyé : lundi 21 avril 2025 17:15\nÀ : desk@example.com\nObjet : formulaire",
        "De: Rosa Jiménez <rosa@example.com>\nEnviado el: lunes, 3 de marzo de 2025 11:05\nPara: desk@example.com\nAsunto: pago",
        "El mié, 19 mar 2025 a las 15:40, Help Desk (<desk@example.com>) escribió:",
        "Op ma 3 mrt 2025 om 11:05 schreef Pieter <pieter@example.com>:",
        "Am Mo., 10. März 2025 um 08:47 Uhr schrieb Klaus Becker <klaus@example.com>:",
        "Il giorno lun 3 mar 2025 alle 11:05 Marco <marco@example.com> ha scritto:",
    ],
)
def test_reply_headers_in_other_languages_end_the_new_text(header: str) -> None:
    sections = split_sections(f"{NEW}\n\n{header}\n\nOur group is 6654201.", "RE: Group address")
    assert sections.newest == NEW
    assert sections.is_reply and "6654201" in sections.history


def test_an_outlook_table_row_stays_one_line() -> None:
    html = (
        "<p class=MsoNormal>Details below.<o:p></o:p></p><table><tr><td><p class=MsoNormal>Group name:<o:p></o:p></p></td>"
        "<td><p class=MsoNormal>Ortiz&nbsp;Landscaping LLC<o:p></o:p></p></td></tr>"
        "<tr><td>Group ID:</td><td>&nbsp;</td></tr><tr><td>Contact:</td><td>Walter Henning</td></tr></table>"
    )
    lines = [ln for ln in html_to_text(html).split("\n") if ln]
    assert lines == ["Details below.", "Group name: Ortiz Landscaping LLC", "Group ID:", "Contact: Walter Henning"]


def test_a_layout_table_around_the_whole_email_keeps_its_paragraphs() -> None:
    paragraphs = "".join(f"<p>Paragraph {n}</p>" for n in range(6))
    text = html_to_text(f"<table><tr><td>{paragraphs}</td><td>sidebar</td></tr></table>")
    assert [ln for ln in text.split("\n") if ln] == [f"Paragraph {n}" for n in range(6)] + ["sidebar"]


@pytest.mark.parametrize(
    "header, signal",
    [("X-Help-Desk-Reference: R-20260301-0042\n", "own-reference"), ("X-Loop: helpdesk@example.com\n", "x-loop")],
)
def test_the_desks_own_mail_and_x_loop_are_loop_signals(header: str, signal: str) -> None:
    raw = f"From: Desk <desk@example.com>\nTo: ana@example.com\nSubject: Your request\n{header}\nWe forwarded it.".encode()
    assert signal in parse(raw).loop_signals


def test_mail_without_those_headers_is_not_taken_for_a_loop() -> None:
    raw = b"From: Ana <ana@example.com>\nTo: desk@example.com\nSubject: Bill\nReferences: <a@example.com>\n\nPlease send a copy."
    assert parse(raw).loop_signals == ()
