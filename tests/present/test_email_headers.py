"""Composing reuses header objects it made before: the message must come out byte for byte as the standard library writes it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from email import policy

import pytest

import routing.present.email as composing
from routing.core.model import Directory
from routing.core.recipients import team_email
from routing.errors import UnsafeHeaders
from routing.present.email import Letter, composed
from routing.store.outbox import new_reference

FIELDS = {
    "group_name": "Ortiz Landscaping LLC",
    "group_id": "604213",
    "name": "Ana Ortiz",
    "email": "ana@ortiz-landscaping.example",
    "phone": "",
    "subject": "Broker of record change",
    "message": "We are switching brokers as of January 1.\nPlease send the forms.",
}
# Names and subjects that need quoting, encoding or folding, and one long line in the body.
ODD = [
    {},
    {"name": "Ortiz, Ana"},
    {"name": "José Núñez", "group_name": "Café Ñandú S.A."},
    {"name": 'Ana "Annie" O\'Neil'},
    {"subject": "A subject long enough that the Subject header has to be folded onto a second line when it is written out " * 2},
    {"message": "x" * 300 + "\n— signed"},
    {"name": "", "email": "plain@example.org"},
]


def letter(directory: Directory, at: Callable[[str], datetime], team_id: str, **fields: str) -> Letter:
    team = directory.contact(team_id)
    email = team_email(team, team.topics[:1]) or team.emails[0]
    return Letter(new_reference(), {**FIELDS, **fields}, team, email, "Because.", at("2026-11-23T09:15:00-08:00"), directory.timezone)


def test_remembered_headers_write_the_same_bytes_as_the_standard_library(
    directory: Directory, at: Callable[[str], datetime], monkeypatch: pytest.MonkeyPatch
) -> None:
    teams = [c.id for c in directory.contacts if c.emails]
    letters = [letter(directory, at, team, **odd) for team in teams for odd in ODD]
    # Twice each, so the second message of each kind is made from remembered headers.
    ours = [composed(one, sender)[1] for sender in ("desk@help.example", "Help desk <desk@help.example>") for one in letters * 2]
    monkeypatch.setattr(composing, "_WRITE", policy.SMTP)
    monkeypatch.setattr(composing, "_READ", policy.default)
    stock = [composed(one, sender)[1] for sender in ("desk@help.example", "Help desk <desk@help.example>") for one in letters * 2]
    assert ours == stock
    assert len(set(ours)) == len(ours) // 2  # each letter twice, the same both times; every letter different
    assert b"\r\nDate: Mon, 23 Nov 2026 09:15:00 -0800\r\n" in ours[0]  # the local time of sending, as RFC 5322 writes it


def test_a_header_that_would_break_the_message_is_refused_every_time(directory: Directory, at: Callable[[str], datetime]) -> None:
    for _ in range(2):  # a remembered header must not let the second one through
        for bad in ({"name": "Ana\r\nBcc: someone@evil.example"}, {"subject": "Hello\x00there"}, {"name": "Ana\x1bOrtiz"}):
            with pytest.raises((UnsafeHeaders, ValueError)):
                composed(letter(directory, at, "account-management-support", **bad), "desk@help.example")
