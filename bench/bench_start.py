"""Cold against warm start on the real directory.

Figures (median of several runs, each in a fresh temp dir):
- reopening the index already on disk, against building it from scratch;
- create_app with the index already on disk, against create_app into an
  empty SEARCH_INDEX_DIR (directory load, validation, index, templates).
Imports are paid once before timing: both sides are a restart of an
already-imported process, which is what a directory reload costs too.
"""

from __future__ import annotations

import statistics
import tempfile
from pathlib import Path

from common import ROOT, Row, print_table, seconds, sized


def run() -> list[Row]:
    from routing.app import create_app
    from routing.core.directory import load
    from routing.settings import Settings
    from routing.store.search_index import open_index

    runs = sized(7, 2)
    directory = load(ROOT / "directory.yaml")
    cold_index, warm_index, cold_app, warm_app = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        create_app(Settings.from_env({}, index_dir=Path(tmp) / "first", data_dir=Path(tmp) / "var", reload_interval=0))
        for n in range(runs):
            index_dir = Path(tmp) / f"index-{n}"
            cold_index.append(seconds(lambda d=index_dir: open_index(directory, d).close()))
            warm_index.append(seconds(lambda d=index_dir: open_index(directory, d).close()))
            settings = Settings.from_env(
                {}, index_dir=Path(tmp) / f"app-{n}", data_dir=Path(tmp) / "var", reload_interval=0,
                staff_password="bench", session_secret="bench",
            )
            cold_app.append(seconds(lambda s=settings: create_app(s)))
            warm_app.append(seconds(lambda s=settings: create_app(s)))
    median = statistics.median
    note = f"median of {runs}, in-process, imports already paid"
    return [
        Row("index reopen (warm), 9 real contacts", median(warm_index), "s", "index build from scratch (cold)", median(cold_index), note=note, higher_is_better=False),
        Row("create_app, index on disk (warm)", median(warm_app), "s", "create_app, empty index dir (cold)", median(cold_app), note=note, higher_is_better=False),
    ]


if __name__ == "__main__":
    print_table(run())
