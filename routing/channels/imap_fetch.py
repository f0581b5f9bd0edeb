"""The IMAP fetcher: reads the shared inbox itself, triages and stores every new message, then flags or moves it.

Help desks (Zammad, FreeScout, osTicket) fetch from the shared inbox rather
than wait for mail to be handed to them; this does the same, beside the SMTP
listener. It runs as ``python -m routing fetch`` or inside the app when
IMAP_HOST is set.

- **Connecting.** TLS (IMAPS, port 993) unless IMAP_TLS is explicitly false;
  a password login, or XOAUTH2 with IMAP_OAUTH2_TOKEN (Microsoft 365, Google).
  A lost connection is retried with a growing wait, saying why in the log.
- **Waiting.** IMAP IDLE when the server offers it (new mail wakes it at
  once), renewed every IMAP_POLL_SECONDS; otherwise a look every
  IMAP_POLL_SECONDS.
- **Exactly once.** Each message is fetched (``BODY.PEEK[]``, so it is not
  marked read before it is stored), handed to ``take_in`` (stored, synced,
  triaged, the same bytes kept once), then flagged (``\\Seen`` and
  ``$HelpDeskTriaged``) or moved to IMAP_DONE_FOLDER, and only then does the
  watermark in ``MailboxState`` pass it. A crash at any point leaves at most
  the message in hand to be read again, and the triage log's digest makes
  that second read the first record.
- **UIDVALIDITY.** When the server renumbers the folder, this says so in the
  log and starts the folder again from the beginning: messages already
  flagged are skipped, moved ones are gone from it, and any other already
  stored is found by its bytes.
- **Never lost.** A message that cannot be read as an email is stored all the
  same (``take_in`` keeps the raw bytes and sends it to review). One that
  cannot be fetched or stored stays above the watermark and is tried again,
  while the others go on; after ``GIVE_UP_AFTER`` tries it is left unflagged
  on the server and a record saying so is stored for staff to review.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from routing.clock import now
from routing.core import i18n
from routing.delivery.enqueue import Mailroom
from routing.delivery.intake import take_in
from routing.delivery.sender import Sender
from routing.delivery.transport import transport_for
from routing.settings import Settings
from routing.store import catalogs
from routing.store.live_directory import LiveDirectory
from routing.store.mailbox_state import MailboxState
from routing.store.stores import open_stores
from routing.store.triage_log import Record, TriageLog

log = logging.getLogger("routing.imap")

KEYWORD = b"$HelpDeskTriaged"
SEEN = b"\\Seen"
GIVE_UP_AFTER = 5  # tries of one message before it is left on the server and reported for review
MAX_BACKOFF_SECONDS = 300.0
IDLE_SLICE_SECONDS = 1.0  # how often a wait in IDLE checks whether it should stop
BATCH = 50  # messages looked at per pass, so a huge backlog still lets the watermark move

TakeIn = Callable[[bytes], Awaitable[tuple[Record, bool]]]


def mailbox_key(settings: Settings) -> str:
    """Which mailbox a position belongs to: the same folder of the same account on the same server."""
    return f"{settings.imap_username}@{settings.imap_host}:{settings.effective_imap_port}/{settings.imap_folder}"


def where(settings: Settings) -> str:
    """The mailbox in words, for the log (never the password or token)."""
    login = "XOAUTH2" if settings.imap_oauth2_token else "password"
    security = "TLS" if settings.imap_tls else "plain (IMAP_TLS=false)"
    return f"{settings.imap_username}@{settings.imap_host}:{settings.effective_imap_port}, folder {settings.imap_folder}, {security}, {login} login"


class Session:
    """One logged-in connection with the folder selected. Blocking: every method runs in a worker thread."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        context = ssl.create_default_context() if settings.imap_tls else None
        self.client = IMAPClient(settings.imap_host, port=settings.effective_imap_port, ssl=settings.imap_tls, ssl_context=context, timeout=30)
        try:
            if settings.imap_oauth2_token:
                self.client.oauth2_login(settings.imap_username, settings.imap_oauth2_token)
            else:
                self.client.login(settings.imap_username, settings.imap_password)
            selected = self.client.select_folder(settings.imap_folder)
            self.uidvalidity = int(selected[b"UIDVALIDITY"])
            self.capabilities = set(self.client.capabilities())
            if settings.imap_done == "move" and not self.client.folder_exists(settings.imap_done_folder):
                self.client.create_folder(settings.imap_done_folder)
        except BaseException:
            self.close()
            raise

    @property
    def idles(self) -> bool:
        return b"IDLE" in self.capabilities

    def waiting(self, after: int) -> tuple[list[int], int]:
        """The UIDs above the watermark still to do, oldest first, and the highest UID above it (``after`` when none).

        Flagged ones were done by an earlier run. The highest is looked up first, so a message that
        arrives between the two searches is among those to do, never under a watermark that passed it.
        """
        window = ["UID", f"{after + 1}:*"]
        # "n:*" always names the newest message, even below n: filter.
        highest = max((uid for uid in self.client.search(window) if uid > after), default=after)
        criteria: list[Any] = list(window)
        if self.settings.imap_done == "flag":
            criteria += ["UNKEYWORD", KEYWORD.decode()]
        return sorted(uid for uid in self.client.search(criteria) if after < uid <= highest), highest

    def fetch(self, uid: int) -> bytes | None:
        """The message's bytes, or None when it is gone (expunged by someone else meanwhile)."""
        found = self.client.fetch([uid], ["BODY.PEEK[]"])
        data = found.get(uid)
        if data is None:
            return None
        raw = data.get(b"BODY[]")
        return bytes(raw) if raw is not None else None

    def done(self, uid: int) -> None:
        self.client.add_flags([uid], [SEEN, KEYWORD])
        if self.settings.imap_done == "move":
            if b"MOVE" in self.capabilities:
                self.client.move([uid], self.settings.imap_done_folder)
            else:
                self.client.copy([uid], self.settings.imap_done_folder)
                self.client.delete_messages([uid])
                if b"UIDPLUS" in self.capabilities:
                    self.client.uid_expunge([uid])
                else:
                    self.client.expunge()

    def wait(self, seconds: float, stop: threading.Event) -> None:
        """Until new mail (IDLE) or ``seconds`` pass, whichever is first; returns early when ``stop`` is set."""
        if not self.idles:
            stop.wait(seconds)
            return
        self.client.idle()
        try:
            remaining = seconds
            while remaining > 0 and not stop.is_set():
                responses = self.client.idle_check(timeout=min(IDLE_SLICE_SECONDS, remaining))
                if any(len(r) > 1 and r[1] in (b"EXISTS", b"RECENT") for r in responses):
                    return
                remaining -= IDLE_SLICE_SECONDS
        finally:
            self.client.idle_done()

    def close(self) -> None:
        try:
            self.client.logout()
        except Exception:  # already gone; nothing to tidy
            with contextlib.suppress(Exception):
                self.client.shutdown()


