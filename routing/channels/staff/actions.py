"""What staff can do with a triaged email: correct it, forward it to the team, or ask the sender.

Both sends go through the mailroom (the public form's queue, claim and
retries) with a dedupe key per email, so a double click, a retry or two staff
pressing the same button queue one message, and the sender delivers it once.
They are the same sends a reply that completes a request makes
(``delivery.conversation``), and they read the email in its conversation, so
staff never ask for what a reply already gave.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from routing.clock import now
from routing.core import i18n
from routing.core.email.addresses import unsafe_in_header
from routing.core.email.triage import Correction, Triage
from routing.core.i18n import _, ngettext
from routing.core.model import Directory
from routing.delivery import conversation
from routing.errors import RequestError
from routing.services import Services
from routing.store.outbox import Item
from routing.store.triage_log import Record

MAX_GROUP_NAME = 200


def validate_correction(values: Mapping[str, str], directory: Directory) -> Correction:
    """Staff's corrections, each checked like the public form checks them; every problem reported at once."""
    problems: dict[str, str] = {}
    contact_id = values.get("contact_id", "")
    group_id = values.get("group_id", "")
    group_name = values.get("group_name", "")
    if contact_id:
        if not directory.has_contact(contact_id):
            problems["contact_id"] = _("Choose one of the teams in the list.")
        elif not directory.contact(contact_id).emails:
            problems["contact_id"] = _("%(team)s does not take email; choose a team that does.") % {"team": directory.contact(contact_id).name}
    if group_id and not re.fullmatch(directory.group_id.pattern, group_id):
        problems["group_id"] = _("“%(value)s” is not a group ID. A group ID is %(format)s.") % {"value": group_id, "format": directory.group_id.description}
    if group_name and (len(group_name) > MAX_GROUP_NAME or unsafe_in_header(group_name)):
        problems["group_name"] = _("Keep the group name to one line of at most %(limit)s characters.") % {"limit": MAX_GROUP_NAME}
    if problems:
        count = len(problems)
        message = ngettext("Please fix the field marked below and save again.", "Please fix the %(num)s fields marked below and save again.", count)
        raise RequestError(422, message % {"num": count}, problems)
    return Correction(contact_id=contact_id, group_id=group_id, group_name=group_name)


async def current(svc: Services, record: Record) -> Triage:
    """The triage as it stands now: the stored email, its conversation, staff's corrections and the live directory."""
    return (await reading(svc, record)).result


async def reading(svc: Services, record: Record) -> conversation.Reading:
    return await conversation.reading(svc.triage_log, record, svc.snapshot.index, now())


async def forward(svc: Services, record: Record) -> tuple[Item, str]:
    # The forward carries the triage's reason to the team, whose email stays English whatever language the console is in.
    with i18n.speaking(i18n.SOURCE):
        read = await reading(svc, record)
    return await conversation.forward(svc.triage_log, svc.mailroom, read, svc.snapshot.directory, now())


async def ask_sender(svc: Services, record: Record) -> tuple[Item, str]:
    return await conversation.ask(svc.triage_log, svc.mailroom, await reading(svc, record), svc.snapshot.directory, now())
