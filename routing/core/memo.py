"""Bounded memo tables: remembered answers that no stream of new input can grow without limit."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def remembered(memo: dict[K, V], key: K, limit: int, make: Callable[[], V]) -> V:
    """``memo[key]``, made by ``make()`` the first time; a table that reaches ``limit`` entries starts again empty.

    Emptied rather than trimmed: the answers are cheap to make again, and a clear costs nothing per lookup.
    """
    found = memo.get(key)
    if found is None:
        if len(memo) >= limit:
            memo.clear()
        found = memo[key] = make()
    return found
