"""Fixtures every test can use: the real directory, settings in a temp dir, the app and a client.

Keep this small and general; channel-specific fixtures (an SMTP server, a
uvicorn server) belong in their own files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from routing.core.directory import load
from routing.core.instants import parse_instant
from routing.core.model import Directory
from routing.settings import ROOT, Settings

DIRECTORY_PATH = ROOT / "directory.yaml"

# A real aiosmtpd server on loopback (`smtp_server`), a throwaway PostgreSQL cluster (`postgres`, `database_url`),
# a Redis (`redis_url`) and a throwaway Dovecot IMAP server (`dovecot`, `imap_account`).
pytest_plugins = ["smtp_fixture", "pg_fixture", "redis_fixture", "imap_fixture", "browser"]


@pytest.fixture(scope="session")
def directory() -> Directory:
    return load(DIRECTORY_PATH)


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., Settings]:
    """``make_settings(directory_path=..., **overrides)``: settings that ignore the real
    environment and keep all state under the test's ``tmp_path``."""

    def build(directory_path: Path = DIRECTORY_PATH, **overrides: object) -> Settings:
        values: dict[str, object] = {
            "directory_path": directory_path,
            "index_dir": tmp_path / "index",
            "data_dir": tmp_path / "var",
            "reload_interval": 0,
            "staff_password": "test-staff-pass",
            "session_secret": "test-secret",
        }
        values.update(overrides)
        return Settings.from_env({}, **values)

    return build


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    return make_settings()


@pytest.fixture
def app(settings: Settings) -> Starlette:
    from routing.app import create_app  # imported here so a test without the app never loads every channel

    return create_app(settings)


@pytest.fixture
def client(app: Starlette) -> Iterator[TestClient]:
    # As a context manager, so the lifespan (start/stop of every channel) runs.
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def at() -> Callable[[str], datetime]:
    """``at("2026-11-23T10:00:00-08:00")``: an instant, as the app would parse it."""
    return parse_instant
