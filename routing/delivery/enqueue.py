"""The one way a message enters the outbox, for the form, the API and staff triage alike.

A message is composed once (``routing.present.email``) and its exact bytes are
stored, so every attempt and every resend after a crash sends the same
message. Each kind of send records the same fields, so the status page, the
CLI and the console read every row the same way.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import weakref
from dataclasses import dataclass, field, replace
from dataclasses import fields as fields_of
from email.message import EmailMessage
from email.utils import parseaddr

from routing.core import i18n
from routing.delivery.sender import Sender
from routing.present.email import Letter, composed
from routing.store.outbox import Item, New, Outbox

log = logging.getLogger("routing.delivery")

FORM, TRIAGE_FORWARD, TRIAGE_ASK = "form", "triage-forward", "triage-ask"


@dataclass(frozen=True)
class Details:
    """What the outbox keeps beside the message, the same shape for every kind of send."""

    kind: str
    contact_name: str  # whom the message is addressed to, in words
    submitted_at: str  # ISO-8601
    group_id: str = ""
    group_name: str = ""
    name: str = ""  # the employer's or sender's name
    email: str = ""  # their address, where the answer goes
    phone: str = ""
    subject: str = ""
    message: str = ""
    contact_id: str = ""  # the team the employer chose on the form, if any
    reason: str = ""  # why it went where it went
    triage_id: str = ""
    language: str = i18n.SOURCE  # the employer's: the language of the form or API request, or of the email they wrote


# Details holds only text: its fields are copied by name, without asdict's deep copy of each value.
_DETAIL_FIELDS = tuple(f.name for f in fields_of(Details))


@dataclass(frozen=True)
class Outgoing:
    reference: str
    dedupe_key: str  # a second message with the same key is the first one again
    contact_id: str
    to: str
    message: EmailMessage | bytes  # or its bytes, when composing wrote them out already
    details: Details


def form_outgoing(letter: Letter, mail_from: str, dedupe_key: str) -> Outgoing:
    """The form's or the API's request, composed for the team (``UnsafeHeaders`` if a value would break a header)."""
    # The request's language, set per request by the HTTP middleware: the forward tells the team when it is not English.
    letter = replace(letter, language=letter.language or i18n.current())
    fields = letter.fields
    details = Details(
        kind=FORM,
        contact_name=letter.contact.name,
        submitted_at=letter.submitted_at.isoformat(),
        group_id=fields.get("group_id", ""),
        group_name=fields.get("group_name", ""),
        name=fields.get("name", ""),
        email=fields.get("email", ""),
        phone=fields.get("phone", ""),
        subject=fields.get("subject", ""),
        message=fields.get("message", ""),
        contact_id=fields.get("contact_id", ""),
        reason=letter.reason,
        language=letter.language,
    )
    return Outgoing(letter.reference, dedupe_key, letter.contact.id, letter.to.address, composed(letter, mail_from), details)


@functools.lru_cache(maxsize=16)
def envelope_sender(mail_from: str) -> str:
    return parseaddr(mail_from)[1] or mail_from


def new_row(outgoing: Outgoing, mail_from: str) -> New:
    """The outbox row for a composed message: its bytes are made here, once."""
    return New(
        id=outgoing.reference,
        dedupe_key=outgoing.dedupe_key,
        contact_id=outgoing.contact_id,
        to=outgoing.to,
        envelope_from=envelope_sender(mail_from),
        fields={name: getattr(outgoing.details, name) for name in _DETAIL_FIELDS},
        message=outgoing.message if isinstance(outgoing.message, bytes) else outgoing.message.as_bytes(),
    )


def put(outbox: Outbox, outgoing: Outgoing, mail_from: str) -> tuple[Item, bool]:
    """Store the message (synced to disk before this returns); the row and whether it is new."""
    return outbox.add_many([new_row(outgoing, mail_from)])[0]


@dataclass
class _Batch:
    """Requests waiting for the next group commit on one event loop, and the task writing them."""

    waiting: list[tuple[New, asyncio.Future[tuple[Item, bool]]]] = field(default_factory=list)
    writer: asyncio.Task[None] | None = None


class Mailroom:
    """Queues messages and wakes the background sender: what every channel sends through.

    Group commit: requests that arrive while a commit is being synced wait for
    the next one and go to disk together, one fsync for all of them. Each
    caller still hears back only after its own row is committed, so an
    answer of "queued" (a 202) always means the request is on disk.
    """

    def __init__(self, outbox: Outbox, sender: Sender, mail_from: str) -> None:
        self.outbox = outbox
        self.sender = sender
        self.mail_from = mail_from
        self._batches: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Batch] = weakref.WeakKeyDictionary()

    async def send(self, outgoing: Outgoing) -> tuple[Item, bool]:
        """Queue ``outgoing`` and wake the sender; a message with a known dedupe key returns the first row."""
        row = new_row(outgoing, self.mail_from)
        loop = asyncio.get_running_loop()
        batch = self._batches.setdefault(loop, _Batch())
        done: asyncio.Future[tuple[Item, bool]] = loop.create_future()
        batch.waiting.append((row, done))
        if batch.writer is None or batch.writer.done():
            batch.writer = loop.create_task(self._write(batch))
        item, created = await asyncio.shield(done)  # a caller that goes away does not cancel the others' commit
        if created:
            self.sender.wake()
        return item, created

    async def _write(self, batch: _Batch) -> None:
        while batch.waiting:
            taken, batch.waiting = batch.waiting, []
            try:
                # Rows the sender has room for (one waiting per worker) are claimed in the same commit and
                # handed to it: no second synced commit to claim each one.
                sender = self.sender
                results, claimed = await asyncio.to_thread(
                    self.outbox.add_claiming, [row for row, _ in taken], sender.owner, sender.lease_seconds, sender.idle()
                )
                sender.hand(claimed)
            except Exception as exc:
                if len(taken) == 1:
                    _settle(taken[0][1], error=exc)
                    continue
                # One bad row must not fail its neighbours: each is tried alone.
                log.warning("a group commit of %d requests failed; committing them one at a time", len(taken))
                for row, done in taken:
                    try:
                        one = await asyncio.to_thread(self.outbox.add_many, [row])
                    except Exception as alone:
                        _settle(done, error=alone)
                    else:
                        _settle(done, one[0])
                continue
            for (_, done), result in zip(taken, results, strict=True):
                _settle(done, result)


def _settle(done: asyncio.Future[tuple[Item, bool]], result: tuple[Item, bool] | None = None, error: BaseException | None = None) -> None:
    if done.done():
        return
    if error is not None:
        done.set_exception(error)
    elif result is not None:
        done.set_result(result)
