"""The staff console: sign in, triage an email, correct it, forward it or ask the sender.

Every page but the sign-in needs the staff session (a signed cookie set after
the STAFF_PASSWORD check); pages redirect to the sign-in, form posts and the
API answer 401. Every form carries the CSRF token. Sending goes through the
outbox that ``forward`` starts, so a triaged email gets the same claim,
retries and exactly-once delivery as the public form's requests.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime
from typing import Any
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
    staff_only,
)
from routing.channels.staff.actions import ask_sender, forward, reading, validate_correction
from routing.clock import now
from routing.core.email.group_fields import GROUP_ID
from routing.core.email.triage import ASK_SENDER, FORWARD, IGNORE, LOOP_REASONS, REVIEW, Correction
from routing.core.rules import CONFIDENT, RULE_CONFIDENCE
from routing.core.written_request import writable
from routing.delivery.intake import read_in_worker, take_in
from routing.errors import RequestError
from routing.present.conversation import Event, history
from routing.present.drafts import ask_sender_draft
from routing.present.triage import triage_json
from routing.services import Services, services
from routing.store.outbox import Item
from routing.store.triage_log import STATUSES, Record

log = logging.getLogger("routing.staff")

FLASH = "staff_flash"
WRONG_PASSWORD = "That password is not right. Type it again, or ask the person who runs this help desk for the staff password."
FORM_LIMIT = 64_000


ACTION_LABELS = {FORWARD: "Forward to the team", REVIEW: "Needs a person", IGNORE: "Ignore (never answered)"}


# --- signing in ------------------------------------------------------------------


def _safe_next(value: str) -> str:
    # Only back into the console: an open redirect would let a link send staff anywhere after sign-in.
    return value if value.startswith("/staff") and not value.startswith("//") and "\\" not in value else "/staff"


async def login_page(request: Request) -> Response:
    if is_staff(request):
        return RedirectResponse(_safe_next(request.query_params.get("next", "/staff")), status_code=303)
    return _login(request, next_url=request.query_params.get("next", "/staff"))


def _login(request: Request, next_url: str, problem: str = "", status: int = 200) -> Response:
    context = {
        "next": _safe_next(next_url),
        "problem": problem,
        "csrf_field": CSRF_FIELD,
        "csrf_token": csrf_token(request),
        "generated": services(request).settings.generated_staff_password,
    }
    return render(request, "staff_login.html", context, status)


async def login(request: Request) -> Response:
    form = await _form(request)
    next_url = _safe_next(str(form.get("next", "/staff")))
    limiter = services(request).staff_logins
    try:
        limiter.refuse_if_over(client_key(request))
    except RequestError as exc:
        return _login(request, next_url, exc.message, exc.status)
    check_csrf(request, form)
    given = form.get("password", "")
    if not isinstance(given, str) or not password_matches(given, services(request).settings.staff_password):
        # The operator's hint belongs here, not on the page a staff member reads.
        log.warning(
            "staff sign-in refused for %s: wrong password (it is STAFF_PASSWORD, or the one printed at start when that is unset)",
            client_key(request),
        )
        try:
            limiter.check(client_key(request))  # counts wrong passwords only
        except RequestError as exc:
            return _login(request, next_url, exc.message, exc.status)
        return _login(request, next_url, WRONG_PASSWORD, 401)
    # A fresh session on sign-in, so a session planted before it is worth nothing.
    request.session.clear()
    request.session[STAFF_KEY] = await asyncio.to_thread(services(request).staff_sessions.open)
    return RedirectResponse(next_url, status_code=303)


async def logout(request: Request) -> Response:
    form = await _form(request)
    check_csrf(request, form)
    token = request.session.get(STAFF_KEY)
    if isinstance(token, str):
        # Ends the session on the server too: a copy of the cookie no longer opens anything.
        await asyncio.to_thread(services(request).staff_sessions.close_session, token)
    request.session.clear()
    return RedirectResponse("/staff/login", status_code=303)


# --- pages ------------------------------------------------------------------------------


@staff_only(page=True)
async def list_page(request: Request) -> Response:
    svc = services(request)
    wanted = request.query_params.get("status", "")
    status = wanted if wanted in STATUSES else None
    triage_log = svc.triage_log
    records = await asyncio.to_thread(triage_log.recent, 200, status)
    context = {
        "records": [_row(r, svc.snapshot.directory.timezone) for r in records],
        "counts": triage_log.counts(),
        "status": status or "",
        "statuses": STATUSES,
        **_common(request),
    }
    return render(request, "staff_list.html", context)


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
        raise RequestError(413, f"This email is larger than the {limit:,} bytes we accept. Remove big attachments and try again.")
    if not raw.strip():
        return _triage_form(request, "Paste an email (headers and body) or choose an .eml file, then press Triage.", status=422)
    record, _ = await take_in(svc.triage_log, raw, svc.snapshot.index, now(), "console", mailroom=svc.mailroom)
    return RedirectResponse(f"/staff/messages/{record.id}", status_code=303)


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
        "can_forward": result.team is not None and result.group_id is not None and result.group_name is not None,
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


def ask_label(missing: Sequence[str]) -> str:
    return f"Ask the sender for the {missing_words(missing)}" if missing else "Ask the sender for what is missing"


def action_label(action: str, missing: Sequence[str]) -> str:
    """The suggested action in words; the action's name (``ask_sender``) is for the API."""
    if action == ASK_SENDER:
        return ask_label(missing)
    return ACTION_LABELS.get(action, action.replace("_", " ").capitalize())


