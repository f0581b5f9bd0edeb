"""The staff console: sign in, find and triage emails, correct one, forward it, ask the sender or ignore it.

Every page but the sign-in needs the staff session (a signed cookie set after
a named account's password check, or the shared STAFF_PASSWORD's while no
account exists); pages redirect to the sign-in, form posts and the API
answer 401. Every form carries the CSRF token. Sending goes through the
outbox that ``forward`` starts, so a triaged email gets the same claim,
retries and exactly-once delivery as the public form's requests. Each
action is written to the audit trail with who did it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from routing.channels.http import (
    CSRF_FIELD,
    STAFF_KEY,
    check_csrf,
    client_key,
    csrf_token,
    is_staff,
    password_matches,
    read_form,
    render,
    said,
    staff_only,
    with_language,
)
from routing.channels.staff.actions import ask_sender, forward, reading, validate_correction
from routing.clock import now
from routing.core.email.group_fields import GROUP_ID, GROUP_NAME
from routing.core.email.triage import ASK_SENDER, FORWARD, IGNORE, LOOP_REASONS, REVIEW, Correction
from routing.core.i18n import N_, _
from routing.core.model import Directory
from routing.core.rules import CONFIDENT, RULE_CONFIDENCE
from routing.core.written_request import writable
from routing.delivery.intake import read_in_worker, take_in
from routing.errors import RequestError
from routing.present.conversation import Event, history
from routing.present.drafts import ask_sender_draft
from routing.present.triage import triage_json
from routing.services import Services, services
from routing.store import audit
from routing.store.audit import Entry
from routing.store.outbox import Item
from routing.store.staff_accounts import BOOTSTRAP
from routing.store.triage_log import ASKED, FORWARDED, IGNORED, STATUSES, Record
from routing.store.triage_search import Filters, find

log = logging.getLogger("routing.staff")

FLASH = "staff_flash"
WRONG_PASSWORD = N_("That password is not right. Type it again, or ask the person who runs this help desk for the staff password.")
WRONG_NAME_OR_PASSWORD = N_("That name and password do not match. Type them again, or ask the person who runs this help desk to set a new password for you.")
NAME_NEEDED = N_("Type your name as well as your password. This help desk has staff accounts now, so the shared set-up password no longer signs in.")
FORM_LIMIT = 64_000


ACTION_LABELS = {FORWARD: N_("Forward to the team"), REVIEW: N_("Needs a person"), IGNORE: N_("Ignore (never answered)")}
# The stored statuses' words come from present.triage.STATUS_WORDS and the filter's from the names;
# the staff pages show them through the catalog, and these marks put them in it.
STATUS_MESSAGES = (
    N_("New"),
    N_("Forwarded"),
    N_("Asked"),
    N_("Ignored"),
    N_("Corrected"),
    N_("Waiting for the sender"),
    N_("Corrected, not sent"),
)


# --- signing in ------------------------------------------------------------------


def _safe_next(value: str) -> str:
    # Only back into the console: an open redirect would let a link send staff anywhere after sign-in.
    return value if value.startswith("/staff") and not value.startswith("//") and "\\" not in value else "/staff"


async def login_page(request: Request) -> Response:
    if is_staff(request):
        return RedirectResponse(_safe_next(request.query_params.get("next", "/staff")), status_code=303)
    return _login(request, next_url=request.query_params.get("next", "/staff"))


def _login(request: Request, next_url: str, problem: str = "", status: int = 200, name: str = "") -> Response:
    svc = services(request)
    context = {
        "next": _safe_next(next_url),
        "problem": problem,
        "name": name,
        "accounts_exist": svc.staff_accounts.exist(),
        "csrf_field": CSRF_FIELD,
        "csrf_token": csrf_token(request),
        "generated": svc.settings.generated_staff_password,
    }
    return render(request, "staff_login.html", context, status)


async def login(request: Request) -> Response:
    form = await _form(request)
    next_url = _safe_next(str(form.get("next", "/staff")))
    svc = services(request)
    limiter = svc.staff_logins
    try:
        limiter.refuse_if_over(client_key(request))
    except RequestError as exc:
        return _login(request, next_url, said(exc), exc.status)
    check_csrf(request, form)
    name = str(form.get("name", "")).strip()[:100]
    given = form.get("password", "")
    given = given if isinstance(given, str) else ""
    if not name or name.lower() == BOOTSTRAP:
        # The shared password is a bootstrap: it signs in only until the first named account exists.
        # Refused before it is checked, so this answer says nothing about whether it was right.
        if await asyncio.to_thread(svc.staff_accounts.exist):
            return _login(request, next_url, _(NAME_NEEDED), 401, name)
        user = BOOTSTRAP if password_matches(given, svc.settings.staff_password) else None
        wrong = WRONG_PASSWORD
    else:
        account = await asyncio.to_thread(svc.staff_accounts.verify, name, given)
        user = account.name if account else None
        wrong = WRONG_NAME_OR_PASSWORD
    if user is None:
        # The operator's hint belongs here, not on the page a staff member reads.
        log.warning(
            "staff sign-in refused for %s as %r: wrong password (an account's own, or STAFF_PASSWORD when no name is given)",
            client_key(request), name or BOOTSTRAP,
        )
        try:
            limiter.check(client_key(request))  # counts wrong passwords only
        except RequestError as exc:
            return _login(request, next_url, exc.message, exc.status, name)
        return _login(request, next_url, _(wrong), 401, name)
    # A fresh session on sign-in, so a session planted before it is worth nothing.
    request.session.clear()
    request.session[STAFF_KEY] = await asyncio.to_thread(svc.staff_sessions.open, user)
    log.info("staff sign-in: %s from %s", user, client_key(request))
    return RedirectResponse(next_url, status_code=303)


async def logout(request: Request) -> Response:
    form = await _form(request)
    check_csrf(request, form)
    token = request.session.get(STAFF_KEY)
    if isinstance(token, str):
        # Ends the session on the server too: a copy of the cookie no longer opens anything.
        await asyncio.to_thread(services(request).staff_sessions.close_session, token)
    request.session.clear()
    return RedirectResponse(with_language("/staff/login"), status_code=303)


# --- pages ------------------------------------------------------------------------------


@staff_only(page=True)
async def list_page(request: Request) -> Response:
    svc = services(request)
    directory = svc.snapshot.directory
    filters = _filters(request.query_params, directory)
    triage_log = svc.triage_log
    params = request.query_params
    found = await asyncio.to_thread(find, triage_log, filters, older_than=params.get("older", "").strip(), newer_than=params.get("newer", "").strip())
    counts = await asyncio.to_thread(triage_log.counts)
    query = {"group": filters.group_id, "sender": filters.sender, "team": filters.team, "status": filters.status}
    context = {
        "records": [_row(r, directory.timezone) for r in found.records],
        "found": found,
        "last": found.first + len(found.records) - 1,
        "newer_url": _list_url(query, newer=found.newer) if found.newer else "",
        "older_url": _list_url(query, older=found.older) if found.older else "",
        "filters": filters,
        "filtered": bool(filters),
        "teams": [{"id": c.id, "name": c.name} for c in directory.contacts],
        "counts": counts,
        "total": sum(counts.values()),
        "status": filters.status,
        "statuses": STATUSES,
        "bootstrap": _who(request) == BOOTSTRAP,
        **_common(request),
    }
    return render(request, "staff_list.html", context)


def _filters(params: Mapping[str, str], directory: Directory) -> Filters:
    """The list's filters from the query string; a team or status this desk does not know is dropped."""
    team = params.get("team", "").strip()
    status = params.get("status", "").strip()
    return Filters(
        group_id=params.get("group", "").strip()[:40],
        sender=params.get("sender", "").strip()[:200],
        team=team if directory.has_contact(team) else "",
        status=status if status in STATUSES else "",
    )


