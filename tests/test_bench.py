"""The benchmarks still run: bench/run.py with BENCH_QUICK=1 prints one table with every row.

Not a timed test: only that each figure and its floor were measured and came
out as a number. Speed goals live in the bench's note column.
"""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys

from routing.settings import ENV_NAMES, ROOT

EXPECTED_ROWS = [
    "route() p50, in-process",
    "route() p99, in-process",
    "/api/route over HTTP, 70% repeated, 30% new, uvicorn asyncio + h11",
    "/api/route over HTTP, every question new, uvicorn asyncio + h11",
    "/api/route over HTTP, 70% repeated, 30% new, uvicorn uvloop + httptools",
    "/api/route over HTTP, every question new, uvicorn uvloop + httptools",
    "Whoosh search p50, 9 real contacts",
    "Whoosh search p99, 9 real contacts",
    "Whoosh index build, 9 real contacts",
    "emails triaged (parse + group + rules engine)",
    "POST /api/forward accepted (202)",
    "outbox drained to aiosmtpd on 127.0.0.1",
    "POST /ivr/voice (greeting) p50",
    "POST /ivr/voice (greeting) p99",
    "POST /ivr/gather (speech turn) p50",
    "POST /ivr/gather (speech turn) p99",
    "index reopen (warm), 9 real contacts",
    "create_app, index on disk (warm)",
    "directory load + validate, 100 contacts",
    "index build (cold), 100 contacts",
    "index reopen (warm start), 100 contacts",
    "route() p99, 100 contacts",
    "route() p99, first touch after start, 100 contacts",
    "restart, unchanged directory, 100 contacts",
    "memory after start (RSS), 100 contacts",
    "warm start vs cold build, 100 contacts",
    "Whoosh search p50, 100 contacts",
]


def test_quick_bench_prints_one_table_with_every_row() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ENV_NAMES}
    env["BENCH_QUICK"] = "1"
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py")], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    assert out.startswith("Machine: "), out[:200]

    table = [line for line in out.splitlines() if line.startswith("| ")]
    assert table[0].split("|")[1].strip() == "benchmark"
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in table[1:]]
    assert sum(1 for line in out.splitlines() if line.startswith("| benchmark ")) == 1, "one table, not one per module"

    names = [row[0] for row in rows]
    missing = [name for name in EXPECTED_ROWS if name not in names]
    assert not missing, f"rows missing from the table: {missing}\n{out}"
    for name, measured, floor, ratio, _note in rows:
        value = re.fullmatch(r"([0-9.,]+)×", ratio)
        assert value, f"{name}: ratio {ratio!r} is not a number"
        assert math.isfinite(float(value.group(1).replace(",", ""))), f"{name}: ratio {ratio!r}"
        assert re.match(r"[0-9.,]+ ", measured), f"{name}: measured {measured!r}"
        assert re.search(r": [0-9.,]+ ", floor), f"{name}: floor {floor!r}"
