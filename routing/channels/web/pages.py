"""The HTML pages: the home page with every contact, and one contact's page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from routing.channels.http import find_contact, render, requested_instant
from routing.present.json import contact_view
from routing.services import services


async def home(request: Request) -> Response:
    svc = services(request)
    instant = requested_instant(request.query_params)
    directory = svc.snapshot.directory
    cards = [contact_view(c, directory, instant) for c in directory.contacts]
    return render(request, "home.html", {"contacts": cards})


async def contact_page(request: Request) -> Response:
    svc = services(request)
    instant = requested_instant(request.query_params)
    directory = svc.snapshot.directory
    contact = find_contact(directory, request.path_params["id"], "the home page")
    return render(request, "contact.html", {"contact": contact_view(contact, directory, instant)})


def routes() -> list[Route]:
    return [
        Route("/", home, methods=["GET"]),
        Route("/contacts/{id}", contact_page, methods=["GET"]),
    ]
