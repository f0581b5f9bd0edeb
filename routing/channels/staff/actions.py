"""What staff can do with a triaged email: correct it, forward it to the team, or ask the sender.

Both sends go through the mailroom (the public form's queue, claim and
retries) with a dedupe key per email, so a double click, a retry or two staff
pressing the same button queue one message, and the sender delivers it once.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping
from zoneinfo import ZoneInfo

from routing.clock import now
from routing.core.email.addresses import unsafe_in_header
from routing.core.email.triage import LOOP_REASONS, Correction, Triage
from routing.core.model import Directory
from routing.delivery.enqueue import TRIAGE_ASK, TRIAGE_FORWARD, Details, Outgoing
from routing.delivery.intake import read_in_worker
from routing.errors import RequestError, Unsendable
from routing.present.drafts import ask_sender_draft
from routing.present.email import ask_message, forward_message
from routing.services import Services
from routing.store.outbox import Item, new_reference
from routing.store.triage_log import ASKED, FORWARDED, Record

MAX_GROUP_NAME = 200


def validate_correction(values: Mapping[str, str], directory: Directory) -> Correction:
    """Staff's corrections, each checked like the public form checks them; every problem reported at once."""
    problems: dict[str, str] = {}
    contact_id = values.get("contact_id", "")
    group_id = values.get("group_id", "")
    group_name = values.get("group_name", "")
    if contact_id:
        if not directory.has_contact(contact_id):
            problems["contact_id"] = "Choose one of the teams in the list."
        elif not directory.contact(contact_id).emails:
            problems["contact_id"] = f"{directory.contact(contact_id).name} does not take email; choose a team that does."
    if group_id and not re.fullmatch(directory.group_id.pattern, group_id):
        problems["group_id"] = f"“{group_id}” is not a group ID. A group ID is {directory.group_id.description}."
    if group_name and (len(group_name) > MAX_GROUP_NAME or unsafe_in_header(group_name)):
        problems["group_name"] = f"Keep the group name to one line of at most {MAX_GROUP_NAME} characters."
    if problems:
        count = len(problems)
        raise RequestError(422, f"Please fix the {'field' if count == 1 else f'{count} fields'} marked below and save again.", problems)
    return Correction(contact_id=contact_id, group_id=group_id, group_name=group_name)


async def current(svc: Services, record: Record) -> Triage:
    """The triage as it stands now: the stored email, staff's corrections and the live directory (read in a worker thread)."""
    return await read_in_worker(record.raw, svc.snapshot.index, now(), Correction.from_json(record.correction))


async def forward(svc: Services, record: Record) -> tuple[Item, str]:
    result = await current(svc, record)
    if result.team is None or result.address is None:
        raise RequestError(409, "Choose a team that takes email in the corrections below, save, then forward.")
    if result.missing:
        words = " and ".join("group ID" if m == "group_id" else "group name" for m in result.missing)
        raise RequestError(409, f"The {words} is not known yet. Add it in the corrections below, or ask the sender for it.")
    settings = svc.settings
    directory = svc.snapshot.directory
    instant = now()
    reference = new_reference()
    try:
        message = forward_message(result, record.raw, reference, settings.mail_from, instant, directory.timezone)
    except Unsendable as exc:
        raise RequestError(422, f"This email cannot be forwarded as it is: {exc} Download the original and send it on by hand.") from None
    except Exception as exc:  # the mail library refusing some oddity of the original
        raise RequestError(422, f"This email cannot be forwarded as it is ({type(exc).__name__}). Download the original and send it on by hand.") from None
    assert result.group_id is not None and result.group_name is not None
    details = Details(
        kind=TRIAGE_FORWARD,
        contact_name=result.team.name,
        submitted_at=instant.isoformat(),
        group_id=result.group_id.value,
        group_name=result.group_name.value,
        name=result.email.from_name,
        email=result.email.reply_to,
        subject=result.email.subject,
        reason=result.reason,
        triage_id=record.id,
    )
    # One forward per email and team: a second click finds the first one.
    key = f"triage-forward:{record.id}:{result.address.address}"
    item, _ = await svc.mailroom.send(Outgoing(reference, key, result.team.id, result.address.address, message, details))
    await asyncio.to_thread(svc.triage_log.mark, record.id, FORWARDED, item.id)
    return item, f"{result.team.name} ({result.address.address})"


async def ask_sender(svc: Services, record: Record) -> tuple[Item, str]:
    triage_log = svc.triage_log
    result = await current(svc, record)
    parsed = result.email
    if parsed.loop_signals:
        because = "; ".join(LOOP_REASONS.get(s, s) for s in parsed.loop_signals)
        raise RequestError(409, f"This email is never answered: {because}. A reply could start a loop of automatic mail.")
    directory = svc.snapshot.directory
    draft = ask_sender_draft(result, directory)
    if draft is None:
        if not result.missing:
            raise RequestError(409, "Nothing is missing from this email: forward it to the team instead.")
        raise RequestError(409, "This email has no address to reply to. Forward it, or contact the sender another way.")
    settings = svc.settings
    instant = now()
    day = instant.astimezone(ZoneInfo(directory.timezone)).date().isoformat()
    if not await asyncio.to_thread(triage_log.claim_ask, draft.to, day, record.id):
        earlier = await asyncio.to_thread(triage_log.asked_today, draft.to, day)
        if earlier == record.id:
            raise RequestError(409, f"The reply for this email was already sent today{f' (reference {record.ask_id})' if record.ask_id else ''}.")
        raise RequestError(
            429,
            f"{draft.to} was already sent one of these replies today (Pacific time), for email {earlier}. "
            "Each sender gets at most one a day, so a confused or automatic sender never gets a stream of them; "
            "try again tomorrow, or call them.",
        )
    reference = new_reference()
    try:
        message = ask_message(draft, reference, settings.mail_from, instant, directory.timezone)
        details = Details(
            kind=TRIAGE_ASK,
            contact_name=draft.to_name or draft.to,
            submitted_at=instant.isoformat(),
            group_id=result.group_id.value if result.group_id else "",
            group_name=result.group_name.value if result.group_name else "",
            name=draft.to_name,
            email=draft.to,
            subject=draft.subject,
            triage_id=record.id,
        )
        team = result.team or result.contact
        item, _ = await svc.mailroom.send(Outgoing(reference, f"triage-ask:{record.id}", team.id if team else "", draft.to, message, details))
    except Unsendable as exc:
        await asyncio.to_thread(triage_log.release_ask, draft.to, day, record.id)
        raise RequestError(422, f"The reply cannot be sent: {exc} Contact the sender another way.") from None
    except BaseException:
        await asyncio.to_thread(triage_log.release_ask, draft.to, day, record.id)
        raise
    await asyncio.to_thread(triage_log.mark, record.id, ASKED, item.id)
    return item, draft.to