def _list_url(query: Mapping[str, str], **cursor: str) -> str:
    kept = {k: v for k, v in {**query, **cursor}.items() if v}
    return "/staff" + (f"?{urlencode(kept)}" if kept else "")


def _row(record: Record, zone: str) -> dict[str, Any]:
    result = record.result
    contact = result.get("contact") or {}
    return {
        "id": record.id,
        "received": _local(record.received_at, zone),
        "sender": record.sender or "(no sender)",
        "subject": record.subject or "(no subject)",
        "status": record.status,
        "action": result.get("action", ""),
        "action_label": action_label(str(result.get("action", "")), result.get("missing") or []),
        "team": contact.get("name", ""),
        "group": " · ".join(str(v) for v in (result.get("group_id"), result.get("group_name")) if v),
        "source": record.source,
    }


def _local(epoch: float, zone: str) -> str:
    return datetime.fromtimestamp(epoch, ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M %Z")


@staff_only(page=True)
async def triage_page(request: Request) -> Response:
    return _triage_form(request)


def _triage_form(request: Request, problem: str = "", pasted: str = "", status: int = 200) -> Response:
    context = {"problem": problem, "pasted": pasted, "limit": services(request).settings.max_message_bytes, **_common(request)}
    return render(request, "staff_triage.html", context, status)


@staff_only(page=False)
async def triage_submit(request: Request) -> Response:
    svc = services(request)
    limit = svc.settings.max_message_bytes
    form = await _form(request, slack=limit)
    try:
        check_csrf(request, form)
        raw = b""
        upload = form.get("file")
        if isinstance(upload, UploadFile) and upload.filename:
            raw = await upload.read(limit + 1)
        pasted = form.get("raw", "")
        if not raw and isinstance(pasted, str):
            # A pasted message arrives with the browser's line endings and as text; mail is bytes.
            raw = pasted.replace("\r\n", "\n").encode("utf-8", "surrogateescape")
    finally:
        await form.close()  # an upload is spooled to a temporary file
    if len(raw) > limit:
        raise RequestError(413, _("This email is larger than the %(limit)s bytes we accept. Remove big attachments and try again.") % {"limit": f"{limit:,}"})
    if not raw.strip():
        return _triage_form(request, _("Paste an email (headers and body) or choose an .eml file, then press Triage."), status=422)
    record, _new = await take_in(svc.triage_log, raw, svc.snapshot.index, now(), "console", mailroom=svc.mailroom)
    return RedirectResponse(with_language(f"/staff/messages/{record.id}"), status_code=303)


@staff_only(page=True)
async def message_page(request: Request) -> Response:
    return await _message(request, _record(request))


async def _message(
    request: Request, record: Record, problem: str = "", status: int = 200, values: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
) -> Response:
    svc = services(request)
    snapshot = svc.snapshot
    read = await reading(svc, record)
    result = read.result
    parsed = result.email
    draft = ask_sender_draft(result, snapshot.directory)
    correction = Correction.from_json(record.correction)
    context = {
        "record": record,
        "row": _row(record, snapshot.directory.timezone),
        "result": triage_json(result),
        "parsed": parsed,
        "draft": draft,
        "teams": [{"id": c.id, "name": c.name} for c in writable(snapshot.directory)],
        "values": values or {
            "contact_id": correction.contact_id or (result.contact.id if result.contact and result.contact.emails else ""),
            "group_id": result.group_id.value if result.group_id else "",
            "group_name": result.group_name.value if result.group_name else "",
        },
        "group_format": snapshot.directory.group_id,
        "can_forward": result.team is not None and result.group_id is not None and result.group_name is not None and not record.forward_id,
        "forwarded": _forwarded(svc, record) if record.forward_id else "",
        "can_ignore": record.status not in (IGNORED, FORWARDED, ASKED) and not record.forward_id and not record.ask_id,
        "history": _history(await asyncio.to_thread(svc.audit.for_message, record.id), snapshot.directory.timezone),
        "can_ask": draft is not None and not parsed.loop_signals,
        "ask_label": ask_label(result.missing),
        "action_label": action_label(result.action, result.missing),
        "sureness": sureness(result.confidence),
        "automatic_mail": _sentence("; ".join(LOOP_REASONS.get(s, s) for s in parsed.loop_signals)),
        "problem": problem,
        "errors": errors or {},
        "flash": request.session.pop(FLASH, None),
        "deliveries": _deliveries(svc, record),
        "conversation": await asyncio.to_thread(_conversation, svc, read.records, record.id),
        **_common(request),
    }
    return render(request, "staff_message.html", context, status)


def _conversation(svc: Services, records: Sequence[Record], here: str) -> list[Event]:
    """The thread's history, when the email has one (a reply, or an email a reply answered)."""
    if len(records) < 2:
        return []
    refs = {ref for r in records for ref in (r.ask_id, r.forward_id) if ref}
    items = {ref: item for ref in refs if (item := svc.outbox.get(ref)) is not None}
    return history(records, items, svc.snapshot.directory.timezone, here)


def missing_words(missing: Sequence[str]) -> str:
    """ "group ID", "group name", or "group ID and group name": what the sender is asked for."""
    return " and ".join("group ID" if m == GROUP_ID else "group name" for m in missing)


_ASK_FOR: dict[tuple[str, ...], str] = {
    (GROUP_ID,): N_("Ask the sender for the group ID"),
    (GROUP_NAME,): N_("Ask the sender for the group name"),
}


def ask_label(missing: Sequence[str]) -> str:
    if not missing:
        return _("Ask the sender for what is missing")
    one = _ASK_FOR.get(tuple(missing))
    if one is not None:
        return _(one)
    if len(missing) == 2 and GROUP_ID in missing:  # in the order the triage lists them, as the draft asks
        first_id = missing[0] == GROUP_ID
        return _("Ask the sender for the group ID and group name") if first_id else _("Ask the sender for the group name and group ID")
    return _("Ask the sender for the %(what)s") % {"what": missing_words(missing)}


def action_label(action: str, missing: Sequence[str]) -> str:
    """The suggested action in words; the action's name (``ask_sender``) is for the API."""
    if action == ASK_SENDER:
        return ask_label(missing)
    return _(ACTION_LABELS[action]) if action in ACTION_LABELS else action.replace("_", " ").capitalize()


def sureness(confidence: float) -> str:
    """How sure the triage is of the team, in words rather than a number."""
    if confidence >= RULE_CONFIDENCE:
        return _("Sure of the team")
    if confidence >= CONFIDENT:
        return _("Fairly sure of the team: check it before forwarding")
    return _("Not sure of the team: choose one under Corrections")


def _sentence(text: str) -> str:
    return f"{text[:1].upper()}{text[1:]}." if text else ""


def _deliveries(svc: Services, record: Record) -> list[dict[str, str]]:
    """What the outbox says about this email's forward and reply, in words."""
    found = []
    for label, ref in ((_("Forward"), record.forward_id), (_("Reply to the sender"), record.ask_id)):
        item = svc.outbox.get(ref) if ref else None
        if item is not None:
            detail = item.status_message or item.last_error or (_("Waiting for the sender.") if item.status == "queued" else "")
            found.append({"label": label, "id": item.id, "to": item.to, "status": item.status, "detail": detail})
    return found


_DONE = {
    audit.FORWARDED: N_("Forwarded"),
    audit.ASKED: N_("Sent the reply asking for what was missing"),
    audit.CORRECTED: N_("Corrected"),
    audit.IGNORED: N_("Marked ignored"),
}


def _history(entries: Sequence[Entry], zone: str) -> list[dict[str, str]]:
    """The audit trail of one email, oldest first, in words."""
    return [{"when": _local(e.at, zone), "who": e.actor, "what": _(_DONE[e.action]) if e.action in _DONE else e.action, "detail": e.detail} for e in entries]


def _forwarded(svc: Services, record: Record) -> str:
    """ "Forwarded to … on … by …": from the audit trail, or the outbox for a forward made before the trail began."""
    zone = svc.snapshot.directory.timezone
    entry = svc.audit.last(record.id, audit.FORWARDED)
    if entry is not None:
        return _("Forwarded %(detail)s on %(when)s by %(who)s.") % {"detail": entry.detail, "when": _local(entry.at, zone), "who": entry.actor}
    item = svc.outbox.get(record.forward_id)
    if item is not None:
        return _("Forwarded to %(to)s on %(when)s.") % {"to": item.to, "when": _local(item.created_at, zone)}
    return _("Forwarded on %(when)s.") % {"when": _local(record.updated_at, zone)}


def _record(request: Request) -> Record:
    record = services(request).triage_log.get(request.path_params["id"].strip().upper())
    if record is None:
        raise RequestError(404, _("There is no triaged email with that reference. Go back to the list of triaged emails."))
    return record


# --- actions ------------------------------------------------------------------------------


@staff_only(page=False)
async def correct_action(request: Request) -> Response:
    record = _record(request)
    form = await _form(request)
    check_csrf(request, form)
    svc = services(request)
    values = {k: str(form.get(k, "")).strip() for k in ("contact_id", "group_id", "group_name")}
    try:
        correction = validate_correction(values, svc.snapshot.directory)
    except RequestError as exc:
        return await _message(request, record, exc.message, exc.status, values, exc.fields)
    result = await read_in_worker(record.raw, svc.snapshot.index, now(), correction)
    await asyncio.to_thread(svc.triage_log.correct, record.id, correction.as_json(), triage_json(result))
    await _audit(request, audit.CORRECTED, record, _correction_words(values, svc))
    request.session[FLASH] = _("Saved. The triage below uses your corrections.")
    return RedirectResponse(with_language(f"/staff/messages/{record.id}"), status_code=303)


def _correction_words(values: Mapping[str, str], svc: Services) -> str:
    """ "the team to …, the group ID to … and the group name to …": what the audit trail says was corrected."""
    directory = svc.snapshot.directory
    parts = []
    if values["contact_id"]:
        parts.append(f"the team to {directory.contact(values['contact_id']).name}")
    if values["group_id"]:
        parts.append(f"the group ID to {values['group_id']}")
    if values["group_name"]:
        parts.append(f"the group name to {values['group_name']}")
    if not parts:
        return "back to the triage's own reading"
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


@staff_only(page=False)
async def forward_action(request: Request) -> Response:
    record = _record(request)
    if record.forward_id:
        # Once is enough: a second forward (a double click, an old tab) would give the team the request twice.
        # Nothing went wrong, so it is a notice on the email's page rather than an error.
        form = await _form(request)
        check_csrf(request, form)
        note = await asyncio.to_thread(_forwarded, services(request), record)
        request.session[FLASH] = _("%(note)s It is not forwarded again.") % {"note": note}
        return RedirectResponse(with_language(f"/staff/messages/{record.id}"), status_code=303)
    return await _send(request, record, forward, audit.FORWARDED, N_("Forwarded: the email is in the outbox for %(team)s. Reference %(ref)s."))


@staff_only(page=False)
async def ask_action(request: Request) -> Response:
    return await _send(request, _record(request), ask_sender, audit.ASKED, N_("The reply asking for the missing details is in the outbox for %(team)s. Reference %(ref)s."))


@staff_only(page=False)
async def ignore_action(request: Request) -> Response:
    record = _record(request)
    form = await _form(request)
    check_csrf(request, form)
    svc = services(request)
    if record.forward_id or record.ask_id:
        if record.forward_id:
            refused = _("This email was already forwarded to the team, so it is not marked ignored.")
        else:
            refused = _("This email was already answered with a reply to the sender, so it is not marked ignored.")
        return await _message(request, record, refused, 409)
    await asyncio.to_thread(svc.triage_log.mark, record.id, IGNORED)
    await _audit(request, audit.IGNORED, record)
    request.session[FLASH] = _("Marked ignored: nobody is asked to forward or answer it.")
    return RedirectResponse(with_language(f"/staff/messages/{record.id}"), status_code=303)


Action = Callable[[Services, Record], Awaitable[tuple[Item, str]]]


async def _send(request: Request, record: Record, action: Action, audited: str, done: str) -> Response:
    form = await _form(request)
    check_csrf(request, form)
    svc = services(request)
    try:
        item, to = await action(svc, record)
    except RequestError as exc:
        return await _message(request, record, exc.message, exc.status)
    await _audit(request, audited, record, f"to {to}", item.id)
    request.session[FLASH] = _(done) % {"team": to, "ref": item.id}
    return RedirectResponse(with_language(f"/staff/messages/{record.id}"), status_code=303)


async def _audit(request: Request, action: str, record: Record, detail: str = "", ref: str = "") -> None:
    """Record who did it, once the action has taken effect.

    Not in the action's own transaction: on SQLite the outbox, the triage log and the trail are
    separate files. A failed write is logged for the operator; the action stands either way.
    """
    try:
        await asyncio.to_thread(services(request).audit.record, _who(request), action, record.id, detail, ref)
    except Exception:
        log.exception("the audit trail could not record %s of %s by %s", action, record.id, _who(request))


# --- helpers ---------------------------------------------------------------------------------


def _who(request: Request) -> str:
    return str(getattr(request.state, "staff_user", "") or "")


def _common(request: Request) -> dict[str, Any]:
    return {"csrf_field": CSRF_FIELD, "csrf_token": csrf_token(request), "staff_user": _who(request)}


async def _form(request: Request, slack: int = 0) -> FormData:
    limit = FORM_LIMIT + slack
    return await read_form(request, limit, _("This form is larger than the %(limit)s bytes we accept. Remove big attachments from the email and try again.") % {"limit": f"{limit:,}"})


def routes() -> list[Route]:
    return [
        Route("/staff/login", login_page, methods=["GET"]),
        Route("/staff/login", login, methods=["POST"]),
        Route("/staff/logout", logout, methods=["POST"]),
        Route("/staff", list_page, methods=["GET"]),
        Route("/staff/triage", triage_page, methods=["GET"]),
        Route("/staff/triage", triage_submit, methods=["POST"]),
        Route("/staff/messages/{id}", message_page, methods=["GET"]),
        Route("/staff/messages/{id}/correct", correct_action, methods=["POST"]),
        Route("/staff/messages/{id}/forward", forward_action, methods=["POST"]),
        Route("/staff/messages/{id}/ask", ask_action, methods=["POST"]),
        Route("/staff/messages/{id}/ignore", ignore_action, methods=["POST"]),
    ]
