"""The Whoosh index of every topic in the directory.

One document per topic, holding the topic's words already run through
``text.index_terms`` (synonyms and stemming), so a query is a plain OR of
terms: user text is never handed to a query parser that could fail on it.
The index lives in ``search_index/<directory version>/`` and is reused on a
warm start; a changed directory gets a fresh one built beside the old.

Every stem the directory knows has its scored postings read once, when the
index opens (``warm``), or taken from the start-up cache (``model_cache``):
a question can only match known stems, so the first question costs what the
thousandth does, and Whoosh's searcher is opened only if something still
asks it. Document numbers map to topics through the model (documents are
written in ``topic_documents`` order), never through stored fields on disk.

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
from array import array
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import scoring
from whoosh import searching as whoosh_searching
from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.fields import ID, TEXT, Schema

from routing.core.model import ContactKind, Directory
from routing.core.rules import warm_phrases
from routing.core.search import Hit
from routing.core.text import Vocabulary, analyze, build_vocabulary, index_terms
from routing.store.english import english_words

READY = "READY"

# A term's scored postings: document numbers and their BM25F scores, side by side (compact at 10,000 contacts).
Postings = tuple[array, array]  # type: ignore[type-arg]
_NONE: Postings = (array("I"), array("d"))


def schema() -> Schema:
    return Schema(
        topic_id=ID(stored=True, unique=True),
        contact_id=ID(stored=True),
        terms=TEXT(analyzer=SpaceSeparatedTokenizer(), phrase=False),
    )


class SearchIndex:
    def __init__(
        self,
        target: Path,
        directory: Directory,
        vocab: Vocabulary,
        built: bool,
        postings: Mapping[str, Postings] | None = None,
    ) -> None:
        self.directory = directory
        self.vocab = vocab
        self.built = built  # False when a warm start reused the index on disk
        self.target = target
        self._whoosh: whoosh_index.Index | None = None
        self._opened: object = None  # the Whoosh searcher, opened on first need
        self._phrases: dict[str, tuple[str, ...]] = {}
        self._scored: dict[str, Postings] = dict(postings or {})
        # docnum → (topic id, contact id): documents are written in this order, once, by _build.
        self._topics = [(doc["topic_id"], doc["contact_id"]) for doc in topic_documents(directory, vocab, terms=False)]
        self._lock = threading.Lock()  # the searcher and the caches, across threads

    @property
    def _searcher(self) -> whoosh_searching.Searcher:
        """Whoosh's searcher, opened the first time a term is not already cached. The caller holds ``_lock``."""
        if self._opened is None:
            self._whoosh = whoosh_index.open_dir(str(self.target))
            # BM25F with light length normalisation: a topic's word list is short,
            # and a long title should not be punished for listing more cases.
            self._opened = self._whoosh.searcher(weighting=scoring.BM25F(B=0.3, K1=1.2))
        return self._opened

    @_searcher.setter
    def _searcher(self, searcher: object) -> None:
        self._opened = searcher

    def warm(self) -> None:
        """Read every known stem's postings, and every rule phrase's words, now rather than on a first question."""
        with self._lock:
            missing = [stem for stem in self.vocab.stems if stem not in self._scored]
            if missing:
                searcher = self._searcher
                ends = (0, len(self._topics) - 1) if self._topics else ()
                if searcher.doc_count_all() != len(self._topics) or any(
                    searcher.stored_fields(d)["topic_id"] != self._topics[d][0] for d in ends
                ):
                    raise RuntimeError(f"the index in {self.target} does not match its directory; delete the folder to rebuild it")
                reader = searcher.reader()
                for stem in missing:
                    self._scored[stem] = self._read_postings(searcher, reader, stem)
        for rule in self.directory.rules:
            when = rule.when
            for phrase in (*when.written, *when.unless):
                self.phrase_words(phrase)
        for domain in self.directory.other_domains:
            for phrase in domain.phrases:
                self.phrase_words(phrase)
        for phrase in self.directory.plan_words:
            self.phrase_words(phrase)
        warm_phrases(self)

    def postings(self) -> dict[str, Postings]:
        """Every cached term's postings, for the start-up cache."""
        with self._lock:
            return dict(self._scored)

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
        stems = self.vocab.stems
        counts: dict[str, int] = {}  # in the order first said, as Counter kept them: the sums add up in the same order
        for t in terms:
            if t and t in stems:
                counts[t] = counts.get(t, 0) + 1
        scored = self._scored
        if any(t not in scored for t in counts):
            with self._lock:
                for t in counts:
                    self._postings(t)
        # Cached postings are never changed once stored, so they are summed outside the lock.
        totals: dict[int, float] = {}
        matched: dict[int, list[str]] = {}
        get = totals.get
        for term, n in counts.items():
            boost = 1.0 + 0.5 * (n - 1)
            docs, scores = scored[term]
            for docnum, score in zip(docs, scores):  # noqa: B905 - two arrays of one length
                totals[docnum] = get(docnum, 0.0) + boost * score
                if docnum in matched:
                    matched[docnum].append(term)
                else:
                    matched[docnum] = [term]
        topics = self._topics
        # What heapq.nsmallest gives (its documented equivalent), faster for the few dozen documents a question touches.
        best = sorted(totals, key=lambda d: (-totals[d], d))[:limit] if len(totals) <= 256 else heapq.nsmallest(limit, totals, key=lambda d: (-totals[d], d))
        return [Hit(*topics[d], totals[d], tuple(matched[d])) for d in best]

    def _postings(self, term: str) -> Postings:
        """A term's scored postings, read from the index once. The caller holds ``_lock``."""
        found = self._scored.get(term)
        if found is None:
            searcher = self._searcher
            # Bounded by the directory's vocabulary: only known stems get here.
            found = self._scored[term] = self._read_postings(searcher, searcher.reader(), term)
        return found

    @staticmethod
    def _read_postings(searcher: whoosh_searching.Searcher, reader: object, term: str) -> Postings:
        # What ``searcher.search(Term("terms", term))`` scores, without its collector and sort.
        text = term.encode()
        if ("terms", text) not in reader:  # type: ignore[operator]
            return _NONE
        matcher = searcher.postings("terms", text, weighting=searcher.weighting)
        docs, scores = array("I"), array("d")
        while matcher.is_active():
            docs.append(matcher.id())
            scores.append(matcher.score())
            matcher.next()
        return docs, scores

    def close(self) -> None:
        with self._lock:
            if self._opened is not None:
                self._opened.close()  # type: ignore[attr-defined]


