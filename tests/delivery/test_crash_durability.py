"""Crashes and slow servers: a sender killed mid-work sends nothing twice and loses nothing.

The server is a real aiosmtpd on loopback that can hold a reply: it answers
250 to DATA at once but keeps the QUIT reply back, or holds MAIL or DATA, so
a sender can be caught (and ``kill -9``-ed, in a process of its own) exactly
where a crash used to mean a second copy of the message.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime
from email.parser import BytesParser
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from smtp_fixture import SmtpServer, free_port

from routing.core.model import Directory
from routing.core.recipients import team_email
from routing.delivery.enqueue import form_outgoing, put
from routing.delivery.sender import LEASE_SECONDS, Sender
from routing.delivery.transport import SmtpTransport
from routing.present.email import Letter
from routing.settings import ROOT, Settings
from routing.store.outbox import SENDING, SENT, Item, Outbox, new_reference, outbox_path

CHILD = Path(__file__).with_name("sender_process.py")
SUBMITTED = "2026-11-23T09:15:00-08:00"
FIELDS = {
    "group_name": "Ortiz Landscaping LLC",
    "name": "Ana Ortiz",
    "email": "ana@ortiz-landscaping.example",
    "phone": "",
    "subject": "Broker of record change",
    "message": "We are switching brokers as of January 1.",
}


# --- a server that takes its time --------------------------------------------


class Board:
    """The handler, and what the test watches: messages received, connections open, replies held."""

    def __init__(self, quit_delay: float = 0.0, mail_delay: float = 0.0, data_delay: float = 0.0) -> None:
        self.quit_delay, self.mail_delay, self.data_delay = quit_delay, mail_delay, data_delay
        self.lock = threading.Lock()
        self.message_ids: list[str] = []
        self.open = 0  # connections
        self.holding_quit = 0  # connections whose QUIT reply is being held back
        self.mail_commands = 0
        self.data_commands = 0

    @property
    def received(self) -> int:
        with self.lock:
            return len(self.message_ids)

    def all_waiting_on_quit(self) -> bool:
        """Every open connection has had its 250 to DATA and is waiting for the QUIT reply."""
        with self.lock:
            return self.holding_quit > 0 and self.open == self.holding_quit

    async def handle_MAIL(self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]) -> str:
        with self.lock:
            self.mail_commands += 1
        await asyncio.sleep(self.mail_delay)
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        with self.lock:
            self.data_commands += 1
        await asyncio.sleep(self.data_delay)
        headers = BytesParser().parsebytes(envelope.original_content or b"", headersonly=True)
        with self.lock:
            self.message_ids.append(str(headers["Message-ID"]))
        return "250 2.0.0 Message accepted for delivery"


class SlowSMTP(SMTP):  # type: ignore[misc]
    """aiosmtpd's SMTP, counting connections and holding each QUIT reply for ``quit_delay``."""

    @property
    def board(self) -> Board:
        handler: Board = self.event_handler
        return handler

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        with self.board.lock:
            self.board.open += 1
        super().connection_made(transport)

    def connection_lost(self, error: Exception | None) -> None:
        with self.board.lock:
            self.board.open -= 1
        super().connection_lost(error)

    async def smtp_QUIT(self, arg: str) -> None:
        with self.board.lock:
            self.board.holding_quit += 1
        try:
            await asyncio.sleep(self.board.quit_delay)
        finally:
            with self.board.lock:
                self.board.holding_quit -= 1
        await super().smtp_QUIT(arg)


class SlowController(Controller):  # type: ignore[misc]
    def factory(self) -> SMTP:
        return SlowSMTP(self.handler, **self.SMTP_kwargs)


@contextlib.contextmanager
def slow_server(board: Board) -> Iterator[int]:
    controller = SlowController(board, hostname="127.0.0.1", port=free_port(), server_hostname="smtp.test")
    controller.start()
    try:
        yield controller.port
    finally:
        controller.stop()


# --- helpers ----------------------------------------------------------------------


