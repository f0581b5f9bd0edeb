"""Composing a forwarded request as an email, and delivering it.

Delivery is SMTP through aiosmtplib when SMTP_HOST is set. Without it (a
fresh machine) each message is written as an .eml file under DATA_DIR, so
nothing reaches a real address by accident.
"""

from __future__ import annotations

import asyncio
import os
import re
import ssl
from dataclasses import dataclass
from datetime import datetime
from email import message_from_bytes, policy
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr
from pathlib import Path
from typing import Mapping, Protocol, Sequence
from zoneinfo import ZoneInfo

import aiosmtplib

from routing.errors import UnsafeHeaders

from routing.core.model import Contact, Email, Topic
from routing.store.outbox import FAILED, SENT, WRITTEN, Item, Outbox
from routing.settings import Settings
from routing.core.text import STOPWORDS, stem, tokenize

# The order in which the request's fields appear in the body.
FIELD_LABELS: tuple[tuple[str, str], ...] = (
    ("group_name", "Group name"),
    ("group_id", "Group ID"),
    ("name", "Name"),
    ("email", "Email"),
    ("phone", "Phone"),
    ("subject", "Subject"),
)


def _words(text: str) -> set[str]:
    return {stem(t) for t in tokenize(text) if t not in STOPWORDS}


def team_email(contact: Contact, topics: Sequence[Topic] = ()) -> Email | None:
    """The contact's address whose stated purpose fits the request best.

    The purpose text of each address is compared, word for word after
    stemming, with the titles and words of the topics the router found for
    this contact; the address sharing the most words wins. With no topic, or a
    tie, the first address listed wins, because the directory lists a team's
    main mailbox first.
    """
    if not contact.emails:
        return None
    wanted: set[str] = set()
    for topic in topics:
        wanted |= _words(" ".join((topic.title, *topic.words)))
    best = contact.emails[0]
    best_score = len(_words(best.purpose) & wanted)
    for email in contact.emails[1:]:
        score = len(_words(email.purpose) & wanted)
        if score > best_score:
            best, best_score = email, score
    return best


def mail_domain(mail_from: str) -> str:
    address = parseaddr(mail_from)[1]
    return address.rpartition("@")[2] or "localhost"


def envelope_sender(mail_from: str) -> str:
    return parseaddr(mail_from)[1] or mail_from


def message_id(reference: str, mail_from: str) -> str:
    # Derived, not random: a retry or a resend after a crash carries the same
    # Message-ID, so the receiving side can recognise a duplicate.
    return f"<{reference.lower()}.forward@{mail_domain(mail_from)}>"


def subject_line(group_id: str, group_name: str, subject: str) -> str:
    return f"[Group {group_id}] {group_name}: {subject}"


def sent_time(moment: datetime, zone: str) -> str:
    local = moment.astimezone(ZoneInfo(zone))
    hour = local.strftime("%I").lstrip("0")
    return f"{local:%A, %B} {local.day}, {local.year} at {hour}:{local:%M %p} {local.tzname()}"


@dataclass(frozen=True)
class Letter:
    """Everything the email says, gathered by the channel from the request and the decision."""

    reference: str
    fields: Mapping[str, str]  # group_name, group_id, name, email, phone, subject, message
    contact: Contact
    to: Email
    reason: str
    submitted_at: datetime
    timezone: str


def compose(letter: Letter, mail_from: str) -> EmailMessage:
    fields = letter.fields
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = mail_from
    msg["To"] = formataddr((letter.contact.name, letter.to.address))
    msg["Reply-To"] = formataddr((fields.get("name", ""), fields["email"]))
    msg["Subject"] = subject_line(fields["group_id"], fields["group_name"], fields["subject"])
    msg["Date"] = format_datetime(letter.submitted_at.astimezone(ZoneInfo(letter.timezone)))
    msg["Message-ID"] = message_id(letter.reference, mail_from)
    msg["X-Help-Desk-Reference"] = letter.reference
    check_headers(msg)
    msg.set_content(body(letter), charset="utf-8")
    return msg


def body(letter: Letter) -> str:
    fields = letter.fields
    width = max(len(label) for _, label in FIELD_LABELS + (("", "Reference"), ("", "Sent")))
    lines = [
        "An employer sent this request through the small-business help desk.",
        f"Reply to this email to answer {fields.get('name') or 'them'} directly at {fields['email']}.",
        "",
        f"{'Reference':<{width}}  {letter.reference}",
        f"{'Sent':<{width}}  {sent_time(letter.submitted_at, letter.timezone)} ({letter.timezone})",
    ]
    for key, label in FIELD_LABELS:
        lines.append(f"{label:<{width}}  {fields.get(key) or '(not given)'}")
    lines += [
        "",
        "Message:",
        fields["message"],
        "",
        "Why it came to you:",
        letter.reason,
        f"Sent to {letter.to.address} ({letter.contact.name}), the address for: {letter.to.purpose}.",
    ]
    return "\n".join(lines) + "\n"


