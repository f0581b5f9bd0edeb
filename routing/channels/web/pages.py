"""The HTML pages: the home page with every contact, and one contact's page."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from routing.channels.web.contacts import find_contact, requested_instant
from routing.present.json import contact_view
from routing.services import services


def page_context(request: Request) -> dict[str, Any]:
    """What every page's layout shows, the error page included (a Jinja context processor)."""
    snapshot = services(request).snapshot
    return {"directory_version": snapshot.directory.version, "directory_loaded_at": snapshot.loaded_at}


async def home(request: Request) -> Response:
    svc = services(request)
    instant = requested_instant(request.query_params)
    directory = svc.snapshot.directory
    cards = [contact_view(c, directory, instant) for c in directory.contacts]
    return svc.templates.TemplateResponse(request, "home.html", {"contacts": cards})


async def contact_page(request: Request) -> Response:
    svc = services(request)
    instant = requested_instant(request.query_params)
    directory = svc.snapshot.directory
    contact = find_contact(directory, request.path_params["id"], "the home page")
    return svc.templates.TemplateResponse(request, "contact.html", {"contact": contact_view(contact, directory, instant)})


def routes() -> list[Route]:
    return [
        Route("/", home, methods=["GET"]),
        Route("/contacts/{id}", contact_page, methods=["GET"]),
    ]
