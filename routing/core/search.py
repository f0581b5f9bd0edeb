"""What the core needs from a search index, so rules and triage can be tested without Whoosh.

``routing.store.search_index.SearchIndex`` is the implementation the app runs
on; a test may hand the rules any object with these members.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from routing.core.model import Directory
from routing.core.text import Vocabulary


@dataclass(frozen=True)
class Hit:
    topic_id: str
    contact_id: str
    score: float
    matched: tuple[str, ...]  # the query's stemmed terms found in this topic


class Searcher(Protocol):
    @property
    def directory(self) -> Directory: ...

    @property
    def vocab(self) -> Vocabulary: ...

    def phrase_words(self, phrase: str) -> tuple[str, ...]:
        """A phrase from the directory, run through the same analysis as the indexed words."""
        ...

    def search(self, terms: Sequence[str], limit: int = 8) -> list[Hit]:
        """Topics matching any of the analysed ``terms``, best first."""
        ...
