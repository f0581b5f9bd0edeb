"""The contact form (``/contact``) and its JSON twin (``/api/forward``): an employer's written request, forwarded to the right team.

Both check the request the same way (``routing.core.written_request``), let
the one recipient rule (``routing.core.recipients``) pick the address on the
``email`` channel, and queue the message through the mailroom before they
answer, so nothing accepted is lost. The background sender delivers it.

Every answer about a request (the confirmation after the form's
POST/redirect/GET, the lasting status page ``/requests/{id}`` and the JSON)
states its true state from one function, ``present.deliveries.request_state``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from routing.channels.http import CSRF_FIELD, check_csrf, client_key, csrf_token, read_limited, render, require_content_type, with_language
from routing.clock import now
from routing.core import i18n, wording
from routing.core.i18n import N_, _
from routing.core.written_request import (
    FIELDS,
    MAX_CHARS,
    Choice,
    NotByEmail,
    WrittenRequest,
    choose_recipient,
    dedupe_key,
    parse,
    writable,
)
from routing.delivery.enqueue import form_outgoing
from routing.errors import RequestError, UnsafeHeaders
from routing.present.deliveries import State, request_json, request_state, status_path
from routing.present.email import Letter
from routing.present.json import in_sentence
from routing.services import services
from routing.store.outbox import Item, new_reference

log = logging.getLogger("routing.contact_form")

DEFAULT_SUBJECT = N_("Request from the help desk form")
SENT_KEY = "forwarded"  # the session's own recent references


# --- accepting a request ------------------------------------------------------


async def _accept(request: Request, raw: Mapping[str, Any], *, strict: bool, idempotency_key: str = "") -> tuple[Item, bool]:
    """Check, route, queue. Returns the outbox row and whether it is new."""
    svc = services(request)
    snapshot = svc.snapshot
    form = parse(raw, snapshot.directory, strict=strict)
    instant = now()
    choice = choose_recipient(form, snapshot.index, instant)
    subject = _subject(form, choice)
    reference = new_reference()
    letter = Letter(
        reference=reference,
        fields={**form.fields(), "subject": subject},
        contact=choice.contact,
        to=choice.email,
        reason=choice.reason,
        submitted_at=instant,
        timezone=snapshot.directory.timezone,
    )
    key = dedupe_key(form, choice, instant, snapshot.directory.timezone, idempotency_key)
    try:
        outgoing = form_outgoing(letter, svc.settings.mail_from, key)
    except UnsafeHeaders:
        # Validation refuses such text first; this is the guard behind it.
        raise RequestError(422, _("Keep each field to a single line of plain text and send it again.")) from None
    item, created = await svc.mailroom.send(outgoing)
    if created:
        log.info("%s queued for %s (%s)", item.id, choice.contact.id, choice.email.address)
    return item, created


def _subject(form: WrittenRequest, choice: Choice) -> str:
    if form.subject:
        return form.subject
    topic = choice.decision.topic
    if topic and topic in choice.contact.topics:
        return topic.title
    with i18n.speaking(i18n.SOURCE):  # the subject is the team's, and teams read English whatever the form's language
        return _(DEFAULT_SUBJECT)


def _rate_limit(request: Request) -> None:
    services(request).forward_limit.check(client_key(request))


async def _read_body(request: Request) -> bytes:
    """The body, refused with a 413 as soon as it passes MAX_MESSAGE_BYTES."""
    limit = services(request).settings.max_message_bytes
    return await read_limited(
        request,
        limit,
        _("This request is larger than the %(limit)s bytes we accept. Shorten the message and send it again; the team can ask for documents when they reply.")
        % {"limit": i18n.number(limit)},
    )


# --- JSON API -----------------------------------------------------------------


async def api_forward(request: Request) -> Response:
    _rate_limit(request)
    # Only application/json is read. A cross-site HTML form cannot send that
    # content type without a CORS preflight, which this app never approves, so
    # the API needs no CSRF token; programs call it directly.
    require_content_type(request, "application/json", _("Send the request as JSON, with the header Content-Type: application/json."))
    body = await _read_body(request)
    try:
        raw = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RequestError(400, _("The body is not valid JSON (%(problem)s). Send one JSON object with the request's fields.") % {"problem": exc}) from None
    except RecursionError:
        raise RequestError(400, _("The body nests too deeply to read. Send one flat JSON object with the request's fields.")) from None
    except ValueError:  # a number too long to convert (over 4,300 digits), which json reports as a plain ValueError
        raise RequestError(400, _("The body holds a number too long to read. Send each field as text, in one flat JSON object.")) from None
    if not isinstance(raw, dict):
        raise RequestError(422, _("Send one JSON object with the fields %(fields)s.") % {"fields": ", ".join(FIELDS)})
    key = request.headers.get("idempotency-key", "").strip()
    if len(key) > 200 or any(not c.isprintable() for c in key):
        raise RequestError(400, _("The Idempotency-Key header should be at most 200 printable characters, such as a UUID."))
    item, created = await _accept(request, raw, strict=True, idempotency_key=key)
    body_json = request_json(item, _state(request, item))
    if not created:
        body_json["duplicate"] = True
    return JSONResponse(body_json, status_code=202, headers={"Location": f"/api/forward/{item.id}"})


async def api_status(request: Request) -> Response:
    item = _find(request)
    return JSONResponse(request_json(item, _state(request, item)))


def _state(request: Request, item: Item, reply_to: str = "") -> State:
    """The request's state now, from its row and the transport this app really has."""
    svc = services(request)
    return request_state(item, svc.snapshot.directory, now(), emails=svc.sender.emails, reply_to=reply_to)


