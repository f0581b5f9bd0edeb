"""Raw RFC 5322 bytes → the facts triage needs, without ever raising.

Real mail is messy: wrong or unknown charsets, raw 8-bit headers, broken
base64, HTML-only bodies, truncated multiparts. Everything here decodes with
a fallback chain (declared charset → UTF-8 → Windows-1252 → Latin-1, which
cannot fail), so any byte string becomes a ``ParsedEmail``; what could not be
read is reported in ``problems`` instead.

The body is then split by ``mail_text`` into the sender's newest text, a
forwarded message and quoted history.

A message is read in time linear in its size: every header is cut at
``MAX_HEADER_CHARS`` as it is parsed (the mail library's own header and
parameter parsers are quadratic in a header's length), a structure of more
than ``MAX_BOUNDARIES`` multiparts is not taken apart, and a body's text is
kept to ``MAX_TEXT_CHARS``. A message cut or left unread like this says so in
``too_complex``, and triage sends it to a person.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.header import Header, decode_header
from email.message import Message
from email.parser import BytesParser
from email.policy import Compat32
from email.utils import getaddresses, parseaddr, parsedate_to_datetime

from routing.core.email.addresses import is_email_address
from routing.core.email.sections import SUBJECT_FORWARD, SUBJECT_REPLY, html_text, split_sections, trim
from routing.core.i18n import _

FALLBACK_CHARSETS = ("utf-8", "cp1252", "latin-1")
MAX_PARTS = 200  # a hostile message can nest thousands of parts; the first ones tell us enough
MAX_DEPTH = 3  # message/rfc822 inside message/rfc822 ...
MAX_TEXT_CHARS = 200_000
# A header longer than this is cut as it is parsed: RFC 5322 lines stop at 998
# characters, and a real Subject, even encoded, is far shorter than this.
# Uncut, decoding 40,000 RFC 2231 continuations or a megabyte of encoded words
# took seconds (the mail library's parsers are quadratic in a header's length).
MAX_HEADER_CHARS = 8_000
# Multiparts nested inside each other cost the mail library time for every line
# at every level; more than this many "boundary" parameters is not taken apart.
MAX_BOUNDARIES = 100
# Codecs that decode in quadratic time: a part that declares one is read as UTF-8 and the rest.
_SLOW_CODECS = frozenset(("punycode", "idna"))

# Every message the desk sends carries this header (routing/present/email.py writes it): mail that has it is the desk's own.
OWN_REFERENCE_HEADER = "X-Help-Desk-Reference"
# Sender mailboxes that never read replies (RFC 3834 §3.2 asks responders not to answer them).
NO_REPLY_LOCALS = re.compile(
    r"^(mailer-daemon|postmaster|no[-_.]?reply|do[-_.]?not[-_.]?reply|donotreply|bounces?|mail-daemon)([-+._].*)?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    size: int  # decoded bytes, estimated from the encoded length: attachments are never decoded


@dataclass(frozen=True)
class ParsedEmail:
    raw_size: int
    from_name: str = ""
    from_address: str = ""
    reply_to: str = ""  # where a reply goes: Reply-To when given, else From
    to: tuple[str, ...] = ()
    subject: str = ""
    message_id: str = ""
    in_reply_to: str = ""
    references: str = ""
    date: str = ""  # ISO-8601 when the Date header parses, else ""
    content_type: str = ""
    text: str = ""  # the whole chosen body, as text
    newest: str = ""  # what the sender wrote this time
    forwarded: str = ""  # a forwarded message's text (headers block removed)
    history: str = ""  # quoted replies: shown, never used to decide
    is_reply: bool = False
    is_forward: bool = False
    from_html: bool = False
    attachments: tuple[Attachment, ...] = ()
    loop_signals: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    headers: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    # Why the message was not read in full, in words ("its text is longer than …"); empty when it was.
    too_complex: str = ""

    @property
    def sender(self) -> str:
        return self.from_address

    def header(self, name: str) -> str:
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), "")


# --- decoding ------------------------------------------------------------------


class _BoundedHeaders(Compat32):
    """compat32, with every header value cut at ``MAX_HEADER_CHARS`` as the parser reads it."""

    def header_source_parse(self, sourcelines: list[str]) -> tuple[str, str]:
        name, value = super().header_source_parse(sourcelines)
        return name, value[:MAX_HEADER_CHARS]


POLICY = _BoundedHeaders()


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Text from bytes: the declared charset if it fits, else UTF-8, Windows-1252, Latin-1."""
    candidates = ((_charset_name(declared),) if declared else ()) + FALLBACK_CHARSETS
    for charset in candidates:
        try:
            if codecs.lookup(charset).name in _SLOW_CODECS:
                continue
            return data.decode(charset)
        except (LookupError, UnicodeError, ValueError):
            continue
    return data.decode("latin-1")  # unreachable: Latin-1 maps every byte