def topic_documents(directory: Directory, vocab: Vocabulary, terms: bool = True) -> list[dict[str, str]]:
    """One document per topic, in the order they are written (their document numbers); ``terms=False`` skips the analysis."""
    docs = []
    for contact in directory.contacts:
        if contact.kind is ContactKind.EMERGENCY_LINE:
            # Reached only through the safety rules: a stray "medical" in
            # "a non-medical question" must not send anyone to 911.
            continue
        for topic in contact.topics:
            # The title once, like each word: a self-service page's long list
            # of tasks ("…for COBRA/Cal-COBRA…") must not outweigh a team's topic.
            text = " ".join([topic.title, *topic.words]) if terms else ""
            docs.append({"topic_id": topic.id, "contact_id": contact.id, "terms": " ".join(index_terms(text, vocab)) if terms else ""})
    return docs


def open_index(directory: Directory, index_dir: Path, *, vocab: Vocabulary | None = None, locked: bool = False) -> SearchIndex:
    """The index for this directory version: opened when on disk, else built, by one process at a time.

    Workers start together; the first to take the lock builds, and the rest
    wait on it and then open what it built instead of building again.
    ``locked`` says the caller already holds the build lock (``model_cache``).
    """
    vocab = vocab or build_vocabulary(directory, english=english_words())
    target = Path(index_dir) / directory.version
    if (target / READY).exists():
        return _warmed(SearchIndex(target, directory, vocab, built=False))
    Path(index_dir).mkdir(parents=True, exist_ok=True)
    with contextlib.nullcontext() if locked else build_lock(Path(index_dir)):
        if (target / READY).exists():  # built by the process we waited for
            return _warmed(SearchIndex(target, directory, vocab, built=False))
        _build(directory, vocab, Path(index_dir), target)
    return _warmed(SearchIndex(target, directory, vocab, built=True))


def _warmed(index: SearchIndex) -> SearchIndex:
    index.warm()
    return index


@contextlib.contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
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
