"""POST /api/triage: a raw email in, its triage out as JSON (and stored for the console).

It reads internal mail, so it is staff-only: the staff session cookie (from
the console) or ``Authorization: Bearer <STAFF_PASSWORD>`` (for scripts and a
mail server's pipe). A cross-site page cannot use the cookie: it is
SameSite=strict, and ``message/rfc822`` is not a content type a form can send
without a CORS preflight, which this app never approves.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from routing.channels.http import read_limited, require_content_type, staff_only
from routing.clock import now
from routing.core.i18n import _
from routing.delivery.intake import take_in
from routing.errors import RequestError
from routing.services import services
from routing.store.triage_log import Record


@staff_only(page=False)
async def api_triage(request: Request) -> Response:
    require_content_type(request, "message/rfc822", _("Send the raw email as the body, with the header Content-Type: message/rfc822."))
    svc = services(request)
    limit = svc.settings.max_message_bytes
    raw = await read_limited(
        request, limit, _("This email is larger than the %(limit)s bytes we accept (MAX_MESSAGE_BYTES). Remove big attachments and send it again.") % {"limit": f"{limit:,}"}
    )
    record, created = await take_in(svc.triage_log, raw, svc.snapshot.index, now(), "api", mailroom=svc.mailroom)
    return JSONResponse(_body(record, duplicate=not created))


@staff_only(page=False)
async def api_get(request: Request) -> Response:
    record = services(request).triage_log.get(request.path_params["id"].strip().upper())
    if record is None:
        raise RequestError(404, _("There is no triaged email with that id. POST the email to /api/triage first."))
    return JSONResponse(_body(record))


def _body(record: Record, duplicate: bool = False) -> dict[str, object]:
    body: dict[str, object] = {"id": record.id, "status": record.status, "url": f"/staff/messages/{record.id}", **record.result}
    if duplicate:
        body["duplicate"] = True
    return body


@staff_only(page=True)
async def original(request: Request) -> Response:
    """The stored email byte for byte, to open in a mail program or send on by hand."""
    record = services(request).triage_log.get(request.path_params["id"].strip().upper())
    if record is None:
        raise RequestError(404, _("There is no triaged email with that reference. Go back to the list of triaged emails."))
    return Response(record.raw, media_type="message/rfc822", headers={"content-disposition": f'attachment; filename="{record.id}.eml"'})


def routes() -> list[Route]:
    return [
        Route("/api/triage", api_triage, methods=["POST"]),
        Route("/api/triage/{id}", api_get, methods=["GET"]),
        Route("/staff/messages/{id}/original", original, methods=["GET"]),
    ]
