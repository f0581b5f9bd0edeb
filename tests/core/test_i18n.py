"""Choosing the language of an answer, and reading the directory's translations."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from routing.core import i18n


@pytest.mark.parametrize(
    ("asked", "cookie", "accept", "chosen"),
    [
        ("es", None, None, "es"),
        ("ES ", "en", "en-US", "es"),  # the address beats the remembered choice and the browser
        (None, "es", "en-US,en;q=0.9", "es"),  # the remembered choice beats the browser
        ("fr", "es", None, "es"),  # a language we do not speak is ignored, not an error
        (None, None, "es-MX,es;q=0.9,en;q=0.8", "es"),
        (None, None, "fr-CA, es;q=0.5, en;q=0.7", "en"),  # the highest weight we speak wins
        (None, None, "es;q=0, en;q=0.1", "en"),  # q=0 means "not this one"
        (None, None, "de, fr;q=0.9", "en"),
        (None, None, "es;q=abc, ;;;", "en"),  # garbage falls back to the source language
        (None, None, None, "en"),
    ],
)
def test_the_address_then_the_cookie_then_the_browser_choose_the_language(asked: str | None, cookie: str | None, accept: str | None, chosen: str) -> None:
    assert i18n.choose(asked, cookie, accept) == chosen


def test_a_hostile_accept_language_header_is_read_only_in_part() -> None:
    assert i18n.from_accept_language("x," * 100_000 + "es") is None  # only the first 20 entries are read


@dataclass
class _Item:
    title: str
    translations: dict[str, dict[str, Any]] = field(default_factory=dict)


def test_a_directory_value_reads_in_the_current_language_and_falls_back_to_the_english() -> None:
    translated = _Item("Order member ID cards", {"es": {"title": "Pedir tarjetas de identificación"}})
    untranslated = _Item("COBRA inquiries")
    assert i18n.localized(translated, "title") == "Order member ID cards"
    with i18n.speaking("es"):
        assert i18n.localized(translated, "title") == "Pedir tarjetas de identificación"
        assert i18n.localized(untranslated, "title") == "COBRA inquiries"
    assert i18n.current() == "en"  # the block ends, and so does the language


def test_an_unknown_language_speaks_the_source_language() -> None:
    with i18n.speaking("klingon") as language:
        assert language == "en"
        assert i18n.gettext("Closed") == "Closed"


def test_a_count_is_written_as_the_language_writes_it() -> None:
    assert i18n.number(10_000) == "10,000"
    with i18n.speaking("es"):
        assert i18n.number(10_000) == "10\u00a0000"
        assert i18n.number(5000) == "5000"  # four digits stay together in Spanish
