"""Shared bench plumbing: timing, percentiles, a real uvicorn server, and the report row.

Every figure is printed next to a floor or peer measured in the same run, as a
ratio, because absolute numbers on a shared CI machine mean little.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import statistics
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Awaitable, Callable, Iterator

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@dataclass(frozen=True)
class Row:
    name: str
    value: float
    unit: str
    floor_name: str
    floor: float
    note: str = ""
    higher_is_better: bool = True

    @property
    def ratio(self) -> float:
        return self.value / self.floor if self.floor else float("nan")


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def time_calls(fn: Callable[[], Any], n: int) -> list[float]:
    """Milliseconds per call, n calls."""
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serve(app: Any) -> Iterator[str]:
    """Serve an ASGI app with uvicorn on a loopback port in a thread; yield its base URL."""
    import uvicorn

    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start within 30 s")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


async def _hammer(base: str, paths: list[str], concurrency: int) -> float:
    import httpx

    queue: asyncio.Queue[str] = asyncio.Queue()
    for path in paths:
        queue.put_nowait(path)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:

        async def worker() -> None:
            while not queue.empty():
                path = queue.get_nowait()
                response = await client.get(path)
                if response.status_code >= 500:
                    raise RuntimeError(f"{path} answered {response.status_code}")

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return len(paths) / (time.perf_counter() - start)


def throughput(base: str, paths: list[str], concurrency: int = 8) -> float:
    """Requests per second over real HTTP, bounded by the number of paths."""
    return asyncio.run(_hammer(base, paths, concurrency))


def run_async(coro: Awaitable[Any]) -> Any:
    return asyncio.run(coro)  # type: ignore[arg-type]


def print_table(rows: list[Row]) -> None:
    headers = ("benchmark", "measured", "floor / peer (same run)", "ratio", "note")
    lines = [
        (r.name, f"{r.value:,.2f} {r.unit}", f"{r.floor_name}: {r.floor:,.2f} {r.unit}", f"{r.ratio:.2f}×", r.note)
        for r in rows
    ]
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(headers)] if lines else [len(h) for h in headers]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for line in lines:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(line, widths)) + " |")


def machine() -> str:
    import os
    import platform

    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()} {platform.release()}"


def mean(samples: list[float]) -> float:
    return statistics.fmean(samples) if samples else float("nan")
