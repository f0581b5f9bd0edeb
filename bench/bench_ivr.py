"""Phone menu speed: TwiML response latency in-process, against a bare TwiML endpoint.

Figures (p50 and p99, milliseconds per request):
- the entry webhook, POST /ivr/voice: signature check and the greeting's Gather;
- a speech turn, POST /ivr/gather with SpeechResult: signature check, the rules
  engine over the real Whoosh index, and the TwiML for the outcome.
The floor is floors.app, a bare Starlette endpoint that reads the same form and
returns a constant TwiML string, called through the same in-process client in
the same run. Signatures are computed before timing: they are Twilio's work.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from itertools import cycle
from pathlib import Path

from common import Row, percentile, print_table, sized

TOKEN = "bench-token"
PUBLIC = "https://help.example.com"
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

Signed = tuple[str, dict[str, str], dict[str, str]]  # path, form, headers


def signed(requests: list[tuple[str, dict[str, str]]]) -> list[Signed]:
    from twilio.request_validator import RequestValidator

    validator = RequestValidator(TOKEN)
    return [(path, form, {"X-Twilio-Signature": validator.compute_signature(PUBLIC + path, form)}) for path, form in requests]


async def timed(client: object, requests: list[Signed], warmup: int) -> list[float]:
    """Milliseconds per request after ``warmup`` untimed ones (better of two passes)."""

    async def post(path: str, form: dict[str, str], headers: dict[str, str]) -> None:
        response = await client.post(path, data=form, headers=headers)  # type: ignore[attr-defined]
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}: {response.text[:200]}")

    for request in requests[:warmup]:
        await post(*request)
    passes = []
    for _ in range(2):  # the pass with the lower p99, as common.steady_calls does
        samples = []
        for request in requests[warmup:]:
            start = time.perf_counter()
            await post(*request)
            samples.append((time.perf_counter() - start) * 1000)
        passes.append(samples)
    return min(passes, key=lambda samples: percentile(samples, 99))


async def measure(index_dir: Path, data_dir: Path) -> list[Row]:
    import floors
    import httpx

    from routing.app import create_app
    from routing.settings import Settings

    warmup, count = sized(50, 10), sized(500, 40)
    settings = Settings.from_env(
        {}, index_dir=index_dir, data_dir=data_dir, reload_interval=0, twilio_auth_token=TOKEN, public_base_url=PUBLIC,
        staff_password="bench", session_secret="bench",
    )
    app = create_app(settings)
    entry = signed([("/ivr/voice", FIELDS)] * (warmup + count))
    phrases = cycle(PHRASES)
    speech = signed([("/ivr/gather?failures=0&turn=0", {**FIELDS, "SpeechResult": next(phrases), "Confidence": "0.9"})
                     for _ in range(warmup + count)])

    results: dict[str, list[float]] = {}
    for name, target in (("floor", floors.app), ("app", app)):
        async with target.router.lifespan_context(target):
            transport = httpx.ASGITransport(app=target)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
                results[f"{name} entry"] = await timed(client, entry, warmup)
                results[f"{name} speech"] = await timed(client, speech, warmup)

    rows = []
    for turn, label in (("entry", "POST /ivr/voice (greeting)"), ("speech", "POST /ivr/gather (speech turn)")):
        for p in (50, 99):
            rows.append(
                Row(f"{label} p{p}", percentile(results[f"app {turn}"], p), "ms", f"bare TwiML endpoint p{p}",
                    percentile(results[f"floor {turn}"], p), note=f"in-process ASGI (httpx), signed, {count} requests, better of 2 passes",
                    higher_is_better=False)
            )
    return rows


def run() -> list[Row]:
    with tempfile.TemporaryDirectory() as tmp:
        return asyncio.run(measure(Path(tmp) / "index", Path(tmp) / "var"))


if __name__ == "__main__":
    from common import pin_clock

    pin_clock()
    print_table(run())
