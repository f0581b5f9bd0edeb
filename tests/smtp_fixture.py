"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, port 0, recording what it receives.

Registered as a pytest plugin from conftest, so any test can ask for
``smtp_server``. Faults are real SMTP replies: ``fail_next("421 ...")`` makes
the next DATA command answer with that line instead of accepting the message.
The server runs on its own thread and loop, so it serves both async tests and
the synchronous TestClient (which runs the app on another thread).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    message: EmailMessage
    raw: bytes


class _Recorder:
    def __init__(self) -> None:
        self.messages: list[Received] = []
        self.replies: deque[str] = deque()
        self.data_commands = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        with self.lock:
            self.data_commands += 1
            if self.replies:
                return self.replies.popleft()
            raw = envelope.original_content or b""
            parsed = BytesParser(policy=policy.default).parsebytes(raw)
            assert isinstance(parsed, EmailMessage)
            self.messages.append(Received(str(envelope.mail_from), tuple(envelope.rcpt_tos), parsed, raw))
        return "250 2.0.0 Message accepted for delivery"


class SmtpServer:
    """Start, stop and start again on the same port (for "the server was down")."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port
        self._recorder = _Recorder()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    @property
    def messages(self) -> list[Received]:
        with self._recorder.lock:
            return list(self._recorder.messages)

    @property
    def data_commands(self) -> int:
        return self._recorder.data_commands

    def fail_next(self, *replies: str) -> None:
        with self._recorder.lock:
            self._recorder.replies.extend(replies)

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self) -> SmtpServer:
        loop = asyncio.new_event_loop()
        ready = threading.Event()
        problem: list[BaseException] = []

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                server = loop.run_until_complete(
                    loop.create_server(lambda: SMTP(self._recorder, hostname="smtp.test", loop=loop), self.host, self.port)
                )
            except BaseException as exc:  # reported to the starting thread
                problem.append(exc)
                ready.set()
                loop.close()
                return
            self.port = server.sockets[0].getsockname()[1]
            ready.set()
            try:
                loop.run_forever()
            finally:
                server.close()
                loop.run_until_complete(server.wait_closed())
                _cancel_all(loop)
                loop.close()

        self._loop = loop
        self._thread = threading.Thread(target=run, name="smtp-test-server", daemon=True)
        self._thread.start()
        ready.wait(10)
        if problem:
            self._thread = None
            raise problem[0]
        return self

    def stop(self) -> None:
        if self._loop is None or self._thread is None:
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._thread = None
        self._loop = None

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        """Block until at least ``count`` messages arrived (or time runs out); return them all."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.messages) >= count:
                break
            time.sleep(0.01)
        return self.messages

    async def await_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and len(self.messages) < count:
            await asyncio.sleep(0.01)
        return self.messages


def _cancel_all(loop: asyncio.AbstractEventLoop) -> None:
    # Open client sessions are cancelled and awaited, so no task or socket is
    # left for the garbage collector to warn about (warnings are errors here).
    tasks = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for task in tasks:
        task.cancel()
    if tasks:
        loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
    loop.run_until_complete(loop.shutdown_asyncgens())


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    try:
        yield server
    finally:
        server.stop()


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def unused_server() -> SmtpServer:
    """A server object with a reserved port and nothing listening yet."""
    return SmtpServer(port=free_port())


__all__ = ["Received", "SmtpServer", "free_port", "smtp_server", "unused_server"]
