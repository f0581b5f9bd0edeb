"""A Spanish email end to end: it arrives over SMTP, the desk asks in Spanish for the missing group ID, the sender
answers, and the team gets one forward, in English, that says the employer wrote in Spanish.

Everything is real, as in ``test_conversation``: the inbound SMTP listener on loopback, the staff console pressing
"Ask", and aiosmtpd (``smtp_server``) receiving both the ask and the forward.
"""

from __future__ import annotations

import re

from channels.test_conversation import deliver, desk, listening, pinned_clock, press, records, staff_client, to_team, wait_until  # noqa: F401
from smtp_fixture import SmtpServer

from routing.core.model import Directory
from routing.settings import Settings

SPANISH = """From: =?utf-8?q?Mar=C3=ADa_G=C3=B3mez?= <maria@panaderia-sol.example>
To: smallbiz-inbox@example.com
Subject: Baja de una empleada
Date: Wed, 18 Mar 2026 09:30:00 -0700
Message-ID: <baja-1@panaderia-sol.example>
MIME-Version: 1.0
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: 8bit

Hola:

Necesito dar de baja a una empleada de nuestro plan a partir del 31 de marzo,
porque ya no trabaja con nosotros. ¿Qué necesitan de nuestra parte?

Gracias,
María Gómez
Panadería El Sol
""".encode()

# Every fixed sentence of the English ask: none of them may reach a Spanish sender.
ENGLISH_ASK = (
    "Hello", "Thank you for your message", "It is for", "The team asks every email", "To pass it on we need", "Please reply to this email",
    "Group name:", "Group ID:", "We already have", "As soon as we have it", "Small business support", "Re: ",
)


def answer(ask_subject: str, ask_id: str, body: str) -> bytes:
    return "\n".join([
        "From: =?utf-8?q?Mar=C3=ADa_G=C3=B3mez?= <maria@panaderia-sol.example>",
        "To: help-desk@desk.example",
        f"Subject: RE: {ask_subject}",
        "Date: Wed, 18 Mar 2026 10:20:00 -0700",
        "Message-ID: <baja-2@panaderia-sol.example>",
        f"In-Reply-To: {ask_id}",
        f"References: <baja-1@panaderia-sol.example> {ask_id}",
        "MIME-Version: 1.0",
        'Content-Type: text/plain; charset="UTF-8"',
        "Content-Transfer-Encoding: 8bit",
        "",
        body,
        "",
    ]).encode()


def test_a_spanish_email_is_asked_in_spanish_and_forwarded_with_a_note_for_the_team(
    desk: Settings, smtp_server: SmtpServer, directory: Directory,  # noqa: F811 (desk is the fixture imported above)
) -> None:
    staff = staff_client(desk)
    try:
        with listening(desk) as port:
            deliver(port, SPANISH)
            [first] = records(desk)
            assert first.action == "ask_sender" and first.result["missing"] == ["group_id"]
            assert first.result["sender_language"] == "es"
            page = staff.get(f"/staff/messages/{first.id}").text
            assert re.search(r"<dt>Written in</dt><dd>Spanish</dd>", page)
            assert "Hola, María:" in page  # the draft staff read before it goes is the Spanish one

            press(staff, first.id, "ask")
            [ask] = smtp_server.wait_for(1)
            assert ask.rcpt_tos == ("maria@panaderia-sol.example",)
            subject = ask.message["Subject"]
            assert re.fullmatch(r"RE: Baja de una empleada \[Ref FW-[0-9A-Z]{8}\]", subject)
            text = ask.message.get_content().replace("\r\n", "\n")
            assert text.startswith("Hola, María:\n\nGracias por su mensaje sobre «Baja de una empleada».\n")
            assert "Su mensaje no incluía el número de grupo." in text
            assert f"  Número de grupo: {directory.group_id.translations['es']['description']}\n" in text  # the directory's Spanish
            assert "Ya tenemos:\n  Nombre del grupo: Panadería El Sol\n" in text
            assert text.rstrip().endswith("Atención a pequeñas empresas")
            leaked = [sentence for sentence in ENGLISH_ASK if sentence in text]
            assert not leaked, f"English in the Spanish reply: {leaked}"

            deliver(port, answer(subject, ask.message["Message-ID"], "Nuestro número de grupo es 604213.\n\nSaludos,\nMaría"))
            [forward] = wait_until(lambda: to_team(smtp_server.messages, directory))
    finally:
        staff.__exit__(None, None, None)

    assert forward.message["Subject"].startswith("[Group 604213] Panadería El Sol: ")
    lines = forward.message.get_body(("plain",)).get_content().splitlines()  # type: ignore[union-attr]
    # The team's email stays English; one line, under who to answer, says how to answer.
    assert lines[0] == "An employer emailed the small-business inbox; staff triage sends it to you."
    assert lines[2] == "The employer wrote in Spanish; please reply in Spanish if you can."
    assert "Their message:" in lines and "Nuestro número de grupo es 604213." in lines
