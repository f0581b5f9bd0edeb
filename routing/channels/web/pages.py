"""The HTML pages: the home page with every contact, one contact's page, and the site's icon."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from routing.channels.http import find_contact, render, requested_instant
from routing.channels.web.ask import as_typed, example_questions
from routing.core.text import MAX_QUERY_CHARS
from routing.present.json import contact_view
from routing.services import services
from routing.settings import ROOT

ICON = ROOT / "static" / "favicon.svg"
HINT_EXAMPLES = 3


async def home(request: Request) -> Response:
    svc = services(request)
    instant = requested_instant(request.query_params)
    directory = svc.snapshot.directory
    cards = [contact_view(c, directory, instant) for c in directory.contacts]
    examples = [as_typed(e) for e in example_questions(svc.snapshot, instant)][:HINT_EXAMPLES]
    return render(request, "home.html", {"contacts": cards, "examples": examples, "max_query": MAX_QUERY_CHARS})


async def contact_page(request: Request) -> Response:
    svc = services(request)
    instant = requested_instant(request.query_params)
    directory = svc.snapshot.directory
    contact = find_contact(directory, request.path_params["id"], "the home page")
    return render(request, "contact.html", {"contact": contact_view(contact, directory, instant)})


async def favicon(request: Request) -> Response:
    # Browsers ask for /favicon.ico whatever the page links; they read the SVG by its content type.
    return FileResponse(ICON, media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"})


def routes() -> list[Route]:
    return [
        Route("/", home, methods=["GET"]),
        Route("/contacts/{id}", contact_page, methods=["GET"]),
        Route("/favicon.ico", favicon, methods=["GET"]),
    ]
