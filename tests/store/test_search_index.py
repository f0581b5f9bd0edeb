"""The Whoosh index on disk: built once per directory version, reused warm, queried safely."""

from __future__ import annotations

from pathlib import Path

import pytest
from paths import DATA

from routing.core.directory import load, loads
from routing.core.text import analyze
from routing.settings import ROOT
from routing.store.search_index import READY, open_index

SOURCE = (ROOT / "directory.yaml").read_text()


@pytest.fixture
def directory():
    return load(ROOT / "directory.yaml")


def test_first_open_builds_then_a_warm_start_reuses_the_index(directory, tmp_path):
    first = open_index(directory, tmp_path)
    assert first.built
    assert (tmp_path / directory.version / READY).exists()
    stamp = (tmp_path / directory.version / READY).stat().st_mtime_ns
    second = open_index(directory, tmp_path)
    assert not second.built
    assert (tmp_path / directory.version / READY).stat().st_mtime_ns == stamp


def test_a_changed_directory_gets_a_new_index_and_the_old_one_is_removed(directory, tmp_path):
    open_index(directory, tmp_path)
    changed = loads(SOURCE.replace('title: "Conduct a reinstatement"', 'title: "Conduct a reinstatement or revival"'))
    assert changed.version != directory.version
    index = open_index(changed, tmp_path)
    assert index.built
    assert not (tmp_path / directory.version).exists()
    hits = index.search(analyze("revival", index.vocab).terms)
    assert hits and hits[0].topic_id == "reinstatement"


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("brokr of recrod", "broker-of-record"),
        ("recieve a copy of my bil", "bill-copies"),
        ("continuation coverage", "cobra"),
        ("BOR", "broker-of-record"),
        ("5500", "a-5500"),
        ("order replacement ID cards", "order-id-cards"),
    ],
)
def test_search_finds_the_topic_despite_typos_and_synonyms(directory, tmp_path, question, topic):
    index = open_index(directory, tmp_path)
    hits = index.search(analyze(question, index.vocab).terms)
    assert hits[0].topic_id == topic


@pytest.mark.parametrize(
    "junk",
    ['"unbalanced quote', "(billing", "AND OR NOT", "cobra*", "bill~2", "field:value", "😀🚑", "a" * 500, "\\", "{[}]^"],
)
def test_query_syntax_is_never_parsed(directory, tmp_path, junk):
    index = open_index(directory, tmp_path)
    assert isinstance(index.search(analyze(junk, index.vocab).terms), list)


def test_nothing_to_search_finds_nothing(directory, tmp_path):
    index = open_index(directory, tmp_path)
    assert index.search([]) == []
    assert index.search(analyze("what's the weather", index.vocab).terms) == []


def test_an_interrupted_build_is_replaced_not_served(directory, tmp_path: Path):
    half = tmp_path / directory.version
    half.mkdir()
    (half / "junk").write_text("not an index")
    index = open_index(directory, tmp_path)
    assert index.built
    assert index.search(["cobra"])[0].topic_id == "cobra"


def test_ranking_is_exactly_whooshs_own_or_query(directory, tmp_path):
    """search() sums cached per-term scores; Whoosh's Or query must rank the same topics the same way."""
    from collections import Counter

    import yaml
    from whoosh.query import Or, Term

    index = open_index(directory, tmp_path)
    data = DATA
    questions = [row["q"] for name in ("questions.yaml", "questions_blind.yaml") for row in yaml.safe_load((data / name).read_text())]
    compared = 0
    for question in questions + ["contact contact contact change", "bill bill invoice"]:
        terms = analyze(question, index.vocab).terms
        ours = index.search(terms)
        counts = Counter(terms)  # every term, known or not: an unknown one must not change the ranking
        if not counts:
            assert ours == []
            continue
        query = Or([Term("terms", t, boost=1.0 + 0.5 * (n - 1)) for t, n in counts.items()])
        theirs = index._searcher.search(query, limit=8, terms=True)
        assert [h.topic_id for h in ours] == [r["topic_id"] for r in theirs], question
        assert [h.score for h in ours] == pytest.approx([r.score for r in theirs]), question
        for hit, result in zip(ours, theirs):
            assert set(hit.matched) == {t.decode() if isinstance(t, bytes) else t for _, t in result.matched_terms()}
        compared += 1
    assert compared > 200