def sureness(confidence: float) -> str:
    """How sure the triage is of the team, in words rather than a number."""
    if confidence >= RULE_CONFIDENCE:
        return "Sure of the team"
    if confidence >= CONFIDENT:
        return "Fairly sure of the team: check it before forwarding"
    return "Not sure of the team: choose one under Corrections"


def _sentence(text: str) -> str:
    return f"{text[:1].upper()}{text[1:]}." if text else ""


def _deliveries(svc: Services, record: Record) -> list[dict[str, str]]:
    """What the outbox says about this email's forward and reply, in words."""
    found = []
    for label, ref in (("Forward", record.forward_id), ("Reply to the sender", record.ask_id)):
        item = svc.outbox.get(ref) if ref else None
        if item is not None:
            detail = item.status_message or item.last_error or ("Waiting for the sender." if item.status == "queued" else "")
            found.append({"label": label, "id": item.id, "to": item.to, "status": item.status, "detail": detail})
    return found


def _record(request: Request) -> Record:
    record = services(request).triage_log.get(request.path_params["id"].strip().upper())
    if record is None:
        raise RequestError(404, "There is no triaged email with that reference. Go back to the list of triaged emails.")
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
    request.session[FLASH] = "Saved. The triage below uses your corrections."
    return RedirectResponse(f"/staff/messages/{record.id}", status_code=303)


@staff_only(page=False)
async def forward_action(request: Request) -> Response:
    return await _send(request, forward, "Forwarded: the email is in the outbox for {team}. Reference {ref}.")


@staff_only(page=False)
async def ask_action(request: Request) -> Response:
    return await _send(request, ask_sender, "The reply asking for the missing details is in the outbox for {team}. Reference {ref}.")


Action = Callable[[Services, Record], Awaitable[tuple[Item, str]]]


async def _send(request: Request, action: Action, done: str) -> Response:
    record = _record(request)
    form = await _form(request)
    check_csrf(request, form)
    svc = services(request)
    try:
        item, to = await action(svc, record)
    except RequestError as exc:
        return await _message(request, record, exc.message, exc.status)
    request.session[FLASH] = done.format(team=to, ref=item.id)
    return RedirectResponse(f"/staff/messages/{record.id}", status_code=303)


# --- helpers ---------------------------------------------------------------------------------


def _common(request: Request) -> dict[str, Any]:
    return {"csrf_field": CSRF_FIELD, "csrf_token": csrf_token(request)}


async def _form(request: Request, slack: int = 0) -> FormData:
    limit = FORM_LIMIT + slack
    return await read_form(request, limit, f"This form is larger than the {limit:,} bytes we accept. Remove big attachments from the email and try again.")


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
    ]
