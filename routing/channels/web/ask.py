""""Whom should I contact?": the search page and /api/route.

Both only format the Decision that rules.route returns.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from routing.channels.http import render, requested_instant
from routing.clock import now as clock_now
from routing.core.model import CHANNELS
from routing.core.rules import route
from routing.core.text import MAX_QUERY_CHARS
from routing.errors import RequestError, RoutingError
from routing.present.answers import decision_json, explanation
from routing.present.json import contact_view
from routing.services import services

log = logging.getLogger("routing.ask")


def read_question(params: Any) -> tuple[str, datetime, str]:
    """The question, instant and channel from a query string, or an RequestError saying what is wrong."""
    question = str(params.get("q", "")).strip()
    if not question:
        raise RequestError(400, "Type a question in q, for example q=change our broker of record.", {"q": "required"})
    if len(question) > MAX_QUERY_CHARS:
        raise RequestError(
            400, f"The question is {len(question)} characters long; keep it under {MAX_QUERY_CHARS}.", {"q": "too long"}
        )
    channel = str(params.get("channel", "web")) or "web"
    if channel not in CHANNELS:
        raise RequestError(400, f"channel must be one of: {', '.join(CHANNELS)}.", {"channel": "unknown channel"})
    # To the minute: hours are kept in minutes, and equal instants let answers be reused.
    instant = requested_instant(params) if params.get("at") else clock_now().replace(second=0, microsecond=0)
    return question, instant, channel


async def api_route(request: Request) -> Response:
    question, instant, channel = read_question(request.query_params)
    svc = services(request)
    snapshot = svc.snapshot
    directory = snapshot.directory

    def make() -> bytes:
        decision = route(snapshot.index, question, channel, instant)
        log.info("answered %s: %s", decision.contact.id, explanation(decision))  # how, for staff; never the question itself
        return bytes(JSONResponse(decision_json(decision, directory)).body)

    body = svc.answers.get_or_make((directory.version, question, channel, instant.isoformat()), make)
    return Response(body, media_type="application/json")


async def search_page(request: Request) -> Response:
    svc = services(request)
    snapshot = svc.snapshot
    context: dict[str, Any] = {"query": request.query_params.get("q", ""), "decision": None, "problem": None}
    if context["query"].strip():
        try:
            question, instant, channel = read_question(request.query_params)
        except RoutingError as exc:
            context["problem"] = exc.message
            return render(request, "search.html", context, 400)
        decision = route(snapshot.index, question, channel, instant)
        log.info("answered %s: %s", decision.contact.id, explanation(decision))
        directory = snapshot.directory
        context["decision"] = decision
        context["answer"] = decision_json(decision, directory)
        context["contact"] = contact_view(decision.contact, directory, instant)
        context["alternatives"] = [contact_view(c, directory, instant) for c in decision.alternatives]
    return render(request, "search.html", context)


def routes() -> list[Route]:
    return [
        Route("/api/route", api_route, methods=["GET"]),
        Route("/search", search_page, methods=["GET"]),
    ]



