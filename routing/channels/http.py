"""CSRF tokens, staff login, per-client rate limits and the request size limit.

Sessions are Starlette's signed cookies; the signing key is SESSION_SECRET
(generated per process when unset, so it never has a default).
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections import defaultdict, deque
from typing import Mapping

from starlette.requests import Request

from routing.errors import RequestError

CSRF_FIELD = "csrf_token"


def csrf_token(request: Request) -> str:
    token = request.session.get(CSRF_FIELD)
    if not token:
        token = secrets.token_urlsafe(24)
        request.session[CSRF_FIELD] = token
    return str(token)


def check_csrf(request: Request, form: Mapping[str, object]) -> None:
    expected = request.session.get(CSRF_FIELD, "")
    sent = form.get(CSRF_FIELD, "")
    if not expected or not isinstance(sent, str) or not hmac.compare_digest(str(expected), sent):
        raise RequestError(403, "This form has expired or did not come from this site. Reload the page and send it again.")


def is_staff(request: Request) -> bool:
    return bool(request.session.get("staff"))


def require_staff(request: Request) -> None:
    if not is_staff(request):
        raise RequestError(401, "Please sign in to the staff console first.")


def password_matches(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


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
            wait = int(self.window - (moment - hits[0])) + 1
            raise RequestError(429, f"Too many requests from this address. Please wait {wait} seconds and try again.")


def client_key(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def read_limited(request: Request, limit: int, too_large: str) -> bytes:
    """The request body, refused with a 413 saying ``too_large`` as soon as it passes ``limit`` bytes.

    The declared length is checked first, and the stream is counted as it
    arrives, so an oversized body is never held in memory whole.
    """
    refusal = RequestError(413, too_large)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise refusal
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise refusal
        chunks.append(chunk)
    return b"".join(chunks)
