"""The reply that asks a sender for the group details their email left out, as text staff can read before it goes."""

from __future__ import annotations

import re
from dataclasses import dataclass

from routing.core import i18n
from routing.core.email.group_fields import FIELD_WORDS, GROUP_ID, GROUP_NAME, clean_subject, fold
from routing.core.email.triage import Triage
from routing.core.i18n import N_, _
from routing.core.model import Directory
from routing.core.rules import CONFIDENT
from routing.core.wording import contracted, named

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
    if re.match(r"^\s*re\s*:", subject, re.IGNORECASE):
        return subject
    return (_("Re: %(subject)s") % {"subject": subject}).strip() if subject else _("Re: your message")


_FIELD_LABELS = {GROUP_ID: N_("Group ID"), GROUP_NAME: N_("Group name")}


def ask_sender_draft(result: Triage, directory: Directory) -> Draft | None:
    """The reply asking for the group name or ID, worded from the team's ``include`` list; None when nothing is missing.

    It is written in the language the sender wrote in, whatever language the page showing it is in.
    """
    parsed = result.email
    if not result.missing or not parsed.reply_to:
        return None
    with i18n.speaking(result.language):
        body = _body(result, directory)
        subject = reply_subject(parsed.subject)
    references = " ".join(x for x in (parsed.references, parsed.message_id) if x).strip()
    return Draft(
        to=parsed.reply_to,
        to_name=parsed.from_name,
        subject=subject,
        in_reply_to=parsed.message_id,
        references=references,
        body=body,
    )


def _body(result: Triage, directory: Directory) -> str:
    parsed = result.email
    team = result.team or result.contact
    # The team's own request where its listing in directory.yaml makes one (an email's ``include``); else the
    # desk asks in its own name, for what it needs to forward: never a request the pages do not make.
    include: tuple[str, ...] = result.address.include if result.address is not None else ()
    asked_by_team = bool(include)
    if not include:
        include = tuple(FIELD_WORDS[k] for k in (GROUP_NAME, GROUP_ID))
    given = [w for w in parsed.from_name.split(",")[-1].split() if fold(w) not in HONORIFICS]
    name = given[0] if given and "@" not in given[0] else ""
    lines = [_("Hello %(name)s,") % {"name": name} if name else _("Hello,"), ""]
    subject = clean_subject(parsed.subject)
    lines.append(_("Thank you for your message about “%(subject)s”.") % {"subject": subject} if subject else _("Thank you for your message."))
    if team is not None and result.confidence >= CONFIDENT:
        lines.append(contracted(_("It is for %(team)s, and before we pass it on we need a little more from you.") % {"team": named(team)}))
    asked = {"include": _join([_field_phrase(w) for w in include]), "missing": _join([_field_phrase(FIELD_WORDS[m]) for m in result.missing])}
    lines += [
        "",
        (_("The team asks every email to include the %(include)s, because that is how they find your account. Your message did not include the %(missing)s.")
         if asked_by_team else
         _("To pass it on we need the %(include)s, because that is how the team finds your account. Your message did not include the %(missing)s."))
        % asked,
        "",
        _("Please reply to this email with:"),
    ]
    for key in (GROUP_NAME, GROUP_ID):
        if key not in result.missing:
            continue
        if key == GROUP_NAME:
            lines.append("  " + _("Group name: your business's name as it appears on your account"))
        else:
            lines.append("  " + _group_id_line(directory))
    known = [(_(_FIELD_LABELS[k]), f.value) for k, f in ((GROUP_NAME, result.group_name), (GROUP_ID, result.group_id)) if f is not None]
    if known:
        lines += ["", _("We already have:")] + [f"  {label}: {value}" for label, value in known]
    lines += [
        "",
        _("As soon as we have it, your message goes to the team with your details, and they will answer you directly."),
        "",
        _("Small business support"),
    ]
    return "\n".join(lines) + "\n"


def _field_phrase(words: str) -> str:
    """One of the team's ``include`` words in the reply's language (directory.yaml has them in English).

    Spanish names each field with its own article ("el nombre del grupo y el número de grupo"), where English
    puts one "the" before the list, so the translations carry it.
    """
    if fold(words) == fold(FIELD_WORDS[GROUP_ID]):
        return i18n.pgettext("a field the reply asks for, with its article in Spanish", "group ID")
    if fold(words) == fold(FIELD_WORDS[GROUP_NAME]):
        return i18n.pgettext("a field the reply asks for, with its article in Spanish", "group name")
    return words


def _group_id_line(directory: Directory) -> str:
    """What a group ID looks like, from directory.yaml; its example alone where the directory has no translation of the description."""
    fmt = directory.group_id
    description = str(i18n.localized(fmt, "description"))
    if i18n.current() != i18n.SOURCE and description == fmt.description:
        return _("Group ID: the number of your group, for example %(example)s") % {"example": fmt.example}
    return _("Group ID: %(description)s") % {"description": description}


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return _("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}
