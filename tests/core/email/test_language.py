"""Which language a sender wrote in: their own words decide, not a Spanish business name or a quoted Spanish header."""

from __future__ import annotations

import pytest

from routing.core.email.language import MAX_CHARS, detect, detect_text, question_language
from routing.core.email.parse import parse


def email(body: str, subject: str = "Question") -> bytes:
    return f"From: Ana <ana@example.com>\nTo: inbox@example.com\nSubject: {subject}\nContent-Type: text/plain; charset=utf-8\n\n{body}".encode()


@pytest.mark.parametrize("text", [
    "Hola, necesito una copia de la factura de marzo. Gracias.",
    "¿Cómo agrego a mi bebé al plan?",
    "Buenos días: quisiera cambiar la dirección de nuestra empresa.",
    "Baja de una empleada\nNecesito dar de baja a una empleada de nuestro plan.",
])
def test_spanish_is_recognised(text: str) -> None:
    assert detect_text(text) == "es"


@pytest.mark.parametrize("text", [
    "Hi, can you send me a copy of our March invoice? Thanks.",
    "Please add our new hire to the plan. Group name: Panadería La Estrella, group 582904.",  # a Spanish name in English
    "Re: Renewal\nSee attached.",
    "",
    "582904",
])
def test_english_and_wordless_mail_read_as_english(text: str) -> None:
    assert detect_text(text) == "en"


def test_an_english_reply_above_a_quoted_spanish_message_is_english() -> None:
    raw = email(
        "Thanks, here is the form you asked for. Please confirm you got it.\n\n"
        "El mar, 17 mar 2026 a las 10:00, Luis <luis@example.com> escribió:\n"
        "> Hola, necesitamos el formulario de COBRA para una empleada de nuestra empresa.\n",
        subject="Re: Formulario COBRA",
    )
    assert detect(parse(raw)) == "en"


def test_a_spanish_forward_note_is_read_in_spanish() -> None:
    assert detect(parse(email("Hola, les reenvío esto. ¿Me pueden ayudar con la factura de nuestra empresa?"))) == "es"


def test_a_long_email_is_read_only_from_its_start() -> None:
    # The English after the first MAX_CHARS characters is never counted, however much of it there is.
    assert detect_text("Hola, necesito la factura de marzo para la empresa." + " " * MAX_CHARS + "the " * 100_000) == "es"


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("Taqueria La Estrella de San Jose needs a copy of the bill", "en"),  # a Spanish name in an English question
        ("El IRS me mandó una carta sobre el seguro", "es"),  # a sentence's first article is no name
        ("¿Dónde mando la forma de baja de un empleado?", "es"),
    ],
)
def test_a_question_is_read_in_its_own_language_names_aside(question: str, language: str) -> None:
    assert question_language(question) == language
