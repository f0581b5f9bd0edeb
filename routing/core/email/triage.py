"""One inbound email → which team, which group, and what to do with it.

Pure: a ``ParsedEmail``, the search index (which carries the directory) and
the instant come in; a ``Triage`` comes out. The team comes from the same
rules engine as the web, on the ``email`` channel; this module only reads the
group details and chooses among forward, ask_sender, review and ignore.

The group fields come from ``group_fields``; quoted reply history is never
read, a forwarded message is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from routing.core.email.group_fields import (
    FIELD_WORDS,
    GROUP_ID,
    GROUP_NAME,
    Found,
    clean_subject,
    find_group_id,
    find_group_name,
    meaningful_words,
    person_words,
    request_lines,
    without,
)
from routing.core.email.language import detect
from routing.core.email.parse import ParsedEmail
from routing.core.i18n import N_, SOURCE, _, localized, pgettext
from routing.core.model import Contact, Directory, Email
from routing.core.recipients import WrittenRoute, chosen, handler, mid_sentence, written_route
from routing.core.rules import Decision, route
from routing.core.search import Searcher
from routing.core.wording import contracted, listed

STAFF = N_("staff")  # where a corrected group came from; said in the reader's language where it is shown
FORWARD, ASK_SENDER, REVIEW, IGNORE = "forward", "ask_sender", "review", "ignore"
ACTIONS = (FORWARD, ASK_SENDER, REVIEW, IGNORE)

# Below this many meaningful words the sender has not said what they want, so
# a forwarded message below their note is read as the request too.
FEW_WORDS = 12

LOOP_REASONS = {
    "auto-submitted": N_("it is marked Auto-Submitted (an automatic reply or notification, RFC 3834)"),
    "x-autoreply": N_("it carries an X-Autoreply header (an automatic reply)"),
    "precedence": N_("it is marked Precedence bulk, list or junk (mass mail)"),
    "x-auto-response-suppress": N_("it asks not to be answered automatically (X-Auto-Response-Suppress)"),
    "list-id": N_("it came through a mailing list (List-Id)"),
    "delivery-report": N_("it is a delivery report (multipart/report), such as a bounce"),
    "null-return-path": N_("its Return-Path is empty (<>), which only automatic mail uses"),
    "noreply-sender": N_("it comes from an address that does not read replies (mailer-daemon, postmaster or no-reply)"),
    "own-reference": N_("it carries this help desk's own X-Help-Desk-Reference header, so it is mail the desk sent (or a copy of it)"),
    "x-loop": N_("it carries an X-Loop header, which mail systems add to stop a message going round in a loop"),
}


# --- the result --------------------------------------------------------------------------


@dataclass(frozen=True)
class Correction:
    """What staff changed; empty strings leave the triage's own reading."""

    contact_id: str = ""
    group_id: str = ""
    group_name: str = ""

    def as_json(self) -> dict[str, str]:
        return {k: v for k, v in (("contact_id", self.contact_id), ("group_id", self.group_id), ("group_name", self.group_name)) if v}

    @classmethod
    def from_json(cls, data: Any) -> Correction:
        if not isinstance(data, dict):
            return cls()
        return cls(**{k: str(data.get(k) or "") for k in ("contact_id", "group_id", "group_name")})


@dataclass(frozen=True)
class Triage:
    email: ParsedEmail
    action: str
    reason: str
    confidence: float
    contact: Contact | None = None  # who the rules engine says handles it
    team: Contact | None = None  # who a forward goes to: the contact, or the nearest team that takes email
    address: Email | None = None
    group_id: Found | None = None
    group_name: Found | None = None
    missing: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    decision: Decision | None = None
    routed_on: str = ""  # what the router read, in words
    corrected: Correction = field(default_factory=Correction)
    language: str = SOURCE  # what the sender wrote in: the ask-the-sender reply is written in it, the forward names it

    @property
    def loop_guarded(self) -> bool:
        return bool(self.email.loop_signals)


# --- deciding --------------------------------------------------------------------------------


def too_complex(parsed: ParsedEmail, why: str, index: Searcher, correction: Correction | None = None) -> Triage:
    """A message left to a person because reading it would cost too much; it is kept all the same."""
    correction = correction or Correction()
    return Triage(
        email=parsed,
        action=REVIEW,
        reason=_("This email is too large or too complex to read automatically (%(why)s), so a person should look at it.") % {"why": why},
        confidence=0.0,
        # Staff may read it and fill in the group themselves; until then a forward waits for it.
        missing=tuple(k for k, v in ((GROUP_ID, correction.group_id), (GROUP_NAME, correction.group_name)) if not v),
        corrected=correction,
        language=detect(parsed),
        **_corrected_fields(correction, index.directory),
    )