def _charset_name(charset: str) -> str:
    name = charset.strip().strip('"').lower()
    # Mailers write these for what is really Windows-1252 (WHATWG encoding spec).
    return {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "us-ascii": "ascii", "ascii": "ascii",
            "x-unknown": "utf-8", "unknown-8bit": "utf-8", "": "utf-8"}.get(name, name)


def decode_header_value(value: object) -> str:
    """An RFC 2047 header as text; raw 8-bit headers and unknown charsets fall back, never raise."""
    if value is None:
        return ""
    if isinstance(value, Header):
        # compat32 wraps raw 8-bit header bytes in a Header of charset unknown-8bit.
        try:
            return _one_line("".join(decode_bytes(c, cs) if isinstance(c, bytes) else c for c, cs in decode_header(value)))
        except Exception:
            return _one_line(str(value))
    text = str(value)
    if any(0xDC80 <= ord(c) <= 0xDCFF for c in text):
        # compat32 keeps raw 8-bit header bytes as surrogates.
        text = decode_bytes(text.encode("ascii", "surrogateescape"))
    try:
        chunks = decode_header(text)
    except Exception:  # a malformed encoded word: show the header as it came
        return _one_line(text)
    words: list[str] = []
    for chunk, charset in chunks:
        if isinstance(chunk, bytes):
            words.append(decode_bytes(chunk, charset))
        else:
            words.append(chunk)
    return _one_line("".join(words))


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\x00", "")).strip()


# --- the MIME tree -------------------------------------------------------------------


def _walk(msg: Message, depth: int = 0) -> Iterator[tuple[Message, int]]:
    """Leaf parts in order, and message/rfc822 parts (reported, not descended into)."""
    stack: list[tuple[Message, int]] = [(msg, depth)]
    seen = 0
    while stack and seen < MAX_PARTS:
        part, level = stack.pop(0)
        seen += 1
        if part.is_multipart() and not _ctype(part).startswith("message/"):
            payload = part.get_payload()
            if isinstance(payload, list):
                stack[0:0] = [(p, level + 1) for p in payload if isinstance(p, Message)]
            continue
        yield part, level


def _ctype(part: Message) -> str:
    try:
        return part.get_content_type().lower()
    except Exception:
        return "text/plain"


def _is_attachment(part: Message) -> bool:
    disposition = str(part.get("content-disposition", "")).split(";")[0].strip().lower()
    if disposition == "attachment":
        return True
    ctype = _ctype(part)
    return not (ctype in ("text/plain", "text/html") and disposition != "attachment")


def _filename(part: Message) -> str:
    try:
        name = part.get_filename() or part.get_param("name") or ""
    except Exception:
        name = ""
    if isinstance(name, tuple):  # an RFC 2231 value compat32 did not collapse
        name = str(name[2])
    return decode_header_value(name)


def _encoded_size(part: Message) -> int:
    payload = part.get_payload()
    if isinstance(payload, list):
        return sum(_encoded_size(p) for p in payload if isinstance(p, Message))
    raw = payload if isinstance(payload, str) else ""
    cte = str(part.get("content-transfer-encoding", "")).strip().lower()
    if cte == "base64":
        compact = re.sub(r"[^A-Za-z0-9+/]", "", raw)
        return len(compact) * 3 // 4
    if cte == "quoted-printable":
        return len(re.sub(r"=\r?\n", "", raw)) - 2 * len(re.findall(r"=[0-9A-Fa-f]{2}", raw))
    return len(raw.encode("utf-8", "surrogateescape"))


def part_text(part: Message) -> str:
    """A text part's content: transfer-decoded (tolerantly) and charset-decoded with fallbacks."""
    try:
        data = part.get_payload(decode=True)
    except Exception:
        data = None
    if data is None:
        raw = part.get_payload()
        data = raw.encode("ascii", "surrogateescape") if isinstance(raw, str) else b""
    if not isinstance(data, bytes):
        data = bytes(data) if isinstance(data, (bytearray, memoryview)) else b""
    try:
        declared = part.get_content_charset()
    except Exception:
        declared = None
    text = decode_bytes(data[: MAX_TEXT_CHARS * 4], declared)
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


