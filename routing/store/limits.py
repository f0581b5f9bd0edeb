"""Per-client request budgets: a sliding one-minute window, kept in this process."""

from __future__ import annotations

import time
from collections import defaultdict, deque

from routing.errors import RateLimited


class RateLimiter:
    """A sliding one-minute window per client."""

    def __init__(self, per_minute: int, window: float = 60.0) -> None:
        self.per_minute = per_minute
        self.window = window
        self._hits: dict[str, deque[float]] = defaultdict(deque)

    def check(self, client: str, now: float | None = None) -> None:
        """Count one request from ``client``, or raise a 429 when it has had its share this minute."""
        moment = time.monotonic() if now is None else now
        self.refuse_if_over(client, moment)
        if self.per_minute > 0:
            self._hits[client].append(moment)

    def refuse_if_over(self, client: str, now: float | None = None) -> None:
        """Raise a 429 when ``client`` has had its share this minute, without counting this request."""
        if self.per_minute <= 0:
            return
        moment = time.monotonic() if now is None else now
        hits = self._hits[client]
        while hits and moment - hits[0] >= self.window:
            hits.popleft()
        if len(hits) >= self.per_minute:
            raise RateLimited(int(self.window - (moment - hits[0])) + 1)
