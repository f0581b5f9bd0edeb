"""Request plumbing every web channel shares: one of each.

The body reader with its size limit, the content-type check, ``?at=``, the
contact look-up, CSRF tokens, the client's key for rate limits, the one staff
guard, and the one error handler that renders every ``RoutingError``.

Sessions are Starlette's signed cookies; the signing key is SESSION_SECRET
(generated per process when unset, so it never has a default).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hmac
import logging
import re
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import quote, unquote_plus

import orjson
from markupsafe import Markup
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from routing.clock import now
from routing.core import i18n, wording
from routing.core.i18n import N_, _
from routing.core.instants import parse_instant
from routing.core.model import Contact, Directory
from routing.errors import RequestError, RoutingError
from routing.services import Services, services
from routing.store.staff_accounts import BOOTSTRAP

log = logging.getLogger("routing")

CSRF_FIELD = "csrf_token"
STAFF_KEY = "staff"  # the cookie's staff session token; the session itself is on the server
STAFF_SIGN_IN = N_("This needs staff access: sign in at /staff/login, or send the header Authorization: Bearer <STAFF_PASSWORD>.")

Endpoint = Callable[[Request], Awaitable[Response]]


# --- reading a request ----------------------------------------------------------------


def require_content_type(request: Request, expected: str, message: str) -> None:
    """Refuse with a 415 and ``message`` unless the body is ``expected`` (parameters such as charset ignored)."""
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != expected:
        raise RequestError(415, message)


def _refuse_declared_length(request: Request, limit: int, too_large: str, *, required: bool = False) -> None:
    declared = request.headers.get("content-length", "")
    if required and not declared.isdigit():
        raise RequestError(411, _("Send the form from its page; this request did not say how big it is."))
    if declared.isdigit() and int(declared) > limit:
        raise RequestError(413, too_large)


async def read_limited(request: Request, limit: int, too_large: str) -> bytes:
    """The request body, refused with a 413 saying ``too_large`` as soon as it passes ``limit`` bytes.

    The declared length is checked first, and the stream is counted as it
    arrives, so an oversized body is never held in memory whole.
    """
    _refuse_declared_length(request, limit, too_large)
    chunks: list[bytes] = []
    size = 0
    async with _deadline(request):
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise RequestError(413, too_large)
            chunks.append(chunk)
    return b"".join(chunks)


@contextlib.asynccontextmanager
async def _deadline(request: Request) -> AsyncIterator[None]:
    """BODY_TIMEOUT for the whole body: a client sending a byte every few seconds cannot hold a connection open."""
    seconds = services(request).settings.body_timeout
    try:
        async with asyncio.timeout(seconds or None):
            yield
    except TimeoutError:
        raise RequestError(408, _("The request took longer than %(seconds)s seconds to arrive. Check your connection and send it again.") % {"seconds": f"{seconds:g}"}) from None


async def read_form(request: Request, limit: int, too_large: str) -> FormData:
    """A posted form (urlencoded or multipart with one file), refused with a sentence when it is too big or unreadable."""
    _refuse_declared_length(request, limit + 1024, too_large, required=True)
    try:
        async with _deadline(request):
            return await request.form(max_files=1, max_fields=20, max_part_size=limit + 1024)
    except RequestError:
        raise
    except Exception:  # Starlette reports a malformed body as an HTTP 400 with a technical detail
        raise RequestError(400, _("The form could not be read. Reload the page and send it again.")) from None


def requested_instant(params: Mapping[str, str]) -> datetime:
    """The instant to evaluate hours at: ``?at=`` when given, else the clock."""
    at = params.get("at")
    return _parsed_instant(at) if at else now()


# Clients that pass ?at= repeat the same few instants; a datetime is immutable, and a refusal is never cached.
_parsed_instant = functools.lru_cache(maxsize=256)(parse_instant)


def find_contact(directory: Directory, contact_id: str, listing: str) -> Contact:
    try:
        return directory.contact(contact_id)
    except KeyError:
        raise RequestError(404, _("No contact has the id '%(id)s'. See %(listing)s for the list.") % {"id": contact_id, "listing": _(listing)}) from None


def client_key(request: Request) -> str:
    return request.client.host if request.client else "unknown"


# --- CSRF -------------------------------------------------------------------------------


def csrf_token(request: Request) -> str:
    token = request.session.get(CSRF_FIELD)
    if not token:
        token = secrets.token_urlsafe(24)
        request.session[CSRF_FIELD] = token
    return str(token)


def check_csrf(request: Request, form: Mapping[str, object]) -> None:
    expected = request.session.get(CSRF_FIELD, "")
    sent = form.get(CSRF_FIELD, "")
    if not expected or not isinstance(sent, str) or not hmac.compare_digest(str(expected), sent):
        raise RequestError(403, _("This form has expired or did not come from this site. Reload the page and send it again."))


# --- staff --------------------------------------------------------------------------------


def password_matches(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


API_USER = "API (STAFF_PASSWORD)"  # who a request with the Bearer token is, in the audit trail


def signed_in_as(request: Request) -> str | None:
    """The staff member this browser is signed in as, or None.

    A bootstrap session (the shared STAFF_PASSWORD) ends once a named account
    exists, even one made on another machine sharing the database.
    """
    token = request.session.get(STAFF_KEY)
    if not isinstance(token, str):
        return None
    svc = services(request)
    user = svc.staff_sessions.who(token)
    if user == BOOTSTRAP and svc.staff_accounts.exist():
        return None
    return user


def staff_user(request: Request) -> str | None:
    """Who is asking: a signed-in staff member, a script sending ``Authorization: Bearer <STAFF_PASSWORD>``, or None."""
    user = signed_in_as(request)
    if user is not None:
        return user
    scheme, _space, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    # Wrong tokens share the sign-in form's budget. Once it is spent every
    # token is refused, the right one too, so a 200 cannot confirm a guess.
    svc = services(request)
    svc.staff_logins.refuse_if_over(client_key(request))
    if password_matches(token.strip(), svc.settings.staff_password):
        return API_USER
    svc.staff_logins.check(client_key(request))
    return None


def is_staff(request: Request) -> bool:
    return staff_user(request) is not None


def staff_only(*, page: bool) -> Callable[[Endpoint], Endpoint]:
    """The one staff guard: a page redirects to the sign-in and comes back; anything else gets a 401."""

    def guard(endpoint: Endpoint) -> Endpoint:
        @functools.wraps(endpoint)
        async def guarded(request: Request) -> Response:
            user = staff_user(request)
            if user is None:
                if page and request.method == "GET":
                    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                    return RedirectResponse(with_language(f"/staff/login?next={quote(target)}"), status_code=303)
                raise RequestError(401, _(STAFF_SIGN_IN))
            request.state.staff_user = user  # who the audit trail names
            return await endpoint(request)

        return guarded

    return guard


# --- answering ------------------------------------------------------------------------------


LANGUAGE_NAMES = {"en": "English", "es": "Español"}  # each in its own words: the switch reads the same in every language
SWITCH_PATH = "/language"


def with_language(url: str, language: str | None = None) -> str:
    """``url`` carrying the page's language when it is not the source, so a shared link opens in the same language.

    English addresses stay exactly as they were; an address that already names a language is left alone.
    """
    language = language or i18n.current()
    if language == i18n.SOURCE or not url.startswith("/"):
        return url
    path, hash_mark, fragment = url.partition("#")
    base, _question, query = path.partition("?")
    if any(part.split("=", 1)[0] == LANGUAGE_COOKIE for part in query.split("&")):
        return url
    query = f"{query}&{LANGUAGE_COOKIE}={language}" if query else f"{LANGUAGE_COOKIE}={language}"
    return f"{base}?{query}{hash_mark}{fragment}"


def without_language(query: str) -> str:
    """A query string with any ``lang`` removed, the rest kept as it was sent."""
    return "&".join(part for part in query.split("&") if part and part.split("=", 1)[0] != LANGUAGE_COOKIE)


def chosen_language(request: Request) -> str:
    """The language the request chose (address, cookie, browser), before any question's own language."""
    return str(request.scope.get("state", {}).get("language", i18n.current()))