def triage(parsed: ParsedEmail, index: Searcher, now: datetime, correction: Correction | None = None) -> Triage:
    directory = index.directory
    correction = correction or Correction()
    if parsed.too_complex and not parsed.loop_signals:
        return too_complex(parsed, parsed.too_complex, index, correction)
    if parsed.loop_signals:
        because = "; ".join(_(LOOP_REASONS[s]) if s in LOOP_REASONS else s for s in parsed.loop_signals)
        return Triage(
            email=parsed,
            action=IGNORE,
            reason=_("Not answered and not forwarded: %(because)s. Replying to automatic mail can start a loop of replies.") % {"because": because},
            confidence=1.0,
            corrected=correction,
            language=detect(parsed),
            **_corrected_fields(correction, directory),
        )
    person = person_words(parsed)
    gid, gid_note, several = find_group_id(parsed, directory)
    gname, gname_note = find_group_name(parsed, directory, person, several)
    if correction.group_id:
        gid, gid_note = Found(correction.group_id, STAFF), ""
    if correction.group_name:
        gname = Found(correction.group_name, STAFF)

    decision, routed_on, route_note = _route(parsed, person, [gname.value if gname else "", gid.value if gid else ""], index, now)
    # The one recipient rule: a forward goes only to an address listed for the topic.
    written = written_route(decision, directory) if decision is not None else None
    contact = written.handler if written is not None else None
    team, address = _offered(written)
    if correction.contact_id and directory.has_contact(correction.contact_id):
        contact = directory.contact(correction.contact_id)
        team, address = _team(contact, decision)

    missing = tuple(k for k, v in ((GROUP_ID, gid), (GROUP_NAME, gname)) if v is None)
    notes = [n for n in (gid_note, gname_note if gname is None else "", route_note) if n]
    if decision is not None:
        notes += list(decision.notes)
        if contact is not None and contact.id != decision.contact.id and not correction.contact_id:
            notes.append(
                _("The router's first answer was %(site)s, a website; %(team)s is the team that handles it.")
                % {"site": localized(decision.contact, "name"), "team": mid_sentence(contact)}
            )
    confidence = decision.confidence if decision is not None else 0.0
    if correction.contact_id:
        confidence = 1.0
    action, reason = _choose(_Reading(parsed, decision, contact, team, missing, gid_note, correction, gid, gname, written))
    reason = contracted(reason)  # Spanish "a el" is "al"; English is untouched
    return Triage(
        email=parsed,
        action=action,
        reason=reason,
        confidence=round(confidence, 2),
        contact=contact,
        team=team,
        address=address,
        group_id=gid,
        group_name=gname,
        missing=missing,
        notes=tuple(notes),
        decision=decision,
        routed_on=routed_on,
        corrected=correction,
        language=detect(parsed),
    )


def _corrected_fields(correction: Correction, directory: Directory) -> dict[str, Any]:
    """For ignored mail, staff may still name a team and the group, to forward it by hand."""
    fields: dict[str, Any] = {}
    if correction.contact_id and directory.has_contact(correction.contact_id):
        contact = directory.contact(correction.contact_id)
        team, address = _team(contact, None)
        fields.update(contact=contact, team=team, address=address)
    if correction.group_id:
        fields[GROUP_ID] = Found(correction.group_id, STAFF)
    if correction.group_name:
        fields[GROUP_NAME] = Found(correction.group_name, STAFF)
    return fields


def _route(
    parsed: ParsedEmail, person: frozenset[str], group_values: list[str], index: Searcher, now: datetime
) -> tuple[Decision | None, str, str]:
    """The rules engine's decision on what the sender asked, what it read (in words), and a note.

    The subject of a reply names the old conversation ("RE: Address update"
    above a billing question), so it is left out when the reply's own words
    say enough. A forward's own note decides when it says enough; otherwise
    the forwarded message is read too. When the subject alone routes
    confidently to a topic the whole text also matches, the subject wins: it
    is the sender's own summary, while the body carries incidental words
    ("a bank error on our side").
    """
    newest = without(request_lines(parsed.newest, person), group_values)
    subject = re.sub(r"\s+", " ", without(clean_subject(parsed.subject), group_values)).strip(" -–—:,;|")
    enough = meaningful_words(newest) >= FEW_WORDS
    use_subject = bool(subject) and not (parsed.is_reply and enough)
    parts = ([subject] if use_subject else []) + ([newest] if newest else [])
    said = ([_("the subject")] if use_subject else []) + ([_("the newest text")] if newest else [])
    if parsed.is_forward and parsed.forwarded:
        include = not enough or not route(index, "\n".join(parts), "email", now).confident
        if include:
            parts.append(without(request_lines(parsed.forwarded, frozenset()), group_values))
            said.append(_("the forwarded message"))
    if parsed.is_reply and subject and not use_subject:
        said.append(_("not the reply's subject, which names the earlier conversation"))
    question = "\n".join(p for p in parts if p.strip())
    if not question.strip():
        return None, _("nothing (the message has no text)"), ""
    decision = route(index, question, "email", now)
    read = ", ".join(said)
    if use_subject and newest and decision.rule is None and not decision.safety:
        by_subject = route(index, subject, "email", now)
        directory = index.directory
        body_team = handler(decision, directory)
        # A subject is short: one typo repair ("day" read as "pay") can decide it alone, so those do not count.
        guessed = {fixed for _, fixed in by_subject.corrections}
        if (
            by_subject.confident and not by_subject.fallback and not by_subject.safety and by_subject.topic is not None
            and not guessed & set(by_subject.matched)
            and by_subject.topic.id in decision.topics and handler(by_subject, directory).id != body_team.id
        ):
            note = _("The subject names the request (“%(subject)s”), so it decided over the body, which pointed to %(team)s more loosely.") % {
                "subject": subject,
                "team": mid_sentence(body_team),
            }
            return by_subject, read, note
    return decision, read, ""


