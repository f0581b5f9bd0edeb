"""The ASGI app: assembles the channels, the one error path and the lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import AsyncIterator, Mapping

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from routing.channels.web import contacts as api

from routing.channels.web import ask

from routing.channels.web import forward

from routing.channels.ivr import webhooks as ivr_web

from routing.channels.web.openapi import spec as openapi

from routing.channels.web import pages

from routing.channels.staff import console as staff
from routing.errors import RequestError
from routing.services import Services
from routing.settings import ROOT, Settings
from routing.store.live_directory import DirectoryStore

log = logging.getLogger("routing")

# Each channel module offers routes() and, if it runs background work, start/stop.
CHANNELS = [api, pages, ask, forward, ivr_web, staff, openapi]  # staff after forward: it sends through forward's outbox


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    store = DirectoryStore(path=settings.directory_path, index_dir=settings.index_dir)
    store.load()
    templates = Jinja2Templates(directory=str(ROOT / "templates"), context_processors=[pages.page_context])
    templates.env.globals["nav"] = NAV
    services = Services(settings=settings, store=store, templates=templates)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if settings.generated_staff_password:
            # Printed once, so a fresh machine can sign in; set STAFF_PASSWORD to choose it.
            print(f"Staff console password (generated, set STAFF_PASSWORD to choose one): {settings.staff_password}", flush=True)
        if not settings.twilio_auth_token:
            log.warning("TWILIO_AUTH_TOKEN is not set: Twilio signature checks are OFF. Use this only for local development.")
        watcher = asyncio.create_task(store.watch(settings.reload_interval))
        for channel in CHANNELS:
            if hasattr(channel, "start"):
                await channel.start(services)
        try:
            yield
        finally:
            for channel in reversed(CHANNELS):
                if hasattr(channel, "stop"):
                    await channel.stop(services)
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher

    routes: list[BaseRoute] = [route for channel in CHANNELS for route in channel.routes()]
    routes.append(Mount("/static", StaticFiles(directory=str(ROOT / "static")), name="static"))
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=[
            Middleware(SecurityHeaders),
            # Secure cookies when the public address is https; a staff sign-in lasts a working day.
            Middleware(
                SessionMiddleware,
                secret_key=settings.session_secret,
                same_site="strict",
                https_only=settings.public_base_url.startswith("https://"),
                max_age=12 * 3600,
            ),
        ],
        exception_handlers={RequestError: handle_error, HTTPException: handle_error, Exception: handle_crash},
    )
    app.state.services = services
    return app


NAV = [("/", "Find a contact"), ("/ivr", "Phone menu"), ("/contact", "Send a request"), ("/staff", "Staff")]


def wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path in ("/healthz", "/openapi.json") or "application/json" in request.headers.get("accept", "").split(",")[0]


async def handle_error(request: Request, exc: Exception) -> Response:
    headers: Mapping[str, str] | None = None
    if isinstance(exc, HTTPException):
        message = {404: "There is no page at this address. Check the link, or start from the home page.",
                   405: "This address does not accept that kind of request."}.get(exc.status_code, exc.detail)
        headers = exc.headers  # a 405 must say which methods the address takes (Allow, RFC 9110)
        exc = RequestError(exc.status_code, message)
    assert isinstance(exc, RequestError)
    if wants_json(request):
        return JSONResponse(exc.as_json(), status_code=exc.status, headers=headers)
    services: Services = request.app.state.services
    return services.templates.TemplateResponse(
        request, "error.html", {"error": exc}, status_code=exc.status, headers=headers
    )


async def handle_crash(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return await handle_error(request, RequestError(500, "Something went wrong on our side. Please try again in a minute."))


class SecurityHeaders:
    """Headers that make injected markup inert even if escaping ever slipped."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"content-security-policy", b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'"),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"same-origin"),
                    (b"x-frame-options", b"DENY"),
                ]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
