"""A forwarded request: its fields, their checks, and the team it goes to.

Shared by the form and the JSON API, so both refuse the same things with the
same sentences. The team always comes from the directory (chosen by the
employer from the teams that take email, or by the rules engine): nothing in
the request can name an address, so this can never become an open relay.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from routing.core import i18n, wording
from routing.core.email.addresses import is_email_address, not_text, printable, unsafe_in_header
from routing.core.i18n import _, localized, ngettext
from routing.core.model import Contact, Directory, Email
from routing.core.recipients import WrittenRoute, chosen, written_route
from routing.core.rules import Decision, route
from routing.core.search import Searcher
from routing.errors import RequestError

FIELDS = ("group_name", "group_id", "name", "email", "phone", "subject", "message", "contact_id")
# Everything that ends up in a header line of the email, or in its subject.
HEADER_FIELDS = ("group_name", "group_id", "name", "email", "phone", "subject", "contact_id")
MAX_CHARS = {
    "group_name": 200, "group_id": 40, "name": 200, "email": 254,
    "phone": 40, "subject": 200, "message": 10_000, "contact_id": 100,
}
# Fields a program might send hoping to choose the address itself.
RECIPIENT_FIELDS = ("to", "cc", "bcc", "from", "reply_to", "recipient", "recipients", "address")

_PHONE = re.compile(r"^\+?[0-9 ().\-]+(?:\s*(?:x|ext\.?)\s*[0-9]+)?$", re.IGNORECASE)
# The message keeps its lines and tabs; other control characters (pasted from
# other programs) are dropped rather than refused, as they never reach a header.
_MESSAGE_JUNK = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class WrittenRequest:
    group_name: str
    group_id: str
    name: str
    email: str
    phone: str
    subject: str
    message: str
    contact_id: str

    def fields(self) -> dict[str, str]:
        return asdict(self)


def invalid(fields: Mapping[str, str]) -> RequestError:
    count = len(fields)
    message = ngettext("Please correct the field marked below and send it again.", "Please correct the %(num)s fields marked below and send it again.", count)
    return RequestError(422, message % {"num": count}, fields)


def parse(raw: Mapping[str, Any], directory: Directory, *, strict: bool) -> WrittenRequest:
    """Check every field and report every problem at once (a 422 with a sentence per field).

    ``strict`` (the JSON API) also refuses unknown fields, so a typo in a field
    name is not silently dropped; the form ignores its own extras (the CSRF token).
    """
    problems: dict[str, str] = {}
    if strict:
        for key in raw:
            if key in RECIPIENT_FIELDS:
                problems[key] = _("Recipients always come from the directory. Choose a team with contact_id, or leave it out to let us route the message.")
            elif key not in FIELDS:
                # The name is echoed back, so a broken character in it must not break the answer.
                problems[printable(str(key))[:100]] = _("This field is not accepted; the fields are %(fields)s.") % {"fields": ", ".join(FIELDS)}
    values: dict[str, str] = {}
    for name in FIELDS:
        value = raw.get(name)
        if value is None:
            value = ""
        if not isinstance(value, str):
            problems[name] = _("Send this field as text.")
            value = ""
        values[name] = _clean(name, value)
    for name in FIELDS:
        if name in problems:
            continue
        problem = _problem(name, values[name], directory)
        if problem:
            problems[name] = problem
    if problems:
        raise invalid(problems)
    return WrittenRequest(**values)


def _clean(name: str, value: str) -> str:
    if name == "message":
        return _MESSAGE_JUNK.sub("", value.replace("\r\n", "\n").replace("\r", "\n")).strip()
    return value.strip()


def _problem(name: str, value: str, directory: Directory) -> str:
    if not_text(value):
        return _("This has a character that is not valid text (a broken emoji or symbol). Retype it and send it again.")
    if name in HEADER_FIELDS and unsafe_in_header(value):
        return _("Keep this to a single line of plain text: line breaks, control characters and encoded words (=?…?=) are not allowed here.")
    limit = MAX_CHARS[name]
    if len(value) > limit:
        return _("Shorten this to %(limit)s characters or fewer (it has %(count)s).") % {"limit": i18n.number(limit), "count": i18n.number(len(value))}
    fmt = directory.group_id
    if name == "group_name" and not value:
        return _("Enter your group name, so the team can find your account.")
    if name == "group_id":
        if not value:
            return _("Enter your group ID: %(format)s.") % {"format": localized(fmt, "description")}
        if not re.fullmatch(fmt.pattern, value):
            return _("“%(value)s” is not a group ID. A group ID is %(format)s.") % {"value": value, "format": localized(fmt, "description")}
    if name == "email":
        if not value:
            return _("Enter the email address where the team should reply.")
        if not is_email_address(value):
            return _("“%(value)s” does not look like an email address. Enter one like name@example.com, where the team can reply.") % {"value": value}
    if name == "phone" and value:
        digits = sum(c.isdigit() for c in value)
        if not _PHONE.match(value) or not 7 <= digits <= 20:
            return _("Enter a phone number with digits, spaces, dashes, dots or brackets (and a leading + for abroad), or leave it empty.")
    if name == "message" and not value:
        return _("Write your request, so the team knows what you need.")
    if name == "contact_id" and value:
        if not directory.has_contact(value):
            return _("There is no team “%(value)s”. %(choices)s") % {"value": value, "choices": _choices(directory)}
        contact = directory.contact(value)
        if not contact.emails:
            return _("%(team)s does not take written requests. %(choices)s") % {"team": contact.name, "choices": _choices(directory)}
    return ""


def writable(directory: Directory) -> list[Contact]:
    """The contacts a request can be sent to: those with an address in the directory."""
    return [c for c in directory.contacts if c.emails]


def _choices(directory: Directory, or_route: bool = True) -> str:
    names = ", ".join(f"{c.name} ({c.id})" for c in writable(directory))
    if or_route:
        return _("Choose one of %(teams)s, or leave it empty to let us route your message.") % {"teams": names}
    return _("Choose one of %(teams)s.") % {"teams": names}


@dataclass(frozen=True)
class Choice:
    """The team a request goes to, the address, why, and the router's decision behind it."""

    contact: Contact
    email: Email
    reason: str
    decision: Decision


