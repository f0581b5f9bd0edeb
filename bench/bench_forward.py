"""Forwarding speed: requests accepted per second, and messages delivered per second.

Figures, each against a floor measured in the same run:
- POST /api/forward answered 202 per second over real HTTP (uvicorn in its own
  process, FORWARD_RATE_LIMIT=0, no SMTP_HOST so the sender writes .eml files
  in a temp DATA_DIR): validation, routing, composing, a synced SQLite insert.
  Against a bare Starlette endpoint that reads the JSON and answers 202 under
  the same server, and against bare SQLite inserts of the same rows with the
  outbox's own pragmas (WAL, synchronous=FULL: an fsync per commit);
- messages delivered per second by the outbox sender to a local aiosmtpd on
  127.0.0.1, starting with the outbox already full (as after a restart),
  against raw aiosmtplib sends of the same messages to the same server with
  the same concurrency (what SMTP itself costs).
Loops are bounded; nothing here asserts on time.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, Row, app_env, http_rate, post_request, print_table, sized, uvicorn_process

CONCURRENCY = 8


def payload(n: int) -> dict[str, str]:
    return {
        "group_name": "Ortiz Landscaping LLC",
        "group_id": f"{600000 + n}",
        "name": "Ana Ortiz",
        "email": "ana@ortiz-landscaping.example",
        "subject": "Broker of record change",
        "message": f"We are changing our broker of record as of January 1 (request {n}).",
    }


def requests(count: int, offset: int) -> list[bytes]:
    return [post_request("/api/forward", json.dumps(payload(n)).encode(), "application/json") for n in range(offset, offset + count)]


def accepted_over_http(tmp: Path, count: int) -> tuple[float, float]:
    """(app, bare endpoint) requests per second, best of alternating rounds."""
    rounds = sized(3, 1)
    env = app_env(tmp / "index", tmp / "var")
    app_rates, floor_rates = [], []
    with uvicorn_process("floors:app", env) as floor_port, uvicorn_process("app:create_app", env, factory=True) as app_port:
        warm = sized(40, 10)
        for port in (floor_port, app_port):  # warm up: imports, the index's searcher, the SQLite file
            http_rate(port, requests(warm, 900_000), CONCURRENCY, expect=202)
        for r in range(rounds):
            # Fresh group IDs every round: a repeat would be answered as a duplicate, without an insert.
            batch = requests(count, r * count)
            floor_rates.append(http_rate(floor_port, batch, CONCURRENCY, expect=202))
            app_rates.append(http_rate(app_port, batch, CONCURRENCY, expect=202))
    return max(app_rates), max(floor_rates)


def sqlite_floor(tmp: Path, count: int) -> float:
    """Inserts per second of outbox-sized rows, one synced commit each, with the outbox's pragmas."""
    from routing.store.database import SQLiteEngine, migrate
    from routing.store.outbox import Outbox

    tmp.mkdir(parents=True, exist_ok=True)
    path = tmp / "floor.sqlite3"
    engine = SQLiteEngine(path)
    migrate(engine, Outbox.name, Outbox.migrations)  # the outbox's own tables, made the outbox's way
    engine.close()
    db = sqlite3.connect(str(path), isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    message = b"x" * 1800  # about the size of one composed forward
    start = time.perf_counter()
    for n in range(count):
        db.execute(
            "INSERT INTO outbox (id, dedupe_key, contact_id, to_address, envelope_from, fields, message, next_attempt_at, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (f"FW-{n:08d}", f"key-{n}", "account-management-support", "amt@example.org", "desk@bench.example",
             json.dumps(payload(n)), message, time.time(), time.time()),
        )
    rate = count / (time.perf_counter() - start)
    db.close()
    return rate


async def delivered(tmp: Path, server: object, count: int) -> tuple[float, list[bytes]]:
    """Drain rate: ``count`` messages already in the outbox when the app starts."""
    from routing.app import create_app
    from routing.clock import now
    from routing.core.directory import load
    from routing.core.recipients import team_email
    from routing.delivery.enqueue import form_outgoing, put
    from routing.present.email import Letter
    from routing.settings import Settings
    from routing.store.outbox import Outbox, new_reference, outbox_path

    settings = Settings.from_env(
        {}, index_dir=tmp / "index", data_dir=tmp / "var", reload_interval=0, forward_rate_limit=0,
        smtp_host="127.0.0.1", smtp_port=server.port, mail_from="desk@bench.example",  # type: ignore[attr-defined]
        staff_password="bench", session_secret="bench", twilio_auth_token="bench",
    )
    directory = load(ROOT / "directory.yaml")
    team = directory.contact("account-management-support")
    box = Outbox(outbox_path(settings.data_dir))
    for n in range(count):
        letter = Letter(new_reference(), payload(n) | {"phone": ""}, team, team_email(team) or team.emails[0],
                        "bench", now(), directory.timezone)
        put(box, form_outgoing(letter, "desk@bench.example", f"drain-{n}"), "desk@bench.example")
    box.close()
    before = len(server.messages)  # type: ignore[attr-defined]  (a copy on every read)
    app = create_app(settings)
    start = time.perf_counter()
    async with app.router.lifespan_context(app):
        while len(server.messages) < before + count:  # type: ignore[attr-defined]
            if time.perf_counter() - start > 120:
                raise RuntimeError("the sender did not deliver every message within 120 s")
            await asyncio.sleep(0.002)
        rate = count / (time.perf_counter() - start)
    return rate, [m.raw for m in server.messages[before:]]  # type: ignore[attr-defined]


async def raw_smtp(server: object, messages: list[bytes]) -> float:
    """The floor for delivery: aiosmtplib.send of the same bytes, one connection each, same concurrency."""
    import aiosmtplib

    from routing.delivery.sender import WORKERS

    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for raw in messages:
        queue.put_nowait(raw)

    async def worker() -> None:
        while not queue.empty():
            await aiosmtplib.send(
                queue.get_nowait(), sender="desk@bench.example", recipients=["team@bench.example"],
                hostname="127.0.0.1", port=server.port, start_tls=False,  # type: ignore[attr-defined]
            )

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(WORKERS)))
    return len(messages) / (time.perf_counter() - start)


def run() -> list[Row]:
    sys.path.insert(0, str(ROOT / "tests"))
    from smtp_fixture import SmtpServer  # the same real loopback server the tests use

    count = sized(600, 40)
    drain = sized(300, 20)
    with tempfile.TemporaryDirectory() as tmp:
        accepted, bare = accepted_over_http(Path(tmp) / "accept", count)
        inserts = sqlite_floor(Path(tmp) / "floor", count)
        server = SmtpServer(host="127.0.0.1").start()
        try:
            drained, messages = asyncio.run(delivered(Path(tmp) / "drain", server, drain))
            raw = asyncio.run(raw_smtp(server, messages))
        finally:
            server.stop()
    note = f"HTTP, {CONCURRENCY} keep-alive clients, {count} requests, no SMTP_HOST (.eml files), rate limit off"
    return [
        Row("POST /api/forward accepted (202)", accepted, "req/s", "bare Starlette endpoint answering 202", bare, note=note),
        Row("POST /api/forward accepted (202)", accepted, "req/s", "bare SQLite insert + fsync, same pragmas", inserts,
            note="floor is one connection, sequential, synchronous=FULL in WAL mode"),
        Row("outbox drained to aiosmtpd on 127.0.0.1", drained, "msg/s", "raw aiosmtplib.send, same messages", raw,
            note=f"{drain} queued before start; claim + send + record each; same concurrency as the sender"),
    ]


if __name__ == "__main__":
    from common import pin_clock

    pin_clock()
    print_table(run())
