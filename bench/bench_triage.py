"""Triage speed: emails triaged per second, against plain stdlib parsing of the same emails.

Figures, each against a floor measured in the same run:
- emails triaged per second in-process (routing.core.email.parse.parse + triage.triage:
  decode, split quotes, find the group, run the rules engine on the real
  Whoosh index), against email.message_from_bytes with policy.default plus
  get_body() of the same messages (what reading the mail costs at all);
- POST /api/triage per second through the ASGI app (auth, triage and a
  synced SQLite insert of the raw bytes), against the in-process triage rate.
The messages are the .eml fixtures in tests/fixtures/email.
Loops are bounded; nothing here asserts on time.
"""

from __future__ import annotations

import asyncio
import email
import tempfile
import time
from collections.abc import Callable
from email import policy
from pathlib import Path

from common import ROOT, Row, print_table, sized

ROUNDS = sized(10, 1)
REQUESTS = sized(300, 30)
WARMUP = sized(40, 5)
CONCURRENCY = 8


def corpus() -> list[bytes]:
    return [p.read_bytes() for p in sorted((ROOT / "tests" / "fixtures" / "email").glob("*.eml"))]


def per_second(call: Callable[[bytes], object], messages: list[bytes], rounds: int) -> float:
    for raw in messages:  # warm up: caches, the index's searcher
        call(raw)
    start = time.perf_counter()
    for _ in range(rounds):
        for raw in messages:
            call(raw)
    return rounds * len(messages) / (time.perf_counter() - start)


def stdlib_read(raw: bytes) -> None:
    msg = email.message_from_bytes(raw, policy=policy.default)
    try:
        body = msg.get_body(("plain", "html"))  # type: ignore[attr-defined]
        if body is not None:
            body.get_content()
    except Exception:
        pass  # the floor only reads; broken mail costs what it costs


async def api_rate(tmp: Path, messages: list[bytes]) -> float:
    import httpx

    from routing.app import create_app
    from routing.settings import Settings

    settings = Settings.from_env(
        {}, index_dir=tmp / "index", data_dir=tmp / "var", reload_interval=0, staff_password="bench", session_secret="bench",
        twilio_auth_token="bench",
    )
    app = create_app(settings)
    # Each request gets a unique first line, so none is answered from the stored duplicate.
    bodies = [f"X-Bench: {n}\r\n".encode() + messages[n % len(messages)] for n in range(REQUESTS + WARMUP)]
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        headers = {"content-type": "message/rfc822", "authorization": "Bearer bench"}
        async with httpx.AsyncClient(transport=transport, base_url="http://bench.test", headers=headers) as client:
            queue: asyncio.Queue[bytes] = asyncio.Queue()

            async def worker() -> None:
                while not queue.empty():
                    response = await client.post("/api/triage", content=queue.get_nowait())
                    if response.status_code != 200:
                        raise RuntimeError(f"/api/triage answered {response.status_code}: {response.text[:200]}")

            for body in bodies[:WARMUP]:
                queue.put_nowait(body)
            await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
            for body in bodies[WARMUP:]:
                queue.put_nowait(body)
            start = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
            return REQUESTS / (time.perf_counter() - start)


def run() -> list[Row]:
    from routing.clock import now
    from routing.core.directory import load
    from routing.core.email.parse import parse
    from routing.core.email.triage import triage
    from routing.store.search_index import open_index

    messages = corpus()
    directory = load(ROOT / "directory.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        index = open_index(directory, Path(tmp) / "index")
        instant = now()
        triaged = per_second(lambda raw: triage(parse(raw), index, instant), messages, ROUNDS)
        parsed = per_second(parse, messages, ROUNDS)
        index.close()
        api = asyncio.run(api_rate(Path(tmp) / "api", messages))
    floor = per_second(stdlib_read, messages, ROUNDS)
    return [
        Row("emails triaged (parse + group + rules engine)", triaged, "emails/s", "email.message_from_bytes + get_body", floor,
            note=f"{len(messages)} messages × {ROUNDS} rounds, in-process, one thread"),
        Row("emails parsed (routing.core.email.parse only)", parsed, "emails/s", "email.message_from_bytes + get_body", floor,
            note="decode with charset fallbacks, HTML to text, quote and forward split, loop signals"),
        Row("POST /api/triage answered", api, "emails/s", "in-process triage (row 1)", triaged,
            note=f"ASGI, {CONCURRENCY} concurrent, {REQUESTS} requests; bearer auth + triage + synced SQLite insert of the raw bytes"),
    ]


if __name__ == "__main__":
    print_table(run())
