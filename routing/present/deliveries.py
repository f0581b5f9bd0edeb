"""What a forwarded request's state is, in one place: the confirmation page, the status page and the API all read it here.

The state is derived from the outbox row and the configured transport, not
from the row alone: with no mail server a fresh row is ``queued`` for a
moment before it is written to a file, yet it will never be emailed, so
saying "on its way" would be untrue. Four states, each true at the moment it
is shown:

- ``kept_here``: no mail server is configured; the request stays on this
  server (as a row, then an .eml file) for an administrator to send on.
- ``queued``: waiting to be emailed, or to be tried again after a temporary problem.
- ``sent``: the mail server accepted it for the team's address.
- ``failed``: it will not be delivered; the team's phone line is the way now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from routing.core import i18n
from routing.core.i18n import N_, _, ngettext
from routing.core.model import Directory
from routing.core.recipients import line
from routing.core.wording import named, phone_instructions, said
from routing.present.json import contact_status, moment_words
from routing.store.outbox import FAILED, QUEUED, SENDING, SENT, WRITTEN, Item

KEPT_HERE, WAITING, DELIVERED, NOT_DELIVERED = "kept_here", "queued", "sent", "failed"
STATES = (KEPT_HERE, WAITING, DELIVERED, NOT_DELIVERED)


@dataclass(frozen=True)
class State:
    """A request's state in words: the same for the page and the API."""

    key: str  # one of STATES
    heading: str
    summary: str  # what is true now
    steps: tuple[str, ...]  # what happens next, and what the employer can do
    final: bool  # it will not change on its own
    received: str  # when we took it, in the directory's time zone
    sent: str  # when the mail server accepted it, or ""
    team: str = ""  # the team's name in the reader's language, as the directory has it


def status_path(reference: str) -> str:
    """The lasting status link: the reference and the state, nothing private."""
    return f"/requests/{reference}"


def request_state(item: Item, directory: Directory, now: datetime, *, emails: bool, reply_to: str = "") -> State:
    """The state of ``item`` now. ``emails``: whether a mail server is configured. ``reply_to`` only for the sender's own browser."""
    # "the Account Management Support Team", as a person says it; capitalised where it starts a sentence.
    known = directory.has_contact(item.contact_id)
    team = named(directory.contact(item.contact_id)) if known else str(item.fields.get("contact_name") or item.contact_id)
    name = str(i18n.localized(directory.contact(item.contact_id), "name")) if known else team
    call = _call(item, directory)
    facts = {"team": team, "call": call, "reference": item.id, "address": item.to, "reply_to": reply_to}
    urgent = said(_("If it is urgent, %(call)s and mention reference %(reference)s.") % facts) if call else ""
    received = _received(item, directory)
    sent = _when(item.sent_at, directory) if item.status == SENT and item.sent_at is not None else ""
    hours = _hours(item, directory, now)

    if item.status == WRITTEN or (item.status in (QUEUED, SENDING) and not emails):
        summary = (
            _("Not emailed: this help desk has no mail server set up, so your request is kept here for an administrator to send on.")
            + " " + said(_("%(team)s has not received it yet.") % facts)
        )
        need = (
            _("If you need an answer soon, %(call)s and mention reference %(reference)s.")
            if call
            else _("If you need an answer soon, write to %(address)s yourself and mention reference %(reference)s.")
        )
        return State(KEPT_HERE, _("Request kept here, not emailed"), summary, _steps(said(need % facts), hours), True, received, "", team=name)
    if item.status == SENT:
        summary = said(_("Sent: your request was emailed to %(team)s at %(address)s on %(when)s.") % {**facts, "when": sent})
        return State(DELIVERED, _("Request sent"), summary, _steps(said(_answer(reply_to) % facts), hours, urgent), True, received, sent, team=name)
    if item.status == FAILED:
        summary = _("Not delivered: %(problem)s") % {"problem": _problem(item)} + " " + said(_("%(team)s has not received your request.") % facts)
        what = (
            _("Please %(call)s instead and mention reference %(reference)s.")
            if call
            else _("Please write to %(address)s yourself and mention reference %(reference)s.")
        )
        return State(NOT_DELIVERED, _("Request not delivered"), summary, _steps(said(what % facts), hours), True, received, "", team=name)
    if item.last_error:
        if item.status == QUEUED:
            summary = _(
                "Queued to try again: the last attempt to email %(team)s at %(address)s did not go through, so it is tried again "
                "automatically (next at %(when)s). It has not been delivered yet."
            ) % {**facts, "when": _when(item.next_attempt_at, directory)}
        else:
            summary = _(
                "Queued to try again: the last attempt to email %(team)s at %(address)s did not go through, so it is tried again "
                "now. It has not been delivered yet."
            ) % facts
    else:
        summary = _("Queued: your request is saved here and waiting to be emailed to %(team)s at %(address)s. It has not been delivered yet.") % facts
    later = (
        _("When it is delivered, %(team)s will answer you at %(reply_to)s. Quote reference %(reference)s if you follow up.")
        if reply_to
        else _("When it is delivered, %(team)s replies to the address given in the request. Quote reference %(reference)s if you follow up.")
    )
    return State(WAITING, _("Request received"), said(summary), _steps(said(later % facts), hours, urgent), False, received, "", team=name)


