"""Values worth keeping for the last few generations only: a directory version, an instant.

A page, the API and the triage threads build the same contact cards again and
again for the directory being served at the current minute; each cache here
keeps what was built for the newest few generations and drops older ones
whole, so a reload or the next minute never serves a stale card and memory
stays bounded. Look-ups take no lock (a dict read is atomic); a store does.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

G = TypeVar("G", bound=Hashable)
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Recent(Generic[G, K, V]):
    def __init__(self, generations: int) -> None:
        self._kept: OrderedDict[G, dict[K, V]] = OrderedDict()
        self._lock = threading.Lock()
        self._generations = generations

    def get(self, generation: G, key: K) -> V | None:
        found = self._kept.get(generation)
        return found.get(key) if found is not None else None

    def put(self, generation: G, key: K, value: V) -> V:
        with self._lock:
            by_key = self._kept.setdefault(generation, {})
            self._kept.move_to_end(generation)
            while len(self._kept) > self._generations:
                self._kept.popitem(last=False)
            by_key[key] = value
        return value

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
