"""Finding triaged emails for the staff list: filters, and pages of a stable order.

The order is newest first by arrival, ties broken by reference, so a page
never shows a row twice or skips one. Pages are found from a neighbour's
reference (keyset paging), not an offset: emails arriving while staff read
page 2 do not push rows from page 2 onto page 3.

The team and group ID are read from the stored triage JSON (the corrected
one, once staff correct it), with each engine's JSON function: the one
place the SQL differs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from routing.store.database import POSTGRESQL, Engine
from routing.store.triage_log import Record, TriageLog
from routing.store.triage_log import _record as record_from_row

PAGE_SIZE = 50

_JSON = {
    "sqlite": {"group_id": "json_extract(result, '$.group_id')", "team": "json_extract(result, '$.contact.id')"},
    POSTGRESQL: {"group_id": "(result::jsonb ->> 'group_id')", "team": "(result::jsonb -> 'contact' ->> 'id')"},
}


@dataclass(frozen=True)
class Filters:
    group_id: str = ""  # part of the group ID
    sender: str = ""  # part of the sender's address, any case
    team: str = ""  # a contact id
    status: str = ""

    def __bool__(self) -> bool:
        return any((self.group_id, self.sender, self.team, self.status))


@dataclass(frozen=True)
class Found:
    records: list[Record]
    total: int  # how many emails match the filters
    first: int  # the position of records[0] among them, from 1 (0 when there are none)
    newer: str  # the reference to page back from, '' on the newest page
    older: str  # the reference to page on from, '' on the oldest page


def find(log: TriageLog, filters: Filters, *, older_than: str = "", newer_than: str = "", size: int = PAGE_SIZE) -> Found:
    """One page of matching emails, newest first: the first page, or the one before ``newer_than`` or after ``older_than``."""
    engine = log.engine
    where, params = _where(engine, filters)
    anchor = _anchor(engine, older_than or newer_than)
    going_back = bool(newer_than) and anchor is not None
    if anchor is None:
        rows = _select(engine, where, params, "", (), "DESC", size)
    elif going_back:
        rows = list(reversed(_select(engine, where, params, *_after(anchor), "ASC", size)))
    else:
        rows = _select(engine, where, params, *_before(anchor), "DESC", size)
    records = [record_from_row(row) for row in rows]
    total = _count(engine, where, params, "", ())
    if not records:
        return Found([], total, 0, "", "")
    newer_count = _count(engine, where, params, *_after((records[0].received_at, records[0].id)))
    older_exists = _count(engine, where, params, *_before((records[-1].received_at, records[-1].id)), limit=1) > 0
    return Found(records, total, newer_count + 1, records[0].id if newer_count else "", records[-1].id if older_exists else "")


def _where(engine: Engine, filters: Filters) -> tuple[list[str], list[Any]]:
    json_of = _JSON[engine.dialect]
    where: list[str] = []
    params: list[Any] = []
    if filters.status:
        where.append("status = ?")
        params.append(filters.status)
    if filters.sender:
        where.append("LOWER(sender) LIKE ? ESCAPE '\\'")
        params.append(_contains(filters.sender.lower()))
    if filters.group_id:
        where.append(f"{json_of['group_id']} LIKE ? ESCAPE '\\'")
        params.append(_contains(filters.group_id))
    if filters.team:
        where.append(f"{json_of['team']} = ?")
        params.append(filters.team)
    return where, params


def _contains(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _anchor(engine: Engine, reference: str) -> tuple[float, str] | None:
    if not reference:
        return None
    row = engine.run("SELECT received_at, id FROM messages WHERE id = ?", (reference,)).one()
    return (float(row["received_at"]), str(row["id"])) if row else None


def _before(anchor: tuple[float, str]) -> tuple[str, tuple[Any, ...]]:
    at, ref = anchor
    return "(received_at < ? OR (received_at = ? AND id < ?))", (at, at, ref)


def _after(anchor: tuple[float, str]) -> tuple[str, tuple[Any, ...]]:
    at, ref = anchor
    return "(received_at > ? OR (received_at = ? AND id > ?))", (at, at, ref)


def _clause(where: list[str], extra: str) -> str:
    parts = [*where, extra] if extra else where
    return f" WHERE {' AND '.join(parts)}" if parts else ""


def _select(engine: Engine, where: list[str], params: list[Any], extra: str, extra_params: tuple[Any, ...], direction: str, size: int) -> list[Any]:
    sql = f"SELECT * FROM messages{_clause(where, extra)} ORDER BY received_at {direction}, id {direction} LIMIT ?"
    return engine.run(sql, (*params, *extra_params, size)).rows


def _count(engine: Engine, where: list[str], params: list[Any], extra: str, extra_params: tuple[Any, ...], limit: int = 0) -> int:
    inner = f"SELECT 1 AS one FROM messages{_clause(where, extra)}" + (" LIMIT ?" if limit else "")
    row = engine.run(f"SELECT count(*) AS n FROM ({inner}) AS matching", (*params, *extra_params, *((limit,) if limit else ()))).one()
    return int(row["n"]) if row else 0
