"""POST /api/triage: a raw email in, its triage out as JSON (and stored for the console).

It reads internal mail, so it is staff-only: the staff session cookie (from
the console) or ``Authorization: Bearer <STAFF_PASSWORD>`` (for scripts and a
mail server's pipe). A cross-site page cannot use the cookie: it is
SameSite=strict, and ``message/rfc822`` is not a content type a form can send
without a CORS preflight, which this app never approves.
"""

from __future__ import annotations

import asyncio
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from routing.clock import now
from routing.errors import RequestError
from routing.core.email.parse import parse
from routing.channels.http import RateLimiter, client_key, is_staff, password_matches, read_limited
from routing.services import Services, services
from routing.core.email.triage import triage
from routing.store.triage_log import Record, TriageStore


def store_of(svc: Services) -> TriageStore:
    store = svc.extras.get("triage_store")
    if store is None:
        raise RequestError(503, "The triage log is not open yet. Try again in a minute.")
    return store  # type: ignore[no-any-return]


def authorised(request: Request) -> bool:
    if is_staff(request):
        return True
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return False
    # Wrong tokens share the sign-in form's budget. Once it is spent every
    # token is refused, the right one too, so a 200 cannot confirm a guess.
    svc = services(request)
    attempts: RateLimiter = svc.extras["staff_logins"]
    attempts.refuse_if_over(client_key(request))
    if password_matches(token.strip(), svc.settings.staff_password):
        return True
    attempts.check(client_key(request))
    return False


def _require(request: Request) -> None:
    if not authorised(request):
        raise RequestError(401, "This needs staff access: sign in at /staff/login, or send the header Authorization: Bearer <STAFF_PASSWORD>.")


async def triage_and_store(svc: Services, raw: bytes, source: str) -> tuple[Record, bool]:
    # Triage runs on the event loop: the search index's searcher is shared, and
    # one email takes milliseconds. Only the SQLite write goes to a thread.
    result = triage(parse(raw), svc.snapshot.index, now())
    return await asyncio.to_thread(store_of(svc).add, raw, result.as_json(), source)


async def api_triage(request: Request) -> Response:
    _require(request)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "message/rfc822":
        raise RequestError(415, "Send the raw email as the body, with the header Content-Type: message/rfc822.")
    svc = services(request)
    limit = svc.settings.max_message_bytes
    raw = await read_limited(request, limit, f"This email is larger than the {limit:,} bytes we accept (MAX_MESSAGE_BYTES). Remove big attachments and send it again.")
    record, created = await triage_and_store(svc, raw, "api")
    return JSONResponse(_body(record, duplicate=not created))


async def api_get(request: Request) -> Response:
    _require(request)
    record = store_of(services(request)).get(request.path_params["id"].strip().upper())
    if record is None:
        raise RequestError(404, "There is no triaged email with that id. POST the email to /api/triage first.")
    return JSONResponse(_body(record))


def _body(record: Record, duplicate: bool = False) -> dict[str, object]:
    body: dict[str, object] = {"id": record.id, "status": record.status, "url": f"/staff/messages/{record.id}", **record.result}
    if duplicate:
        body["duplicate"] = True
    return body


async def original(request: Request) -> Response:
    """The stored email byte for byte, to open in a mail program or send on by hand."""
    if not authorised(request):
        return RedirectResponse(f"/staff/login?next={quote(request.url.path)}", status_code=303)
    record = store_of(services(request)).get(request.path_params["id"].strip().upper())
    if record is None:
        raise RequestError(404, "There is no triaged email with that reference. Go back to the list of triaged emails.")
    return Response(record.raw, media_type="message/rfc822", headers={"content-disposition": f'attachment; filename="{record.id}.eml"'})


def routes() -> list[Route]:
    return [
        Route("/api/triage", api_triage, methods=["POST"]),
        Route("/api/triage/{id}", api_get, methods=["GET"]),
    ]
