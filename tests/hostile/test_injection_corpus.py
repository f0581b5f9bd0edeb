"""Header-injection payloads, generated: every one gets a 4xx sentence or a message with exactly our headers.

Separators (CR, LF, their encodings, Unicode line breaks) times carriers
(plain, RFC 2047 Q and B words, with spaces, nested, percent- and
HTML-encoded) times the seven text fields, through the JSON API and the form.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
from collections.abc import Callable, Iterator
from email import message_from_bytes, policy

import pytest
from starlette.testclient import TestClient

from routing.app import create_app
from routing.settings import Settings

GOOD = {"group_name": "Ortiz Landscaping LLC", "group_id": "604213", "name": "Ana Ortiz", "email": "ana@ortiz.example",
        "message": "Please change our broker of record to Bay Benefits."}
FIELDS = ("group_name", "group_id", "name", "email", "phone", "subject", "message")
INJECTED = "Bcc: victim@attacker.test"
SEPARATORS = ["\r\n", "\n", "\r", "\u2028", "\u2029", "\u0085", "\x0b", "\x0c", "\x00"]


def carriers() -> list[str]:
    found = []
    for sep in SEPARATORS:
        raw = f"x{sep}{INJECTED}"
        q = "".join(f"={b:02X}" for b in raw.encode("utf-8"))
        b = base64.b64encode(raw.encode("utf-8")).decode()
        found += [
            raw,
            f"=?utf-8?q?{q}?=",
            f"=?utf-8?b?{b}?=",
            f"=?utf-8?q?x {q} y?=",  # spaces inside the word: Python's parser still decodes it
            f"Acme =?UTF-8?Q?{q}?= LLC",
            f"=?utf-8?b?{base64.b64encode(f'=?utf-8?q?{q}?='.encode()).decode()}?=",  # nested
            raw.replace(sep, "%0d%0a"),
            raw.replace(sep, "&#13;&#10;"),
        ]
    return found


@pytest.fixture
def client(make_settings: Callable[..., Settings]) -> Iterator[TestClient]:
    # Hundreds of requests from one address: the rate limit would answer most of them.
    with TestClient(create_app(make_settings(forward_rate_limit=0))) as test_client:
        yield test_client


PAYLOADS = [(field, value) for field, value in itertools.product(FIELDS, carriers())]


def test_there_are_hundreds_of_payloads() -> None:
    assert len(PAYLOADS) >= 450


def _only_our_headers(client: TestClient, reference: str) -> None:
    item = client.app.state.services.outbox.get(reference)  # type: ignore[attr-defined]
    sent = message_from_bytes(item.message, policy=policy.default)
    names = [name.lower() for name in sent]
    assert "bcc" not in names and names.count("to") == 1
    assert [a.addr_spec for a in sent["To"].addresses] == [item.to]
    assert not re.search(rb"^bcc:", item.message, re.IGNORECASE | re.MULTILINE)


def test_no_payload_through_the_api_gets_a_server_error_or_an_extra_header(client: TestClient) -> None:
    codes: dict[int, int] = {}
    for n, (field, value) in enumerate(PAYLOADS):
        body = {**GOOD, field: value, "message": f"{GOOD['message']} ({n})" if field != "message" else value}
        response = client.post("/api/forward", content=json.dumps(body), headers={"content-type": "application/json", "idempotency-key": f"k{n}"})
        codes[response.status_code] = codes.get(response.status_code, 0) + 1
        assert response.status_code in (202, 400, 422), (field, value, response.text)
        if response.status_code == 202:
            _only_our_headers(client, response.json()["id"])
        else:
            assert response.json()["error"]["message"].endswith(".")
    assert codes.get(422, 0) > 0


def test_no_payload_through_the_form_gets_a_server_error(client: TestClient) -> None:
    page = client.get("/contact")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    for n, (field, value) in enumerate(PAYLOADS[::7]):
        form = {**GOOD, field: value, "message": f"{GOOD['message']} form {n}" if field != "message" else value, "csrf_token": token.group(1)}
        response = client.post("/contact", data=form, follow_redirects=False)
        assert response.status_code in (303, 400, 422), (field, value, response.status_code)
