"""The phone-call fixtures every IVR test file shares: an app signed with a test token, and the pinned clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from channels.ivr.test_calls import MONDAY_10AM, PUBLIC, TOKEN
from starlette.testclient import TestClient

from routing.settings import Settings


@pytest.fixture
def make_client(make_settings: Callable[..., Settings]) -> Iterator[Callable[..., TestClient]]:
    from routing.app import create_app

    clients: list[TestClient] = []

    def build(**overrides: object) -> TestClient:
        settings = make_settings(**{"twilio_auth_token": TOKEN, "public_base_url": PUBLIC, **overrides})
        client = TestClient(create_app(settings))
        client.__enter__()
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def phone(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """Pins the app's clock (ROUTING_NOW) to Monday 10 AM, or to ``clock(instant)``."""

    def pin(instant: str) -> None:
        monkeypatch.setenv("ROUTING_NOW", instant)

    pin(MONDAY_10AM)
    return pin
