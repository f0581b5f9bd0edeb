"""What every request handler can reach, built once by ``create_app``.

A typed record, not a registry: a channel that needs the outbox names
``svc.mailroom`` and the type checker knows it is there.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.templating import Jinja2Templates

from routing.delivery.enqueue import Mailroom
from routing.delivery.sender import Sender
from routing.settings import Settings
from routing.store.answer_cache import AnswerCache
from routing.store.audit import AuditTrail
from routing.store.live_directory import LiveDirectory, Snapshot
from routing.store.outbox import Outbox
from routing.store.rate_limits import RateLimiter
from routing.store.staff_accounts import StaffAccounts
from routing.store.staff_sessions import StaffSessions
from routing.store.stores import Stores
from routing.store.triage_log import TriageLog


@dataclass(frozen=True)
class Answer:
    """One /api/route answer as served: the JSON body, and the contact and fallback flag /metrics counts."""

    body: bytes
    contact_id: str
    fallback: bool


@dataclass
class Services:
    settings: Settings
    directory: LiveDirectory
    templates: Jinja2Templates
    stores: Stores  # every database-backed store, opened and closed together
    outbox: Outbox
    sender: Sender
    mailroom: Mailroom
    triage_log: TriageLog
    forward_limit: RateLimiter  # requests per client per minute on /contact and /api/forward
    staff_logins: RateLimiter  # failed staff sign-ins and wrong Bearer tokens per client per minute
    staff_sessions: StaffSessions  # signed-in staff, on the server so sign-out revokes
    staff_accounts: StaffAccounts  # named staff and their argon2 password hashes
    audit: AuditTrail  # who forwarded, asked, corrected or ignored which email
    answers: AnswerCache[Answer]  # /api/route bodies, with what /metrics counts about each

    @property
    def snapshot(self) -> Snapshot:
        return self.directory.current


def services(request: Request) -> Services:
    return request.app.state.services  # type: ignore[no-any-return]