class NotByEmail(RequestError):
    """No listed address covers the request: it is not sent, and the answer says whom to call and the nearest fit."""

    def __init__(self, route: WrittenRoute) -> None:
        nearest = route.nearest
        if nearest is not None:
            field = _("%(team)s (%(id)s) is the nearest fit: choose it to send the request to %(address)s anyway, or call instead.") % {
                "team": nearest.team.name,
                "id": nearest.team.id,
                "address": nearest.address.address,
            }
        else:
            field = _("No team's mailbox covers this request, so please call instead.")
        super().__init__(422, _("We have not sent your request. %(reason)s") % {"reason": route.reason}, {"contact_id": field})
        self.route = route


def choose_recipient(request: WrittenRequest, index: Searcher, now: datetime) -> Choice:
    """The team, by the employer's choice or by the one recipient rule (``core.recipients``) on the email channel."""
    directory = index.directory
    # The Choice's reason goes into the team's email, which stays English whatever language the employer wrote in;
    # what the employer reads (refusals, the emergency line) is said below in theirs.
    with i18n.speaking(i18n.SOURCE):
        decision = route(index, f"{request.subject}\n{request.message}", "email", now)
        for_team = written_route(decision, directory)
    if decision.safety:
        raise _emergency(decision)
    if request.contact_id:
        contact = directory.contact(request.contact_id)
        with i18n.speaking(i18n.SOURCE):
            reason = _("The employer chose %(team)s on the form.") % {"team": contact.name}
            if decision.contact.id != contact.id and decision.confident:
                reason += " " + _("The router would have suggested %(team)s: %(reason)s") % {"team": decision.contact.name, "reason": decision.reason}
        picked = chosen(contact, decision)
        assert picked is not None  # parse() only accepts teams that take email
        return Choice(contact, picked.address, reason, decision)
    if for_team.forward is not None:
        return Choice(for_team.forward.team, for_team.forward.address, for_team.reason, decision)
    written = written_route(decision, directory)
    if written.topic is None:
        raise invalid({"contact_id": _("We could not tell from your message which team should get it. %(choices)s") % {"choices": _choices(directory, or_route=False)}})
    raise NotByEmail(written)


def _emergency(decision: Decision) -> RequestError:
    line = wording.phone_instructions(decision.contact.phones[0]) if decision.contact.phones else i18n.localized(decision.contact, "name")
    message = _(
        "This sounds like a medical emergency: %(line)s now. A written request is the wrong way to get urgent help, "
        "because it may not be read for a day or more. If it is not an emergency, reword your message and send it again."
    ) % {"line": line}
    return RequestError(422, message, {"message": _("Written requests are not for emergencies: %(line)s.") % {"line": line}})


def dedupe_key(request: WrittenRequest, recipient: Choice, now: datetime, timezone: str, idempotency_key: str = "") -> str:
    """The same request to the same team on the same (Pacific) day is accepted once.

    A client that means to send the same words twice in a day passes a
    different Idempotency-Key each time; one that retries passes the same one.
    """
    if idempotency_key:
        content = json.dumps({**request.fields(), "to": recipient.email.address}, sort_keys=True)
        return hashlib.sha256(f"key:{idempotency_key}\n{content}".encode()).hexdigest()
    day = now.astimezone(ZoneInfo(timezone)).date().isoformat()
    content = json.dumps({**request.fields(), "to": recipient.email.address, "day": day}, sort_keys=True)
    return hashlib.sha256(f"content\n{content}".encode()).hexdigest()
