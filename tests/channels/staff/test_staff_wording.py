"""What staff read: plain words, never the program's own names (ask_sender), settings (STAFF_PASSWORD) or raw numbers."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator

import pytest
from channels.staff.test_console import PASSWORD, WEDNESDAY, fixture, post_email, sign_in, token
from paths import FIXTURES
from starlette.testclient import TestClient

from routing.app import create_app
from routing.settings import Settings

INTERNAL = re.compile(r"ask_sender|STAFF_PASSWORD|\bconfidence\b|\b0\.\d\d\b|auto-submitted\b|null-return-path|noreply-sender")


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROUTING_NOW", WEDNESDAY)


@pytest.fixture
def make_staff(make_settings: Callable[..., Settings]) -> Iterator[Callable[..., TestClient]]:
    clients: list[TestClient] = []

    def build(**overrides: object) -> TestClient:
        client = TestClient(create_app(make_settings(**overrides)))
        client.__enter__()
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.__exit__(None, None, None)


def visible(page_html: str) -> str:
    """The page's text as a person reads it: no tags, no attributes, no form values."""
    body = page_html.split("<main", 1)[-1]
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


@pytest.mark.parametrize("generated", [False, True])
def test_a_wrong_password_gets_a_plain_sentence_and_the_hint_goes_to_the_log(make_staff, caplog, generated):
    client = make_staff(**({"staff_password": "", "generated_staff_password": True} if generated else {}))
    page = client.get("/staff/login")
    assert "STAFF_PASSWORD" not in visible(page.text)
    refused = sign_in(client, "not-the-password")
    assert refused.status_code == 401
    text = visible(refused.text)
    assert "That password is not right." in text
    assert "STAFF_PASSWORD" not in text
    assert any("STAFF_PASSWORD" in record.getMessage() for record in caplog.records)


# A request its team takes by email (a broker of record change), with neither the group's name nor its ID.
BROKER_CHANGE_WITHOUT_GROUP = (
    b"From: Maria Ortiz <maria.ortiz@example.net>\r\nTo: Small Business Inbox <smallbiz-inbox@example.com>\r\n"
    b"Subject: Broker of record change\r\nDate: Wed, 25 Nov 2026 09:14:22 -0800\r\nMessage-ID: <bor-nogroup@example.net>\r\n"
    b"\r\nHello,\r\n\r\nWe are changing our broker of record as of April 1. Where should the signed letter go?\r\n\r\nMaria\r\n"
)


@pytest.mark.parametrize(
    ("name", "asks_for"),
    [
        ("missing both, broker of record", "Ask the sender for the group ID and group name"),
        ("22_missing_id_cobra_zip.eml", "Ask the sender for the group ID"),
        ("23_missing_name_plan_change.eml", "Ask the sender for the group name"),
    ],
)
def test_the_ask_action_says_what_it_asks_for(make_staff, name, asks_for):
    client = make_staff()
    sign_in(client)
    raw = BROKER_CHANGE_WITHOUT_GROUP if name.startswith("missing both") else fixture(name)
    triaged = post_email(client, raw).json()
    assert triaged["action"] == "ask_sender"  # the API keeps the action's name for programs
    page = client.get(f"/staff/messages/{triaged['id']}")
    text = visible(page.text)
    assert f"Suggested: {asks_for}" in " ".join(text.split())
    assert re.search(rf"<button[^>]*>{re.escape(asks_for)}</button>", page.text)
    assert not INTERNAL.search(text), INTERNAL.search(text)


@pytest.mark.parametrize("path", sorted(p.name for p in FIXTURES.glob("*.eml")))
def test_no_staff_page_shows_internal_names_or_raw_numbers(api_client, path):
    triaged = post_email(api_client, (FIXTURES / path).read_bytes()).json()
    page = api_client.get(f"/staff/messages/{triaged['id']}")
    assert page.status_code == 200
    text = visible(page.text)
    # The email itself is shown as sent; only the console's own words are checked.
    own = re.sub(r"What the sender wrote.*", "", text, flags=re.DOTALL)
    found = INTERNAL.search(own)
    assert not found, f"{path}: {found.group(0)!r} in {own[max(0, found.start() - 80): found.end() + 80]!r}"
    assert "How sure" in own


def test_how_sure_is_said_in_words(api_client):
    sure = post_email(api_client, fixture("01_bor_change.eml")).json()
    assert sure["confidence"] >= 0.9
    assert "Sure of the team" in visible(api_client.get(f"/staff/messages/{sure['id']}").text)


@pytest.fixture(scope="module")
def api_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    from routing.settings import ROOT

    tmp = tmp_path_factory.mktemp("staff-wording")
    settings = Settings.from_env(
        {}, directory_path=ROOT / "directory.yaml", index_dir=tmp / "index", data_dir=tmp / "var",
        reload_interval=0, staff_password=PASSWORD, session_secret="test-secret",
    )
    with TestClient(create_app(settings)) as client:
        sign_in(client)
        assert token(client, "/staff/triage")
        yield client


def test_every_stored_status_has_words_for_the_staff_pages():
    from routing.present.triage import STATUS_WORDS
    from routing.store.triage_log import STATUSES

    assert set(STATUS_WORDS) == set(STATUSES)
    assert all(words[:1].isupper() and "_" not in words for words in STATUS_WORDS.values())
