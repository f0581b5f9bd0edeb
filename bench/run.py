"""Every benchmark, one table: ``make bench`` (or ``python bench/run.py``).

Each module's run() returns rows; each row is a figure next to a floor or peer
measured in the same run, as a ratio. Goals are printed in the note column,
never asserted: a benchmark is not a timed test. ``BENCH_QUICK=1`` runs every
row with tiny counts (and 10 and 100 contacts only) for the smoke test.
Everything stays on 127.0.0.1 and in temp dirs; no SMTP_HOST is ever set
except the loopback aiosmtpd of the drain row.
"""

from __future__ import annotations

import contextlib
import datetime
import io
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
from common import QUICK, ROOT, Row, machine, pin_clock, print_table

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
    took = time.perf_counter() - started
    print(f"{len(rows)} rows in {took:.0f} s")
    if not QUICK:  # a quick run's tiny counts are not figures to quote
        write_readme(rows, took)
    return 0


START, END = "<!-- bench:start (written by bench/run.py) -->", "<!-- bench:end -->"


def write_readme(rows: list[Row], took: float) -> None:
    """Put this run's table in README.md between the bench markers, so the README quotes one whole run."""
    readme = ROOT / "README.md"
    text = readme.read_text()
    if START not in text or END not in text:
        print(f"README.md has no {START} … {END} section; not updated", file=sys.stderr)
        return
    table = io.StringIO()
    with contextlib.redirect_stdout(table):
        print_table(rows)
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    section = (
        f"{START}\nRun on {machine()}, on {datetime.date.today().isoformat()} ({len(rows)} rows in {took:.0f} s; "
        f"other work may share the machine, so p99 figures carry some noise):\n\n{table.getvalue()}{END}"
    )
    readme.write_text(head + section + tail)
    print("README.md: benchmark table updated", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