def queue(box: Outbox, directory: Directory, at: Callable[[str], datetime], count: int) -> list[Item]:
    team = directory.contact("account-management-support")
    address = team_email(team, team.topics[:1])
    assert address is not None
    items = []
    for n in range(count):
        letter = Letter(new_reference(), FIELDS | {"group_id": f"{600000 + n}"}, team, address, "Broker of record changes.",
                        at(SUBMITTED), directory.timezone)
        item, created = put(box, form_outgoing(letter, "desk@help.example", letter.reference), "desk@help.example")
        assert created
        items.append(item)
    return items


def expected_id(item: Item) -> str:
    return str(BytesParser().parsebytes(item.message, headersonly=True)["Message-ID"])


def child(data_dir: Path, port: int, lease: str, workers: int, log: Path) -> subprocess.Popen[bytes]:
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    with log.open("ab") as out:
        return subprocess.Popen([sys.executable, str(CHILD), str(data_dir), str(port), lease, str(workers)],
                                env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)


def wait_until(condition: Callable[[], bool], timeout: float, what: str, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            detail = f"\n--- sender log ---\n{log.read_text()}" if log is not None and log.exists() else ""
            raise AssertionError(f"{what} did not happen within {timeout} s{detail}")
        time.sleep(0.002)


def kill(proc: subprocess.Popen[bytes]) -> None:
    proc.kill()  # SIGKILL: no stop(), no release(), no finally
    proc.wait(10)


# --- point 8: a crash while the server is slow to say goodbye --------------------


def test_killing_the_sender_while_quit_is_held_sends_every_message_exactly_once(
    tmp_path: Path, directory: Directory, at: Callable[[str], datetime]
) -> None:
    """60 queued, a sender process killed -9 three times, each time while every
    connection it has open is waiting for a held QUIT reply (the server has
    answered 250 to DATA for each). Marking ``sent`` only after QUIT sent those
    again after every restart; now each Message-ID arrives once."""
    count, workers, kills = 60, 8, 3
    board = Board(quit_delay=1.5)
    data_dir, log = tmp_path / "var", tmp_path / "sender.log"
    box = Outbox(outbox_path(data_dir))
    items = queue(box, directory, at, count)
    with slow_server(board) as port:
        for round_ in range(kills):
            before = board.received
            proc = child(data_dir, port, "3", workers, log)
            try:
                # Kill on state, never on time: this process has delivered something,
                # and right now every connection it has open is past DATA, in QUIT.
                wait_until(lambda before=before: board.received > before and board.all_waiting_on_quit(), 20, f"progress before kill {round_ + 1}", log)
                assert proc.poll() is None, "the sender finished before it could be killed"
            finally:
                kill(proc)
        last = child(data_dir, port, "3", workers, log)
        try:
            assert last.wait(30) == 0, log.read_text()
        finally:
            if last.poll() is None:
                kill(last)
    rows = [box.get(item.id) for item in items]
    box.close()
    received = Counter(board.message_ids)
    duplicates = sum(n - 1 for n in received.values())
    lost = {expected_id(item) for item in items} - set(received)
    assert (duplicates, len(lost)) == (0, 0), f"{duplicates} duplicate(s) and {len(lost)} lost out of {count}"
    assert [row.status for row in rows if row is not None] == [SENT] * count


# --- the lease follows progress ----------------------------------------------------


@pytest.fixture
def black_hole() -> Iterator[int]:
    """A port that accepts connections (the kernel does) and never says a word."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield int(listener.getsockname()[1])


async def test_a_row_left_sending_by_a_killed_sender_is_sent_within_one_lease(
    tmp_path: Path, black_hole: int, smtp_server: SmtpServer, make_settings: Callable[..., Settings],
    directory: Directory, at: Callable[[str], datetime],
) -> None:
    """The old lease was SMTP_TIMEOUT×8+30 s (110 s by default): that long before
    anyone retried a dead sender's row. Now it is LEASE_SECONDS, renewed while alive."""
    data_dir, log = tmp_path / "var", tmp_path / "sender.log"
    box = Outbox(outbox_path(data_dir))
    [item] = queue(box, directory, at, 1)
    proc = child(data_dir, black_hole, "-", 1, log)  # the production lease; the server never answers
    try:
        await asyncio.to_thread(wait_until, lambda: _held_by(box, item.id, proc.pid), 20, "the claim", log)
    finally:
        kill(proc)
    killed = time.monotonic()
    left = box.get(item.id)
    assert left is not None and left.status == SENDING  # what a crash leaves behind

    settings = make_settings(smtp_host=smtp_server.host, smtp_port=smtp_server.port, smtp_timeout=2.0, mail_from="desk@help.example")
    sender = Sender(box, SmtpTransport(settings), settings)
    await sender.start()
    try:
        deadline = killed + 60  # generous, and still well under the old 110 s
        while (row := box.get(item.id)) is not None and row.status != SENT:
            assert time.monotonic() < deadline, f"still {row.status} {time.monotonic() - killed:.0f} s after the crash"
            await asyncio.sleep(0.02)
        waited = time.monotonic() - killed
    finally:
        await sender.stop()
        box.close()
    assert [m.message["Message-ID"] for m in smtp_server.messages] == [expected_id(item)]
    assert waited < LEASE_SECONDS + 10, f"picked up after {waited:.1f} s"


def _held_by(box: Outbox, id: str, pid: int) -> bool:
    row = box.get(id)
    return row is not None and row.status == SENDING and f":{pid}:" in row.lease_owner


async def test_a_live_sender_keeps_its_row_while_the_server_is_slower_than_the_lease(
    tmp_path: Path, directory: Directory, at: Callable[[str], datetime], make_settings: Callable[..., Settings]
) -> None:
    """Exactly once for live senders: two senders, a lease of 0.4 s and a server
    that takes 1.5 s to answer DATA. The heartbeat keeps the lease; nobody takes over."""
    board = Board(data_delay=1.5)
    path = outbox_path(tmp_path / "shared")
    boxes = [Outbox(path), Outbox(path)]
    with slow_server(board) as port:
        settings = make_settings(smtp_host="127.0.0.1", smtp_port=port, smtp_timeout=5.0, mail_from="desk@help.example")
        senders = [Sender(b, SmtpTransport(settings), settings, workers=2, lease_seconds=0.4) for b in boxes]
        items = queue(boxes[0], directory, at, 4)
        for sender in senders:
            await sender.start()
            sender.wake()
        try:
            while any((row := boxes[0].get(i.id)) is None or row.status != SENT for i in items):
                await asyncio.sleep(0.02)
        finally:
            for sender in senders:
                await sender.stop()
    rows = [boxes[0].get(i.id) for i in items]
    for b in boxes:
        b.close()
    assert sorted(board.message_ids) == sorted(expected_id(i) for i in items)
    assert [(r.status, r.attempts) for r in rows if r is not None] == [(SENT, 1)] * 4


async def test_an_attempt_whose_row_was_taken_over_stops_before_data(
    tmp_path: Path, directory: Directory, at: Callable[[str], datetime], make_settings: Callable[..., Settings]
) -> None:
    """If the lease is lost anyway (the sender stalled past it and another took the
    row), the heartbeat notices and the attempt stops: no second copy goes out."""
    board = Board(mail_delay=1.0)
    box = Outbox(outbox_path(tmp_path / "var"))
    with slow_server(board) as port:
        settings = make_settings(smtp_host="127.0.0.1", smtp_port=port, smtp_timeout=5.0, mail_from="desk@help.example")
        sender = Sender(box, SmtpTransport(settings), settings, workers=1, lease_seconds=0.5)
        [item] = queue(box, directory, at, 1)
        await sender.start()
        sender.wake()
        try:
            while board.mail_commands == 0:
                await asyncio.sleep(0.005)
            # Another sender, whose clock says the lease ran out long ago, takes the row.
            stolen = box.claim("another-sender", lease_seconds=60, now=time.time() + 3600)
            assert stolen is not None and stolen.id == item.id
            while board.open:  # the first attempt hangs up
                await asyncio.sleep(0.005)
        finally:
            await sender.stop()
    row = box.get(item.id)
    box.close()
    assert board.data_commands == 0
    assert row is not None and (row.status, row.lease_owner) == (SENDING, "another-sender")

