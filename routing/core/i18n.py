"""Which language an answer is in, and where its fixed wording comes from.

Fixed wording (page text, spoken sentences, API messages, email frames) is
English in the code and looked up in a gettext catalog per language; the
directory's own words (team names, topic titles) carry their translations
beside the English in directory.yaml and are read with :func:`localized`.

The language is a context variable, set once per request, call or email by
the channel that received it (``speaking``), so every layer below answers in
it without a language argument threaded through each call. The catalogs are
installed at start by ``routing.store.catalogs``; the core never reads a file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Protocol

SOURCE = "en"  # the language the code, the templates and the seed pages are written in
LANGUAGES = ("en", "es")  # every language a user can choose; the first is the source


class Catalog(Protocol):
    def gettext(self, message: str, /) -> str: ...
    def ngettext(self, singular: str, plural: str, n: int, /) -> str: ...
    def pgettext(self, context: str, message: str, /) -> str: ...


_catalogs: dict[str, Catalog] = {}
_current: ContextVar[str] = ContextVar("language", default=SOURCE)


def install(language: str, catalog: Catalog) -> None:
    _catalogs[language] = catalog


def installed(language: str) -> bool:
    return language == SOURCE or language in _catalogs


def current() -> str:
    return _current.get()


@contextmanager
def speaking(language: str) -> Iterator[str]:
    """Everything said inside the block is in ``language`` (the source language if it is not one we speak)."""
    language = language if language in LANGUAGES else SOURCE
    token = _current.set(language)
    try:
        yield language
    finally:
        _current.reset(token)


def gettext(message: str) -> str:
    catalog = _catalogs.get(_current.get())
    return catalog.gettext(message) if catalog is not None else message


def ngettext(singular: str, plural: str, n: int) -> str:
    catalog = _catalogs.get(_current.get())
    if catalog is None:
        return singular if n == 1 else plural
    return catalog.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """A message whose translation depends on where it is used ("Closed" as a badge, "closed" in a sentence)."""
    catalog = _catalogs.get(_current.get())
    return catalog.pgettext(context, message) if catalog is not None else message


_ = gettext


def N_(message: str) -> str:
    """Marks a message for the catalog where it is defined; it is translated where it is shown, with ``_``."""
    return message


def localized(item: object, field: str, language: str | None = None) -> Any:
    """A directory value in the current language: its translation from directory.yaml, else the English.

    Items carry their translations as ``translations = {"es": {"title": ...}}``; a field with no
    translation reads as the source text, and the directory check reports it missing.
    """
    language = language or _current.get()
    if language != SOURCE:
        translations: Mapping[str, Mapping[str, Any]] | None = getattr(item, "translations", None)
        if translations:
            value = translations.get(language, {}).get(field)
            if value:
                return value
    return getattr(item, field)


def number(value: int) -> str:
    """A count as the current language writes it: "10,000" in English, "10 000" in Spanish (a no-break space groups
    the digits wherever the reader learned a point or a comma for it; four digits stay together, "5000")."""
    if _current.get() == SOURCE:
        return f"{value:,}"
    return f"{value:,}".replace(",", "\u00a0") if abs(value) >= 10_000 else str(value)


_TAG = re.compile(r"^\s*([A-Za-z]{1,8})(?:-[A-Za-z0-9]{1,8})*\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*$")


def from_accept_language(header: str) -> str | None:
    """The best language we speak from an ``Accept-Language`` header ("es-MX,es;q=0.9,en;q=0.8" → "es"), or None."""
    best: tuple[float, int, str] | None = None
    for position, part in enumerate(header.split(",")[:20]):  # a hostile header cannot make this loop long
        found = _TAG.match(part)
        if not found:
            continue
        language = found.group(1).lower()
        try:
            weight = float(found.group(2)) if found.group(2) else 1.0
        except ValueError:
            continue
        if language in LANGUAGES and weight > 0 and (best is None or (weight, -position) > best[:2]):
            best = (weight, -position, language)
    return best[2] if best else None


def choose(asked: str | None, cookie: str | None, accept_language: str | None) -> str:
    """The language of a page: an explicit ``?lang=``, then the remembered choice, then the browser's, then the source."""
    for offered in (asked, cookie):
        if offered and offered.strip().lower() in LANGUAGES:
            return offered.strip().lower()
    return from_accept_language(accept_language or "") or SOURCE
