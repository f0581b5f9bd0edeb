"""Every store test runs twice: against a SQLite file and against a real PostgreSQL (one storage interface)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from routing.store.database import Database, PostgresEngine

S = TypeVar("S", bound=Database)
Opener = Callable[..., Any]


@pytest.fixture(params=["sqlite", "postgresql"])
def engine_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def open_store(engine_kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Opener]:
    """``open_store(Outbox)``: a store on this test's database; each call is a separate connection, as another process would open it."""
    engines: list[PostgresEngine] = []
    stores: list[Database] = []
    url = request.getfixturevalue("database_url") if engine_kind == "postgresql" else ""

    def open_(cls: type[S], *args: Any) -> S:
        if engine_kind == "sqlite":
            store = cls(tmp_path / f"{cls.name}.sqlite3", *args)
        else:
            engine = PostgresEngine(url, max_size=4)
            engines.append(engine)
            store = cls(engine, *args)
        stores.append(store)
        return store

    yield open_
    for store in stores:
        store.close()
    for engine in engines:
        engine.close()
