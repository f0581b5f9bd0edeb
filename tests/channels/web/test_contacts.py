"""GET /api/contacts, /api/contacts/{id} and /healthz, and live reload of the directory."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from routing.settings import ROOT

MONDAY_10AM = "2026-11-23T10:00:00-08:00"
SATURDAY_NOON = "2026-11-28T12:00:00-08:00"


def test_list_has_every_contact_with_its_facts(client, directory):
    response = client.get("/api/contacts", params={"at": MONDAY_10AM})
    assert response.status_code == 200
    contacts = response.json()
    assert [c["id"] for c in contacts] == [c.id for c in directory.contacts]
    for contact in contacts:
        assert {"id", "name", "kind", "phones", "emails", "faxes", "hours", "open_now", "closes_at", "next_open", "status_line"} <= set(contact)


def test_one_contact(client):
    response = client.get("/api/contacts/california-service-center", params={"at": MONDAY_10AM})
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "California Service Center"
    assert [{k: p[k] for k in ("number", "display", "keys")} for p in body["phones"]] == [
        {"number": "+18007904661", "display": "1-800-790-4661", "keys": "1"},
        {"number": "+18007314661", "display": "1-800-731-4661", "keys": "2"},
    ]
    assert body["phones"][0]["tel"] == "tel:+18007904661,1"
    assert body["phones"][0]["instructions"] == "call 1-800-790-4661, press 1"
    assert "hours" not in body["phones"][0]  # only a line with its own hours carries them
    assert body["emails"][0]["address"] == "csc-sd-sba@kp.org"
    assert body["emails"][0]["mailto"] == "mailto:csc-sd-sba@kp.org"
    assert "Enrollment applications" in body["emails"][0]["purpose"]
    assert body["faxes"] == [{"number": "+18553555334", "display": "1-855-355-5334", "purpose": "All other information"}]
    hours = body["hours"]
    assert hours["kind"] == "weekly" and hours["timezone"] == "America/Los_Angeles"
    assert hours["weekly"]["mon"] == [["08:00", "17:00"]]
    assert hours["weekly"]["sat"] == [] and hours["weekly"]["sun"] == []
    assert hours["text"]


def test_unknown_id_is_a_json_404(client):
    response = client.get("/api/contacts/nope")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {
        "error": {"status": 404, "message": "No contact has the id 'nope'. See /api/contacts for the list."}
    }


def test_open_on_a_monday_morning(client):
    body = client.get("/api/contacts/california-service-center", params={"at": MONDAY_10AM}).json()
    assert body["open_now"] is True
    assert body["closes_at"] == "2026-11-23T17:00:00-08:00"
    assert body["status_line"].startswith("Open")


def test_closed_on_saturday_opens_monday(client):
    body = client.get("/api/contacts/california-service-center", params={"at": SATURDAY_NOON}).json()
    assert body["open_now"] is False
    assert body["closes_at"] is None
    assert body["next_open"] == "2026-11-30T08:00:00-08:00"
    assert body["status_line"].startswith("Closed")


@pytest.mark.parametrize("at", ["2026-11-23T18:00:00Z", "2026-11-23T18:00:00+00:00", "2026-11-24T03:00:00+09:00"])
def test_any_offset_gives_the_pacific_answer(client, at):
    pacific = client.get("/api/contacts/account-management-support", params={"at": MONDAY_10AM}).json()
    other = client.get("/api/contacts/account-management-support", params={"at": at}).json()
    for key in ("open_now", "closes_at", "next_open", "status_line"):
        assert other[key] == pacific[key]


def test_an_unescaped_plus_in_the_query_string_still_works(client):
    body = client.get("/api/contacts/account-management-support?at=2026-11-23T18:00:00+00:00").json()
    assert body["open_now"] is True


def test_sites_are_always_open_and_member_services_hours_are_not_listed(client):
    contacts = {c["id"]: c for c in client.get("/api/contacts", params={"at": SATURDAY_NOON}).json()}
    for site in ("account-kp-org", "kp-org", "emergency"):
        assert contacts[site]["open_now"] is True
        assert contacts[site]["hours"]["kind"] == "always"
    assert contacts["member-services"]["open_now"] is None
    assert contacts["member-services"]["hours"]["kind"] == "not_listed"


@pytest.mark.parametrize(
    ("at", "words"),
    [("tomorrow", "ISO-8601 with an offset, such as 2026-11-23T08:00:00-08:00"), ("2026-11-23T10:00:00", "has no UTC offset")],
)
def test_bad_at_is_a_400_that_says_the_format(client, at, words):
    response = client.get("/api/contacts", params={"at": at})
    assert response.status_code == 400
    error = response.json()["error"]
    assert words in error["message"]
    assert "at" in error["fields"]


def test_without_at_the_clock_decides(client, monkeypatch):
    monkeypatch.setenv("ROUTING_NOW", SATURDAY_NOON)
    assert client.get("/api/contacts/california-service-center").json()["open_now"] is False
    monkeypatch.setenv("ROUTING_NOW", MONDAY_10AM)
    assert client.get("/api/contacts/california-service-center").json()["open_now"] is True


def test_healthz(client, directory):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["directory"]["version"] == directory.version
    assert body["directory"]["loaded_at"]
    assert body["directory"]["file"] == "directory.yaml"
    assert body["errors"] == []


def test_no_server_path_or_seed_file_name_is_shown(client):
    # Where the server keeps its files is for its logs, not for whoever asks /healthz or the API.
    for address in ("/healthz", "/api/contacts", "/api/contacts/california-service-center", "/api/route?q=change+our+broker"):
        text = client.get(address).text
        assert str(ROOT) not in text, address
        assert not re.search(r"seeds/|\.txt\b|/[\w.-]+/[\w.-]+\.yaml\b", text), address
    sources = client.get("/api/contacts/california-service-center").json()["sources"]
    assert sources == [{"id": "seed-004", "description": "Small business contact page"}]


# -- live reload ----------------------------------------------------------------


@pytest.fixture
def live(tmp_path, make_settings):
    """An app serving a copy of directory.yaml that the test may edit."""
    from routing.app import create_app

    path = tmp_path / "directory.yaml"
    shutil.copyfile(ROOT / "directory.yaml", path)
    app = create_app(make_settings(directory_path=path))
    with TestClient(app) as client:
        yield path, app.state.services.directory, client


def edit(path: Path, old: str, new: str) -> int:
    """Replace ``old`` once and return the line it was on."""
    text = path.read_text()
    assert text.count(old) == 1, old
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new))
    return line


def test_a_valid_change_goes_live_and_an_invalid_one_is_refused(live):
    path, store, client = live
    first_version = client.get("/healthz").json()["directory"]["version"]

    edit(path, "name: Client Services Unit\n", "name: Client Services Unit (CSU)\n")
    assert store.reload() is True
    assert client.get("/api/contacts/client-services-unit").json()["name"] == "Client Services Unit (CSU)"
    health = client.get("/healthz").json()
    assert health["status"] == "ok" and health["directory"]["version"] != first_version
    good_version = health["directory"]["version"]

    line = edit(path, '"+18007314661"', '"800-731-4661"')
    assert store.reload() is False
    health = client.get("/healthz")
    assert health.status_code == 200
    body = health.json()
    assert body["status"] == "degraded"
    assert body["directory"]["version"] == good_version
    # The problem names the file and line, but not the folder the server keeps it in.
    assert any(e.startswith(f"directory.yaml:{line}: phone number '800-731-4661'") for e in body["errors"]), body["errors"]
    assert str(path.parent) not in health.text
    # The last good directory keeps serving.
    assert client.get("/api/contacts/client-services-unit").json()["name"] == "Client Services Unit (CSU)"
    assert client.get("/api/contacts/california-service-center").json()["phones"][1]["number"] == "+18007314661"

    edit(path, '"800-731-4661"', '"+18007314661"')
    assert store.reload() is True
    health = client.get("/healthz").json()
    assert health["status"] == "ok" and health["errors"] == []


def test_the_running_app_notices_a_change_on_its_own(tmp_path, make_settings):
    from routing.app import create_app

    path = tmp_path / "directory.yaml"
    shutil.copyfile(ROOT / "directory.yaml", path)
    app = create_app(make_settings(directory_path=path, reload_interval=0.05))
    with TestClient(app) as client:
        edit(path, "name: Client Services Unit\n", "name: Client Services Unit (CSU)\n")
        deadline = time.monotonic() + 10
        while client.get("/api/contacts/client-services-unit").json()["name"] != "Client Services Unit (CSU)":
            assert time.monotonic() < deadline, "the change was not picked up within 10 s"
            time.sleep(0.05)
