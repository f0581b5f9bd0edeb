"""The IMAP fetcher's place in each mailbox, on both engines: a watermark that only rises, reset by a new UIDVALIDITY."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from routing.store.mailbox_state import MailboxState, Position

Opener = Callable[..., Any]
BOX = "desk@imap.example.com:993/INBOX"


def test_the_watermark_survives_reopening_and_never_goes_down(open_store: Opener) -> None:
    state: MailboxState = open_store(MailboxState)
    assert state.position(BOX) is None
    assert state.start(BOX, 4_000_000_000) == Position(4_000_000_000, 0)  # UIDVALIDITY is 32-bit unsigned
    assert state.advance(BOX, 4_000_000_000, 4_294_967_295)
    assert not state.advance(BOX, 4_000_000_000, 7)  # never down
    again = open_store(MailboxState)
    assert again.start(BOX, 4_000_000_000) == Position(4_000_000_000, 4_294_967_295)


def test_a_new_uidvalidity_starts_the_folder_again_and_clears_its_failures(open_store: Opener) -> None:
    state: MailboxState = open_store(MailboxState)
    state.start(BOX, 1)
    state.advance(BOX, 1, 50)
    assert state.failed(BOX, 1, 51, "OperationalError") == 1
    assert state.failed(BOX, 1, 51, "OperationalError") == 2
    assert state.start(BOX, 2) == Position(2, 0)
    assert not state.advance(BOX, 1, 60)  # a fetcher still on the old numbering cannot move the new mark
    assert state.failed(BOX, 1, 51, "again") == 1  # the old count was cleared