def _find(request: Request) -> Item:
    ref = request.path_params["id"].strip().upper()
    item = services(request).outbox.get(ref)
    if item is None:
        raise RequestError(404, _("There is no request with the reference %(ref)s. Check the reference number on your confirmation.") % {"ref": ref})
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
            notice = wording.contracted(_("%(team)s does not take written requests. Choose a team below, or leave the choice to us.") % {"team": in_sentence(contact)})
    return _render(request, values, {}, notice=notice)


async def form_post(request: Request) -> Response:
    values: dict[str, str] = {name: "" for name in FIELDS}
    try:
        body = await _read_body(request)
        require_content_type(request, "application/x-www-form-urlencoded", _("Send the form from the page at /contact."))
        form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        values.update({name: form.get(name, "") for name in FIELDS})
        # After reading, so a refused request still shows everything that was typed.
        _rate_limit(request)
        check_csrf(request, form)
        item, _created = await _accept(request, form, strict=False)
    except NotByEmail as exc:
        # Not sent: the line to call, and the nearest fit chosen below so one press sends it there.
        nearest = exc.route.nearest
        if nearest is not None:
            values["contact_id"] = nearest.team.id
        call = _call(exc)
        # A sentence names the team ("con el Centro ..." in Spanish); the phone link's own text stays _call's.
        named = {**call, "named": in_sentence(exc.route.handler)} if call else None
        return _render(request, values, exc.fields, problem=exc.message, status=exc.status, call=named)
    except RequestError as exc:
        if exc.status == 413:
            raise  # nothing was read, so there is nothing to show again
        return _render(request, values, exc.fields, problem=exc.message, status=exc.status)
    # The confirmation shows the group and reply address only in the browser
    # that sent it: a reference number read out on the phone reveals no more.
    request.session[SENT_KEY] = [*request.session.get(SENT_KEY, [])[-9:], item.id]
    return RedirectResponse(with_language(f"/contact/sent/{item.id}"), status_code=303)


def _call(exc: NotByEmail) -> dict[str, str] | None:
    phone = exc.route.phone
    if phone is None:
        return None
    return {"team": i18n.localized(exc.route.handler, "name"), "href": phone.tel_uri, "text": wording.upper_first(wording.phone_instructions(phone))}


def _render(
    request: Request,
    values: Mapping[str, str],
    errors: Mapping[str, str],
    *,
    problem: str = "",
    notice: str = "",
    status: int = 200,
    call: Mapping[str, str] | None = None,
) -> Response:
    directory = services(request).snapshot.directory
    context = {
        "call": call,
        "values": values,
        "errors": errors,
        "problem": problem,
        "notice": notice,
        "teams": [{"id": c.id, "name": i18n.localized(c, "name"), "purposes": [i18n.localized(e, "purpose") for e in c.emails]} for c in writable(directory)],
        "group_id": directory.group_id,
        "group_id_format": i18n.localized(directory.group_id, "description"),
        "limits": MAX_CHARS,
        "csrf_field": CSRF_FIELD,
        "csrf_token": csrf_token(request),
    }
    return render(request, "contact_form.html", context, status)


# Both are GETs, reached by a 303 after the POST: Back and Reload never resubmit.
# no-store, so Back to either page asks the server again and shows the state now.
_FRESH = {"Cache-Control": "no-store"}


async def sent_page(request: Request) -> Response:
    """The confirmation: the state, and the request's details only in the browser that sent it."""
    item = _find(request)
    # A reference read out on the phone reveals no more than the status page.
    mine = item.id in request.session.get(SENT_KEY, [])
    state = _state(request, item, reply_to=str(item.fields.get("email", "")) if mine else "")
    return render(request, "contact_sent.html", _status_context(request, item, state, mine), headers=_FRESH)


async def status_page(request: Request) -> Response:
    """The lasting status link: the reference, the team, the state and the times; never the message or the sender."""
    item = _find(request)
    return render(request, "request_status.html", _status_context(request, item, _state(request, item), False), headers=_FRESH)


def _status_context(request: Request, item: Item, state: State, mine: bool) -> dict[str, Any]:
    # A status link read or shared from a Spanish page opens in Spanish for whoever follows it.
    path = with_language(status_path(item.id))
    directory = services(request).snapshot.directory
    base = services(request).settings.public_base_url or f"{request.url.scheme}://{request.url.netloc}"
    return {
        "item": item,
        "team": i18n.localized(directory.contact(item.contact_id), "name") if directory.has_contact(item.contact_id) else str(item.fields.get("contact_name") or item.contact_id),
        "state": state,
        "mine": mine,
        "status_path": path,
        "status_url": base + path,
    }


def routes() -> list[Route]:
    return [
        Route("/contact", form_page, methods=["GET"]),
        Route("/contact", form_post, methods=["POST"]),
        Route("/contact/sent/{id}", sent_page, methods=["GET"]),
        Route("/requests/{id}", status_page, methods=["GET"]),
        Route("/api/forward", api_forward, methods=["POST"]),
        Route("/api/forward/{id}", api_status, methods=["GET"]),
    ]
