"""A dictionary of English words, so typo repair leaves real words alone ("stock" is not "stuck", "right" is not "sight").

From the english-words package (Webster's Second International, lower-cased):
read once per process, a few tens of milliseconds.
"""

from __future__ import annotations

import functools

from english_words import get_english_words_set


@functools.cache
def english_words() -> frozenset[str]:
    return frozenset(w for w in get_english_words_set(["web2"], lower=True, alpha=True) if len(w) >= 3)
