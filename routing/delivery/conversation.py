"""Following a conversation: a reply to the desk's ask completes the first email's request instead of starting over.

A reply is matched to the email it answers by the ask's Message-ID in its
In-Reply-To or References, failing that by the ``[Ref FW-…]`` tag in its
subject, failing that by a stored email's own Message-ID it quotes
(``TriageLog.with_ask`` / ``with_message_id``). It is then kept in that
email's thread, and the thread is read as one request: each group field from
staff's correction, else from whichever email gave it (``core.conversation``).

What the desk does with a reply, once stored (``follow``):

- the thread's request was already forwarded: the reply is attached for staff,
  never forwarded again;
- the desk had asked, and the reply (from the address that was asked) makes
  the request complete: one forward to the team with the first email, the
  reply's words and both originals (the same dedupe key as staff's Forward
  button, so one outbox row whoever presses what);
- still something missing: one more ask, for only what is still missing, if
  the thread has had one ask so far and the sender's one-a-day slot is free;
  otherwise it waits for staff, with the reason;
- the emails disagree (two group IDs), the reply came from another address,
  or it is automatic mail: it waits for staff, with the reason.

Both sends are the same functions staff's buttons call (``forward``, ``ask``).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace
from datetime import datetime
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from routing.core.conversation import FIELDS, Given, Known, ask_reference, combine, message_ids, subject_reference
from routing.core.email.group_fields import GROUP_ID, GROUP_NAME, Found
from routing.core.email.parse import ParsedEmail, parse
from routing.core.email.triage import FORWARD, IGNORE, LOOP_REASONS, REVIEW, Correction, Triage, missing_words
from routing.core.i18n import _
from routing.core.model import Directory
from routing.core.search import Searcher
from routing.core.wording import upper_first
from routing.delivery.enqueue import TRIAGE_ASK, TRIAGE_FORWARD, Details, Mailroom, Outgoing
from routing.delivery.reading import read_in_worker
from routing.errors import RequestError, Unsendable
from routing.present.drafts import ask_sender_draft
from routing.present.email import FollowUp, ask_message, forward_message
from routing.present.triage import triage_json
from routing.store.outbox import Item, new_reference
from routing.store.triage_log import ASKED, FORWARDED, Record, TriageLog

log = logging.getLogger("routing.conversation")

MAX_ASKS = 2  # the staff's ask and, when a reply still lacks something, one more


def find_parent(triage_log: TriageLog, parsed: ParsedEmail, mail_from: str) -> Record | None:
    """The stored email this one answers, or None. Blocking (the store): call it from a worker thread."""
    desk = parseaddr(mail_from)[1].lower()
    if desk and parsed.from_address.lower() == desk:
        return None  # our own mail coming back is not a reply from the sender
    ids = message_ids(parsed.in_reply_to, parsed.references)
    # Triage reads the subject without the desk's tag; the header as it came still has it.
    tag = subject_reference(parsed.subject) or subject_reference(parsed.header("subject"))
    for reference in [ask_reference(i) for i in ids] + [tag]:
        found = triage_log.with_ask(reference) if reference else None
        if found is not None:
            return found
    return triage_log.with_message_id(ids) if ids else None


# --- the thread read as one request ------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """An email as it stands now, in its conversation."""

    result: Triage
    record: Record
    records: tuple[Record, ...]  # the whole thread, first email first; just the record when it has none
    known: Known

    @property
    def root(self) -> Record:
        return self.records[0]

    @property
    def replies(self) -> tuple[Record, ...]:
        return self.records[1:]

    def follow_ups(self) -> tuple[Record, ...]:
        """The replies whose details the request uses."""
        used = set(self.known.sources.values())
        return tuple(r for r in self.replies if r.id in used and r.id != self.record.id)


def own_fields(record: Record) -> dict[str, str | None]:
    """The group fields this email gave by itself (kept aside when its stored triage is the thread's)."""
    own = record.result.get("own")
    source = own if isinstance(own, dict) else record.result
    return {name: source.get(name) for name in FIELDS}


def _known(record: Record, records: tuple[Record, ...]) -> Known:
    staff = Correction.from_json(record.correction)
    given = [Given(r.id, own_fields(r)) for r in records if r.action != IGNORE]
    return combine({GROUP_ID: staff.group_id, GROUP_NAME: staff.group_name}, given)


async def reading(triage_log: TriageLog, record: Record, index: Searcher, now: datetime) -> Reading:
    """The triage of ``record`` with what its conversation already gave, so no one is asked twice for it."""
    records = tuple(await asyncio.to_thread(triage_log.thread, record.thread)) or (record,)
    staff = Correction.from_json(record.correction)
    known = _known(record, records)
    if len(records) == 1:
        return Reading(await read_in_worker(record.raw, index, now, staff), record, records, known)
    is_root = record.id == records[0].id
    own = own_fields(record)
    # The first email takes everything the thread knows; a reply only fills what it did not say itself.
    filled = {k: v for k, v in known.values.items() if is_root or not own.get(k)}
    correction = replace(staff, group_id=filled.get(GROUP_ID, ""), group_name=filled.get(GROUP_NAME, ""))
    result = await read_in_worker(record.raw, index, now, correction)
    found: dict[str, Found | None] = {GROUP_ID: result.group_id, GROUP_NAME: result.group_name}
    for name, source in known.sources.items():
        value = filled.get(name)
        if value and source not in ("staff", record.id):
            found[name] = Found(value, _("the sender's reply (%(id)s)") % {"id": source} if is_root else _("the earlier email %(id)s") % {"id": source})
    result = replace(result, corrected=staff, group_id=found[GROUP_ID], group_name=found[GROUP_NAME])
    root = records[0]
    if known.conflicts and is_root:
        result = replace(result, action=REVIEW, reason=" ".join([*known.conflicts, _("Check which is right, correct it below, then forward.")]))
    elif not is_root and root.forward_id and record.forward_id != root.forward_id:
        result = replace(
            result, action=REVIEW,
            reason=_(
                "This is a reply in the conversation of %(root)s, whose request was already forwarded (%(forward)s); "
                "it was not forwarded again. Read it, and forward it only if the team needs what it adds."
            ) % {"root": root.id, "forward": root.forward_id},
        )
    return Reading(result, record, records, known)


# --- the two sends, for staff's buttons and for a completed conversation ---------------------


async def forward(triage_log: TriageLog, mailroom: Mailroom, read: Reading, directory: Directory, now: datetime, staff: str = "") -> tuple[Item, str]:
    """Forward the request to its team, once: a second call (a double click, a reply arriving late) finds the first row."""
    record, result = read.record, read.result
    if record.forward_id:
        earlier = await asyncio.to_thread(mailroom.outbox.get, record.forward_id)
        if earlier is not None:
            return earlier, f"{earlier.fields.get('contact_name') or earlier.to} ({earlier.to})"
    if result.team is None or result.address is None:
        raise RequestError(409, _("Choose a team that takes email in the corrections below, save, then forward."))
    if result.missing:
        raise RequestError(409, upper_first(_("%(missing)s is not known yet. Add it in the corrections below, or ask the sender for it.") % {"missing": missing_words(result.missing)}))
    reference = new_reference()
    follow_ups = tuple([FollowUp(await asyncio.to_thread(parse, r.raw), r.raw) for r in read.follow_ups()])
    try:
        message = forward_message(result, record.raw, reference, mailroom.mail_from, now, directory.timezone, staff, follow_ups)
    except Unsendable as exc:
        raise RequestError(422, _("This email cannot be forwarded as it is: %(problem)s Download the original and send it on by hand.") % {"problem": exc}) from None
    except Exception as exc:  # the mail library refusing some oddity of the original
        raise RequestError(422, _("This email cannot be forwarded as it is (%(error)s). Download the original and send it on by hand.") % {"error": type(exc).__name__}) from None
    assert result.group_id is not None and result.group_name is not None
    details = Details(
        kind=TRIAGE_FORWARD,
        contact_name=result.team.name,
        submitted_at=now.isoformat(),
        group_id=result.group_id.value,
        group_name=result.group_name.value,
        name=result.email.from_name,
        email=result.email.reply_to,
        subject=result.email.subject,
        reason=result.reason,
        triage_id=record.id,
        language=result.language,
    )
    # One forward per email and team: a second click, or the reply that completes it, finds the first one.
    key = f"triage-forward:{record.id}:{result.address.address}"
    item, _created = await mailroom.send(Outgoing(reference, key, result.team.id, result.address.address, message, details))
    await asyncio.to_thread(triage_log.mark, record.id, FORWARDED, item.id)
    return item, f"{result.team.name} ({result.address.address})"


async def ask(triage_log: TriageLog, mailroom: Mailroom, read: Reading, directory: Directory, now: datetime) -> tuple[Item, str]:
    """Send the reply asking for what is still missing; at most one per sender per Pacific day."""
    record, result = read.record, read.result
    parsed = result.email
    if parsed.loop_signals:
        because = "; ".join(_(LOOP_REASONS[s]) if s in LOOP_REASONS else s for s in parsed.loop_signals)
        raise RequestError(409, _("This email is never answered: %(because)s. A reply could start a loop of automatic mail.") % {"because": because})
    draft = ask_sender_draft(result, directory)
    if draft is None:
        if not result.missing:
            raise RequestError(409, _("Nothing is missing from this email: forward it to the team instead."))
        raise RequestError(409, _("This email has no address to reply to. Forward it, or contact the sender another way."))
    day = now.astimezone(ZoneInfo(directory.timezone)).date().isoformat()
    if not await asyncio.to_thread(triage_log.claim_ask, draft.to, day, record.id):
        earlier = await asyncio.to_thread(triage_log.asked_today, draft.to, day)
        if earlier == record.id:
            if record.ask_id:
                raise RequestError(409, _("The reply for this email was already sent today (reference %(reference)s).") % {"reference": record.ask_id})
            raise RequestError(409, _("The reply for this email was already sent today."))
        raise RequestError(
            429,
            _(
                "%(address)s was already sent one of these replies today (Pacific time), for email %(earlier)s. "
                "Each sender gets at most one a day, so a confused or automatic sender never gets a stream of them; "
                "try again tomorrow, or call them."
            ) % {"address": draft.to, "earlier": earlier},
        )
    reference = new_reference()
    try:
        message = ask_message(draft, reference, mailroom.mail_from, now, directory.timezone)
        details = Details(
            kind=TRIAGE_ASK,
            contact_name=draft.to_name or draft.to,
            submitted_at=now.isoformat(),
            group_id=result.group_id.value if result.group_id else "",
            group_name=result.group_name.value if result.group_name else "",
            name=draft.to_name,
            email=draft.to,
            subject=draft.subject,
            triage_id=record.id,
            language=result.language,
        )
        team = result.team or result.contact
        item, _created = await mailroom.send(Outgoing(reference, f"triage-ask:{record.id}", team.id if team else "", draft.to, message, details))
    except Unsendable as exc:
        await asyncio.to_thread(triage_log.release_ask, draft.to, day, record.id)
        raise RequestError(422, _("The reply cannot be sent: %(problem)s Contact the sender another way.") % {"problem": exc}) from None
    except BaseException:
        await asyncio.to_thread(triage_log.release_ask, draft.to, day, record.id)
        raise
    await asyncio.to_thread(triage_log.mark, record.id, ASKED, item.id)
    return item, draft.to


# --- a reply arrives ----------------------------------------------------------------------------


async def follow(triage_log: TriageLog, mailroom: Mailroom, index: Searcher, now: datetime, reply: Record, own: Triage) -> str:
    """Act on a reply that was just stored in a thread; what was done, in words (also kept on the reply for staff)."""
    records = tuple(await asyncio.to_thread(triage_log.thread, reply.thread))
    root = records[0] if records else reply
    parent = next((r for r in records if r.id == reply.in_reply_to), root)
    directory = index.directory
    asked = [r for r in records if r.ask_id]
    if own.action == IGNORE:
        return _note(triage_log, reply, own, _("Automatic mail in the conversation of %(root)s: kept with it, never answered or forwarded.") % {"root": root.id}, IGNORE)
    if root.forward_id:
        read = await reading(triage_log, reply, index, now)
        return _note(triage_log, reply, read.result, read.result.reason, REVIEW)
    if not asked:
        return _note(triage_log, reply, own, _("A reply in the conversation of %(root)s; the desk had not asked for anything, so staff decide (its details are added to %(root)s).") % {"root": root.id}, REVIEW)
    wanted = str(parent.result.get("reply_to") or parent.sender or "").lower()
    if wanted and own.email.reply_to.lower() != wanted:
        return _note(
            triage_log, reply, own,
            _(
                "A reply in the conversation of %(root)s, but from %(sender)s, not %(wanted)s, whom the desk asked. "
                "Check it before using its details for %(root)s."
            ) % {"root": root.id, "sender": own.email.reply_to or _("no address"), "wanted": wanted}, REVIEW,
        )
    request = await reading(triage_log, root, index, now)
    if request.result.action == FORWARD and not request.result.missing:
        try:
            item, team = await forward(triage_log, mailroom, request, directory, now)
        except RequestError as exc:
            return _note(triage_log, reply, own, _("It completes %(root)s, but the forward could not be queued: %(problem)s") % {"root": root.id, "problem": exc.message}, REVIEW)
        await asyncio.to_thread(triage_log.mark, reply.id, FORWARDED, item.id)
        return _note(triage_log, reply, own, _("This reply completed %(root)s: the request and these details were forwarded to %(team)s (%(reference)s).") % {"root": root.id, "team": team, "reference": item.id}, FORWARD)
    if request.known.conflicts or not request.result.missing:
        return _note(triage_log, reply, own, _("A reply to %(root)s; %(reason)s") % {"root": root.id, "reason": request.result.reason}, REVIEW)
    still = {"root": root.id, "missing": missing_words(request.result.missing)}
    if len(asked) >= MAX_ASKS:
        return _note(triage_log, reply, own, _("A reply to %(root)s, still without %(missing)s; the sender was asked %(count)s times already, so a person should call them.") % {**still, "count": len(asked)}, REVIEW)
    again = await reading(triage_log, reply, index, now)
    try:
        item, to = await ask(triage_log, mailroom, again, directory, now)
    except RequestError as exc:
        return _note(triage_log, reply, own, _("A reply to %(root)s, still without %(missing)s. It was not asked for again: %(problem)s") % {**still, "problem": exc.message}, REVIEW)
    return _note(triage_log, reply, own, _("A reply to %(root)s, still without %(missing)s: %(address)s was asked once more, for only that (%(reference)s).") % {**still, "address": to, "reference": item.id}, "ask_sender")


def _note(triage_log: TriageLog, reply: Record, result: Triage, sentence: str, action: str) -> str:
    """Keep what the desk did on the reply, so the list and the API say it; the reply's own reading stays aside."""
    body = triage_json(replace(result, action=action, reason=sentence))
    body["own"] = own_fields(reply)
    body["thread_id"] = reply.thread
    triage_log.set_result(reply.id, body)
    log.info("%s: %s", reply.id, sentence)
    return sentence
