"""The reply that asks a sender for the group details their email left out, as text staff can read before it goes."""

from __future__ import annotations

import re
from dataclasses import dataclass

from routing.core.email.group_fields import FIELD_WORDS, GROUP_ID, GROUP_NAME, clean_subject, fold
from routing.core.email.triage import Triage
from routing.core.model import Directory
from routing.core.rules import CONFIDENT

HONORIFICS = frozenset(["dr", "dr.", "dra", "dra.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "miss", "mx", "prof", "sr", "sra"])


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
    known = [(FIELD_WORDS[k][:1].upper() + FIELD_WORDS[k][1:], f.value) for k, f in ((GROUP_NAME, result.group_name), (GROUP_ID, result.group_id)) if f is not None]
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
