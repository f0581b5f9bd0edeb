"""How start-up and routing grow with the directory: 10 to 10,000 contacts.

Each size is a directory from generate.py (the real nine contacts plus
generated teams with made-up words, the real rules and synonyms). For each:
loading and validating the YAML, building the index from scratch, reopening
the index already on disk (a warm start), and route() p99 in-process over the
same questions. Every figure is shown against the same figure at 10 contacts.
At the largest size, Whoosh is also compared with SQLite FTS5 on the same text.
"""

from __future__ import annotations

import statistics
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from common import PINNED_NOW, QUICK, ROOT, Row, app_env, first_200, percentile, print_table, seconds, sized, steady_calls
from generate import generated_yaml, sample_questions

SIZES = (10, 100) if QUICK else (10, 100, 1_000, 10_000)
P99_GOAL_MS = 10.0
RSS_GOAL_MB = 120.0


@dataclass(frozen=True)
class Size:
    contacts: int
    load: float  # seconds
    build: float  # seconds
    warm: float  # seconds
    route_p99: float  # ms
    route_p50: float  # ms


def measure(contacts: int, tmp: Path) -> tuple[Size, object, list[str]]:
    from routing.core.directory import loads
    from routing.core.instants import parse_instant
    from routing.core.rules import route
    from routing.store.search_index import open_index

    text, vocab = generated_yaml(contacts)
    holder: list[object] = []
    # Median of three: one load of the largest size is two seconds on a shared machine, where one run is noise.
    load = statistics.median(seconds(lambda: holder.append(loads(text, f"generated-{contacts}.yaml"))) for _ in range(3))
    directory = holder[0]
    del holder[1:]
    index_dir = tmp / f"index-{contacts}"
    build = seconds(lambda: open_index(directory, index_dir).close())  # type: ignore[arg-type]
    warm_runs = []
    for _ in range(3):
        holder.clear()
        warm_runs.append(seconds(lambda: holder.append(open_index(directory, index_dir))))  # type: ignore[arg-type]
        holder[0].close()  # type: ignore[attr-defined]
    index = open_index(directory, index_dir)  # type: ignore[arg-type]
    assert not index.built, "the warm start rebuilt the index instead of reusing it"
    now = parse_instant(PINNED_NOW)
    questions = sample_questions(vocab, sized(400, 60))
    for q in questions[:50]:
        route(index, q, "web", now)
    cycle = iter(questions * 2)
    samples = steady_calls(lambda: route(index, next(cycle), "web", now), len(questions))
    index.close()
    return Size(contacts, load, build, statistics.median(warm_runs), percentile(samples, 99), percentile(samples, 50)), directory, questions


def first_touch(text: str, questions: list[str], tmp: Path) -> list[float]:
    """route() ms for each question in turn, right after a start from the start-up cache: nothing asked before."""
    from routing.core.instants import parse_instant
    from routing.core.rules import route
    from routing.core.text import stem
    from routing.store.model_cache import open_directory

    path = tmp / "first-touch.yaml"
    path.write_text(text)
    open_directory(path, tmp / "first-touch-index").index.close()  # the first start writes the cache
    stem.cache_clear()
    loaded = open_directory(path, tmp / "first-touch-index")
    assert loaded.cached, "the second start should read the start-up cache"
    now = parse_instant(PINNED_NOW)
    cycle = iter(questions)
    samples = steady_calls(lambda: route(loaded.index, next(cycle), "web", now), len(questions) // 2, passes=1)
    loaded.index.close()
    return samples


def restarts(text: str, contacts: int, tmp: Path) -> list[Row]:
    """A whole restart to the first 200, unchanged directory: the large one against the real nine contacts."""
    runs = sized(3, 1)
    big = tmp / f"restart-{contacts}.yaml"
    big.write_text(text)
    path = f"/api/route?q=billing&at={quote(PINNED_NOW)}"
    results = {}
    for name, directory in (("real", ROOT / "directory.yaml"), ("big", big)):
        env = app_env(tmp / f"restart-index-{name}", tmp / f"restart-var-{name}", DIRECTORY_PATH=str(directory))
        first_200(env, path)  # the first start builds the index and writes the start-up cache
        results[name] = [first_200(env, path) for _ in range(runs)]
    median = statistics.median
    big_s, real_s = median(t for t, _ in results["big"]), median(t for t, _ in results["real"])
    big_mb, real_mb = median(m for _, m in results["big"]), median(m for _, m in results["real"])
    note = f"fresh process, uvicorn, launch to first 200 on /api/route; median of {runs}; the index and start-up cache already on disk"
    return [
        Row(f"restart, unchanged directory, {contacts:,} contacts", big_s, "s", "the same restart, 9 real contacts", real_s,
            note=f"goal ≤ 2.00×; {note}", higher_is_better=False),
        Row(f"memory after start (RSS), {contacts:,} contacts", big_mb, "MB", "the same, 9 real contacts", real_mb,
            note=f"goal ≤ {RSS_GOAL_MB:.0f} MB; measured at the first 200 of the restart row", higher_is_better=False),
    ]


def run() -> list[Row]:
    from bench_search import compare

    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        sizes = []
        for contacts in SIZES:
            size, directory, questions = measure(contacts, Path(tmp))
            sizes.append(size)
        base = sizes[0]
        for s in sizes[1:]:
            growth = f"{s.contacts // base.contacts:,}× the contacts"
            label = f"{s.contacts:,} contacts"
            rows += [
                Row(f"directory load + validate, {label}", s.load, "s", f"same, {base.contacts} contacts", base.load,
                    note=f"{growth}; goal ≤ 2 s at 10,000 contacts; median of 3", higher_is_better=False),
                Row(f"index build (cold), {label}", s.build, "s", f"same, {base.contacts} contacts", base.build, note=growth, higher_is_better=False),
                Row(f"index reopen (warm start), {label}", s.warm, "s", f"same, {base.contacts} contacts", base.warm,
                    note=f"{growth}; restart total (load + reopen) {s.load + s.warm:.2f} s", higher_is_better=False),
                Row(f"route() p99, {label}", s.route_p99, "ms", f"same, {base.contacts} contacts", base.route_p99,
                    note=f"goal ≤ {P99_GOAL_MS:.0f} ms at 10,000 contacts; p50 {s.route_p50:.2f} ms; {len(questions)} questions, better of 2 passes", higher_is_better=False),
            ]
        largest = sizes[-1]
        label = f"{largest.contacts:,} contacts"
        text, vocab = generated_yaml(largest.contacts)
        touched = first_touch(text, sample_questions(vocab, sized(400, 60), seed=29), Path(tmp))
        rows.append(Row(f"route() p99, first touch after start, {label}", percentile(touched, 99), "ms", f"route() p99 steady, {label}", largest.route_p99,
                        note=f"goal ≤ {P99_GOAL_MS:.0f} ms from the first request; max {max(touched):.2f} ms; {len(touched)} questions never asked before in this process, "
                             "right after a start from the start-up cache", higher_is_better=False))
        rows.append(Row(f"warm start vs cold build, {largest.contacts:,} contacts", largest.warm, "s", "cold index build, same directory", largest.build,
                        note="reopen the on-disk index instead of rebuilding it", higher_is_better=False))
        rows += restarts(text, largest.contacts, Path(tmp))
        rows += compare(directory, questions, f"{largest.contacts:,} contacts", Path(tmp) / "fts", sized(1000, 60))
    return rows


if __name__ == "__main__":
    from common import pin_clock

    pin_clock()
    print_table(run())
