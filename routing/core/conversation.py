"""Following a conversation, the pure part: which ask a reply answers, and what the emails of one thread say together.

The desk's reply asking for a missing group ID or name carries its outbox
reference twice: in its Message-ID (``<fw-7k3m9qzx.ask@desk.example>``,
which a mail program copies into the answer's In-Reply-To and References)
and in its subject (``[Ref FW-7K3M9QZX]``, which survives a mail program
that drops those headers). A reply is matched by the headers first, the
subject only failing that.

When the emails of a thread are read together, each group field is the one
staff corrected, else the one the emails agree on. Two emails giving two
different values is a conflict for a person, never a guess.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from routing.core.email.group_fields import GROUP_ID, GROUP_NAME
from routing.core.i18n import N_, _
from routing.core.wording import listed

# An outbox reference: FW- and eight of Crockford's base32 (no I, L, O or U).
_REF = r"FW-[0-9A-HJKMNP-TV-Z]{8}"
_TAG = re.compile(rf"\s*\[\s*ref(?:erence)?\s*:?\s*({_REF})\s*\]", re.IGNORECASE)
_ASK_ID = re.compile(rf"^<\s*({_REF})\.ask@[^<>\s]+>$", re.IGNORECASE)
_MESSAGE_ID = re.compile(r"<[^<>\s]{1,250}>")
MAX_IDS = 50  # a References header with hundreds of ids is a hostile one; the newest tell us enough

FIELDS = (GROUP_ID, GROUP_NAME)


def reference_tag(reference: str) -> str:
    return f"[Ref {reference}]"


def tagged(subject: str, reference: str) -> str:
    """The ask's subject with its reference, so a reply can be matched even without its headers."""
    if subject_reference(subject) == reference.upper():
        return subject
    return f"{without_tag(subject)} {reference_tag(reference)}".strip()


def subject_reference(subject: str) -> str:
    """The outbox reference a subject carries (the last one, when a thread has several), or ''."""
    found = _TAG.findall(subject)
    return found[-1].upper() if found else ""


def without_tag(subject: str) -> str:
    """The subject with the reference tags taken out: they are the desk's, not the sender's words."""
    return _TAG.sub("", subject).strip()


def message_ids(*headers: str) -> list[str]:
    """The Message-IDs that In-Reply-To and References name, the one replied to first, then the newest."""
    found: list[str] = []
    for header in headers:
        ids = _MESSAGE_ID.findall(header)
        found += reversed(ids[-MAX_IDS:])  # References lists the oldest first
    seen: dict[str, str] = {}
    for message_id in found:
        seen.setdefault(message_id.lower(), message_id)
    return list(seen.values())


def ask_reference(message_id: str) -> str:
    """The outbox reference of one of the desk's asks from its Message-ID, or ''."""
    match = _ASK_ID.match(message_id.strip())
    return match.group(1).upper() if match else ""


@dataclass(frozen=True)
class Given:
    """One email's group fields, as triage read them."""

    record_id: str
    values: Mapping[str, str | None]  # group_id, group_name


@dataclass(frozen=True)
class Known:
    """What a thread's emails say together."""

    values: Mapping[str, str]  # the group fields known, each once
    sources: Mapping[str, str]  # where each came from: "staff" or a record id
    conflicts: tuple[str, ...] = ()  # sentences, one per field the emails disagree on

    def missing(self) -> tuple[str, ...]:
        return tuple(f for f in FIELDS if f not in self.values)


# One whole sentence per field: the field's name and its plural are worded differently in each language.
DIFFERENT = {
    GROUP_ID: N_("The emails of this conversation give different group IDs: %(values)s."),
    GROUP_NAME: N_("The emails of this conversation give different group names: %(values)s."),
}


def combine(staff: Mapping[str, str], emails: Sequence[Given]) -> Known:
    """Each field from staff's correction, else from the thread's emails when they agree (oldest first)."""
    values: dict[str, str] = {}
    sources: dict[str, str] = {}
    conflicts: list[str] = []
    for name in FIELDS:
        if staff.get(name):
            values[name], sources[name] = staff[name], "staff"
            continue
        seen: dict[str, str] = {}  # folded value -> the first record that gave it
        shown: dict[str, str] = {}
        for email in emails:
            value = (email.values.get(name) or "").strip()
            key = " ".join(value.lower().split())
            if value and key not in seen:
                seen[key], shown[key] = email.record_id, value
        if len(seen) == 1:
            [(key, where)] = seen.items()
            values[name], sources[name] = shown[key], where
        elif seen:
            given = listed([f"“{shown[k]}” ({where})" for k, where in seen.items()])
            conflicts.append(_(DIFFERENT[name]) % {"values": given})
    return Known(values, sources, tuple(conflicts))
