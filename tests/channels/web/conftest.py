"""The browser tests' shared fixtures: one SMTP server, one app and one Chromium per test module.

The uvicorn server is a subprocess with its own data folder and the clock pinned
to a Monday morning when every team is open. Each test gets a fresh browser
context, so no cookie carries over. Without Chromium these are skipped (see
tests/browser.py), except with CI set, where that fails.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browser import LiveServer, live_server
from smtp_fixture import SmtpServer

MONDAY_10AM = "2026-11-23T10:00:00-08:00"  # a Monday in Pacific time, when every team is open


@pytest.fixture(scope="module")
def smtp(chromium: str) -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def server(chromium: str, smtp: SmtpServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    settings = {
        "ROUTING_NOW": MONDAY_10AM,
        "SMTP_HOST": smtp.host,
        "SMTP_PORT": str(smtp.port),
        "SMTP_TIMEOUT": "5",
        "MAIL_FROM": "help-desk@desk.example",
        "RETRY_BASE_SECONDS": "0.2",
        "RETRY_MAX_SECONDS": "1",
    }
    with live_server(tmp_path_factory.mktemp("browser-app"), settings) as running:
        yield running