def language_switch(request: Request) -> list[dict[str, object]]:
    """The "Español / English" links: each sets the ``lang`` cookie and comes back to this page and query."""
    here = request.url.path
    query = without_language(request.url.query)
    back = here + (f"?{query}" if query else "")
    current = i18n.current()
    return [
        {"code": code, "name": LANGUAGE_NAMES.get(code, code), "current": code == current, "href": f"{SWITCH_PATH}?to={code}&next={quote(back, safe='')}"}
        for code in i18n.LANGUAGES
    ]


def language_field(request: Request | None = None) -> Markup:
    """The hidden ``lang`` field a GET form carries on a page in a language other than the source.

    Not on a page answered in Spanish only because its question was written in Spanish: the next question
    is read for its own language again.
    """
    language = i18n.current()
    if language == i18n.SOURCE or (request is not None and language != chosen_language(request)):
        return Markup("")
    return Markup('<input type="hidden" name="{}" value="{}">').format(LANGUAGE_COOKIE, language)


def either(items: Sequence[str]) -> str:
    """ "a, b, or c" in the page's language: the examples a search box offers."""
    items = list(items)
    if len(items) < 2:
        return "".join(items)
    return _("%(first)s, or %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


def contracted(text: str) -> str:
    """A template's sentence with the words its language joins ("a el Centro" is "al Centro"), still markup if it was."""
    joined = wording.contracted(str(text))
    return Markup(joined) if isinstance(text, Markup) else joined


def page_context(request: Request) -> dict[str, Any]:
    """What every page's layout shows, the error page included (a Jinja context processor)."""
    snapshot = services(request).snapshot
    return {
        "directory_version": snapshot.directory.version,
        "directory_loaded_at": snapshot.loaded_at,
        "holiday_default": bool(snapshot.directory.holidays.rules and snapshot.directory.holidays.note),
        "language": i18n.current(),
        "language_switch": language_switch(request),
        "lang_url": functools.partial(with_language, language=chosen_language(request)),
        "lang_field": functools.partial(language_field, request),
        "either": either,
        "contracted": contracted,
        "number": i18n.number,
    }


def render(request: Request, template: str, context: Mapping[str, Any], status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    svc: Services = services(request)
    return svc.templates.TemplateResponse(request, template, dict(context), status_code=status, headers=headers)


def json_bytes(content: Any) -> bytes:
    """``content`` as JSON, byte for byte what Starlette's JSONResponse writes (compact, UTF-8), only faster."""
    return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)


class FastJSONResponse(JSONResponse):
    """A JSONResponse encoded with orjson: the same body, in a fraction of the time."""

    def render(self, content: Any) -> bytes:
        return json_bytes(content)


def wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path in ("/healthz", "/readyz", "/metrics", "/openapi.json") or "application/json" in request.headers.get("accept", "").split(",")[0]


_HTTP_MESSAGES = {
    404: N_("There is no page at this address. Check the link, or start from the home page."),
    405: N_("This address does not accept that kind of request."),
}


async def handle_error(request: Request, exc: Exception) -> Response:
    """The web's one error handler: JSON for the API, the error page for people."""
    headers: Mapping[str, str] | None = None
    if isinstance(exc, HTTPException):
        headers = exc.headers  # a 405 must say which methods the address takes (Allow, RFC 9110)
        exc = RequestError(exc.status_code, _(_HTTP_MESSAGES[exc.status_code]) if exc.status_code in _HTTP_MESSAGES else exc.detail)
    if not isinstance(exc, RoutingError):
        # One line here; the server logs the traceback itself once the response is sent.
        log.error("unexpected error on %s %s: %s", request.method, request.url.path, type(exc).__name__)
        exc = RequestError(500, _("Something went wrong on our side. Please try again in a minute."))
    if isinstance(exc, RequestError) and exc.headers:
        headers = {**(headers or {}), **exc.headers}
    exc.message = said(exc)
    if wants_json(request):
        return JSONResponse(error_json(exc), status_code=exc.status, headers=headers)
    return render(request, "error.html", {"error": exc}, exc.status, headers)


def said(exc: RoutingError) -> str:
    """The error's sentence in the request's language.

    The layer below the core (``routing.errors``) cannot look up a catalog, so its errors carry their
    English template and values, and are translated here, where they are shown. A sentence that was
    translated where it was raised is not in the catalog and comes back as it is.
    """
    if exc.template:
        return _(exc.template) % exc.params
    return _(exc.message)


# The form and the API share one validation, whose summary is worded for the
# page ("the 2 fields marked below"); a program has no page to look at.
_POINTS_AT_THE_PAGE = re.compile(r"\b(marked|below|above|marcados?|abajo|arriba)\b", re.IGNORECASE)


def error_json(exc: RoutingError) -> dict[str, object]:
    """The JSON error, where a summary that points at the page's layout names the fields instead."""
    body = exc.as_json()
    if exc.fields and _POINTS_AT_THE_PAGE.search(exc.message):
        names = [f"“{name}”" for name in exc.fields]
        if len(names) == 1:
            message = _("Please correct %(field)s and send the request again; “fields” says what is wrong with it.") % {"field": names[0]}
        else:
            message = _("Please correct %(fields)s and %(last)s and send the request again; “fields” says what is wrong with each.") % {
                "fields": ", ".join(names[:-1]),
                "last": names[-1],
            }
        body = {"error": {"status": exc.status, "message": message, "fields": exc.fields}}
    return body


# Headers that make injected markup inert even if escaping ever slipped; ``ops.RequestIds`` puts them on every response.
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
)

