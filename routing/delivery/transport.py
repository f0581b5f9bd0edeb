"""Delivering a queued message: SMTP through aiosmtplib, or an .eml file on a fresh machine.

Delivery is SMTP when SMTP_HOST is set. Without it each message is written as
an .eml file under DATA_DIR, so nothing reaches a real address by accident.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import aiosmtplib

from routing.settings import Settings
from routing.store.outbox import FAILED, SENT, WRITTEN, Item


@dataclass(frozen=True)
class Outcome:
    """What happened to one attempt: a final status, or a retry after a transient problem."""

    status: str  # sent, written, failed, or "" for try again later
    message: str = ""

    @property
    def retry(self) -> bool:
        return not self.status


Accepted = Callable[[Outcome], Awaitable[None]]
"""Called once the server has taken responsibility for a message (250 to DATA), before anything else happens."""


class Transport(Protocol):
    # Whether this transport emails anyone at all: the .eml one only keeps
    # files here, and what a confirmation says depends on it.
    emails: bool

    async def deliver(self, item: Item, accepted: Accepted | None = None) -> Outcome:
        """One attempt. ``accepted``, when given, is awaited as soon as the message is the server's.

        A transport that can learn of success before its work is over (SMTP: the
        250 to DATA comes before QUIT) calls it then, so the caller can record the
        outcome while the connection is still being closed; the return value is
        the same outcome. Others may not call it at all; the caller then records
        what is returned.
        """
        ...


# QUIT is a courtesy once the message is accepted: never wait long for it.
QUIT_TIMEOUT = 5.0


class SmtpTransport:
    emails = True

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def deliver(self, item: Item, accepted: Accepted | None = None) -> Outcome:
        s = self.settings
        client = aiosmtplib.SMTP(
            hostname=s.smtp_host,
            port=s.effective_smtp_port,
            username=s.smtp_username or None,
            password=s.smtp_password or None,
            use_tls=s.smtp_tls,
            start_tls=s.smtp_starttls,
            timeout=s.smtp_timeout,
        )
        try:
            try:
                # Step by step rather than aiosmtplib.send, which returns only after
                # QUIT: the moment that matters is the 250 to DATA, and a server slow
                # to answer QUIT must not hold the outcome back.
                await client.connect()  # TLS, STARTTLS and AUTH happen here, as configured
                if client.is_ehlo_or_helo_needed:
                    try:
                        await client.ehlo()
                    except aiosmtplib.SMTPHeloError:
                        await client.helo()
                options = [f"SIZE={len(item.message)}"] if client.supports_extension("size") else []
                await client.mail(item.envelope_from, options=options)
                await client.rcpt(item.to)
                await client.data(item.message)
            except Exception as exc:  # every failure is classified; none may kill the sender
                if isinstance(exc, aiosmtplib.SMTPResponseException):
                    await _goodbye(client)  # the server is still talking; after a timeout or a reset, just hang up
                return classify(exc, s)
            outcome = Outcome(SENT, f"Delivered to the mail server at {s.smtp_host} for {item.to}.")
            if accepted is not None:
                await accepted(outcome)
            await _goodbye(client)
            return outcome
        finally:
            client.close()


async def _goodbye(client: aiosmtplib.SMTP) -> None:
    """QUIT, best effort: the outcome is already known, so a slow or rude reply changes nothing."""
    if not client.is_connected:
        return
    with contextlib.suppress(Exception):
        await client.quit(timeout=min(client.timeout or QUIT_TIMEOUT, QUIT_TIMEOUT))


def classify(exc: BaseException, settings: Settings) -> Outcome:
    """5xx is final; 4xx, timeouts and connection trouble are worth another try."""
    where = f"{settings.smtp_host}:{settings.effective_smtp_port}"
    if isinstance(exc, aiosmtplib.SMTPRecipientRefused):  # one RCPT, one refusal
        exc = aiosmtplib.SMTPRecipientsRefused([exc])
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        reasons = "; ".join(f"{r.code} {r.message}" for r in exc.recipients)
        permanent = all(r.code >= 500 for r in exc.recipients)
        return Outcome(FAILED if permanent else "", f"The mail server refused the recipient: {reasons}")
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        reply = f"{exc.code} {exc.message}".strip()
        if exc.code >= 500:
            return Outcome(FAILED, f"The mail server refused the message: {reply}")
        return Outcome("", f"The mail server asked us to try again later: {reply}")
    if isinstance(exc, (aiosmtplib.SMTPTimeoutError, TimeoutError, asyncio.TimeoutError)):
        return Outcome("", f"The mail server at {where} did not answer within {settings.smtp_timeout:g} seconds.")
    if isinstance(exc, (ssl.SSLError, aiosmtplib.SMTPNotSupported)):
        return Outcome("", f"Could not set up a secure connection to {where}: {exc}. Check SMTP_TLS and SMTP_STARTTLS.")
    if isinstance(exc, (aiosmtplib.SMTPException, OSError)):
        return Outcome("", f"Could not reach the mail server at {where}: {exc}")
    return Outcome("", f"Unexpected problem while sending ({type(exc).__name__}: {exc}).")


def eml_dir(data_dir: Path) -> Path:
    return data_dir / "outbox-eml"


class EmlTransport:
    """The fresh-machine default: the message becomes a file an operator can open."""

    emails = False

    def __init__(self, data_dir: Path) -> None:
        self.folder = eml_dir(data_dir)

    async def deliver(self, item: Item, accepted: Accepted | None = None) -> Outcome:
        # A file write is its own record: the caller records what is returned.
        try:
            path = await asyncio.to_thread(self._write, item)
        except OSError as exc:
            return Outcome("", f"Could not write the message file in {self.folder}: {exc.strerror}.")
        # The path is relative to DATA_DIR: this text is shown to the public by the status API.
        return Outcome(
            WRITTEN,
            f"Not emailed: SMTP_HOST is not set, so the message was saved as {self.folder.name}/{path.name} "
            "in DATA_DIR for an administrator to send.",
        )

    def _write(self, item: Item) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        final = self.folder / f"{item.id}.eml"
        # Write then rename: a retried attempt replaces the file, never leaves half of one.
        partial = final.with_suffix(f".eml.{os.getpid()}.tmp")
        partial.write_bytes(item.message)
        os.replace(partial, final)
        return final


def transport_for(settings: Settings) -> Transport:
    return SmtpTransport(settings) if settings.delivers_by_smtp else EmlTransport(settings.data_dir)


def backoff(attempts: int, settings: Settings) -> float:
    """Seconds before the next try: base, doubling per attempt, capped."""
    exponent = max(attempts - 1, 0)
    return float(min(settings.retry_base_seconds * (2 ** min(exponent, 32)), settings.retry_max_seconds))