def _body(msg: Message) -> tuple[str, bool, list[Attachment], list[Message], bool]:
    """The text to read (plain preferred, else HTML as text), the attachments, attached messages, and whether the text was cut."""
    plain: str | None = None
    html: str | None = None
    attachments: list[Attachment] = []
    attached: list[Message] = []
    for part, _depth in _walk(msg):
        ctype = _ctype(part)
        if ctype == "message/rfc822":
            inner = part.get_payload()
            if isinstance(inner, list) and inner and isinstance(inner[0], Message):
                attached.append(inner[0])
            attachments.append(Attachment(_filename(part) or "forwarded message", ctype, _encoded_size(part)))
            continue
        if ctype.startswith("multipart/") and isinstance(part.get_payload(), str) and plain is None:
            # A multipart whose boundary is missing or broken: its text is all there is.
            plain = part_text(part)
            continue
        if ctype.startswith("message/") or ctype.startswith("multipart/"):
            attachments.append(Attachment(_filename(part), ctype, _encoded_size(part)))
            continue
        if _is_attachment(part):
            attachments.append(Attachment(_filename(part), ctype, _encoded_size(part)))
            continue
        if ctype == "text/plain" and plain is None:
            plain = part_text(part)
        elif ctype == "text/html" and html is None:
            html = part_text(part)
    if plain is not None and plain.strip():
        return plain[:MAX_TEXT_CHARS], False, attachments, attached, len(plain) > MAX_TEXT_CHARS
    if html is not None:
        text, cut = html_text(html[: MAX_TEXT_CHARS * 2], MAX_TEXT_CHARS)
        return text, True, attachments, attached, cut or len(html) > MAX_TEXT_CHARS * 2
    return (plain or "")[:MAX_TEXT_CHARS], False, attachments, attached, len(plain or "") > MAX_TEXT_CHARS


# --- loop signals --------------------------------------------------------------------


def loop_signals(msg: Message, from_address: str, reply_to: str) -> tuple[str, ...]:
    """Why a reply could feed a mail loop (RFC 3834 and common practice); empty for a person."""
    found: list[str] = []
    auto = _header(msg, "auto-submitted")
    # RFC 3834 §5: any value but "no" (ignoring case and comments) marks a machine.
    if auto and _without_comments(auto).strip().lower() not in ("no", ""):
        found.append("auto-submitted")
    if _header(msg, "x-autoreply") or _header(msg, "x-autorespond"):
        found.append("x-autoreply")
    if _header(msg, "precedence").strip().lower() in ("bulk", "list", "junk", "auto_reply"):
        found.append("precedence")
    if _header(msg, "x-auto-response-suppress"):
        found.append("x-auto-response-suppress")
    if _header(msg, "list-id"):
        found.append("list-id")
    if _header(msg, OWN_REFERENCE_HEADER):
        found.append("own-reference")
    if _header(msg, "x-loop"):
        found.append("x-loop")
    ctype = _ctype(msg)
    if ctype == "multipart/report" or any(_ctype(p) in ("message/delivery-status", "message/disposition-notification") for p, _ in _walk(msg)):
        found.append("delivery-report")
    return_path = _header(msg, "return-path")
    if return_path and re.fullmatch(r"<\s*>", return_path.strip()):
        found.append("null-return-path")
    for address in (from_address, reply_to, parseaddr(_header(msg, "sender"))[1]):
        local = address.rpartition("@")[0] if "@" in address else address
        if local and NO_REPLY_LOCALS.match(local):
            found.append("noreply-sender")
            break
    return tuple(dict.fromkeys(found))


def _without_comments(value: str) -> str:
    """``re.sub(r"\\([^)]*\\)", "", value)`` without its search from every "(" to the end."""
    kept, i = [], 0
    while True:
        start = value.find("(", i)
        end = value.find(")", start + 1) if start >= 0 else -1
        if end < 0:
            kept.append(value[i:])
            return "".join(kept)
        kept.append(value[i:start])
        i = end + 1


def _header(msg: Message, name: str) -> str:
    try:
        value = msg.get(name)
    except Exception:
        return ""
    return decode_header_value(value) if value is not None else ""


# --- putting it together ----------------------------------------------------------------


