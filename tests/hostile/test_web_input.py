"""Hostile input on the web side: each case a red-team pass found, replayed as a user would send it.

Every answer must be a sentence with a 4xx, never a 500; an address must read
back as the one typed; a copied staff cookie must die at sign-out; a
forwarded header must not move a client past its rate limit; a slow body
must not hold a connection open.
"""

from __future__ import annotations

import json
import re
import socket
import time
from collections.abc import Callable, Iterator
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from browser import live_server
from starlette.testclient import TestClient

from routing.app import create_app
from routing.settings import Settings

GOOD = {"group_name": "Ortiz Landscaping LLC", "group_id": "604213", "name": "Ana Ortiz", "email": "ana@ortiz.example",
        "message": "Please change our broker of record to Bay Benefits."}
FIELDS = ("group_name", "group_id", "name", "email", "phone", "subject", "message")


def post_json(client: TestClient, body: str) -> Any:
    return client.post("/api/forward", content=body.encode("utf-8", "surrogatepass"), headers={"content-type": "application/json"})


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param({**GOOD, "name": "=?utf-8?q?x =0D=0ABcc: e@attacker.test?="}, id="encoded-word-with-spaces-in-name"),
        pytest.param({**GOOD, "subject": "Hi =?utf-8?b?DQpCY2M6IGVAYXR0YWNrZXIudGVzdA==?= there"}, id="base64-encoded-word-in-subject"),
        pytest.param({**GOOD, "group_name": "Acme =? utf-8 ?q? x ?="}, id="spaced-opener"),
    ],
)
def test_an_encoded_word_in_a_header_field_is_refused_with_a_sentence(client: TestClient, payload: dict[str, str]) -> None:
    response = post_json(client, json.dumps(payload))
    assert response.status_code == 422
    fields = response.json()["error"]["fields"]
    assert any("single line of plain text" in sentence for sentence in fields.values())


@pytest.mark.parametrize("field", FIELDS)
def test_a_lone_surrogate_in_any_field_gets_a_422_not_a_500(client: TestClient, field: str) -> None:
    body = json.dumps({**GOOD, field: "abc\\ud800def"}).replace("\\\\ud800", "\\ud800")
    response = post_json(client, body)
    assert response.status_code == 422, response.text
    assert "not valid text" in response.json()["error"]["fields"][field]
    # The connection survives: the next request on it is answered normally.
    assert client.get("/healthz").status_code == 200


def test_a_lone_surrogate_in_a_field_name_is_echoed_safely(client: TestClient) -> None:
    response = post_json(client, '{"\\udfff": "x", "group_name": "Acme"}')
    assert response.status_code == 422
    assert "\ufffd" in response.json()["error"]["fields"]


def test_a_number_of_5000_digits_gets_a_400(client: TestClient) -> None:
    response = post_json(client, '{"group_id": ' + "1" * 5000 + "}")
    assert response.status_code == 400
    assert "number too long" in response.json()["error"]["message"]


@pytest.mark.parametrize("name", ["Zoë Smith; Payroll", "Renée O'Connor, CFO", "François <Payroll>", 'Ann "Q" Lee', "Łukasz, Ünal & Co"])
def test_the_reply_to_reads_back_as_the_name_and_address_typed(client: TestClient, name: str) -> None:
    response = post_json(client, json.dumps({**GOOD, "name": name}))
    assert response.status_code == 202, response.text
    item = client.app.state.services.outbox.get(response.json()["id"])  # type: ignore[attr-defined]
    sent = message_from_bytes(item.message, policy=policy.default)
    addresses = sent["Reply-To"].addresses
    assert [(a.display_name, a.addr_spec) for a in addresses] == [(name, GOOD["email"])]


# --- staff sessions -------------------------------------------------------------------


def _csrf(client: TestClient, path: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert found
    return found.group(1)


def _sign_in(client: TestClient, password: str) -> None:
    response = client.post("/staff/login", data={"password": password, "csrf_token": _csrf(client, "/staff/login"), "next": "/staff"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/staff"


def _opens_console(app_settings: Settings, cookies: httpx.Cookies) -> bool:
    with TestClient(create_app(app_settings), cookies=cookies) as thief:
        page = thief.get("/staff", follow_redirects=False)
        api = thief.get("/api/triage/TR-NOTHING1")
    assert (page.status_code == 200) == (api.status_code == 404)  # both open, or both shut
    return page.status_code == 200


def test_a_cookie_copied_before_sign_out_opens_nothing_after_it(settings: Settings) -> None:
    with TestClient(create_app(settings)) as staff:
        _sign_in(staff, settings.staff_password)
        copied = httpx.Cookies(staff.cookies)
        assert _opens_console(settings, copied)
        staff.post("/staff/logout", data={"csrf_token": _csrf(staff, "/staff")}, follow_redirects=False)
    assert not _opens_console(settings, copied)


def test_changing_the_password_ends_every_session(settings: Settings, make_settings: Callable[..., Settings]) -> None:
    with TestClient(create_app(settings)) as staff:
        _sign_in(staff, settings.staff_password)
        copied = httpx.Cookies(staff.cookies)
    assert _opens_console(settings, copied)
    assert not _opens_console(make_settings(staff_password="a-new-password"), copied)


# --- real uvicorn: forwarded headers and slow bodies -----------------------------------------


@pytest.fixture
def served(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Any]:
    extra: dict[str, str] = getattr(request, "param", {})
    with live_server(tmp_path, {"STAFF_LOGIN_RATE_LIMIT": "3", "BODY_TIMEOUT": "1", **extra}) as server:
        yield server


def _wrong_tokens(url: str, count: int) -> list[int]:
    codes = []
    with httpx.Client(base_url=url) as http:
        for n in range(count):
            headers = {"authorization": "Bearer wrong", "x-forwarded-for": f"203.0.113.{n + 1}", "content-type": "message/rfc822"}
            codes.append(http.post("/api/triage", content=b"Subject: x\n\nhi\n", headers=headers).status_code)
    return codes


def test_a_rotating_forwarded_for_does_not_reset_the_limit(served: Any) -> None:
    codes = _wrong_tokens(served.url, 6)
    assert codes[:3] == [401, 401, 401]
    assert set(codes[3:]) == {429}


@pytest.mark.parametrize("served", [{"TRUSTED_PROXIES": "127.0.0.1"}], indirect=True)
def test_a_configured_proxy_is_believed(served: Any) -> None:
    # Each forwarded address is its own client, as it should be behind a real proxy.
    assert _wrong_tokens(served.url, 6) == [401] * 6


def test_a_body_that_trickles_in_is_cut_off_with_a_408(served: Any) -> None:
    parts = urlsplit(served.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as conn:
        conn.sendall(b"POST /api/forward HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{")
        started = time.monotonic()
        conn.settimeout(10)
        answer = conn.recv(4096)
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert time.monotonic() - started < 8  # BODY_TIMEOUT is 1 s; the default would hold it 30 s
