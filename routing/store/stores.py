"""Open every store the app keeps, in SQLite under DATA_DIR or in the PostgreSQL at DATABASE_URL.

SQLite is the default and needs nothing installed: one file per store, so a
busy outbox never waits on the triage log. With DATABASE_URL, every store
shares one connection pool to one database, and any number of app processes
on any number of machines can share it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from limits.storage import MemoryStorage, Storage, storage_from_string

from routing.errors import SettingsError
from routing.settings import Settings
from routing.store.audit import AuditTrail, audit_path
from routing.store.database import Database, Engine, PostgresEngine, version_of
from routing.store.mailbox_state import MailboxState
from routing.store.outbox import Outbox, outbox_path
from routing.store.rate_limits import RateLimitTable, SqlStorage
from routing.store.staff_accounts import StaffAccounts, accounts_path
from routing.store.staff_sessions import StaffSessions, sessions_path
from routing.store.triage_log import TriageLog, triage_path


@dataclass
class Stores:
    outbox: Outbox
    triage_log: TriageLog
    staff_sessions: StaffSessions
    staff_accounts: StaffAccounts
    audit: AuditTrail
    rate_limits: Storage
    mailbox_state: MailboxState  # where the IMAP fetcher is in each mailbox
    shared: Engine | None = None  # the PostgreSQL pool every store uses, closed last
    _tables: list[RateLimitTable] = field(default_factory=list)

    @property
    def where(self) -> str:
        return "PostgreSQL" if self.shared is not None else "SQLite files in DATA_DIR"

    def _all(self) -> list[Database]:
        return [self.outbox, self.triage_log, self.staff_sessions, self.staff_accounts, self.audit, self.mailbox_state, *self._tables]

    def versions(self) -> dict[str, int]:
        return {store.name: version_of(store.engine, store.name) for store in self._all()}

    def close(self) -> None:
        for store in self._all():
            store.close()
        if self.shared is not None:
            self.shared.close()


def open_stores(settings: Settings) -> Stores:
    """Every store, migrated to this release's schema (the first process to arrive migrates; the rest wait)."""
    if settings.database_url:
        engine = PostgresEngine(settings.database_url)
        tables = [] if settings.redis_url else [RateLimitTable(engine)]
        return Stores(
            outbox=Outbox(engine),
            triage_log=TriageLog(engine),
            staff_sessions=StaffSessions(engine, settings.staff_password, settings.session_secret),
            staff_accounts=StaffAccounts(engine),
            audit=AuditTrail(engine),
            rate_limits=_redis(settings.redis_url) if settings.redis_url else SqlStorage(tables[0]),
            mailbox_state=MailboxState(engine),
            shared=engine,
            _tables=tables,
        )
    # One process counts in memory; workers sharing the machine count in a file they all see (or in Redis).
    tables = [RateLimitTable(rate_limits_path(settings.data_dir))] if settings.workers > 1 and not settings.redis_url else []
    counts = _redis(settings.redis_url) if settings.redis_url else SqlStorage(tables[0]) if tables else MemoryStorage()
    return Stores(
        outbox=Outbox(outbox_path(settings.data_dir)),
        triage_log=TriageLog(triage_path(settings.data_dir)),
        staff_sessions=StaffSessions(sessions_path(settings.data_dir), settings.staff_password, settings.session_secret),
        staff_accounts=StaffAccounts(accounts_path(settings.data_dir)),
        audit=AuditTrail(audit_path(settings.data_dir)),
        rate_limits=counts,
        mailbox_state=MailboxState(mailbox_state_path(settings.data_dir)),
        _tables=tables,
    )


def _redis(url: str) -> Storage:
    # limits' own Redis storage: counts expire in Redis itself, shared by every process that points here.
    storage = storage_from_string(url)
    if not isinstance(storage, Storage):  # a "async+redis://" address would give the asyncio flavour
        raise SettingsError("REDIS_URL should be a plain redis:// address (not async+redis://).")
    return storage


def rate_limits_path(data_dir: Path) -> Path:
    return data_dir / "rate_limits.sqlite3"


def mailbox_state_path(data_dir: Path) -> Path:
    return data_dir / "mailbox_state.sqlite3"