def parse(raw: bytes, depth: int = 0) -> ParsedEmail:
    """Never raises: anything unreadable becomes an entry in ``problems``."""
    problems: list[str] = []
    if not raw or not raw.strip():
        return ParsedEmail(raw_size=len(raw), problems=(_("The message is empty."),))
    nested = raw.lower().count(b"boundary")
    try:
        msg = BytesParser(policy=POLICY).parsebytes(raw, headersonly=nested > MAX_BOUNDARIES)
    except Exception as exc:  # the parser is tolerant; this is the last guard
        text = decode_bytes(raw[:MAX_TEXT_CHARS])
        return ParsedEmail(raw_size=len(raw), text=text, newest=trim(text), problems=(_("The message could not be parsed (%(error)s).") % {"error": type(exc).__name__},))
    try:
        if nested > MAX_BOUNDARIES:
            problems.append(_("The message has more than %(count)s MIME parts inside each other; its body was not read.") % {"count": MAX_BOUNDARIES})
            return _parsed(msg, raw, problems, depth, _("it has more than %(count)s MIME parts inside each other") % {"count": MAX_BOUNDARIES})
        return _parsed(msg, raw, problems, depth)
    except RecursionError:
        return ParsedEmail(raw_size=len(raw), problems=(_("The message is nested too deeply to read."),))


def _parsed(msg: Message, raw: bytes, problems: list[str], depth: int, unread: str = "") -> ParsedEmail:
    """The facts of ``msg``; with ``unread`` (why), only its headers are read, not its body."""
    headers = tuple((str(k), decode_header_value(v)) for k, v in list(msg.items())[:500])
    if not headers:
        problems.append(_("The message has no headers; it may not be an email."))
    for defect in getattr(msg, "defects", [])[:5]:
        problems.append(_("Damaged message: %(defect)s.") % {"defect": type(defect).__name__})
    from_name, from_address = _address_header(msg, "from")
    _reply_name, reply_to = _address_header(msg, "reply-to")
    subject = _header(msg, "subject")
    text, from_html, attachments, attached, cut = _body(msg) if not unread else ("", False, [], [], False)
    too_complex = unread or (_("its text is longer than %(count)s characters") % {"count": f"{MAX_TEXT_CHARS:,}"} if cut else "")
    if cut:
        problems.append(_("The text is longer than %(count)s characters; only the start was read.") % {"count": f"{MAX_TEXT_CHARS:,}"})
    if len(attachments) > 50:
        attachments = attachments[:50]
    sections = split_sections(text, subject)
    forwarded, is_forward = sections.forwarded, sections.is_forward
    if attached and depth < MAX_DEPTH and not forwarded:
        # Forwarded as an attachment: the attached message is the request.
        inner = parse(attached[0].as_bytes() if _safe_bytes(attached[0]) else b"", depth + 1)
        pieces = [f"Subject: {inner.subject}"] if inner.subject else []
        pieces.append(inner.newest)
        forwarded = trim("\n".join(pieces))
        is_forward = True
    return ParsedEmail(
        raw_size=len(raw),
        from_name=from_name,
        from_address=from_address,
        reply_to=reply_to or from_address,
        to=tuple(addr for _, addr in _addresses(_header(msg, "to")))[:50],
        subject=subject,
        message_id=_header(msg, "message-id")[:300],
        in_reply_to=_header(msg, "in-reply-to")[:300],
        references=_header(msg, "references")[:2000],
        date=_date(_header(msg, "date")),
        content_type=_ctype(msg),
        text=text,
        newest=sections.newest,
        forwarded=forwarded,
        history=sections.history,
        is_reply=sections.is_reply or bool(SUBJECT_REPLY.match(subject)),
        is_forward=is_forward or (bool(SUBJECT_FORWARD.match(subject)) and bool(forwarded)),
        from_html=from_html,
        attachments=tuple(attachments),
        loop_signals=loop_signals(msg, from_address, reply_to),
        problems=tuple(problems),
        headers=headers,
        too_complex=too_complex,
    )


def _safe_bytes(msg: Message) -> bool:
    try:
        msg.as_bytes()
        return True
    except Exception:
        return False


def _address_header(msg: Message, name: str) -> tuple[str, str]:
    """The first (display name, address) of a header, split before anything is decoded.

    Decoding first would let an encoded display name ("=?utf-8?q?boss=40victim.example?=
    <real@sender.example>") pose as the address. An address we would not write
    to (an IP literal, a second @) is dropped, so the email goes to review.
    """
    try:
        value = msg.get(name)
    except Exception:
        return ("", "")
    if value is None:
        return ("", "")
    for display, address in _addresses(str(value)):
        return (decode_header_value(display), address if is_email_address(address) else "")
    return ("", "")


def _addresses(value: str) -> list[tuple[str, str]]:
    if not value:
        return []
    try:
        pairs = getaddresses([value])
    except Exception:
        return []
    return [(name.strip(), addr.strip()) for name, addr in pairs if addr.strip() and "@" in addr]


def _date(value: str) -> str:
    if not value:
        return ""
    try:
        return parsedate_to_datetime(value).isoformat()
    except (TypeError, ValueError, IndexError, OverflowError):
        return ""
