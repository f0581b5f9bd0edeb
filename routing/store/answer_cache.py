"""Recent /api/route answers, kept in memory and keyed so a stale directory can never be served."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")
Key = tuple[str, str, str, str, str]  # directory version, language, question, channel, instant


class AnswerCache(Generic[T]):
    """The last few thousand /api/route bodies, by directory version, language, question, channel and instant.

    Employers ask the same few questions all day; an answer is pure in its
    key, so a repeat costs a dictionary lookup instead of a search. The
    language is part of the key because the body holds wording: a Spanish
    answer is never served to an English question, nor the other way.
    """

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._bodies: OrderedDict[Key, T] = OrderedDict()

    def get_or_make(self, key: Key, make: Callable[[], T]) -> T:
        body = self._bodies.get(key)
        if body is None:
            body = self._bodies[key] = make()
            if len(self._bodies) > self.size:
                self._bodies.popitem(last=False)
        else:
            self._bodies.move_to_end(key)
        return body
