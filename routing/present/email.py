"""Every email the product sends, composed in one place: the form's forward, triage's forward and the ask-the-sender reply.

Pure: the reference, the instant and the sending address come in, an
``EmailMessage`` comes out. Each message gets its Message-ID from
``message_id`` and passes ``check_headers`` before it is queued.
"""

from __future__ import annotations

import binascii
import functools
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email import message_from_bytes, policy, quoprimime
from email.headerregistry import Address, BaseHeader, HeaderRegistry
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser
from email.policy import Policy
from email.utils import format_datetime, parseaddr
from zoneinfo import ZoneInfo

from routing.core.conversation import tagged
from routing.core.email.addresses import CONTROL, header_text
from routing.core.email.group_fields import clean_subject
from routing.core.email.parse import ParsedEmail
from routing.core.email.triage import Triage
from routing.core.i18n import N_, SOURCE, _, speaking
from routing.core.model import Contact, Email
from routing.errors import UnsafeHeaders, Unsendable
from routing.present.drafts import Draft

# The order in which the request's fields appear in the body.
FIELD_LABELS: tuple[tuple[str, str], ...] = (
    ("group_name", "Group name"),
    ("group_id", "Group ID"),
    ("name", "Name"),
    ("email", "Email"),
    ("phone", "Phone"),
    ("subject", "Subject"),
)


class _FoldedOnce(BaseHeader):
    """A header that keeps its folded form: writing out a header made before (our From, a team's To) costs a look-up.

    Folding is a pure function of the header and the policy, and headers are
    never changed once made; so the first result is every later one.
    """

    def fold(self, *, policy: Policy) -> str:
        memo = self.__dict__.get("_folded")
        if memo is not None and memo[0] is policy:
            return str(memo[1])
        folded = super().fold(policy=policy)
        self.__dict__["_folded"] = (policy, folded)
        return folded


class _HeaderClasses(HeaderRegistry):
    """The standard header registry, building each header's class once.

    The stock registry makes a new class (``type(...)``) for every header it
    is asked for, which is most of what composing and checking a message
    costs. The classes hold no state, so one per header name is the same.
    """

    def __init__(self) -> None:
        super().__init__(base_class=_FoldedOnce)
        self._classes: dict[str, type[BaseHeader]] = {}

    def __getitem__(self, name: str) -> type[BaseHeader]:
        key = name.lower()
        found = self._classes.get(key)
        if found is None:
            found = self._classes[key] = super().__getitem__(name)
        return found


class _Remembered(_HeaderClasses):
    """The registry, remembering the address headers (or, to read back, every header) it made lately.

    Parsing an address header is the dearest step of composing a message and
    of reading it back, and the same few come all day: our From, each team's
    To, a regular's Reply-To. A header is a pure function of its name and
    value, and none is changed once made (folding it to write it out reads
    it only), so one made before is as good as a new one.
    """

    SIZE = 1024

    def __init__(self, names: frozenset[str] | None) -> None:
        super().__init__()
        self.names = names  # the header names to remember; None for all
        self._made: dict[tuple[str, object], BaseHeader] = {}
        self._lock = threading.Lock()  # the API and the triage threads compose alike

    def __call__(self, name: str, value: object) -> BaseHeader:
        key = _value_key(value)
        if key is None or (self.names is not None and name.lower() not in self.names):
            return super().__call__(name, value)
        # The name as given: a header writes itself out under the name it was made with.
        found = self._made.get((name, key))
        if found is None:
            found = super().__call__(name, value)
            with self._lock:
                if len(self._made) >= self.SIZE:
                    self._made.clear()
                self._made[(name, key)] = found
        return found


def _value_key(value: object) -> object:
    """What a header value is, as a dictionary key: the string, or an address's three parts; None for anything else."""
    if isinstance(value, str):
        return value
    if isinstance(value, Address):
        return (value.display_name, value.username, value.domain)
    return None


