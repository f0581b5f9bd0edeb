""""Whom should I contact?": the search page and /api/route.

Both only format the Decision that rules.route returns.
"""

from __future__ import annotations

from datetime import datetime
from collections import OrderedDict
from typing import Any, Callable
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from routing.channels.web.contacts import requested_instant
from routing.clock import now as clock_now
from routing.errors import RequestError
from routing.core.model import CHANNELS, Directory
from routing.present.json import contact_json, contact_view
from routing.core.rules import Decision, route
from routing.services import Services, services
from routing.core.text import MAX_QUERY_CHARS


def decision_json(decision: Decision, directory: Directory) -> dict[str, Any]:
    at = decision.at
    return {
        "query": decision.query,
        "channel": decision.channel,
        "at": at.astimezone(_zone(directory)).isoformat(),
        "contact": _with_email_advice(contact_json(decision.contact, directory, at)),
        "alternatives": [_with_email_advice(contact_json(c, directory, at)) for c in decision.alternatives],
        "reason": decision.reason,
        "confidence": decision.confidence,
        "confident": decision.confident,
        "fallback": decision.fallback,
        "safety": decision.safety,
        "rule": decision.rule.id if decision.rule else None,
        "topic": {"id": decision.topic.id, "title": decision.topic.title} if decision.topic else None,
        "matched": list(decision.matched),
        "notes": list(decision.notes),
        "self_service": _self_service_json(decision),
        "corrections": [{"typed": typed, "understood": meant} for typed, meant in decision.corrections],
    }


def answer_lines(answer: dict[str, Any]) -> list[str]:
    """A decision as text for the terminal: contact, reason, how to reach it, alternatives."""
    contact = answer["contact"]
    lines = [f"{contact['name']}  ({contact['id']}, confidence {answer['confidence']:.2f})", f"  {answer['reason']}"]
    lines += [f"  {note}" for note in answer["notes"]]
    lines += _reach_lines(contact, indent="  ")
    for alternative in answer["alternatives"]:
        lines.append(f"Also: {alternative['name']}  ({alternative['id']})")
        lines += _reach_lines(alternative, indent="  ")
    return lines


def _reach_lines(card: dict[str, Any], indent: str) -> list[str]:
    lines = [f"{indent}{card['status_line']}"]
    lines += [f"{indent}{phone['instructions']}" for phone in card["phones"]]
    lines += [f"{indent}email {email['address']}: " + " · ".join(filter(None, (email["purpose"], email["advice"]))) for email in card["emails"]]
    lines += [f"{indent}fax {fax['display']}: {fax['purpose']}" for fax in card["faxes"]]
    lines += [f"{indent}{link['url']}" for link in card["links"] if link.get("url")]
    return lines


def _with_email_advice(card: dict[str, Any]) -> dict[str, Any]:
    # The seeds ask employers to include their group name and ID when they write.
    for email in card.get("emails", []):
        include = email.get("include") or []
        email["advice"] = f"Include your {' and '.join(include)}." if include else ""
    return card


def _self_service_json(decision: Decision) -> dict[str, Any] | None:
    found = decision.self_service
    if found is None:
        return None
    return {"contact_id": found.contact.id, "title": found.topic.title, "where": found.topic.where, "url": found.contact.url, "note": found.note}


def _zone(directory: Directory) -> ZoneInfo:
    return ZoneInfo(directory.timezone)


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


class AnswerCache:
    """The last few thousand /api/route bodies, by directory version, question, channel and instant.

    Employers ask the same few questions all day; an answer is pure in its
    key, so a repeat costs a dictionary lookup instead of a search.
    """

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._bodies: OrderedDict[tuple[str, str, str, str], bytes] = OrderedDict()

    def get_or_make(self, key: tuple[str, str, str, str], make: Callable[[], bytes]) -> bytes:
        body = self._bodies.get(key)
        if body is None:
            body = self._bodies[key] = make()
            if len(self._bodies) > self.size:
                self._bodies.popitem(last=False)
        else:
            self._bodies.move_to_end(key)
        return body


async def start(svc: Services) -> None:
    svc.extras["answers"] = AnswerCache()


async def api_route(request: Request) -> Response:
    question, instant, channel = read_question(request.query_params)
    svc = services(request)
    snapshot = svc.snapshot
    directory = snapshot.directory

    def make() -> bytes:
        decision = route(snapshot.index, question, channel, instant)
        return JSONResponse(decision_json(decision, directory)).body

    answers: AnswerCache = svc.extras["answers"]
    body = answers.get_or_make((directory.version, question, channel, instant.isoformat()), make)
    return Response(body, media_type="application/json")


async def search_page(request: Request) -> Response:
    svc = services(request)
    snapshot = svc.snapshot
    context: dict[str, Any] = {"query": request.query_params.get("q", ""), "decision": None, "problem": None}
    if context["query"].strip():
        try:
            question, instant, channel = read_question(request.query_params)
        except RequestError as exc:
            context["problem"] = exc.message
            return svc.templates.TemplateResponse(request, "search.html", context, status_code=400)
        decision = route(snapshot.index, question, channel, instant)
        directory = snapshot.directory
        context["decision"] = decision
        context["answer"] = decision_json(decision, directory)
        context["contact"] = contact_view(decision.contact, directory, instant)
        context["alternatives"] = [contact_view(c, directory, instant) for c in decision.alternatives]
    return svc.templates.TemplateResponse(request, "search.html", context)


def routes() -> list[Route]:
    return [
        Route("/api/route", api_route, methods=["GET"]),
        Route("/search", search_page, methods=["GET"]),
    ]



