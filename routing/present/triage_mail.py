"""The two emails triage can send: the forward to the team, and the reply asking the sender for what is missing.

Both are composed here and delivered only through the outbox (the same
queue, retries and exactly-once claim as the web form's forwards), so there
is one sender in the product. Composing is pure: the instant and the
reference come in.
"""

from __future__ import annotations

import re
from email import message_from_bytes
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from zoneinfo import ZoneInfo

from routing.core.email.group_fields import FIELD_WORDS, GROUP_ID, GROUP_NAME, clean_subject, fold
from routing.delivery.transport import UnsafeHeaders, check_headers, header_text, mail_domain, message_id, sent_time, subject_line
from routing.core.model import Directory
from routing.errors import Unsendable
from routing.core.rules import CONFIDENT
from routing.core.email.triage import Triage

HONORIFICS = frozenset("dr dr. dra dra. mr mr. mrs mrs. ms ms. miss mx prof sr sra".split())


@dataclass(frozen=True)
class Draft:
    to: str
    to_name: str
    subject: str
    in_reply_to: str
    references: str
    body: str


def reply_subject(subject: str) -> str:
    return subject if re.match(r"^\s*re\s*:", subject, re.IGNORECASE) else f"Re: {subject}".strip() if subject else "Re: your message"


def ask_sender_draft(result: Triage, directory: Directory) -> Draft | None:
    """The reply asking for the group name or ID, worded from the team's ``include`` list; None when nothing is missing."""
    parsed = result.email
    if not result.missing or not parsed.reply_to:
        return None
    team = result.team or result.contact
    include: tuple[str, ...] = ()
    if result.address is not None:
        include = result.address.include
    if not include:
        include = tuple(FIELD_WORDS[k] for k in (GROUP_NAME, GROUP_ID))
    missing_words = [FIELD_WORDS[m] for m in result.missing]
    given = [w for w in parsed.from_name.split(",")[-1].split() if fold(w) not in HONORIFICS]
    name = given[0] if given and "@" not in given[0] else ""
    fmt = directory.group_id
    lines = [f"Hello{(' ' + name) if name else ''},", ""]
    about = f" about “{clean_subject(parsed.subject)}”" if clean_subject(parsed.subject) else ""
    lines.append(f"Thank you for your message{about}.")
    if team is not None and result.confidence >= CONFIDENT:
        lines.append(f"It is for {team.name}, and before we pass it on we need a little more from you.")
    lines += [
        "",
        f"The team asks every email to include the {_join(list(include))}, because that is how they find your account. "
        f"Your message did not include the {_join(missing_words)}.",
        "",
        "Please reply to this email with:",
    ]
    for key in (GROUP_NAME, GROUP_ID):
        if key not in result.missing:
            continue
        if key == GROUP_NAME:
            lines.append("  Group name: your business's name as it appears on your account")
        else:
            lines.append(f"  Group ID: {fmt.description}")
    known = [(FIELD_WORDS[k].capitalize(), f.value) for k, f in ((GROUP_NAME, result.group_name), (GROUP_ID, result.group_id)) if f is not None]
    if known:
        lines += ["", "We already have:"] + [f"  {label}: {value}" for label, value in known]
    lines += [
        "",
        "As soon as we have it, your message goes to the team with your details, and they will answer you directly.",
        "",
        "Small business support",
    ]
    references = " ".join(x for x in (parsed.references, parsed.message_id) if x).strip()
    return Draft(
        to=parsed.reply_to,
        to_name=parsed.from_name,
        subject=reply_subject(parsed.subject),
        in_reply_to=parsed.message_id,
        references=references,
        body="\n".join(lines) + "\n",
    )


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# --- the messages -----------------------------------------------------------------------


def forward_message(
    result: Triage, raw: bytes, reference: str, mail_from: str, now: datetime, timezone: str, staff: str = ""
) -> EmailMessage:
    """The employer's email, for the team: their details on top, the original attached."""
    parsed = result.email
    if result.team is None or result.address is None or result.group_id is None or result.group_name is None:
        raise Unsendable("A forward needs a team that takes email, a group ID and a group name.")
    subject = header_text(clean_subject(parsed.subject)) or "(no subject)"
    try:
        msg = EmailMessage(policy=policy.SMTP)
        msg["From"] = mail_from
        msg["To"] = formataddr((result.team.name, result.address.address))
        if parsed.reply_to:
            msg["Reply-To"] = formataddr((header_text(parsed.from_name), parsed.reply_to))
        msg["Subject"] = subject_line(result.group_id.value, result.group_name.value, subject)
        msg["Date"] = format_datetime(now.astimezone(ZoneInfo(timezone)))
        msg["Message-ID"] = message_id(reference, mail_from)
        msg["X-Help-Desk-Reference"] = reference
        if parsed.message_id:
            msg["X-Original-Message-ID"] = header_text(parsed.message_id)
    except (ValueError, TypeError) as exc:
        raise Unsendable(f"The sender's address cannot be used in a reply header ({exc}).") from None
    _check(msg)
    msg.set_content(_forward_body(result, reference, now, timezone, staff), charset="utf-8")
    _attach_original(msg, raw)
    return msg


def _forward_body(result: Triage, reference: str, now: datetime, timezone: str, staff: str) -> str:
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
    lines += [
        "",
        "Why it came to you:",
        result.decision.reason if result.decision is not None and not result.corrected.contact_id else f"Staff chose {result.team.name}.",
        f"Sent to {result.address.address} ({result.team.name}), the address for: {result.address.purpose}.",
        "",
        "The original email is attached, unchanged.",
    ]
    return "\n".join(lines) + "\n"


def _attach_original(msg: EmailMessage, raw: bytes) -> None:
    # message/rfc822 must not be base64-encoded (RFC 2046 5.2.1), so only a
    # 7-bit original goes in as one; anything else is attached byte for byte.
    seven_bit = all(b < 128 for b in raw) and all(len(line) <= 998 for line in raw.split(b"\n"))
    if seven_bit:
        original = message_from_bytes(raw, policy=policy.compat32)
        msg.add_attachment(original, filename="original.eml", cte="7bit")
    else:
        msg.add_attachment(raw, maintype="application", subtype="octet-stream", filename="original.eml")


def _check(msg: EmailMessage) -> None:
    try:
        check_headers(msg)
    except UnsafeHeaders:
        raise Unsendable("The email's headers carry text that would change ours (a hidden line break); it was not sent. Handle it by hand.") from None


def ask_message(draft: Draft, reference: str, mail_from: str, now: datetime, timezone: str) -> EmailMessage:
    """The reply to the sender. Marked as a machine's reply (RFC 3834) so their autoresponder stays quiet."""
    try:
        msg = EmailMessage(policy=policy.SMTP)
        msg["From"] = mail_from
        msg["To"] = formataddr((header_text(draft.to_name), draft.to))
        msg["Subject"] = header_text(draft.subject)
        msg["Date"] = format_datetime(now.astimezone(ZoneInfo(timezone)))
        msg["Message-ID"] = f"<{reference.lower()}.ask@{mail_domain(mail_from)}>"
        if draft.in_reply_to:
            msg["In-Reply-To"] = header_text(draft.in_reply_to)
        if draft.references:
            msg["References"] = header_text(draft.references)
        msg["Auto-Submitted"] = "auto-replied"
        msg["X-Auto-Response-Suppress"] = "All"
        msg["X-Help-Desk-Reference"] = reference
    except (ValueError, TypeError) as exc:
        raise Unsendable(f"The sender's address cannot be written in a reply ({exc}).") from None
    _check(msg)
    msg.set_content(draft.body, charset="utf-8")
    return msg
