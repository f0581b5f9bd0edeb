"""Every benchmark, one table: ``make bench`` (or ``python bench/run.py``).

Each module's run() returns rows; each row is a figure next to a floor or peer
measured in the same run, as a ratio. Goals are printed in the note column,
never asserted: a benchmark is not a timed test. ``BENCH_QUICK=1`` runs every
row with tiny counts (and 10 and 100 contacts only) for the smoke test.
Everything stays on 127.0.0.1 and in temp dirs; no SMTP_HOST is ever set
except the loopback aiosmtpd of the drain row.
"""

from __future__ import annotations

import datetime
import logging
import sys
import time
from types import ModuleType

import bench_forward
import bench_ivr
import bench_route
import bench_scale
import bench_search
import bench_start
import bench_triage
from common import QUICK, Row, machine, pin_clock, print_table

SUITES: tuple[ModuleType, ...] = (bench_route, bench_search, bench_triage, bench_forward, bench_ivr, bench_start, bench_scale)


def main() -> int:
    pin_clock()
    # The app's start-up warnings (no Twilio token, no SMTP_HOST) are expected here.
    logging.getLogger("routing").setLevel(logging.ERROR)
    started = time.perf_counter()
    rows: list[Row] = []
    for suite in SUITES:
        name = suite.__name__.removeprefix("bench_")
        print(f"… {name}", file=sys.stderr, flush=True)
        begun = time.perf_counter()
        rows += suite.run()
        print(f"  {name} took {time.perf_counter() - begun:.1f} s", file=sys.stderr, flush=True)
    print(f"Machine: {machine()}")
    print(f"Date: {datetime.date.today().isoformat()}{' (BENCH_QUICK=1: tiny counts, not figures to quote)' if QUICK else ''}")
    print()
    print_table(rows)
    print()
    print(f"{len(rows)} rows in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