# The JSON endpoints programs call most: their handlers never read or write a
# session, so they skip the cookie's parsing and signing (an empty one is there
# all the same, so a read finds nothing rather than failing).
SESSIONLESS = frozenset({"/api/route", "/api/forward"})


class Sessions(SessionMiddleware):
    """Starlette's signed-cookie sessions, except on ``SESSIONLESS`` paths."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (scope["path"] in SESSIONLESS or scope["path"].startswith("/api/forward/")):
            scope["session"] = {}
            await self.app(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


LANGUAGE_COOKIE = "lang"


def _lang_in(query: str) -> str | None:
    """The ``lang`` a query string names, read from its own field only: a query of any length is no error."""
    for part in query.split("&"):
        key, _, value = part.partition("=")
        if key == LANGUAGE_COOKIE:
            return unquote_plus(value)
    return None


def scope_language(scope: Scope) -> str:
    """The language a request asked for: ``?lang=``, then the ``lang`` cookie, then ``Accept-Language``.

    Phone callbacks and shared links carry ``lang`` in their address, so a call or a link keeps its
    language whoever opens it; a page's switch sets the cookie.
    """
    asked = None
    query = scope.get("query_string", b"")
    if b"lang=" in query:
        asked = _lang_in(query.decode("latin-1"))
    cookie = accept = None
    for name, value in scope.get("headers", ()):
        if name == b"cookie" and LANGUAGE_COOKIE.encode() in value:
            for part in value.decode("latin-1").split(";"):
                key, _, found = part.strip().partition("=")
                if key == LANGUAGE_COOKIE:
                    cookie = found
        elif name == b"accept-language":
            accept = value.decode("latin-1")
    return i18n.choose(asked, cookie, accept)


class Language:
    """Everything a request says is in the language it asked for (see ``scope_language``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        language = scope_language(scope)
        scope.setdefault("state", {})["language"] = language
        with i18n.speaking(language):
            await self.app(scope, receive, send)
