"""Forwarding an employer's written request to the right team by email.

The form (``/contact``) and the JSON API (``/api/forward``) both check the
request, let the rules engine pick the team on the ``email`` channel, record
the message in the outbox and only then answer. The background sender
started here delivers it.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Mapping
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from routing.clock import now
from routing.errors import RequestError
from routing.core.forward_request import FIELDS, MAX_CHARS, ForwardRequest, Recipient, choose_recipient, dedupe_key, parse, writable
from routing.delivery.transport import Letter, UnsafeHeaders, enqueue, transport_for
from routing.core.model import Directory
from routing.store.outbox import DONE, FAILED, SENT, WRITTEN, Item, Outbox, new_reference, outbox_path
from routing.present.json import status_json
from routing.channels.http import CSRF_FIELD, RateLimiter, check_csrf, client_key, csrf_token, read_limited
from routing.delivery.sender import Sender
from routing.services import Services, services

log = logging.getLogger("routing.forward")

DEFAULT_SUBJECT = "Request from the help desk form"
SENT_KEY = "forwarded"  # the session's own recent references


# --- lifecycle --------------------------------------------------------------


async def start(svc: Services) -> None:
    settings = svc.settings
    outbox = Outbox(outbox_path(settings.data_dir))
    sender = Sender(outbox, transport_for(settings), settings)
    await sender.start()
    svc.extras["outbox"] = outbox
    svc.extras["outbox_sender"] = sender
    svc.extras["forward_rate"] = RateLimiter(settings.forward_rate_limit)
    if not settings.delivers_by_smtp:
        log.warning("SMTP_HOST is not set: forwarded requests are saved as .eml files in %s, not emailed.", settings.data_dir / "outbox-eml")


async def stop(svc: Services) -> None:
    sender: Sender | None = svc.extras.pop("outbox_sender", None)
    if sender is not None:
        await sender.stop()
    outbox: Outbox | None = svc.extras.pop("outbox", None)
    if outbox is not None:
        outbox.close()


def _outbox(svc: Services) -> Outbox:
    outbox = svc.extras.get("outbox")
    if outbox is None:
        raise RequestError(503, "Sending requests is not available right now. Please try again in a minute.")
    return outbox  # type: ignore[no-any-return]


# --- accepting a request ------------------------------------------------------


async def _accept(request: Request, raw: Mapping[str, Any], *, strict: bool, idempotency_key: str = "") -> tuple[Item, bool]:
    """Check, route, record. Returns the outbox row and whether it is new."""
    svc = services(request)
    snapshot = svc.snapshot
    form = parse(raw, snapshot.directory, strict=strict)
    instant = now()
    recipient = choose_recipient(form, snapshot.index, instant)
    letter = Letter(
        reference=new_reference(),
        fields={**form.fields(), "subject": _subject(form, recipient)},
        contact=recipient.contact,
        to=recipient.email,
        reason=recipient.reason,
        submitted_at=instant,
        timezone=snapshot.directory.timezone,
    )
    key = dedupe_key(form, recipient, instant, snapshot.directory.timezone, idempotency_key)
    try:
        item, created = await asyncio.to_thread(enqueue, _outbox(svc), letter, svc.settings.mail_from, key)
    except UnsafeHeaders:
        # Validation refuses such text first; this is the guard behind it.
        raise RequestError(422, "Keep each field to a single line of plain text and send it again.") from None
    if created:
        svc.extras["outbox_sender"].wake()
        log.info("%s queued for %s (%s)", item.id, recipient.contact.id, recipient.email.address)
    return item, created


def _subject(form: ForwardRequest, recipient: Recipient) -> str:
    if form.subject:
        return form.subject
    topic = recipient.decision.topic
    return topic.title if topic and topic in recipient.contact.topics else DEFAULT_SUBJECT


def _rate_limit(request: Request) -> None:
    limiter: RateLimiter | None = services(request).extras.get("forward_rate")
    if limiter is not None:
        limiter.check(client_key(request))


async def _read_body(request: Request) -> bytes:
    """The body, refused with a 413 as soon as it passes MAX_MESSAGE_BYTES."""
    limit = services(request).settings.max_message_bytes
    return await read_limited(
        request,
        limit,
        f"This request is larger than the {limit:,} bytes we accept. Shorten the message and send it again; "
        "the team can ask for documents when they reply.",
    )


# --- JSON API -----------------------------------------------------------------


async def api_forward(request: Request) -> Response:
    _rate_limit(request)
    # Only application/json is read. A cross-site HTML form cannot send that
    # content type without a CORS preflight, which this app never approves, so
    # the API needs no CSRF token; programs call it directly.
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise RequestError(415, "Send the request as JSON, with the header Content-Type: application/json.")
    body = await _read_body(request)
    try:
        raw = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RequestError(400, f"The body is not valid JSON ({exc}). Send one JSON object with the request's fields.") from None
    except RecursionError:
        raise RequestError(400, "The body nests too deeply to read. Send one flat JSON object with the request's fields.") from None
    if not isinstance(raw, dict):
        raise RequestError(422, f"Send one JSON object with the fields {', '.join(FIELDS)}.")
    key = request.headers.get("idempotency-key", "").strip()
    if len(key) > 200 or any(not c.isprintable() for c in key):
        raise RequestError(400, "The Idempotency-Key header should be at most 200 printable characters, such as a UUID.")
    item, created = await _accept(request, raw, strict=True, idempotency_key=key)
    body_json: dict[str, Any] = {"id": item.id, "status": item.status, "to": item.to, "contact_id": item.contact_id}
    if not created:
        body_json["duplicate"] = True
    return JSONResponse(body_json, status_code=202, headers={"Location": f"/api/forward/{item.id}"})


async def api_status(request: Request) -> Response:
    item = _find(request)
    return JSONResponse(item.status_json())


def _find(request: Request) -> Item:
    ref = request.path_params["id"].strip().upper()
    item = _outbox(services(request)).get(ref)
    if item is None:
        raise RequestError(404, f"There is no request with the reference {ref}. Check the reference number on your confirmation.")
    return item


# --- the form ----------------------------------------------------------------


async def form_page(request: Request) -> Response:
    svc = services(request)
    directory = svc.snapshot.directory
    chosen = request.query_params.get("contact", "").strip()
    values = {name: "" for name in FIELDS}
    values["message"] = request.query_params.get("q", "").strip()[: MAX_CHARS["message"]]
    notice = ""
    if chosen and directory.has_contact(chosen):
        contact = directory.contact(chosen)
        if contact.emails:
            values["contact_id"] = chosen
        else:
            notice = f"{contact.name} does not take written requests. Choose a team below, or leave the choice to us."
    return _render(request, values, {}, notice=notice)


async def form_post(request: Request) -> Response:
    values: dict[str, str] = {name: "" for name in FIELDS}
    try:
        body = await _read_body(request)
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != "application/x-www-form-urlencoded":
            raise RequestError(415, "Send the form from the page at /contact.")
        form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        values.update({name: form.get(name, "") for name in FIELDS})
        # After reading, so a refused request still shows everything that was typed.
        _rate_limit(request)
        check_csrf(request, form)
        item, _ = await _accept(request, form, strict=False)
    except RequestError as exc:
        if exc.status == 413:
            raise  # nothing was read, so there is nothing to show again
        return _render(request, values, exc.fields, problem=exc.message, status=exc.status)
    # The confirmation shows the group and reply address only in the browser
    # that sent it: a reference number read out on the phone reveals no more.
    request.session[SENT_KEY] = [*request.session.get(SENT_KEY, [])[-9:], item.id]
    return RedirectResponse(f"/contact/sent/{item.id}", status_code=303)


def _render(
    request: Request, values: Mapping[str, str], errors: Mapping[str, str], *, problem: str = "", notice: str = "", status: int = 200
) -> Response:
    svc = services(request)
    directory = svc.snapshot.directory
    context = {
        "values": values,
        "errors": errors,
        "problem": problem,
        "notice": notice,
        "teams": [{"id": c.id, "name": c.name, "purposes": [e.purpose for e in c.emails]} for c in writable(directory)],
        "group_id": directory.group_id,
        "limits": MAX_CHARS,
        "csrf_field": CSRF_FIELD,
        "csrf_token": csrf_token(request),
    }
    return svc.templates.TemplateResponse(request, "contact_form.html", context, status_code=status)


async def sent_page(request: Request) -> Response:
    svc = services(request)
    item = _find(request)
    directory = svc.snapshot.directory
    mine = item.id in request.session.get(SENT_KEY, [])
    context = {"item": item, "mine": mine, "next": what_happens_next(item, directory, mine), "done": item.status in DONE}
    return svc.templates.TemplateResponse(request, "contact_sent.html", context)


def what_happens_next(item: Item, directory: Directory, mine: bool = True) -> list[str]:
    """Sentences for the confirmation page, from the row's status and the team's hours."""
    name = item.fields.get("contact_name", item.contact_id)
    reply_to = item.fields.get("email", "") if mine else "the address given in the request"
    call = ""
    hours = ""
    if directory.has_contact(item.contact_id):
        contact = directory.contact(item.contact_id)
        if contact.phones:
            call = contact.phones[0].instructions
        line = status_json(contact.hours, directory, now())["status_line"]
        hours = f"{name}: {line}." if line else ""
    if item.status == FAILED:
        lines = [f"We could not deliver your request to {name}: {item.last_error}"]
        lines.append(f"Please write to {item.to} yourself" + (f" or {call}" if call else "") + f", and mention reference {item.id}.")
        return lines
    if item.status == WRITTEN:
        lines = [
            "This help desk is not connected to a mail server yet, so your request was saved for an administrator to send on.",
        ]
    elif item.status == SENT:
        lines = [f"Your request was emailed to {name} at {item.to}."]
    else:
        lines = [f"Your request is saved and on its way to {name} at {item.to}. We keep trying if their mail server is busy."]
        if item.last_error:
            lines.append(f"The last try did not go through: {item.last_error}")
    lines.append(f"The team will answer you at {reply_to}. Quote reference {item.id} if you follow up.")
    if hours:
        lines.append(hours)
    if call:
        lines.append(f"If it is urgent, {call}.")
    return lines


def routes() -> list[Route]:
    return [
        Route("/contact", form_page, methods=["GET"]),
        Route("/contact", form_post, methods=["POST"]),
        Route("/contact/sent/{id}", sent_page, methods=["GET"]),
        Route("/api/forward", api_forward, methods=["POST"]),
        Route("/api/forward/{id}", api_status, methods=["GET"]),
    ]
