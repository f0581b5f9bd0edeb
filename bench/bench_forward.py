"""Forwarding speed: requests accepted per second, and messages delivered per second.

Figures, each against a floor measured in the same run:
- POST /api/forward accepted per second through the ASGI app (validation,
  routing, composing, a synced SQLite insert), against a bare Starlette
  endpoint that only answers 202, same client and concurrency;
- messages delivered per second by the outbox sender to a local aiosmtpd,
  starting with the outbox already full (as after a restart), against raw
  aiosmtplib sends of the same messages to the same server with the same
  concurrency (what SMTP itself costs).
Loops are bounded; nothing here asserts on time.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, Row, print_table

sys.path.insert(0, str(ROOT / "tests"))

from smtp_fixture import SmtpServer  # noqa: E402  (the same real server the tests use)

REQUESTS = 400
CONCURRENCY = 16


def payload(n: int) -> dict[str, str]:
    return {
        "group_name": "Ortiz Landscaping LLC",
        "group_id": f"{600000 + n}",
        "name": "Ana Ortiz",
        "email": "ana@ortiz-landscaping.example",
        "subject": "Broker of record change",
        "message": f"We are changing our broker of record as of January 1 (request {n}).",
    }


async def post_all(app: object, count: int, offset: int = 0) -> float:
    """Requests per second for ``count`` POSTs through the ASGI app, CONCURRENCY at a time."""
    import httpx

    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in range(offset, offset + count):
        queue.put_nowait(n)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench.test") as client:

        async def worker() -> None:
            while not queue.empty():
                response = await client.post("/api/forward", json=payload(queue.get_nowait()))
                if response.status_code != 202:
                    raise RuntimeError(f"/api/forward answered {response.status_code}: {response.text}")

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        return count / (time.perf_counter() - start)


def bench_settings(tmp: Path, server: SmtpServer) -> object:
    from routing.settings import Settings

    return Settings.from_env(
        {}, index_dir=tmp / "index", data_dir=tmp / "var", reload_interval=0, forward_rate_limit=0,
        smtp_host=server.host, smtp_port=server.port, mail_from="desk@bench.example",
        staff_password="bench", session_secret="bench",
    )


async def accepted(tmp: Path, server: SmtpServer) -> float:
    """Accepted per second while the sender delivers alongside, as in production."""
    from routing.web import create_app

    app = create_app(bench_settings(tmp, server))  # type: ignore[arg-type]
    async with app.router.lifespan_context(app):
        await post_all(app, 40, offset=100_000)  # warm up: templates, index, the SQLite file
        rate = await post_all(app, REQUESTS)
        while len(server.messages) < 40 + REQUESTS:
            await asyncio.sleep(0.01)
    return rate


async def delivered(tmp: Path, server: SmtpServer) -> tuple[float, list[bytes]]:
    """Drain rate: REQUESTS messages already in the outbox when the app starts."""
    from routing.clock import now
    from routing.directory import load
    from routing.mail import Letter, enqueue, team_email
    from routing.outbox import Outbox, new_reference, outbox_path
    from routing.web import create_app

    settings = bench_settings(tmp, server)
    directory = load(ROOT / "directory.yaml")
    team = directory.contact("account-management-support")
    box = Outbox(outbox_path(settings.data_dir))  # type: ignore[attr-defined]
    for n in range(REQUESTS):
        letter = Letter(new_reference(), payload(n) | {"phone": ""}, team, team_email(team) or team.emails[0],
                        "bench", now(), directory.timezone)
        enqueue(box, letter, "desk@bench.example", dedupe_key=f"drain-{n}")
    box.close()
    before = len(server.messages)
    app = create_app(settings)  # type: ignore[arg-type]
    start = time.perf_counter()
    async with app.router.lifespan_context(app):
        while len(server.messages) < before + REQUESTS:
            if time.perf_counter() - start > 120:
                raise RuntimeError("the sender did not deliver every message within 120 s")
            await asyncio.sleep(0.002)
        rate = REQUESTS / (time.perf_counter() - start)
    return rate, [m.raw for m in server.messages[before:]]


async def bare_accepted() -> float:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def bare(request: Request) -> JSONResponse:  # the floor: read JSON, answer 202
        body = await request.json()
        return JSONResponse({"id": "FW-0", "status": "queued", "to": "x", "contact_id": body["group_id"]}, status_code=202)

    app = Starlette(routes=[Route("/api/forward", bare, methods=["POST"])])
    await post_all(app, 40)
    return await post_all(app, REQUESTS)


async def raw_smtp(server: SmtpServer, messages: list[bytes]) -> float:
    """The floor for delivery: aiosmtplib.send of the same bytes, one connection each, same concurrency."""
    import aiosmtplib

    from routing.sender import WORKERS

    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for raw in messages:
        queue.put_nowait(raw)

    async def worker() -> None:
        while not queue.empty():
            await aiosmtplib.send(
                queue.get_nowait(), sender="desk@bench.example", recipients=["team@bench.example"],
                hostname=server.host, port=server.port, start_tls=False,
            )

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(WORKERS)))
    return len(messages) / (time.perf_counter() - start)


def run() -> list[Row]:
    server = SmtpServer().start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            accepted_rate = asyncio.run(accepted(Path(tmp) / "accept", server))
            drained, messages = asyncio.run(delivered(Path(tmp) / "drain", server))
            raw = asyncio.run(raw_smtp(server, messages))
        floor = asyncio.run(bare_accepted())
    finally:
        server.stop()
    return [
        Row("POST /api/forward accepted", accepted_rate, "req/s", "bare Starlette endpoint answering 202", floor,
            note=f"in-process ASGI, {CONCURRENCY} concurrent, {REQUESTS} requests; routing + synced SQLite insert each, sender running"),
        Row("outbox drained to local aiosmtpd", drained, "msg/s", "raw aiosmtplib.send, same messages", raw,
            note=f"{REQUESTS} queued before start; claim + send + record each; same concurrency as the sender"),
    ]


if __name__ == "__main__":
    print_table(run())
