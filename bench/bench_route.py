"""Routing speed: in-process latency, HTTP throughput against a bare endpoint, and scale.

Figures:
- route() p50/p99 in-process, against the floor of a bare Whoosh term lookup;
- /api/route requests per second over real HTTP (uvicorn), against a bare
  Starlette JSON endpoint under the same server settings, same client, same run;
- a generated directory of 10,000 contacts: index build, warm start, route p99.
"""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from common import ROOT, Row, percentile, serve, throughput, time_calls

from generate import generated_yaml, sample_questions


def questions() -> list[str]:
    import yaml

    table = ROOT / "tests" / "data" / "questions.yaml"
    if table.exists():
        return [row["q"] for row in yaml.safe_load(table.read_text())]
    return ["billing", "cobra question", "change broker of record", "order id cards", "refill prescription"]


def in_process(index_dir: Path) -> list[Row]:
    from routing.directory import load
    from routing.rules import route
    from routing.search import open_index
    from routing.clock import parse_instant

    index = open_index(load(ROOT / "directory.yaml"), index_dir)
    now = parse_instant("2026-11-23T10:00:00-08:00")
    qs = questions()
    for q in qs:  # warm caches the way a running server would be
        route(index, q, "web", now)
    cycle = iter(qs * 20)
    samples = time_calls(lambda: route(index, next(cycle), "web", now), len(qs) * 20)
    floor_cycle = iter(["cobra", "bill", "broker"] * len(qs) * 20)
    floor = time_calls(lambda: index.search([next(floor_cycle)]), len(qs) * 20)
    return [
        Row("route() p50, in-process", percentile(samples, 50), "ms", "one Whoosh term search p50", percentile(floor, 50), higher_is_better=False),
        Row("route() p99, in-process", percentile(samples, 99), "ms", "one Whoosh term search p99", percentile(floor, 99), higher_is_better=False),
    ]


def over_http(index_dir: Path, data_dir: Path) -> list[Row]:
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from routing.settings import Settings
    from routing.web import create_app

    async def bare(request):  # the floor: what any JSON endpoint costs under this server
        return JSONResponse({"query": request.query_params.get("q", ""), "contact": {"id": "x"}})

    floor_app = Starlette(routes=[Route("/api/route", bare)])
    settings = Settings.from_env({}, index_dir=index_dir, data_dir=data_dir, reload_interval=0)
    app = create_app(settings)
    rng = random.Random(3)
    qs = questions()
    # A realistic mix: most traffic repeats popular questions, some is new.
    mix = [rng.choice(qs[:15]) if rng.random() < 0.7 else rng.choice(qs) + f" {rng.randint(1, 999)}" for _ in range(1500)]
    paths = [f"/api/route?q={quote(q)}&at=2026-11-23T10:00:00-08:00" for q in mix]
    with serve(floor_app) as base:
        throughput(base, paths[:100])
        floor = throughput(base, paths)
    with serve(app) as base:
        throughput(base, paths[:100])
        measured = throughput(base, paths)
    return [Row("/api/route over HTTP", measured, "req/s", "bare Starlette JSON endpoint", floor, note="uvicorn, 8 concurrent clients, 1,500 requests")]


def at_scale(contacts: int = 10_000) -> list[Row]:
    from routing.directory import loads
    from routing.rules import route
    from routing.search import open_index
    from routing.clock import parse_instant

    text, vocab = generated_yaml(contacts)
    start = time.perf_counter()
    directory = loads(text, "generated.yaml")
    load_seconds = time.perf_counter() - start
    small = loads((ROOT / "directory.yaml").read_bytes())
    now = parse_instant("2026-11-23T10:00:00-08:00")
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        index = open_index(directory, Path(tmp))
        build = time.perf_counter() - start
        start = time.perf_counter()
        warm = open_index(directory, Path(tmp))
        warm_seconds = time.perf_counter() - start
        assert not warm.built
        start = time.perf_counter()
        small_index = open_index(small, Path(tmp) / "small")
        small_build = time.perf_counter() - start
        qs = sample_questions(vocab, 400)
        for q in qs[:50]:
            route(warm, q, "web", now)
        cycle = iter(qs)
        samples = time_calls(lambda: route(warm, next(cycle), "web", now), len(qs))
        small_cycle = iter(qs)
        small_samples = time_calls(lambda: route(small_index, next(small_cycle), "web", now), len(qs))
        del index
    return [
        Row(f"index build, {contacts:,} contacts", build, "s", "index build, 9 real contacts", small_build, note=f"directory load+validate {load_seconds:.1f} s", higher_is_better=False),
        Row(f"warm start, {contacts:,} contacts", warm_seconds, "s", "cold build, same directory", build, higher_is_better=False),
        Row(f"route() p99, {contacts:,} contacts", percentile(samples, 99), "ms", "route() p99, 9 real contacts", percentile(small_samples, 99), note="goal ≤ 10 ms", higher_is_better=False),
    ]


def run() -> list[Row]:
    with tempfile.TemporaryDirectory() as tmp:
        rows = in_process(Path(tmp) / "index")
        rows += over_http(Path(tmp) / "index-http", Path(tmp) / "var")
    return rows + at_scale()


if __name__ == "__main__":
    from common import print_table

    print_table(run())
