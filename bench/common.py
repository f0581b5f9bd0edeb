"""Shared bench plumbing: sizes, timing, percentiles, real uvicorn servers, and the report row.

Every figure is printed next to a floor or peer measured in the same run, as a
ratio, because absolute numbers on a shared CI machine mean little.
``BENCH_QUICK=1`` shrinks every count (and the scale ladder to 10 and 100
contacts) so the smoke test can run the whole report in seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

QUICK = os.environ.get("BENCH_QUICK", "").strip() not in ("", "0")

# Hours are evaluated at a fixed weekday morning, so every run takes the same paths.
PINNED_NOW = "2026-11-23T10:00:00-08:00"


def sized(full: int, quick: int) -> int:
    """A count for this run: ``quick`` under BENCH_QUICK=1, else ``full``."""
    return quick if QUICK else full


def pin_clock() -> None:
    os.environ["ROUTING_NOW"] = PINNED_NOW


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


def steady_calls(fn: Callable[[], Any], n: int, passes: int = 2) -> list[float]:
    """``time_calls`` run ``passes`` times; the pass with the lowest p99.

    On a shared machine a neighbour's burst lands in one pass, not in both;
    floor and figure get the same treatment.
    """
    return min((time_calls(fn, n) for _ in range(passes)), key=lambda samples: percentile(samples, 99))


def seconds(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# Variables the app reads (routing.settings.ENV_NAMES): none may leak from the
# caller's shell into a bench server, above all not SMTP_HOST.
def app_env(index_dir: Path, data_dir: Path, **extra: str) -> dict[str, str]:
    from routing.settings import ENV_NAMES

    env = {k: v for k, v in os.environ.items() if k not in ENV_NAMES}
    env.update(
        DIRECTORY_PATH=str(ROOT / "directory.yaml"),
        SEARCH_INDEX_DIR=str(index_dir),
        DATA_DIR=str(data_dir),
        RELOAD_INTERVAL="0",
        FORWARD_RATE_LIMIT="0",
        STAFF_PASSWORD="bench",
        SESSION_SECRET="bench",
        ROUTING_NOW=PINNED_NOW,
        PYTHONPATH=os.pathsep.join([str(ROOT), str(BENCH)]),
    )
    env.update(extra)
    return env


@contextlib.contextmanager
def uvicorn_process(target: str, env: Mapping[str, str], factory: bool = False, loop: str = "asyncio", http: str = "h11") -> Iterator[int]:
    """Serve ``module:attr`` with uvicorn in its own process on a free loopback port; yield the port.

    The server and the load generator are separate processes, so neither takes
    the other's interpreter lock. Every server in a run gets the same settings:
    the pure-Python loop and parser (asyncio, h11) unless ``loop``/``http`` say
    uvloop and httptools.
    """
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", target, "--host", "127.0.0.1", "--port", str(port),
               "--log-level", "warning", "--no-access-log", "--lifespan", "on", "--loop", loop, "--http", http]
    if factory:
        command.append("--factory")
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, cwd=ROOT, env=dict(env), stdout=log, stderr=log)
        try:
            deadline = time.monotonic() + 60
            while True:
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"uvicorn {target} did not start:\n{log.read().decode(errors='replace')[-2000:]}")
                with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
                time.sleep(0.05)
            yield port
        finally:
            _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Ask the server to stop, and make it stop if it has not within ten seconds."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def first_200(env: Mapping[str, str], path: str, timeout: float = 120) -> tuple[float, float]:
    """Start the app in a fresh process; (seconds from launch to the first 200 on ``path``, its RSS then in MB)."""
    import http.client

    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "app:create_app", "--factory", "--host", "127.0.0.1", "--port", str(port),
               "--log-level", "warning", "--no-access-log", "--lifespan", "on"]
    with tempfile.TemporaryFile() as log:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, env=dict(env), stdout=log, stderr=log)
        try:
            while True:
                if process.poll() is not None or time.perf_counter() - start > timeout:
                    log.seek(0)
                    raise RuntimeError(f"the app did not start:\n{log.read().decode(errors='replace')[-2000:]}")
                try:
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                    connection.request("GET", path)
                    status = connection.getresponse().status
                    connection.close()
                except OSError:
                    time.sleep(0.01)
                    continue
                if status == 200:
                    elapsed = time.perf_counter() - start
                    break
                time.sleep(0.01)
            rss = 0.0
            for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1]) / 1024
            return elapsed, rss
        finally:
            _stop(process)


def get_request(path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()


def post_request(path: str, body: bytes, content_type: str) -> bytes:
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode() + body


async def _load(port: int, requests: list[bytes], concurrency: int, expect: int) -> float:
    # A bare HTTP/1.1 keep-alive client on asyncio streams: an order of magnitude
    # cheaper per request than httpx, so the server, not the client, is measured.
    pending = iter(requests)

    async def connection() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            for request in pending:
                writer.write(request)
                # The whole head in one read, not a read per line: the client's cost must not grow with the
                # number of headers an answer carries, or the server that sends more would be measured slower.
                head = await reader.readuntil(b"\r\n\r\n")
                status_line, *lines = head.split(b"\r\n")
                length = None
                for line in lines:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                if length is None:
                    raise RuntimeError(f"no Content-Length in the answer to {request[:80]!r}")
                body = await reader.readexactly(length)
                status = int(status_line.split()[1])
                if status != expect:
                    raise RuntimeError(f"{request[:80]!r} answered {status}: {body[:300]!r}")
        finally:
            writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(concurrency)))
    return len(requests) / (time.perf_counter() - start)


def http_rate(port: int, requests: list[bytes], concurrency: int = 8, expect: int = 200) -> float:
    """Requests per second over real HTTP on loopback, bounded by the number of requests."""
    return asyncio.run(_load(port, requests, concurrency, expect))


def number(value: float) -> str:
    """Three significant figures or more: 12,345 · 12.35 · 0.0123."""
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def print_table(rows: list[Row]) -> None:
    headers = ("benchmark", "measured", "floor / peer (same run)", "ratio", "note")
    lines = [
        (r.name, f"{number(r.value)} {r.unit}", f"{r.floor_name}: {number(r.floor)} {r.unit}", f"{r.ratio:.2f}×", r.note)
        for r in rows
    ]
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(headers)] if lines else [len(h) for h in headers]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for line in lines:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(line, widths)) + " |")


def machine() -> str:
    import platform

    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()} {platform.release()}"
