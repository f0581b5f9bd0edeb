""""Whom should I contact?": the search page and /api/route.

Both only format the Decision that rules.route returns.
"""

from __future__ import annotations

import functools
import logging
import re
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from routing import metrics
from routing.channels.http import LANGUAGE_COOKIE, render, requested_instant
from routing.clock import now as clock_now
from routing.core import i18n
from routing.core.email.language import question_language
from routing.core.i18n import _
from routing.core.model import CHANNELS, ContactKind, Directory
from routing.core.rules import route
from routing.core.text import MAX_QUERY_CHARS
from routing.errors import RequestError, RoutingError
from routing.present.answers import decision_body, decision_json, explanation
from routing.present.json import contact_view
from routing.services import Answer, services
from routing.store.live_directory import Snapshot

# An example is a topic's own title, short enough to read as something typed.
EXAMPLE_CHARS = 40
MAX_EXAMPLES = 6
# "604213", "group 604213", "Group ID: 604213", "#604213": an ID with nothing asked.
_BARE_ID = re.compile(r"(?:(?:group|grp)\s*(?:id|number|no\.?|#)?\s*[:#=]?\s*|#\s*)?([0-9][0-9-]*)", re.IGNORECASE)
_examples: dict[tuple[str, str], list[str]] = {}  # by directory version and language: the topics do not change between reloads


log = logging.getLogger("routing.ask")



def read_question(params: Any) -> tuple[str, datetime, str]:
    """The question, instant and channel from a query string, or an RequestError saying what is wrong."""
    question = str(params.get("q", "")).strip()
    if not question:
        raise RequestError(400, _("Type a question in q, for example q=change our broker of record."), {"q": "required"})
    if len(question) > MAX_QUERY_CHARS:
        raise RequestError(
            400, _("The question is %(count)s characters long; keep it under %(limit)s.") % {"count": len(question), "limit": MAX_QUERY_CHARS}, {"q": "too long"}
        )
    channel = str(params.get("channel", "web")) or "web"
    if channel not in CHANNELS:
        raise RequestError(400, _("channel must be one of: %(channels)s.") % {"channels": ", ".join(CHANNELS)}, {"channel": "unknown channel"})
    # To the minute: hours are kept in minutes, and equal instants let answers be reused.
    instant = requested_instant(params) if params.get("at") else clock_now().replace(second=0, microsecond=0)
    return question, instant, channel


def answer_language(request: Request, question: str) -> str:
    """The language to answer in: a question written in Spanish is answered in Spanish, whatever the page was in.

    Only an explicit ``?lang=`` in the request overrules it (a link or a form that chose its language).
    """
    if LANGUAGE_COOKIE in request.query_params or not question.strip():
        return i18n.current()
    found = question_language(question[:MAX_QUERY_CHARS])
    return found if found != i18n.SOURCE else i18n.current()


async def api_route(request: Request) -> Response:
    with i18n.speaking(answer_language(request, str(request.query_params.get("q", "")))):
        return await _api_route(request)


async def _api_route(request: Request) -> Response:
    question, instant, channel = read_question(request.query_params)
    svc = services(request)
    snapshot = svc.snapshot
    directory = snapshot.directory

    def make() -> Answer:
        decision = route(snapshot.index, question, channel, instant)
        if log.isEnabledFor(logging.INFO):  # the explanation is built only for a log that keeps it
            log.info("answered %s: %s", decision.contact.id, explanation(decision))  # how, for staff; never the question itself
        return Answer(decision_body(decision, directory), decision.contact.id, decision.fallback)

    answer = svc.answers.get_or_make((directory.version, i18n.current(), question, channel, instant.isoformat()), make)
    _decisions(answer.contact_id, answer.fallback).inc()
    return Response(answer.body, media_type="application/json")


@functools.lru_cache(maxsize=1024)
def _decisions(contact_id: str, fallback: bool) -> Any:
    """The decisions counter for one contact: ``labels()`` checks and locks on every call, the child it returns does not."""
    return metrics.route_decisions.labels(contact_id, str(fallback).lower())


def example_questions(snapshot: Snapshot, instant: datetime) -> list[str]:
    """A few questions to try, from the directory's own topics: each contact's first short topic title,
    kept only if asking it really finds that contact (so an edited directory cannot offer a dead end).
    In Spanish the titles are the directory's Spanish ones, asked in Spanish."""
    directory = snapshot.directory
    key = (directory.version, i18n.current())
    if key not in _examples:
        found: list[str] = []
        for contact in directory.contacts:
            if contact.kind is ContactKind.EMERGENCY_LINE:
                continue
            titles = (str(i18n.localized(topic, "title")) for topic in contact.topics)
            title = next((t for t in titles if len(t) <= EXAMPLE_CHARS), None)
            if title is None:
                continue
            decision = route(snapshot.index, title, "web", instant)
            if decision.contact.id == contact.id and decision.confident and not (decision.fallback or decision.offtopic):
                found.append(title)
        for stale in [k for k in _examples if k[0] != directory.version]:
            del _examples[stale]
        _examples[key] = found[:MAX_EXAMPLES]
    return _examples[key]


def as_typed(title: str) -> str:
    """A title as someone would type it: "Broker of record changes" -> "broker of record changes", "COBRA" kept."""
    return title[:1].lower() + title[1:] if title[1:2].islower() else title


def bare_group_id(question: str, directory: Directory) -> str | None:
    """The group ID when that is all the question holds (nothing to route on), else None."""
    found = _BARE_ID.fullmatch(question.strip())
    if found and re.fullmatch(directory.group_id.pattern, found.group(1)):
        return found.group(1)
    return None


async def search_page(request: Request) -> Response:
    with i18n.speaking(answer_language(request, request.query_params.get("q", ""))):
        return await _search_page(request)


async def _search_page(request: Request) -> Response:
    svc = services(request)
    snapshot = svc.snapshot
    query = request.query_params.get("q", "")
    instant = clock_now().replace(second=0, microsecond=0)
    context: dict[str, Any] = {
        "query": query,
        "decision": None,
        "problem": None,
        "examples": [as_typed(e) for e in example_questions(snapshot, instant)],
        "max_query": MAX_QUERY_CHARS,
    }
    context["group_id"] = bare_group_id(query, snapshot.directory) if len(query) <= MAX_QUERY_CHARS else None
    # A bare group ID has nothing to route on: the page asks what the group needs instead of guessing.
    if query.strip() and not context["group_id"]:
        try:
            question, instant, channel = read_question(request.query_params)
        except RoutingError as exc:
            context["problem"] = exc.message
            return render(request, "search.html", context, 400)
        decision = route(snapshot.index, question, channel, instant)
        log.info("answered %s: %s", decision.contact.id, explanation(decision))
        metrics.route_decisions.labels(decision.contact.id, str(decision.fallback).lower()).inc()
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



