"""The phone channel: Twilio's voice webhooks, and the phone tree as JSON and as a page.

Twilio calls ``POST /ivr/voice`` when a call comes in, then the Gather actions
and Redirects that ``ivr.py`` writes into each answer. Every webhook is checked
against ``X-Twilio-Signature`` first; the TwiML itself is built in ``ivr.py``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from urllib.parse import parse_qsl

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from twilio.request_validator import SIGNATURE_HEADER, SIGNATURE_SETTINGS_HEADER, RequestValidator, get_signature_algorithm
from twilio.twiml.voice_response import VoiceResponse

from routing import metrics
from routing.channels.http import read_limited, render, requested_instant
from routing.channels.ivr import twiml as ivr
from routing.clock import now
from routing.core import i18n
from routing.core.i18n import N_, _
from routing.core.rules import route
from routing.present.phone_tree import phone_tree
from routing.services import services
from routing.settings import Settings
from routing.store.live_directory import Snapshot

log = logging.getLogger("routing.ivr")

TWIML = "text/xml"
WEBHOOK_LIMIT = 64_000
FORBIDDEN = N_(
    "This request is not signed by Twilio, so it was refused. Point the number's voice webhook at "
    "PUBLIC_BASE_URL/ivr/voice and set TWILIO_AUTH_TOKEN to the account's auth token."
)

# One step of a call: the request, its form, the directory and index in service, and the instant.
Turn = Callable[[Request, FormData, Snapshot, datetime], VoiceResponse]


def signed_url(request: Request, settings: Settings) -> str:
    """The URL Twilio signed: behind a proxy that is the public address, not the one the app sees."""
    raw_path = request.scope.get("raw_path")
    path = raw_path.decode("latin-1") if raw_path else request.url.path
    query = request.scope.get("query_string", b"").decode("latin-1")
    base = settings.public_base_url or f"{request.url.scheme}://{request.url.netloc}"
    return f"{base}{path}" + (f"?{query}" if query else "")


def signed_by_twilio(request: Request, form: FormData, settings: Settings) -> bool:
    if not settings.twilio_auth_token:
        return True  # local development only; the app warns at start
    signature = request.headers.get(SIGNATURE_HEADER, "")
    if not signature:
        return False
    # Webhooks signed with a SharedKey say which HMAC they used; the legacy
    # auth-token signature (no header) is HMAC-SHA1.
    algorithm = get_signature_algorithm(request.headers.get(SIGNATURE_SETTINGS_HEADER, ""))
    return bool(RequestValidator(settings.twilio_auth_token).validate(signed_url(request, settings), form, signature, algorithm=algorithm))


def webhook(turn: Turn) -> Callable[[Request], Awaitable[Response]]:
    """A Twilio webhook: check the signature, then answer with the TwiML ``turn`` builds."""

    async def endpoint(request: Request) -> Response:
        svc = services(request)
        # Twilio posts a few dozen short fields; anything far bigger is not Twilio.
        # Read with a size limit and a deadline, then parsed as the urlencoded form Twilio posts.
        body = await read_limited(request, WEBHOOK_LIMIT, _("This request is too large to be a Twilio webhook."))
        fields: list[tuple[str, str | UploadFile]] = [*parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)]
        form = FormData(fields)
        if not signed_by_twilio(request, form, svc.settings):
            log.warning("refused an unsigned or wrongly signed request for %s", signed_url(request, svc.settings))
            return PlainTextResponse(_(FORBIDDEN), status_code=403)
        snapshot = svc.snapshot  # one version of the directory for the whole turn, even mid-reload
        instant = now()
        # The call's language is the one its callback URL carries, never the request's headers:
        # a call that chose Spanish stays in Spanish, and one that did not stays in English.
        language = ivr.CallState.from_query(request.query_params, snapshot.directory).language
        with i18n.speaking(language):
            try:
                answer = turn(request, form, snapshot, instant)
            except Exception:
                # A caller must never hear Twilio's "application error": put them
                # through to the general line (or its after-hours message) instead.
                log.exception("the phone menu failed on %s; sending the caller to the general line", request.url.path)
                answer = ivr.give_up(snapshot.directory, instant, lead=(_("Sorry, something went wrong on our side."),))
        return Response(str(answer), media_type=TWIML)

    return endpoint


def _field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def incoming(request: Request, form: FormData, snapshot: Snapshot, instant: datetime) -> VoiceResponse:
    metrics.ivr_calls.inc()  # the first webhook of a call, after its signature was checked
    return ivr.menu(snapshot.directory, ivr.CallState())


def replay(request: Request, form: FormData, snapshot: Snapshot, instant: datetime) -> VoiceResponse:
    return ivr.silence(snapshot.directory, ivr.CallState.from_query(request.query_params, snapshot.directory), instant)


def answered(request: Request, form: FormData, snapshot: Snapshot, instant: datetime) -> VoiceResponse:
    directory = snapshot.directory
    state = ivr.CallState.from_query(request.query_params, directory)
    digits, speech = _field(form, "Digits"), _field(form, "SpeechResult")
    if digits:
        return ivr.pressed(directory, digits, state, instant)
    if speech:
        language = ivr.said_language(directory, speech, state)
        if language is not None:
            return ivr.choose_language(directory, language, state)
        decision = route(snapshot.index, speech, "ivr", instant)
        metrics.route_decisions.labels(decision.contact.id, str(decision.fallback).lower()).inc()
        return ivr.heard(directory, decision, state, instant)
    return ivr.silence(directory, state.failed(), instant)


def chose(request: Request, form: FormData, snapshot: Snapshot, instant: datetime) -> VoiceResponse:
    """The answer to an either/or prompt: a key, a few words, or nothing (the better fit)."""
    state = ivr.CallState.from_query(request.query_params, snapshot.directory)
    digits, speech = _field(form, "Digits"), _field(form, "SpeechResult")
    decision = route(snapshot.index, speech, "ivr", instant) if speech and not digits else None
    return ivr.chosen(snapshot.directory, state, digits, decision, instant)


def transferred(request: Request, form: FormData, snapshot: Snapshot, instant: datetime) -> VoiceResponse:
    return ivr.transfer(snapshot.directory, request.query_params.get("to", ""), _field(form, "Digits"), instant)


# -- the phone tree -------------------------------------------------------------------


async def tree_json(request: Request) -> Response:
    instant = requested_instant(request.query_params)
    return JSONResponse(phone_tree(services(request).snapshot.directory, instant))


async def tree_page(request: Request) -> Response:
    svc = services(request)
    instant = requested_instant(request.query_params)
    return render(request, "ivr.html", {"tree": phone_tree(svc.snapshot.directory, instant)})


def routes() -> list[Route]:
    return [
        Route("/ivr/voice", webhook(incoming), methods=["POST"]),
        Route(ivr.MENU_PATH, webhook(replay), methods=["POST"]),
        Route(ivr.GATHER_PATH, webhook(answered), methods=["POST"]),
        Route(ivr.TRANSFER_PATH, webhook(transferred), methods=["POST"]),
        Route(ivr.CHOOSE_PATH, webhook(chose), methods=["POST"]),
        Route("/api/ivr", tree_json, methods=["GET"]),
        Route("/ivr", tree_page, methods=["GET"]),
    ]
