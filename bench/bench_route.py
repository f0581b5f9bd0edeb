"""Routing speed: in-process latency, and HTTP throughput against a bare endpoint.

Figures:
- route() p50/p99 in-process over the question table, against the floor of a
  bare Whoosh term lookup on the same index;
- /api/route requests per second over real HTTP (uvicorn in its own process on
  a loopback port), against a bare Starlette JSON endpoint served the same way,
  same client, same run, with a realistic mix of repeated and new questions.
"""

from __future__ import annotations

import random
import tempfile
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from common import PINNED_NOW, ROOT, Row, app_env, get_request, http_rate, percentile, print_table, sized, steady_calls, uvicorn_process

CONCURRENCY = 8


@lru_cache(maxsize=1)
def questions() -> tuple[str, ...]:
    import yaml

    table = yaml.safe_load((ROOT / "tests" / "data" / "questions.yaml").read_text())
    return tuple(row["q"] for row in table)


def question_mix(count: int, seed: int = 3, repeats: float = 0.7) -> list[str]:
    """Most traffic repeats popular questions (``repeats`` of it); the rest is worded anew."""
    rng = random.Random(seed)
    asked = questions()
    popular = asked[:15]
    words = [w for q in asked for w in q.split()]
    return [
        rng.choice(popular) if rng.random() < repeats else f"{rng.choice(asked)} {rng.choice(words)} {rng.randint(1, 99_999)}"
        for _ in range(count)
    ]


def in_process(index_dir: Path) -> list[Row]:
    from routing.core.directory import load
    from routing.core.instants import parse_instant
    from routing.core.rules import route
    from routing.store.search_index import open_index

    index = open_index(load(ROOT / "directory.yaml"), index_dir)
    now = parse_instant(PINNED_NOW)
    asked = list(questions())
    rounds = sized(10, 1)
    for q in asked:  # warm caches the way a running server would be
        route(index, q, "web", now)
    cycle = iter(asked * rounds * 2)
    samples = steady_calls(lambda: route(index, next(cycle), "web", now), len(asked) * rounds)
    from whoosh.query import Term

    # The floor is one plain Whoosh term query, not SearchIndex.search, whose
    # per-term postings are cached after their first read.
    floor_cycle = iter(["cobra", "bill", "broker"] * len(asked) * rounds * 2)
    floor = steady_calls(lambda: index._searcher.search(Term("terms", next(floor_cycle)), limit=8), len(asked) * rounds)
    index.close()
    note = f"{len(asked)} table questions × {rounds}, better of 2 passes"
    return [
        Row("route() p50, in-process", percentile(samples, 50), "ms", "one Whoosh term query p50", percentile(floor, 50), note=note, higher_is_better=False),
        Row("route() p99, in-process", percentile(samples, 99), "ms", "one Whoosh term query p99", percentile(floor, 99), note=note, higher_is_better=False),
    ]


# (label, uvicorn --loop, --http, goal for the mixed traffic, goal for all-new questions)
SERVERS = (("uvicorn asyncio + h11", "asyncio", "h11", 0.70, 0.50), ("uvicorn uvloop + httptools", "uvloop", "httptools", 0.70, 0.35))
MIXES = (("70% repeated, 30% new", 0.7), ("every question new", 0.0))


def over_http(tmp: Path) -> list[Row]:
    count = sized(3000, 150)
    rounds = sized(3, 1)

    def requests(seed: int, n: int, repeats: float) -> list[bytes]:
        # A new seed per round: the popular questions repeat across rounds, the new ones are new every time.
        return [get_request(f"/api/route?q={quote(q)}&at={quote(PINNED_NOW)}") for q in question_mix(n, seed, repeats)]

    rows = []
    for label, loop, http, mixed_goal, new_goal in SERVERS:
        env = app_env(tmp / f"index-{loop}", tmp / f"var-{loop}")
        floor_rates: dict[str, list[float]] = {mix: [] for mix, _ in MIXES}
        app_rates: dict[str, list[float]] = {mix: [] for mix, _ in MIXES}
        with uvicorn_process("floors:app", env, loop=loop, http=http) as floor_port, \
                uvicorn_process("app:create_app", env, factory=True, loop=loop, http=http) as app_port:
            warmup = requests(1, sized(200, 20), 0.7)
            for port in (floor_port, app_port):  # warm up both: imports, templates, the index's searcher
                http_rate(port, warmup, CONCURRENCY)
            for round_ in range(rounds):  # alternate, so a noisy neighbour hurts both alike; keep each one's best
                for n, (mix, repeats) in enumerate(MIXES):
                    batch = requests(100 + 10 * round_ + n + (1000 if loop == "uvloop" else 0), count, repeats)
                    floor_rates[mix].append(http_rate(floor_port, batch, CONCURRENCY))
                    app_rates[mix].append(http_rate(app_port, batch, CONCURRENCY))
        for mix, repeats in MIXES:
            goal = mixed_goal if repeats else new_goal
            rows.append(Row(f"/api/route over HTTP, {mix}, {label}", max(app_rates[mix]), "req/s", "bare Starlette JSON endpoint", max(floor_rates[mix]),
                            note=f"goal ≥ {goal:.2f}×; {CONCURRENCY} keep-alive clients, {count:,} requests, best of {rounds}"))
    return rows


def run() -> list[Row]:
    with tempfile.TemporaryDirectory() as tmp:
        return in_process(Path(tmp) / "index") + over_http(Path(tmp))


if __name__ == "__main__":
    from common import pin_clock

    pin_clock()
    print_table(run())
