"""The one way a message enters the outbox, for the form, the API and staff triage alike.

A message is composed once (``routing.present.email``) and its exact bytes are
stored, so every attempt and every resend after a crash sends the same
message. Each kind of send records the same fields, so the status page, the
CLI and the console read every row the same way.
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass
from email.message import EmailMessage
from email.utils import parseaddr

from routing.delivery.sender import Sender
from routing.present.email import Letter, compose
from routing.store.outbox import Item, Outbox

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


@dataclass(frozen=True)
class Outgoing:
    reference: str
    dedupe_key: str  # a second message with the same key is the first one again
    contact_id: str
    to: str
    message: EmailMessage
    details: Details


def form_outgoing(letter: Letter, mail_from: str, dedupe_key: str) -> Outgoing:
    """The form's or the API's request, composed for the team (``UnsafeHeaders`` if a value would break a header)."""
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
    )
    message = compose(letter, mail_from)
    return Outgoing(letter.reference, dedupe_key, letter.contact.id, letter.to.address, message, details)


def envelope_sender(mail_from: str) -> str:
    return parseaddr(mail_from)[1] or mail_from


def put(outbox: Outbox, outgoing: Outgoing, mail_from: str) -> tuple[Item, bool]:
    """Store the message (synced to disk before this returns); the row and whether it is new."""
    return outbox.add(
        id=outgoing.reference,
        dedupe_key=outgoing.dedupe_key,
        contact_id=outgoing.contact_id,
        to=outgoing.to,
        envelope_from=envelope_sender(mail_from),
        fields=asdict(outgoing.details),
        message=outgoing.message.as_bytes(),
    )


class Mailroom:
    """Queues messages and wakes the background sender: what every channel sends through."""

    def __init__(self, outbox: Outbox, sender: Sender, mail_from: str) -> None:
        self.outbox = outbox
        self.sender = sender
        self.mail_from = mail_from

    async def send(self, outgoing: Outgoing) -> tuple[Item, bool]:
        """Queue ``outgoing`` and wake the sender; a message with a known dedupe key returns the first row."""
        item, created = await asyncio.to_thread(put, self.outbox, outgoing, self.mail_from)
        if created:
            self.sender.wake()
        return item, created