def enqueue(outbox: Outbox, letter: Letter, mail_from: str, dedupe_key: str) -> tuple[Item, bool]:
    """Compose now and store the exact bytes, so every attempt sends the same message."""
    message = compose(letter, mail_from)
    return outbox.add(
        id=letter.reference,
        dedupe_key=dedupe_key,
        contact_id=letter.contact.id,
        to=letter.to.address,
        envelope_from=envelope_sender(mail_from),
        fields={
            **letter.fields,
            "contact_name": letter.contact.name,
            "reason": letter.reason,
            "submitted_at": letter.submitted_at.isoformat(),
        },
        message=message.as_bytes(),
    )


# --- Delivery ---------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What happened to one attempt: a final status, or a retry after a transient problem."""

    status: str  # sent, written, failed, or "" for try again later
    message: str = ""

    @property
    def retry(self) -> bool:
        return not self.status


class Transport(Protocol):
    async def deliver(self, item: Item) -> Outcome: ...


class SmtpTransport:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def deliver(self, item: Item) -> Outcome:
        s = self.settings
        try:
            await aiosmtplib.send(
                item.message,
                sender=item.envelope_from,
                recipients=[item.to],
                hostname=s.smtp_host,
                port=s.effective_smtp_port,
                username=s.smtp_username or None,
                password=s.smtp_password or None,
                use_tls=s.smtp_tls,
                start_tls=s.smtp_starttls,
                timeout=s.smtp_timeout,
            )
        except Exception as exc:  # every failure is classified; none may kill the sender
            return classify(exc, s)
        return Outcome(SENT, f"Delivered to the mail server at {s.smtp_host} for {item.to}.")


def classify(exc: BaseException, settings: Settings) -> Outcome:
    """5xx is final; 4xx, timeouts and connection trouble are worth another try."""
    where = f"{settings.smtp_host}:{settings.effective_smtp_port}"
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

    def __init__(self, data_dir: Path) -> None:
        self.folder = eml_dir(data_dir)

    async def deliver(self, item: Item) -> Outcome:
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


_CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]")
# An RFC 2047 encoded word. The mail library decodes these when it writes a
# header (CVE-2024-6923 on Python before 3.11.10), so "=?utf-8?q?=0D=0ABcc:…?="
# typed as plain text would come out as a real line break and a new header.
_ENCODED_WORD = re.compile(r"=\?[^?\s]*\?[bBqQ]\?[^?\s]*\?=")
_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)


def unsafe_in_header(value: str) -> bool:
    """True when text typed by a person could not go into a header as it is: line breaks, control characters, encoded words."""
    return bool(_CONTROL.search(value) or _ENCODED_WORD.search(value))


def header_text(value: str) -> str:
    """Text from someone else's email, made plain for one of our headers.

    Encoded words are decoded (up to a few layers, as a hostile sender may
    nest them), control characters become spaces, and anything still shaped
    like an encoded word is broken up so the mail library cannot decode it.
    """
    for _ in range(4):
        if not _ENCODED_WORD.search(value):
            break
        try:
            value = str(make_header(decode_header(value)))
        except (ValueError, LookupError, UnicodeError, HeaderParseError):
            break
    value = _ENCODED_WORD.sub(lambda m: m.group(0).replace("=?", "= ?"), value)
    return " ".join(_CONTROL.sub(" ", value).split())


def is_email_address(value: str) -> bool:
    """A plain address we are willing to write to: one @, a dotted host name, no IP literal or comment."""
    local, _, _ = value.rpartition("@")
    return bool(_EMAIL.match(value)) and len(local) <= 64 and ".." not in value and len(value) <= 254


def check_headers(msg: EmailMessage) -> None:
    """Refuse a message whose headers, once written out and read back, are not the ones that were set.

    The last guard against header injection, whatever path a value took.
    """
    wanted = [name.lower() for name in msg.keys()]
    written = message_from_bytes(msg.as_bytes(), policy=policy.compat32)
    if [name.lower() for name in written.keys()] != wanted or any(_CONTROL.search(str(v)) for v in msg.values()):
        raise UnsafeHeaders("A header would carry text that changes the message's headers.")