def _answer(reply_to: str) -> str:
    if reply_to:
        return _("%(team)s will answer you at %(reply_to)s. Quote reference %(reference)s if you follow up.")
    return _("%(team)s replies to the address given in the request. Quote reference %(reference)s if you follow up.")


def request_json(item: Item, state: State) -> dict[str, Any]:
    """The API's answer for one request (``POST /api/forward`` and ``GET /api/forward/{id}``): the same state as the pages."""
    return {
        "id": item.id,
        "state": state.key,
        "summary": state.summary,
        "next_steps": list(state.steps),
        "team": state.team or str(item.fields.get("contact_name") or item.contact_id),
        "status_url": status_path(item.id),
        # Anyone with the reference may ask, so the row's own note (which names settings and paths) stays with staff.
        **{k: v for k, v in item_json(item).items() if k != "status_message"},
    }


def item_json(item: Item) -> dict[str, Any]:
    """The outbox row itself, for programs and ``routing outbox --json``: ``status`` is the row's, ``state`` above is what it means."""
    return {
        "id": item.id,
        "status": item.status,
        "status_message": item.status_message,
        "attempts": item.attempts,
        "last_error": item.last_error or None,
        "to": item.to,
        "contact_id": item.contact_id,
        "created_at": _iso(item.created_at),
        "sent_at": _iso(item.sent_at) if item.status == SENT else None,  # a written file was never sent
        "next_attempt_at": _iso(item.next_attempt_at) if item.status == QUEUED and item.attempts else None,
    }


def _steps(*lines: str) -> tuple[str, ...]:
    return tuple(text for text in lines if text)


def _call(item: Item, directory: Directory) -> str:
    if not directory.has_contact(item.contact_id):
        return ""
    phone = line(directory.contact(item.contact_id))
    return phone_instructions(phone) if phone is not None else ""


def _hours(item: Item, directory: Directory, now: datetime) -> str:
    if not directory.has_contact(item.contact_id):
        return ""
    contact = directory.contact(item.contact_id)
    # To the minute, as the pages give it: every status page and 202 answered in that minute shares one reading of the hours.
    status_line = contact_status(contact, directory, now.replace(second=0, microsecond=0))["status_line"]
    return f"{i18n.localized(contact, 'name')}: {status_line}." if status_line else ""


# The transport's English note of a refusal, and the same in the current language: what follows is the server's own reply.
_REFUSED = {
    "The mail server refused the recipient: ": N_("the mail server refused the recipient: %(reply)s"),
    "The mail server refused the message: ": N_("the mail server refused the message: %(reply)s"),
}


def _problem(item: Item) -> str:
    """Why it failed, in words fit for anyone holding the reference: a refusal's reply, never our server's address."""
    error = item.last_error.strip()
    for prefix, words in _REFUSED.items():
        if error.startswith(prefix):
            return _(words) % {"reply": error.removeprefix(prefix)} + ("" if error.endswith(".") else ".")
    return ngettext(
        "after %(count)d attempt the mail server still could not take it.",
        "after %(count)d attempts the mail server still could not take it.",
        item.attempts,
    ) % {"count": item.attempts}


def _when(epoch: float | None, directory: Directory) -> str:
    return "" if epoch is None else moment_words(datetime.fromtimestamp(epoch, UTC), directory.timezone)


def _received(item: Item, directory: Directory) -> str:
    """When the request came in by the app's clock (``submitted_at``, which ROUTING_NOW pins like every other
    instant), not the row's own timestamp: the store keeps real time for its queue."""
    try:
        return moment_words(datetime.fromisoformat(str(item.fields["submitted_at"])), directory.timezone)
    except (KeyError, ValueError):  # a row written before the field was kept
        return _when(item.created_at, directory)


def _iso(epoch: float | None) -> str | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds")
