"""The Whoosh index of every topic in the directory.

One document per topic, holding the topic's words already run through
``text.index_terms`` (synonyms and stemming), so a query is a plain OR of
terms: user text is never handed to a query parser that could fail on it.
The index lives in ``search_index/<directory version>/`` and is reused on a
warm start; a changed directory gets a fresh one built beside the old.

One ``SearchIndex`` is shared by the event loop (the web's questions) and the
worker threads that triage email. A Whoosh searcher is not safe to use from
two threads at once (its readers seek in shared files), so every use of it
and of the caches beside it holds ``_lock``; a term's postings are read once
and cached, so the lock is held for a dictionary look-up on all but the first.
"""

from __future__ import annotations

import contextlib
import fcntl
import heapq
import os
import shutil
import tempfile
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import scoring
from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.fields import ID, TEXT, Schema
from whoosh.query import Term

from routing.core.model import ContactKind, Directory
from routing.core.search import Hit
from routing.core.text import Vocabulary, analyze, build_vocabulary, index_terms
from routing.store.english import english_words

READY = "READY"


def schema() -> Schema:
    return Schema(
        topic_id=ID(stored=True, unique=True),
        contact_id=ID(stored=True),
        terms=TEXT(analyzer=SpaceSeparatedTokenizer(), phrase=False),
    )


class SearchIndex:
    def __init__(self, ix: whoosh_index.Index, directory: Directory, vocab: Vocabulary, built: bool) -> None:
        self.directory = directory
        self.vocab = vocab
        self.built = built  # False when a warm start reused the index on disk
        self._ix = ix
        # BM25F with light length normalisation: a topic's word list is short,
        # and a long title should not be punished for listing more cases.
        self._searcher = ix.searcher(weighting=scoring.BM25F(B=0.3, K1=1.2))
        self._phrases: dict[str, tuple[str, ...]] = {}
        self._scored: dict[str, tuple[tuple[int, float], ...]] = {}
        self._topics: dict[int, tuple[str, str]] = {}  # docnum → (topic id, contact id)
        self._lock = threading.Lock()  # the searcher and the caches, across threads

    def phrase_words(self, phrase: str) -> tuple[str, ...]:
        """A rule's phrase as the router sees words: the question's pipeline minus typo repair.

        Cached: the rules ask for the same few dozen phrases on every question.
        """
        words = self._phrases.get(phrase)  # a dictionary read is atomic; the rules ask this thousands of times an email
        if words is None:
            with self._lock:
                words = self._phrases[phrase] = analyze(phrase, self.vocab, fix_typos=False).words
        return words

    def search(self, terms: Sequence[str], limit: int = 8) -> list[Hit]:
        """The best topics for these stemmed terms, ranked by BM25F as Whoosh's ``Or`` query would.

        Whoosh scores an ``Or`` of terms as the sum of each term's score, so
        each term's scored postings are read from the index once and kept;
        a question then costs a few dictionary additions instead of a search.
        """
        # A word said again weighs more: an email that says "contact" four
        # times is about contacts, whatever else it mentions once.
        counts = Counter(t for t in terms if t and t in self.vocab.stems)
        totals: dict[int, float] = {}
        matched: dict[int, list[str]] = {}
        with self._lock:
            for term, n in counts.items():
                boost = 1.0 + 0.5 * (n - 1)
                for docnum, score in self._postings(term):
                    totals[docnum] = totals.get(docnum, 0.0) + boost * score
                    matched.setdefault(docnum, []).append(term)
            topics = {d: self._topics[d] for d in totals}
        best = heapq.nsmallest(limit, totals, key=lambda d: (-totals[d], d))
        return [Hit(*topics[d], totals[d], tuple(matched[d])) for d in best]

    def _postings(self, term: str) -> tuple[tuple[int, float], ...]:
        """A term's scored postings, read from the index once. The caller holds ``_lock``."""
        found = self._scored.get(term)
        if found is None:
            results = self._searcher.search(Term("terms", term), limit=None)
            for result in results:
                self._topics.setdefault(result.docnum, (result["topic_id"], result["contact_id"]))
            # Bounded by the directory's vocabulary: only known stems get here.
            found = self._scored[term] = tuple((r.docnum, float(r.score)) for r in results)
        return found

    def close(self) -> None:
        with self._lock:
            self._searcher.close()


def topic_documents(directory: Directory, vocab: Vocabulary) -> list[dict[str, str]]:
    docs = []
    for contact in directory.contacts:
        if contact.kind is ContactKind.EMERGENCY_LINE:
            # Reached only through the safety rules: a stray "medical" in
            # "a non-medical question" must not send anyone to 911.
            continue
        for topic in contact.topics:
            # The title once, like each word: a self-service page's long list
            # of tasks ("…for COBRA/Cal-COBRA…") must not outweigh a team's topic.
            text = " ".join([topic.title, *topic.words])
            docs.append({"topic_id": topic.id, "contact_id": contact.id, "terms": " ".join(index_terms(text, vocab))})
    return docs


def open_index(directory: Directory, index_dir: Path) -> SearchIndex:
    """The index for this directory version: opened when on disk, else built, by one process at a time.

    Workers start together; the first to take the lock builds, and the rest
    wait on it and then open what it built instead of building again.
    """
    vocab = build_vocabulary(directory, english=english_words())
    target = Path(index_dir) / directory.version
    if (target / READY).exists():
        return SearchIndex(whoosh_index.open_dir(str(target)), directory, vocab, built=False)
    Path(index_dir).mkdir(parents=True, exist_ok=True)
    with _build_lock(Path(index_dir)):
        if (target / READY).exists():  # built by the process we waited for
            return SearchIndex(whoosh_index.open_dir(str(target)), directory, vocab, built=False)
        _build(directory, vocab, Path(index_dir), target)
    return SearchIndex(whoosh_index.open_dir(str(target)), directory, vocab, built=True)


@contextlib.contextmanager
def _build_lock(index_dir: Path) -> Iterator[None]:
    # flock is released by the kernel when its holder dies, so a crashed build never blocks the next start.
    with open(index_dir / ".build.lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _build(directory: Directory, vocab: Vocabulary, index_dir: Path, target: Path) -> None:
    building = Path(tempfile.mkdtemp(prefix=f".build-{directory.version}-", dir=index_dir))
    ix = whoosh_index.create_in(str(building), schema())
    writer = ix.writer(limitmb=128)
    for doc in topic_documents(directory, vocab):
        writer.add_document(**doc)
    writer.commit()
    (building / READY).write_text(directory.version)
    if target.exists() and not (target / READY).exists():
        # Left by a build that died before it finished: never serve it.
        shutil.rmtree(target, ignore_errors=True)
    try:
        os.rename(building, target)
    except OSError:
        # Another process finished the same version first; theirs is as good.
        shutil.rmtree(building, ignore_errors=True)
    _remove_stale(index_dir, keep=directory.version)


def _remove_stale(index_dir: Path, keep: str) -> None:
    for child in index_dir.iterdir():
        if child.is_dir() and child.name != keep and not child.name.startswith("."):
            shutil.rmtree(child, ignore_errors=True)
