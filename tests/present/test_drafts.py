"""The reply asking a sender for their group details: English as it always was, Spanish for a Spanish sender."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from routing.core import i18n, wording
from routing.core.email.parse import parse
from routing.core.email.triage import ASK_SENDER, triage
from routing.core.instants import parse_instant
from routing.core.model import Directory
from routing.present.drafts import ask_sender_draft
from routing.present.email import language_note
from routing.present.triage import triage_json
from routing.store import catalogs
from routing.store.search_index import SearchIndex, open_index

WEDNESDAY_10AM = parse_instant("2026-03-18T10:00:00-07:00")


@pytest.fixture(scope="module")
def index(directory: Directory, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    catalogs.install_all()
    built = open_index(directory, tmp_path_factory.mktemp("drafts-index"))
    yield built
    built.close()


def email(sender: str, subject: str, body: str) -> bytes:
    return f"From: {sender}\nTo: inbox@example.com\nSubject: {subject}\nMessage-ID: <m1@example.com>\nContent-Type: text/plain; charset=utf-8\n\n{body}".encode()


ENGLISH = email(
    "Ana Ortiz <ana@ortiz.example>", "Renewal materials",
    "Hi, please send us the renewal materials for our plan. Thanks!\n\nAna Ortiz\nOrtiz Landscaping LLC",
)
SPANISH = email(
    "Sra. Ana Ortiz <ana@ortiz.example>", "Materiales de renovación",
    "Hola, necesitamos los materiales de renovación de nuestro plan. ¿Nos los pueden enviar?\n\nGracias,\nAna Ortiz",
)


def test_an_english_sender_gets_the_english_reply_word_for_word(index: SearchIndex) -> None:
    result = triage(parse(ENGLISH), index, WEDNESDAY_10AM)
    assert result.action == ASK_SENDER and result.language == "en" and result.missing == ("group_id",)
    draft = ask_sender_draft(result, index.directory)
    assert draft is not None and draft.subject == "Re: Renewal materials"
    lines = draft.body.splitlines()
    assert lines[0] == "Hello Ana,"
    assert lines[2] == "Thank you for your message about “Renewal materials”."
    assert (
        # The Client Services Unit's listing asks for nothing: the desk asks in its own name, for what it needs to forward.
        "To pass it on we need the group name and group ID, because that is how the team finds your account. "
        "Your message did not include the group ID."
    ) in lines
    assert "We already have:" in lines and "  Group name: Ortiz Landscaping LLC" in lines
    assert "Please reply to this email with:" in lines and lines[-1] == "Small business support"
    assert triage_json(result)["sender_language"] == "en"


def test_a_spanish_sender_gets_the_reply_in_spanish_even_from_an_english_page(index: SearchIndex) -> None:
    result = triage(parse(SPANISH), index, WEDNESDAY_10AM)
    assert result.language == "es" and set(result.missing) == {"group_id", "group_name"}
    with i18n.speaking("en"):  # the staff page showing the draft is English
        draft = ask_sender_draft(result, index.directory)
    assert draft is not None and draft.subject == "RE: Materiales de renovación"
    lines = draft.body.splitlines()
    assert lines[0] == "Hola, Ana:"  # "Sra." is a title, not her name
    assert lines[2] == "Gracias por su mensaje sobre «Materiales de renovación»."
    team = result.team or result.contact
    assert team is not None
    with i18n.speaking("es"):
        to_team = wording.contracted("a " + wording.named(team))  # "a la Unidad…", "al Equipo…": the directory's Spanish name
    assert lines[3].startswith(f"Su mensaje le corresponde {to_team}, ")
    assert any(line.endswith("Su mensaje no incluía el número de grupo y el nombre del grupo.") for line in lines)
    assert "  Nombre del grupo: el nombre de su empresa tal como aparece en su cuenta" in lines
    assert "  Número de grupo: " + index.directory.group_id.translations["es"]["description"] in lines
    assert "Group" not in draft.body and "Hello" not in draft.body and "Thank" not in draft.body
    assert triage_json(result)["sender_language"] == "es"


def test_the_teams_note_is_english_whatever_the_page_speaks() -> None:
    with i18n.speaking("es"):
        catalogs.install_all()
        assert language_note("es") == ["The employer wrote in Spanish; please reply in Spanish if you can."]
        assert language_note("en") == []
