"""What an operator's tools read: request ids, readiness, and Prometheus metrics.

``/healthz`` says the process is alive; ``/readyz`` says it can do its work
(the directory is loaded, the store takes writes, the sender is running), so
a load balancer sends traffic only to instances that can keep the promise a
202 makes. ``/metrics`` is for loopback, or for a scraper holding
METRICS_TOKEN.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import logging
import os
import re
import secrets
import time
from collections.abc import Iterator, Sequence
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import REGISTRY, Collector
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from routing import logs, metrics
from routing.errors import RequestError
from routing.services import Services, services

log = logging.getLogger("routing.ops")

# A proxy's id is kept only when it looks like one; anything else could smuggle text into the logs.
_SAFE_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


class RequestIds:
    """Gives each request an id (the client's X-Request-ID when it looks safe), logs with it, returns it, counts it.

    ``headers`` go on every response too (the security headers): one wrapper
    of ``send`` for both, since each layer costs every request its own.
    """

    def __init__(self, app: ASGIApp, headers: Sequence[tuple[bytes, bytes]] = ()) -> None:
        self.app = app
        self.headers = tuple(headers)
        # One labelled counter per (route, method, status): ``labels()`` checks and locks on every call.
        self._counters: dict[tuple[str, str, str], Any] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        offered = next((value for name, value in scope["headers"] if name == b"x-request-id"), b"").decode("latin-1")
        rid = offered if _SAFE_ID.fullmatch(offered) else secrets.token_hex(8)
        token = logs.request_id.set(rid)
        status = 500
        extra = (*self.headers, (b"x-request-id", rid.encode()))

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), *extra]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            route = scope.get("route")
            key = (getattr(route, "path", None) or "unmatched", scope["method"], str(status))
            counter = self._counters.get(key)
            if counter is None:
                counter = self._counters[key] = metrics.http_requests.labels(*key)
            counter.inc()
            logs.request_id.reset(token)


async def ready(request: Request) -> Response:
    # A thread: the store check waits on file locks, which must not stall the loop.
    problems = await asyncio.to_thread(readiness_problems, services(request))
    if problems:
        return JSONResponse({"status": "not ready", "problems": problems}, status_code=503)
    return JSONResponse({"status": "ready"})


def readiness_problems(svc: Services) -> list[str]:
    problems = []
    if svc.directory.loaded is None:
        problems.append("The directory is not loaded yet.")
    try:
        svc.outbox.check_writable()
    except Exception as exc:  # any store failure means "do not send traffic here"
        # The detail (a host, a port, a path) goes to the log; the public answer names only the kind of failure.
        log.warning("not ready: the store refused a write: %s", getattr(exc, "detail", "") or exc)
        problems.append(f"The store does not accept writes ({type(exc).__name__}).")
    if not svc.sender.alive(time.time()):
        problems.append("The background sender is not running, so accepted requests would not be delivered.")
    return problems


class StoreCollector(Collector):
    """Outbox depth and the oldest queued row's age, read from the shared store at scrape time."""

    def __init__(self, svc: Services) -> None:
        self.svc = svc

    def collect(self) -> Iterator[GaugeMetricFamily]:
        depth = GaugeMetricFamily("routing_outbox_depth", "Forwarded requests in the outbox, by status.", labels=["status"])
        oldest = GaugeMetricFamily("routing_outbox_oldest_queued_age_seconds", "Age of the oldest request still waiting to be sent.")
        counts, oldest_at = self.svc.outbox.depth()
        for status, count in sorted(counts.items()):
            depth.add_metric([status], count)
        oldest.add_metric([], max(time.time() - oldest_at, 0.0) if oldest_at is not None else 0.0)
        yield depth
        yield oldest


def _allowed(request: Request, token: str, behind_proxy: bool) -> bool:
    # Behind a reverse proxy on this machine every visitor arrives from loopback, so loopback proves nothing: token only.
    client = request.client.host if request.client else ""
    try:
        if not behind_proxy and ipaddress.ip_address(client).is_loopback:
            return True
    except ValueError:
        pass
    offered = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
    return bool(token) and hmac.compare_digest(offered.encode(), token.encode())


async def metrics_page(request: Request) -> Response:
    svc = services(request)
    if not _allowed(request, svc.settings.metrics_token, bool(svc.settings.trusted_proxies)):
        raise RequestError(403, "Metrics are served to this machine (with no proxy configured), or to a scraper that sends METRICS_TOKEN as a bearer token.")
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry = REGISTRY
    body = generate_latest(registry) + generate_latest(_store_registry(svc))
    return Response(body, media_type=CONTENT_TYPE_LATEST)


def _store_registry(svc: Services) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(StoreCollector(svc))
    return registry


def routes() -> list[Route]:
    return [Route("/readyz", ready, methods=["GET"]), Route("/metrics", metrics_page, methods=["GET"])]