# The policies every message is written and read back with: SMTP's and the default, with those registries.
_WRITE = policy.SMTP.clone(
    header_factory=_Remembered(frozenset(("from", "to", "reply-to", "cc", "content-type", "content-transfer-encoding", "mime-version")))
)
_READ = policy.default.clone(header_factory=_Remembered(None))


def mail_domain(mail_from: str) -> str:
    address = parseaddr(mail_from)[1]
    return address.rpartition("@")[2] or "localhost"


def envelope_sender(mail_from: str) -> str:
    return parseaddr(mail_from)[1] or mail_from


def message_id(reference: str, mail_from: str, kind: str = "forward") -> str:
    # Derived, not random: a retry or a resend after a crash carries the same
    # Message-ID, so the receiving side can recognise a duplicate.
    return f"<{reference.lower()}.{kind}@{mail_domain(mail_from)}>"


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
    language: str = ""  # the employer's; "" until the mailroom reads it from the request (``enqueue.form_outgoing``)


# The one line of a team's email that is about the employer's language; the rest of it stays in English.
WROTE_IN = {"es": N_("The employer wrote in Spanish; please reply in Spanish if you can.")}


def language_note(language: str) -> list[str]:
    """The lines that tell the team the employer wrote in another language: none for English."""
    note = WROTE_IN.get(language)
    if note is None:
        return []
    with speaking(SOURCE):  # the team reads English, whatever language the staff page or the form was in
        return [_(note)]


def new_message(*, mail_from: str, to: Address, subject: str, moment: datetime, zone: str, reference: str, kind: str) -> EmailMessage:
    """The headers every message of ours carries; callers add theirs, then ``check_headers``."""
    msg = EmailMessage(policy=_WRITE)
    msg["From"] = mail_from
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = moment.astimezone(ZoneInfo(zone))  # a datetime is written as RFC 5322 says, without reading a string back
    msg["Message-ID"] = message_id(reference, mail_from, kind)
    msg["X-Help-Desk-Reference"] = reference
    return msg


def compose(letter: Letter, mail_from: str) -> EmailMessage:
    """The form's or the API's request, for the team, as the standard library builds and checks it."""
    return _library_composed(letter, mail_from)[0]


def _library_composed(letter: Letter, mail_from: str) -> tuple[EmailMessage, bytes]:
    """``compose`` and the bytes it was checked as: written out once, and the bytes checked are the bytes kept."""
    fields = letter.fields
    msg = new_message(
        mail_from=mail_from,
        to=mailbox(letter.contact.name, letter.to.address),
        subject=subject_line(fields["group_id"], fields["group_name"], fields["subject"]),
        moment=letter.submitted_at,
        zone=letter.timezone,
        reference=letter.reference,
        kind="forward",
    )
    msg["Reply-To"] = mailbox(fields.get("name", ""), fields["email"])
    msg.set_content(body(letter), charset="utf-8")
    return msg, check_headers(msg)


def composed(letter: Letter, mail_from: str) -> bytes:
    """``compose``'s bytes: written directly when every value is plain, else by the standard library and checked.

    Most requests are plain ASCII with short headers, and for those the
    message is written here at a tenth of the library's cost. The bytes are
    the library's own, byte for byte (a test compares the two on generated
    fields), and a value that needs quoting, encoding or folding, or that
    could carry a line break, takes the library's path and its checks.
    """
    plain = _plain_bytes(letter, mail_from)
    return plain if plain is not None else _library_composed(letter, mail_from)[1]


