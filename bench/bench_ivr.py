"""Phone menu speed: TwiML response latency in-process, against a bare TwiML endpoint.

Figures (p50 and p99, milliseconds per request):
- the entry webhook, POST /ivr/voice: signature check and the greeting's Gather;
- a speech turn, POST /ivr/gather with SpeechResult: signature check, the rules
  engine over the real Whoosh index, and the TwiML for the outcome.
The floor is a bare Starlette endpoint that reads the same form and returns a
constant TwiML string, called through the same in-process client in the same run.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from itertools import cycle
from pathlib import Path

from common import Row, percentile, print_table

TOKEN = "bench-token"
PUBLIC = "https://help.example.com"
WARMUP = 50
SAMPLES = 500
FIELDS = {"CallSid": "CA0123456789abcdef0123456789abcdef", "AccountSid": "AC0123", "From": "+15105550123", "To": "+14155550100"}
PHRASES = [
    "I need to change our broker",
    "a question about our bill",
    "COBRA question for a former employee",
    "order replacement ID cards",
    "my husband is having chest pain",
    "what's the weather like",
    "we want to renew and change plans",
    "I have feedback about my health plan",
]


async def timed(client, requests: list[tuple[str, dict[str, str]]]) -> list[float]:
    """Milliseconds per request for ``requests`` (path, form), after a warm-up."""
    from twilio.request_validator import RequestValidator

    validator = RequestValidator(TOKEN)

    async def post(path: str, form: dict[str, str]) -> None:
        headers = {"X-Twilio-Signature": validator.compute_signature(PUBLIC + path, form)}
        response = await client.post(path, data=form, headers=headers)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}: {response.text[:200]}")

    for path, form in requests[:WARMUP]:
        await post(path, form)
    samples = []
    for path, form in requests[WARMUP : WARMUP + SAMPLES]:
        start = time.perf_counter()
        await post(path, form)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


async def measure(index_dir: Path, data_dir: Path) -> list[Row]:
    import httpx
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    from routing.settings import Settings
    from routing.web import create_app

    constant = '<?xml version="1.0" encoding="UTF-8"?><Response><Say>Hello.</Say><Hangup /></Response>'

    async def bare(request: Request) -> Response:
        await request.form()  # the same body parsing every webhook pays for
        return Response(constant, media_type="text/xml")

    floor_app = Starlette(routes=[Route("/ivr/voice", bare, methods=["POST"]), Route("/ivr/gather", bare, methods=["POST"])])
    settings = Settings.from_env(
        {}, index_dir=index_dir, data_dir=data_dir, reload_interval=0, twilio_auth_token=TOKEN, public_base_url=PUBLIC,
        staff_password="bench", session_secret="bench",
    )
    app = create_app(settings)

    total = WARMUP + SAMPLES
    entry = [("/ivr/voice", FIELDS)] * total
    phrases = cycle(PHRASES)
    speech = [("/ivr/gather?failures=0&turn=0", {**FIELDS, "SpeechResult": next(phrases), "Confidence": "0.9"}) for _ in range(total)]

    results: dict[str, list[float]] = {}
    for name, target in (("floor", floor_app), ("app", app)):
        async with target.router.lifespan_context(target):
            transport = httpx.ASGITransport(app=target)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
                results[f"{name} entry"] = await timed(client, entry)
                results[f"{name} speech"] = await timed(client, speech)

    rows = []
    for turn, label in (("entry", "POST /ivr/voice (greeting)"), ("speech", "POST /ivr/gather (speech turn)")):
        for p in (50, 99):
            rows.append(
                Row(
                    f"{label} p{p}",
                    percentile(results[f"app {turn}"], p),
                    "ms",
                    f"bare TwiML endpoint p{p}",
                    percentile(results[f"floor {turn}"], p),
                    note=f"in-process ASGI, signed, {SAMPLES} requests",
                    higher_is_better=False,
                )
            )
    return rows


def run() -> list[Row]:
    # Hours are evaluated at a fixed weekday morning, so every run takes the same paths.
    os.environ["ROUTING_NOW"] = "2026-11-23T10:00:00-08:00"
    with tempfile.TemporaryDirectory() as tmp:
        return asyncio.run(measure(Path(tmp) / "index", Path(tmp) / "var"))


if __name__ == "__main__":
    print_table(run())