def _team(contact: Contact, decision: Decision | None) -> tuple[Contact | None, Email | None]:
    """Staff chose the team: a forward goes to its address that fits best, or nowhere if it takes no email."""
    found = chosen(contact, decision)
    return (found.team, found.address) if found is not None else (None, None)


def _offered(written: WrittenRoute | None) -> tuple[Contact | None, Email | None]:
    """The address the forward button offers: the one listed for the topic, else the nearest fit (the reason says which)."""
    found = written.offered if written is not None else None
    return (found.team, found.address) if found is not None else (None, None)


@dataclass(frozen=True)
class _Reading:
    """Everything ``_choose`` weighs, read from the email, the router and staff's corrections."""

    parsed: ParsedEmail
    decision: Decision | None
    contact: Contact | None  # who handles it
    team: Contact | None  # who a forward goes to
    missing: tuple[str, ...]
    gid_note: str  # why the group ID is in doubt, when it is
    correction: Correction
    gid: Found | None
    gname: Found | None
    written: WrittenRoute | None  # the recipient rule's answer, when the router decided


def _choose(reading: _Reading) -> tuple[str, str]:
    """The action, and the sentence that tells staff why."""
    parsed, decision, contact, team, missing = reading.parsed, reading.decision, reading.contact, reading.team, reading.missing
    gid_note, correction, gid, gname = reading.gid_note, reading.correction, reading.gid, reading.gname
    if decision is None and not correction.contact_id:
        if parsed.problems:
            return REVIEW, _("There is no text to read in this message (%(problem)s), so a person should look at it.") % {"problem": parsed.problems[0]}
        return REVIEW, _("There is no text to read in this message, so a person should look at it.")
    if decision is not None and decision.safety and not correction.contact_id:
        return REVIEW, f"{decision.reason} " + _("An email is the wrong way to get urgent help: call the sender back rather than forwarding it.")
    if gid_note:
        return REVIEW, gid_note
    if not parsed.reply_to and not correction.contact_id:
        what = parsed.problems[0] if parsed.problems else _("It has no From address.")
        return REVIEW, f"{what} " + _("With no one to answer, a person should look at it.")
    found = _found_words(gid, gname)
    written = reading.written
    confident = decision is not None and decision.confident
    if written is not None and not written.by_email and written.topic is not None and confident and not correction.contact_id:
        # Not forwarded silently: staff get the line to give the sender, and the nearest fit if there is one.
        then = _("Reply to the sender with that line, or forward it to the nearest fit if it suits.") if written.nearest else _("Reply to the sender with that line.")
        return REVIEW, f"{_('Do not forward this to a mailbox as it is.')} {written.reason} {then}{found}"
    if missing:
        words = {"missing": missing_words(missing)}
        if contact is not None:
            asked = _(
                "It is for %(team)s, but the message does not give %(missing)s, which the team needs to find the account. Ask the sender for it."
            ) % {**words, "team": mid_sentence(contact)}
        else:
            asked = _("The team is not clear yet, but the message does not give %(missing)s, which the team needs to find the account. Ask the sender for it.") % words
        return ASK_SENDER, asked + found
    if contact is None:
        return REVIEW, _("No team could be chosen for this message; pick one below.")
    if decision is not None and not decision.confident and not correction.contact_id:
        return REVIEW, _("Not sure which team this is for, so a person should choose: %(reason)s") % {"reason": decision.reason} + found
    if team is None:
        return REVIEW, _("It is for %(team)s, which does not take email and has no team nearby that does; choose a team below.") % {"team": mid_sentence(contact)} + found
    if correction.contact_id or written is None or written.forward is None:
        why = _("Staff chose %(team)s.") % {"team": mid_sentence(contact)}
    else:
        why = written.reason
    return FORWARD, _("Forward to %(team)s: %(why)s") % {"team": mid_sentence(team), "why": why} + found


def missing_words(missing: tuple[str, ...]) -> str:
    """The fields a request lacks, as a sentence names them: "the group ID and group name"."""
    words = listed([pgettext("a field the reply asks for, with its article in Spanish", FIELD_WORDS[m]) for m in missing])
    return _("the %(fields)s") % {"fields": words}


def _found_words(gid: Found | None, gname: Found | None) -> str:
    parts = []
    if gid is not None:
        parts.append(_("group ID %(value)s from %(source)s") % {"value": gid.value, "source": _(gid.source)})
    if gname is not None:
        parts.append(_("group name “%(value)s” from %(source)s") % {"value": gname.value, "source": _(gname.source)})
    return " " + _("Found %(parts)s.") % {"parts": listed(parts)} if parts else ""
