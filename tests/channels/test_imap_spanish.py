"""A Spanish email fetched from a real Dovecot is stored as Spanish, and the reply the desk would send it is Spanish."""

from __future__ import annotations

from collections.abc import Callable

from channels.test_imap_fetch import append, fetch_once, imap_settings, pinned_clock, stored  # noqa: F401
from channels.test_inbound_spanish import ENGLISH_ASK, SPANISH
from imap_fixture import Account

from routing.core.instants import parse_instant
from routing.delivery.reading import read
from routing.present.drafts import ask_sender_draft
from routing.settings import Settings
from routing.store.live_directory import LiveDirectory


def test_a_fetched_spanish_email_is_read_as_spanish_and_its_reply_is_spanish(imap_account: Account, make_settings: Callable[..., Settings]) -> None:
    append(imap_account, SPANISH.replace(b"\n", b"\r\n"))
    settings = imap_settings(make_settings, imap_account)
    fetch_once(settings)
    [record] = stored(settings)
    assert record.source == "imap" and record.action == "ask_sender"
    assert record.result["sender_language"] == "es"
    live = LiveDirectory(path=settings.directory_path, index_dir=settings.index_dir)
    live.load()
    draft = ask_sender_draft(read(record.raw, live.current.index, parse_instant("2026-03-18T10:00:00-07:00")), live.current.directory)
    assert draft is not None and draft.subject == "RE: Baja de una empleada"
    assert "Su mensaje no incluía el número de grupo." in draft.body
    assert not [sentence for sentence in ENGLISH_ASK if sentence in draft.body]
