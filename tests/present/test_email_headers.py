"""Composing writes plain messages itself and reuses header objects it made before: either way the message must
come out byte for byte as the standard library writes it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from email import policy

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

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
    ours = [composed(one, sender) for sender in ("desk@help.example", "Help desk <desk@help.example>") for one in letters * 2]
    monkeypatch.setattr(composing, "_WRITE", policy.SMTP)
    monkeypatch.setattr(composing, "_READ", policy.default)
    stock = [composing.compose(one, sender).as_bytes() for sender in ("desk@help.example", "Help desk <desk@help.example>") for one in letters * 2]
    assert ours == stock
    assert len(set(ours)) == len(ours) // 2  # each letter twice, the same both times; every letter different
    assert b"\r\nDate: Mon, 23 Nov 2026 09:15:00 -0800\r\n" in ours[0]  # the local time of sending, as RFC 5322 writes it


def test_a_header_that_would_break_the_message_is_refused_every_time(directory: Directory, at: Callable[[str], datetime]) -> None:
    for _ in range(2):  # a remembered header must not let the second one through
        for bad in ({"name": "Ana\r\nBcc: someone@evil.example"}, {"subject": "Hello\x00there"}, {"name": "Ana\x1bOrtiz"}):
            with pytest.raises((UnsafeHeaders, ValueError)):
                composed(letter(directory, at, "account-management-support", **bad), "desk@help.example")


# Header-ish text: printable ASCII with the characters that need quoting, some accents and runs of spaces.
_TEXT = st.lists(st.sampled_from([*"abcXYZ 019.,;:<>@\"'()[]\\=?!#&-_é~", "  ", "Ortiz ", "=?utf-8?q?a?= "]), max_size=20).map("".join)
_LOCAL = st.from_regex(r"[a-z0-9][a-z0-9._+-]{0,20}[a-z0-9]", fullmatch=True)


def test_a_message_written_directly_is_the_one_the_library_writes(
    directory: Directory, at: Callable[[str], datetime], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(composing, "_WRITE", policy.SMTP)
    monkeypatch.setattr(composing, "_READ", policy.default)

    # Inside the test, so that hypothesis reports (and writes out) only the generated fields, never the directory.
    @settings(max_examples=300, deadline=None)
    @given(name=_TEXT, group_name=_TEXT.filter(str.strip), subject=_TEXT.filter(str.strip), local=_LOCAL,
           message=st.lists(st.sampled_from([*"ab .\n=é", "x" * 90]), max_size=30).map("".join), lines=st.integers(0, 14))
    # Encoded words in the name or the address: the library refuses what they decode to, so the direct path must not write them.
    @example(name="=?utf-8?q?a?= a", group_name="Ortiz", subject="Hi", local="ana", message="x", lines=1)
    @example(name="=?utf-8?b?QQ0KQmNjOnhAeS56?=", group_name="Ortiz", subject="Hi", local="a", message="x", lines=1)
    @example(name="Ana", group_name="Ortiz", subject="Hi", local="=?utf-8?q?a?=", message="x", lines=1)
    def same(name: str, group_name: str, subject: str, local: str, message: str, lines: int) -> None:
        one = letter(directory, at, "account-management-support", name=name, group_name=group_name, subject=subject,
                     email=f"{local}@example.org", message="\n".join([message] * lines) or "x")
        try:
            stock = composing.compose(one, "Help desk <desk@help.example>").as_bytes()
        except (UnsafeHeaders, ValueError):
            with pytest.raises((UnsafeHeaders, ValueError)):
                composed(one, "Help desk <desk@help.example>")
            return
        assert composed(one, "Help desk <desk@help.example>") == stock

    same()


def test_a_plain_request_is_written_without_the_library(directory: Directory, at: Callable[[str], datetime], monkeypatch: pytest.MonkeyPatch) -> None:
    """The direct path is the one taken for the everyday request (else the speed it exists for is gone)."""
    def refuse(*args: object) -> None:
        raise AssertionError("the standard library was asked to compose a plain request")

    # The reason as the router words it, with its curly quotes: the body is not ASCII, and still written directly.
    reason = "“Broker of record changes” goes to Account Management Support Team at amt@kp.org, the mailbox listed for broker of record."
    plain = replace(letter(directory, at, "account-management-support"), reason=reason)
    composed(plain, "desk@help.example")  # the team's To header is made once, by the library, then remembered
    monkeypatch.setattr(composing, "_library_composed", refuse)
    assert composed(plain, "desk@help.example").startswith(b"From: desk@help.example\r\nTo: ")
    with pytest.raises(AssertionError):
        composed(letter(directory, at, "account-management-support", name="José Núñez"), "desk@help.example")
