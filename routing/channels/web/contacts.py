"""The JSON API for contacts, and the health check."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from routing.channels.http import FastJSONResponse, find_contact, requested_instant
from routing.present.json import contact_json
from routing.services import services
from routing.store.live_directory import LiveDirectory


async def list_contacts(request: Request) -> Response:
    instant = requested_instant(request.query_params)
    directory = services(request).snapshot.directory
    return FastJSONResponse([contact_json(c, directory, instant) for c in directory.contacts])


async def one_contact(request: Request) -> Response:
    instant = requested_instant(request.query_params)
    directory = services(request).snapshot.directory
    contact = find_contact(directory, request.path_params["id"], "/api/contacts")
    return FastJSONResponse(contact_json(contact, directory, instant))


async def health(request: Request) -> Response:
    # 200 even when a reload was refused: the last good directory is still serving.
    return JSONResponse(public_health(services(request).directory))


def public_health(store: LiveDirectory) -> dict[str, object]:
    """The store's health without where the server keeps its files: the file's name, never its path.

    The full path is in the log, for whoever runs the server.
    """
    health = store.health()
    directory = dict(health["directory"]) if isinstance(health["directory"], dict) else {}
    directory.pop("path", None)
    directory["file"] = store.path.name
    full = str(store.path)
    errors = [str(e).replace(full, store.path.name) for e in store.errors]
    return {**health, "directory": directory, "errors": errors}


def routes() -> list[Route]:
    return [
        Route("/api/contacts", list_contacts, methods=["GET"]),
        Route("/api/contacts/{id}", one_contact, methods=["GET"]),
        Route("/healthz", health, methods=["GET"]),
    ]
