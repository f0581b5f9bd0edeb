"""The JSON API for contacts, and the health check."""

from __future__ import annotations

from datetime import datetime
from typing import Mapping

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from routing.clock import now

from routing.core.instants import parse_instant

from routing.errors import BadInstant
from routing.errors import RequestError
from routing.core.model import Contact, Directory
from routing.present.json import contact_json
from routing.services import services


def requested_instant(params: Mapping[str, str]) -> datetime:
    """The instant to evaluate hours at: ``?at=`` when given, else the clock."""
    at = params.get("at")
    if not at:
        return now()
    try:
        return parse_instant(at)
    except BadInstant as exc:
        raise RequestError(400, str(exc), {"at": "not ISO-8601 with an offset"}) from None


def find_contact(directory: Directory, contact_id: str, listing: str) -> Contact:
    try:
        return directory.contact(contact_id)
    except KeyError:
        raise RequestError(404, f"No contact has the id '{contact_id}'. See {listing} for the list.") from None


async def list_contacts(request: Request) -> Response:
    instant = requested_instant(request.query_params)
    directory = services(request).snapshot.directory
    return JSONResponse([contact_json(c, directory, instant) for c in directory.contacts])


async def one_contact(request: Request) -> Response:
    instant = requested_instant(request.query_params)
    directory = services(request).snapshot.directory
    contact = find_contact(directory, request.path_params["id"], "/api/contacts")
    return JSONResponse(contact_json(contact, directory, instant))


async def health(request: Request) -> Response:
    # 200 even when a reload was refused: the last good directory is still serving.
    return JSONResponse(services(request).store.health())


def routes() -> list[Route]:
    return [
        Route("/api/contacts", list_contacts, methods=["GET"]),
        Route("/api/contacts/{id}", one_contact, methods=["GET"]),
        Route("/healthz", health, methods=["GET"]),
    ]