@dataclass
class Progress:
    """What one pass did, for the log and the tests."""

    stored: int = 0
    again: int = 0  # already in the triage log (a message in hand at a crash)
    failed: int = 0
    given_up: int = 0


class Fetcher:
    def __init__(self, settings: Settings, state: MailboxState, take_in: TakeIn, connect: Callable[[Settings], Any] = Session) -> None:
        self.settings = settings
        self.state = state
        self.take_in = take_in
        self.connect = connect
        self.mailbox = mailbox_key(settings)
        self.stop_event = threading.Event()
        self.poll_seconds = max(settings.imap_poll_seconds, 1.0)

    def stop(self) -> None:
        self.stop_event.set()

    async def run(self, once: bool = False) -> None:
        """Fetch until ``stop()`` (or, with ``once``, until the folder has nothing more to do)."""
        backoff = 1.0
        while not self.stop_event.is_set():
            try:
                session = await asyncio.to_thread(self.connect, self.settings)
            except (IMAPClientError, OSError, ssl.SSLError) as exc:
                log.warning("cannot reach the mailbox %s: %s; trying again in %.0f s", where(self.settings), _why(exc), backoff)
                if once:
                    raise
                await asyncio.to_thread(self.stop_event.wait, backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
                continue
            backoff = 1.0
            try:
                await self._serve(session, once)
                if once:
                    return
            except (IMAPClientError, OSError, ssl.SSLError) as exc:
                log.warning("lost the mailbox %s: %s; connecting again", where(self.settings), _why(exc))
                if once:
                    raise
            finally:
                await asyncio.to_thread(session.close)

    async def _serve(self, session: Any, once: bool) -> None:
        position = await asyncio.to_thread(self.state.position, self.mailbox)
        if position is not None and position.uidvalidity != session.uidvalidity:
            log.warning(
                "the mailbox %s has a new UIDVALIDITY (%d, was %d): the server renumbered it, so every message in it is looked at again;"
                " those already stored are recognised and not triaged twice",
                where(self.settings), session.uidvalidity, position.uidvalidity,
            )
        while not self.stop_event.is_set():
            progress = await self.one_pass(session)
            if once and progress.failed == 0 and progress.stored + progress.again + progress.given_up == 0:
                return
            if progress.stored + progress.again + progress.given_up + progress.failed:
                continue  # more may be waiting beyond this batch
            await asyncio.to_thread(session.wait, self.poll_seconds, self.stop_event)

    async def one_pass(self, session: Any) -> Progress:
        """Look at the messages above the watermark once; the watermark passes only what is done."""
        start = await asyncio.to_thread(self.state.start, self.mailbox, session.uidvalidity)
        validity = start.uidvalidity
        waiting, highest = await asyncio.to_thread(session.waiting, start.last_uid)
        progress = Progress()
        blocked: int | None = waiting[BATCH] if len(waiting) > BATCH else None  # the first message not done
        for uid in waiting[:BATCH]:
            if self.stop_event.is_set():
                blocked = uid if blocked is None else min(blocked, uid)
                break
            outcome = await self._one(session, validity, uid)
            if outcome == "failed":
                progress.failed += 1
                blocked = uid if blocked is None else min(blocked, uid)
                continue
            setattr(progress, outcome, getattr(progress, outcome) + 1)
            if blocked is None:
                await asyncio.to_thread(self.state.advance, self.mailbox, validity, uid)
        # Past the last one done: up to the first not done, or every UID there was (flagged ones included).
        await asyncio.to_thread(self.state.advance, self.mailbox, validity, highest if blocked is None else blocked - 1)
        if waiting and progress.failed and progress.failed == len(waiting[:BATCH]):
            # Nothing worked: wait before trying the same ones again rather than spin.
            await asyncio.to_thread(self.stop_event.wait, min(self.poll_seconds, 5.0))
        return progress

    async def _one(self, session: Any, validity: int, uid: int) -> str:
        try:
            raw = await asyncio.to_thread(session.fetch, uid)
            if raw is None:
                log.info("message UID %d left the folder before it was fetched; nothing to do", uid)
                return "again"
            record, created = await self.take_in(raw)
        except (IMAPClientError, OSError, ssl.SSLError):
            raise  # the connection: reconnect and start from the watermark
        except Exception as exc:  # the store or triage failed for this one message: the others go on
            tries = await asyncio.to_thread(self.state.failed, self.mailbox, validity, uid, f"{type(exc).__name__}: {exc}")
            log.error("message UID %d could not be stored (try %d of %d): %s", uid, tries, GIVE_UP_AFTER, _why(exc))
            if tries < GIVE_UP_AFTER:
                return "failed"
            return await self._give_up(validity, uid, exc)
        await asyncio.to_thread(session.done, uid)
        await asyncio.to_thread(self.state.forget_failure, self.mailbox, validity, uid)
        log.info("UID %d: %s %s%s", uid, record.id, record.action, "" if created else " (already stored)")
        return "stored" if created else "again"

    async def _give_up(self, validity: int, uid: int, exc: Exception) -> str:
        """Leave the message unflagged on the server and store a note of it, so a person sees it in the console."""
        note = (
            f"Subject: A message in {self.settings.imap_folder} could not be stored (UID {uid})\r\n"
            f"Message-ID: <uid-{uid}.{validity}@imap-fetch.invalid>\r\n\r\n"
            f"The message with UID {uid} (UIDVALIDITY {validity}) in {where(self.settings)} could not be stored after {GIVE_UP_AFTER} tries"
            f" ({type(exc).__name__}). It is still in the mailbox, unflagged: open it there.\r\n"
        ).encode()
        try:
            await self.take_in(note)
        except Exception:
            log.exception("could not store the note about UID %d either; it stays above the watermark", uid)
            return "failed"
        log.error("gave up on message UID %d after %d tries: it stays in the mailbox, unflagged, and the console lists it for review", uid, GIVE_UP_AFTER)
        return "given_up"


def _why(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def intake(settings: Settings, triage_log: TriageLog, directory: LiveDirectory, mailroom: Mailroom | None) -> TakeIn:
    """``take_in`` for fetched mail: the same triage and store as the SMTP listener, the API and the console."""
    limit = settings.max_message_bytes

    async def take(raw: bytes) -> tuple[Record, bool]:
        if len(raw) > limit:
            # Kept on the server (flagged or moved like the rest); the console lists a note of it for a person.
            head = raw[: raw.find(b"\r\n\r\n") if b"\r\n\r\n" in raw[:65536] else 0]
            raw = head + (
                b"\r\nX-Help-Desk-Note: too large\r\n\r\n"
                + f"This message is {len(raw):,} bytes, more than MAX_MESSAGE_BYTES ({limit:,}); only its headers were kept. Open it in the mailbox.\r\n".encode()
            )
        # The desk's own records are in English; a reply to the sender is written in the language triage read (``drafts``).
        with i18n.speaking(i18n.SOURCE):
            return await take_in(triage_log, raw, directory.current.index, now(), "imap", mailroom=mailroom)

    return take


async def serve(settings: Settings, stop: asyncio.Event, once: bool = False) -> None:
    """``python -m routing fetch``: the fetcher with the app's stores and its own sender, until ``stop`` is set."""
    catalogs.install_all()  # a reply to a Spanish sender is written from the Spanish catalog
    directory = LiveDirectory(path=settings.directory_path, index_dir=settings.index_dir)
    directory.load()
    stores = open_stores(settings)
    sender = Sender(stores.outbox, transport_for(settings), settings)
    await sender.start()
    fetcher = Fetcher(settings, stores.mailbox_state, intake(settings, stores.triage_log, directory, Mailroom(stores.outbox, sender, settings.mail_from)))
    log.info("fetching from %s; processed mail is %s", where(settings), done_words(settings))
    task = asyncio.create_task(fetcher.run(once))
    stopping = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({task, stopping}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        fetcher.stop()
        stopping.cancel()
        try:
            await task
        finally:
            await sender.stop()
            stores.close()


def done_words(settings: Settings) -> str:
    if settings.imap_done == "move":
        return f"moved to {settings.imap_done_folder}"
    return f"flagged \\Seen and {KEYWORD.decode()}"