# Printable ASCII, no control characters: nothing here can end a header line.
_PRINTABLE = re.compile(r"[\x20-\x7e]*")
# A display name the library writes bare: words of RFC 5322 atext, single spaces between.
_BARE_NAME = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?: [A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_DOT_ATOM = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_LINE = 78  # policy.SMTP's max_line_length: a longer header is folded, a longer body line quoted


def _plain_bytes(letter: Letter, mail_from: str) -> bytes | None:
    fields = letter.fields
    subject = subject_line(fields["group_id"], fields["group_name"], fields["subject"])
    reply_to = _plain_mailbox(fields.get("name", ""), fields["email"])
    text = body(letter)
    if (
        reply_to is None
        or not _plain_unstructured(subject)
        or len("Reply-To: ") + len(reply_to) > _LINE
    ):
        return None
    lines = text.encode("utf-8").splitlines()
    if max((len(line) for line in lines), default=0) <= _LINE:
        if not text.isascii():
            return None  # short lines with accents go out as 8bit: the library's case
        encoding, payload = "7bit", b"\r\n".join(lines) + b"\r\n"
    else:
        # contentmanager._encode_text's choice for a body with a long line: quoted-printable unless base64 of
        # the first ten lines comes out shorter (mostly accents). Only quoted-printable is written here.
        sniff = b"\r\n".join(lines[:10]) + b"\r\n"
        sniff_qp = quoprimime.body_encode(sniff.decode("latin-1"), _LINE)
        if len(sniff_qp) > len(binascii.b2a_base64(sniff)):
            return None
        encoded = sniff_qp if len(lines) <= 10 else quoprimime.body_encode((b"\n".join(lines) + b"\n").decode("latin-1"), _LINE)
        encoding, payload = "quoted-printable", encoded.replace("\r\n", "\n").replace("\n", "\r\n").encode("ascii")
        if not payload.endswith(b"\r\n"):
            payload += b"\r\n"
    local = letter.submitted_at.astimezone(ZoneInfo(letter.timezone))
    head = (
        _written_header("From", "", mail_from),
        _written_header("To", letter.contact.name, letter.to.address),
        f"Subject: {subject}",
        f"Date: {format_datetime(local)}",
        f"Message-ID: {message_id(letter.reference, mail_from, 'forward')}",
        f"X-Help-Desk-Reference: {letter.reference}",
        f"Reply-To: {reply_to}",
        'Content-Type: text/plain; charset="utf-8"',
        f"Content-Transfer-Encoding: {encoding}",
        "MIME-Version: 1.0",
    )
    if not all(_PRINTABLE.fullmatch(line) and len(line) <= _LINE for line in head[2:]):
        return None
    return ("\r\n".join(head) + "\r\n\r\n").encode("ascii") + payload


def _plain_unstructured(value: str) -> bool:
    """A header value the library writes exactly as given: printable ASCII, single spaces, no encoded word."""
    return bool(_PRINTABLE.fullmatch(value)) and "  " not in value and "=?" not in value and value == value.strip()


def _plain_mailbox(name: str, address: str) -> str | None:
    local, at, domain = address.rpartition("@")
    if not at or not _DOT_ATOM.fullmatch(local) or not _DOT_ATOM.fullmatch(domain):
        return None
    # An encoded word ("=?utf-8?b?...?=") is decoded by whoever reads the header, and may hide a line break.
    if "=?" in name or "=?" in address:
        return None
    if not name:
        return address
    return f"{name} <{address}>" if _BARE_NAME.fullmatch(name) else None


@functools.lru_cache(maxsize=256)
def _written_header(name: str, display_name: str, address: str) -> str:
    """One of our own address headers (our From, a team's To) as the library writes it, made once per value.

    These come from the settings and the directory, never from a request,
    and go through the library and ``check_headers`` the first time.
    """
    msg = EmailMessage(policy=_WRITE)
    msg[name] = mailbox(display_name, address) if display_name else address
    return check_headers(msg).decode("ascii").rstrip("\r\n")


def body(letter: Letter) -> str:
    fields = letter.fields
    width = max(len(label) for _, label in FIELD_LABELS + (("", "Reference"), ("", "Sent")))
    lines = [
        "An employer sent this request through the small-business help desk.",
        f"Reply to this email to answer {fields.get('name') or 'them'} directly at {fields['email']}.",
        *language_note(letter.language),
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


def mailbox(name: str, address: str) -> Address:
    """One address with its display name, quoted or encoded as RFC 5322 needs (commas, semicolons, <>, accents)."""
    local, _, domain = address.rpartition("@")
    return Address(display_name=name, username=local, domain=domain)


_ADDRESS_HEADERS = ("from", "to", "reply-to", "cc")


def check_headers(msg: EmailMessage) -> bytes:
    """Refuse a message whose headers, once written out and read back, are not the ones that were set; the bytes written.

    The last guard against header injection and mangled addresses, whatever
    path a value took: the same header names in the same order, and each
    address header naming the same people at the same addresses.
    """
    raw = msg.as_bytes()
    wanted = [name.lower() for name in msg]
    # Only the header block is read back: the body cannot add a header, and it is most of the bytes.
    written = _HEADERS_ONLY.parsebytes(raw, headersonly=True)
    if [name.lower() for name in written] != wanted or any(CONTROL.search(str(v)) for v in msg.values()):
        raise UnsafeHeaders("A header would carry text that changes the message's headers.")
    for name in _ADDRESS_HEADERS:
        if msg[name] is not None and _people(msg[name]) != _people(_read_back(name, written)):
            raise UnsafeHeaders(f"The {name} header would not read back as the address it was given.")
    if msg["subject"] is not None and " ".join(str(msg["subject"]).split()) != " ".join(str(_read_back("subject", written)).split()):
        raise UnsafeHeaders("The subject would not read back as it was written.")
    return raw


_HEADERS_ONLY = BytesHeaderParser(policy=policy.compat32)


def _read_back(name: str, written: Message) -> object:
    """A header as a receiving mail program reads it (the default policy's parse of the written bytes), or None."""
    value = written[name]
    return None if value is None else _READ.header_fetch_parse(name, value)


def _people(header: object) -> list[tuple[str, str]]:
    return [(a.display_name, a.addr_spec) for a in getattr(header, "addresses", ())]


# --- triage's two messages: the forward to the team, and the reply asking the sender ---


@dataclass(frozen=True)
class FollowUp:
    """A reply in the same conversation that completed the request: its text goes in the forward, its original is attached."""

    email: ParsedEmail
    raw: bytes


def forward_message(
    result: Triage, raw: bytes, reference: str, mail_from: str, now: datetime, timezone: str, staff: str = "",
    follow_ups: tuple[FollowUp, ...] = (),
) -> EmailMessage:
    """The employer's email, for the team: their details on top, the original attached (and each reply that completed it)."""
    parsed = result.email
    if result.team is None or result.address is None or result.group_id is None or result.group_name is None:
        raise Unsendable("A forward needs a team that takes email, a group ID and a group name.")
    subject = header_text(clean_subject(parsed.subject)) or "(no subject)"
    try:
        msg = new_message(
            mail_from=mail_from,
            to=mailbox(result.team.name, result.address.address),
            subject=subject_line(result.group_id.value, result.group_name.value, subject),
            moment=now,
            zone=timezone,
            reference=reference,
            kind="forward",
        )
        if parsed.reply_to:
            msg["Reply-To"] = mailbox(header_text(parsed.from_name), parsed.reply_to)
        if parsed.message_id:
            msg["X-Original-Message-ID"] = header_text(parsed.message_id)
    except (ValueError, TypeError) as exc:
        raise Unsendable(f"The sender's address cannot be used in a reply header ({exc}).") from None
    _check(msg)
    msg.set_content(_forward_body(result, reference, now, timezone, staff, follow_ups), charset="utf-8")
    _attach_original(msg, raw)
    for number, follow_up in enumerate(follow_ups, start=1):
        _attach_original(msg, follow_up.raw, f"reply-{number}.eml")
    return msg


def _forward_body(result: Triage, reference: str, now: datetime, timezone: str, staff: str, follow_ups: tuple[FollowUp, ...] = ()) -> str:
    parsed = result.email
    assert result.group_id is not None and result.group_name is not None and result.address is not None and result.team is not None
    sender = f"{parsed.from_name} <{parsed.reply_to}>" if parsed.from_name else parsed.reply_to or "(no address)"
    rows = [
        ("Reference", reference),
        ("Group name", result.group_name.value),
        ("Group ID", result.group_id.value),
        ("From", sender),
        ("Sent", parsed.date or "(no date)"),
        ("Subject", parsed.subject or "(no subject)"),
        ("Forwarded", f"{sent_time(now, timezone)} ({timezone})" + (f" by {staff}" if staff else "")),
    ]
    width = max(len(label) for label, _ in rows)
    lines = [
        "An employer emailed the small-business inbox; staff triage sends it to you.",
        f"Reply to this email to answer {parsed.from_name or 'the sender'} directly" + (f" at {parsed.reply_to}." if parsed.reply_to else "."),
        *language_note(result.language),
        "",
        *(f"{label:<{width}}  {value}" for label, value in rows),
        "",
        "Their message:",
        parsed.newest or "(no text)",
    ]
    if parsed.forwarded:
        lines += ["", "The message they forwarded:", parsed.forwarded]
    if parsed.attachments:
        lines += ["", "Attachments in the original:"]
        lines += [f"  {a.filename or '(unnamed)'} ({a.content_type}, about {a.size:,} bytes)" for a in parsed.attachments]
    for follow_up in follow_ups:
        reply = follow_up.email
        lines += ["", f"Their reply to our request for the missing details ({reply.date or 'no date'}):", reply.newest or "(no text)"]
    lines += [
        "",
        "Why it came to you:",
        result.decision.reason if result.decision is not None and not result.corrected.contact_id else f"Staff chose {result.team.name}.",
        f"Sent to {result.address.address} ({result.team.name}), the address for: {result.address.purpose}.",
        "",
        "The original email is attached, unchanged." if not follow_ups else "The original email and their replies are attached, unchanged.",
    ]
    return "\n".join(lines) + "\n"


def _attach_original(msg: EmailMessage, raw: bytes, filename: str = "original.eml") -> None:
    # message/rfc822 must not be base64-encoded (RFC 2046 5.2.1), so only a
    # 7-bit original goes in as one; anything else is attached byte for byte.
    seven_bit = all(b < 128 for b in raw) and all(len(line) <= 998 for line in raw.split(b"\n"))
    if seven_bit:
        original = message_from_bytes(raw, policy=policy.compat32)
        msg.add_attachment(original, filename=filename, cte="7bit")
    else:
        msg.add_attachment(raw, maintype="application", subtype="octet-stream", filename=filename)


def _check(msg: EmailMessage) -> None:
    try:
        check_headers(msg)
    except UnsafeHeaders:
        raise Unsendable("The email's headers carry text that would change ours (a hidden line break); it was not sent. Handle it by hand.") from None


def ask_message(draft: Draft, reference: str, mail_from: str, now: datetime, timezone: str) -> EmailMessage:
    """The reply to the sender. Marked as a machine's reply (RFC 3834) so their autoresponder stays quiet.

    Its subject carries the reference, so the sender's answer is matched to the request even when the
    mail program drops In-Reply-To.
    """
    try:
        msg = new_message(
            mail_from=mail_from,
            to=mailbox(header_text(draft.to_name), draft.to),
            subject=tagged(header_text(draft.subject), reference),
            moment=now,
            zone=timezone,
            reference=reference,
            kind="ask",
        )
        if draft.in_reply_to:
            msg["In-Reply-To"] = header_text(draft.in_reply_to)
        if draft.references:
            msg["References"] = header_text(draft.references)
        msg["Auto-Submitted"] = "auto-replied"
        msg["X-Auto-Response-Suppress"] = "All"
    except (ValueError, TypeError) as exc:
        raise Unsendable(f"The sender's address cannot be written in a reply ({exc}).") from None
    _check(msg)
    msg.set_content(draft.body, charset="utf-8")
    return msg
