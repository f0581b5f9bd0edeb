"""A dictionary of English words, so typo repair leaves real words alone ("stock" is not "stuck", "right" is not "sight").

From the english-words package (Webster's Second International, lower-cased):
read once per process, a few tens of milliseconds. Only membership is ever
asked, so the 230,000 words are kept as their sorted 64-bit hashes (about
2 MB) rather than as strings in a set (about 21 MB, a sixth of the process
at 10,000 contacts). The hashes are this process's own and never written
anywhere (the start-up cache drops the dictionary before it pickles).
"""

from __future__ import annotations

import functools
from array import array
from bisect import bisect_left
from collections.abc import Iterable

from english_words import get_english_words_set


class HashedWords:
    """A set of words that answers ``in`` and ``len`` only; two words sharing a 64-bit hash is the one, negligible, error."""

    __slots__ = ("_hashes",)

    def __init__(self, words: Iterable[str]) -> None:
        self._hashes = array("q", sorted({hash(word) for word in words}))

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        wanted = hash(word)
        at = bisect_left(self._hashes, wanted)
        return at < len(self._hashes) and self._hashes[at] == wanted

    def __len__(self) -> int:
        return len(self._hashes)


@functools.cache
def english_words() -> HashedWords:
    return HashedWords(w for w in get_english_words_set(["web2"], lower=True, alpha=True) if len(w) >= 3)
