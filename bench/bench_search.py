"""Search speed: the Whoosh index against SQLite FTS5 on the same documents and queries.

Both sides get routing.store.search_index.topic_documents (one document per topic, its
words already through synonyms and stemming) and the analysed terms of the
same questions, run as an OR of terms ranked by BM25, top 8. The Whoosh side
is SearchIndex.search as the router calls it, which also reports each hit's
matched terms; the FTS5 side (sqlite3 from the standard library) returns the
ranked ids only. SearchIndex keeps each term's scored postings after their
first read, so it is timed twice: warm (as a running server is), and with
that cache emptied before every search (each term read from the index).
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Sequence
from pathlib import Path

from common import ROOT, Row, percentile, print_table, seconds, sized, steady_calls


class Fts5Peer:
    """The same topic documents in an FTS5 table on disk, queried the same way."""

    def __init__(self, path: Path, documents: list[dict[str, str]]) -> None:
        self.db = sqlite3.connect(str(path))
        self.db.execute("CREATE VIRTUAL TABLE topics USING fts5(topic_id UNINDEXED, contact_id UNINDEXED, terms)")
        with self.db:
            self.db.executemany("INSERT INTO topics VALUES (:topic_id, :contact_id, :terms)", documents)

    def search(self, terms: Sequence[str], limit: int = 8) -> list[tuple[str, str, float]]:
        unique = list(dict.fromkeys(t for t in terms if t))
        if not unique:
            return []
        match = " OR ".join('"' + t.replace('"', '""') + '"' for t in unique)
        return self.db.execute(
            "SELECT topic_id, contact_id, bm25(topics) FROM topics WHERE topics MATCH ? ORDER BY rank LIMIT ?", (match, limit)
        ).fetchall()

    def close(self) -> None:
        self.db.close()


def compare(directory: object, queries: Sequence[str], label: str, tmp: Path, calls: int) -> list[Row]:
    """Build both indexes of ``directory`` and time ``calls`` searches on each."""
    from routing.core.text import analyze, build_vocabulary
    from routing.store.search_index import open_index, topic_documents

    vocab = build_vocabulary(directory)  # type: ignore[arg-type]
    documents = topic_documents(directory, vocab)  # type: ignore[arg-type]
    whoosh_build = seconds(lambda: open_index(directory, tmp / "whoosh").close())  # type: ignore[arg-type]
    holder: list[Fts5Peer] = []
    # Both builds start from the Directory: vocabulary, topic documents, then the index.
    fts_build = seconds(
        lambda: holder.append(Fts5Peer(tmp / "fts5.sqlite3", topic_documents(directory, build_vocabulary(directory))))  # type: ignore[arg-type]
    )
    fts = holder[0]
    index = open_index(directory, tmp / "whoosh")  # type: ignore[arg-type]
    terms = [analyze(q, vocab).terms for q in queries]
    for t in terms:  # warm both: page cache, Whoosh's searcher, SQLite's statement cache
        index.search(t)
        fts.search(t)
    n = min(calls, len(terms) * 50)
    whoosh_cycle, fts_cycle = iter(terms * (2 * n // len(terms) + 1)), iter(terms * (2 * n // len(terms) + 1))
    whoosh = steady_calls(lambda: index.search(next(whoosh_cycle)), n)
    peer = steady_calls(lambda: fts.search(next(fts_cycle)), n)
    cold_cycle = iter(terms * (2 * n // len(terms) + 1))

    def uncached() -> None:
        index._scored.clear()  # every term read from the index again
        index.search(next(cold_cycle))

    cold = steady_calls(uncached, n)
    index.close()
    fts.close()
    note = f"{len(documents):,} topic documents, {len(queries)} questions, {n:,} searches, better of 2 passes"
    return [
        Row(f"Whoosh search p50, {label}", percentile(whoosh, 50), "ms", "SQLite FTS5 p50, same docs + queries", percentile(peer, 50), note=note, higher_is_better=False),
        Row(f"Whoosh search p99, {label}", percentile(whoosh, 99), "ms", "SQLite FTS5 p99, same docs + queries", percentile(peer, 99), note=note, higher_is_better=False),
        Row(f"Whoosh search p50 uncached, {label}", percentile(cold, 50), "ms", "SQLite FTS5 p50, same docs + queries", percentile(peer, 50),
            note="postings cache emptied before each search: every term read from the index", higher_is_better=False),
        Row(f"Whoosh search p99 uncached, {label}", percentile(cold, 99), "ms", "SQLite FTS5 p99, same docs + queries", percentile(peer, 99),
            note="postings cache emptied before each search: every term read from the index", higher_is_better=False),
        Row(f"Whoosh index build, {label}", whoosh_build, "s", "SQLite FTS5 build, same docs", fts_build,
            note="each from the Directory: vocabulary, topic documents, index", higher_is_better=False),
    ]


def run() -> list[Row]:
    from bench_route import questions

    from routing.core.directory import load

    with tempfile.TemporaryDirectory() as tmp:
        return compare(load(ROOT / "directory.yaml"), questions(), "9 real contacts", Path(tmp), sized(2000, 100))


if __name__ == "__main__":
    print_table(run())
