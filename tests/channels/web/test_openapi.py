"""/openapi.json and /docs, and schemathesis fuzzing the running app against them.

The app runs under uvicorn on loopback with its data in a temp folder: no SMTP
server (forwarded requests become .eml files there), no rate limit, a known
staff password for the triage API, and no Twilio token, so the phone webhooks
are fuzzed too. Every answer must be documented: its status, its content type
and, for JSON, its schema; and no input may cause a 5xx.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import jsonschema_rs
import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.schemas import OpenApiSchema
from smtp_fixture import free_port
from starlette.routing import Route
from starlette.testclient import TestClient

from routing.app import create_app
from routing.channels.web.openapi.spec import QUESTION, SPACE, YEARS, spec
from routing.core.directory import load
from routing.core.instants import FIRST_YEAR, LAST_YEAR
from routing.core.model import Directory
from routing.core.text import MAX_QUERY_CHARS
from routing.settings import ROOT, Settings

STAFF_PASSWORD = "fuzz-staff-pass"
EMAILS = sorted((ROOT / "tests" / "fixtures" / "email").glob("*.eml"))

JSON_ENDPOINTS = {
    ("get", "/api/contacts"), ("get", "/api/contacts/{id}"), ("get", "/api/route"), ("get", "/api/ivr"),
    ("post", "/api/forward"), ("get", "/api/forward/{id}"), ("post", "/api/triage"), ("get", "/api/triage/{id}"),
    ("get", "/healthz"), ("get", "/openapi.json"),
}
TWILIO_WEBHOOKS = {("post", "/ivr/voice"), ("post", "/ivr/menu"), ("post", "/ivr/gather"), ("post", "/ivr/transfer")}


def _email_strategy() -> st.SearchStrategy[bytes]:
    """Raw emails for POST /api/triage: real ones, mangled ones and noise."""
    real = st.sampled_from([path.read_bytes() for path in EMAILS])
    header_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60)
    made_up = st.builds(
        lambda sender, subject, body: f"From: {sender}\r\nSubject: {subject}\r\n\r\n{body}".encode("utf-8", "surrogatepass"),
        header_text, header_text, st.text(max_size=400),
    )
    cut = st.tuples(real, st.integers(min_value=0, max_value=4000)).map(lambda pair: pair[0][: pair[1]])
    return st.one_of(real, made_up, cut, st.binary(max_size=600))


schemathesis.openapi.media_type("message/rfc822", _email_strategy())


def _settings(data: Path) -> Settings:
    # Read the way the app reads its environment; nothing from the real one.
    return Settings.from_env({
        "DIRECTORY_PATH": str(ROOT / "directory.yaml"),
        "DATA_DIR": str(data / "var"),
        "SEARCH_INDEX_DIR": str(data / "index"),
        "FORWARD_RATE_LIMIT": "0",
        "STAFF_LOGIN_RATE_LIMIT": "0",  # fuzzing tries wrong tokens on purpose
        "STAFF_PASSWORD": STAFF_PASSWORD,
        "SESSION_SECRET": "fuzz-session-secret",
        "RELOAD_INTERVAL": "0",
    })


@dataclass
class LiveApp:
    base_url: str
    data_dir: Path
    errors: list[logging.LogRecord]  # everything the app logged at ERROR or above


class _Collect(logging.Handler):
    def __init__(self, records: list[logging.LogRecord]) -> None:
        super().__init__(logging.ERROR)
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(scope="module")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    """The app under uvicorn in a thread, with its DATA_DIR and what it logged as errors."""
    data = tmp_path_factory.mktemp("openapi")
    settings_ = _settings(data)
    assert not settings_.twilio_auth_token and not settings_.delivers_by_smtp
    # The phone webhooks answer a failure with TwiML (a caller must never hear an
    # application error) and only log it, so errors are watched in the log too.
    errors: list[logging.LogRecord] = []
    collect = _Collect(errors)
    logging.getLogger("routing").addHandler(collect)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings_), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="uvicorn-openapi", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield LiveApp(f"http://127.0.0.1:{port}", settings_.data_dir, errors)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        logging.getLogger("routing").removeHandler(collect)


@pytest.fixture(scope="module")
def api_schema(live_app: LiveApp) -> OpenApiSchema:
    return schemathesis.openapi.from_url(f"{live_app.base_url}/openapi.json")


def _auth(path: str) -> dict[str, str] | None:
    return {"Authorization": f"Bearer {STAFF_PASSWORD}"} if path.startswith("/api/triage") else None


# --- the document -------------------------------------------------------------------


@pytest.fixture(scope="module")
def document(live_app: LiveApp) -> dict[str, Any]:
    response = httpx.get(f"{live_app.base_url}/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    return response.json()  # type: ignore[no-any-return]


def test_the_document_is_valid_openapi_3(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.")
    schemathesis.openapi.from_dict(document).validate()  # against the OpenAPI 3.0 meta-schema


def test_the_validation_above_would_catch_a_broken_document(document: dict[str, Any]) -> None:
    broken = {**document, "paths": {"/api/contacts": {"get": {"summary": "no responses"}}}}
    with pytest.raises(jsonschema_rs.ValidationError):
        schemathesis.openapi.from_dict(broken).validate()


def test_every_json_endpoint_and_webhook_is_described(document: dict[str, Any]) -> None:
    described = {(method, path) for path, item in document["paths"].items() for method in item}
    assert described >= JSON_ENDPOINTS | TWILIO_WEBHOOKS


def test_every_api_route_of_the_app_is_described(document: dict[str, Any], tmp_path: Path) -> None:
    app = create_app(_settings(tmp_path))
    described = {(method, path) for path, item in document["paths"].items() for method in item}
    for route in app.routes:
        if isinstance(route, Route) and (route.path.startswith(("/api/", "/ivr/")) or route.path in ("/healthz", "/openapi.json")):
            for method in route.methods or ():
                if method != "HEAD":
                    assert (method.lower(), route.path) in described, f"{method} {route.path} is not in /openapi.json"


def test_every_error_answer_has_the_error_shape(document: dict[str, Any]) -> None:
    for path, item in document["paths"].items():
        if not path.startswith("/api/"):
            continue
        for method, operation in item.items():
            for status, answer in operation["responses"].items():
                if int(status) >= 400:
                    assert answer["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}, (method, path, status)


def test_the_document_takes_its_facts_from_the_directory(document: dict[str, Any], directory: Directory) -> None:
    body = document["paths"]["/api/forward"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["properties"]["group_id"]["pattern"] == directory.group_id.pattern
    assert document["info"]["version"] == directory.version
    assert document == spec(directory)


def test_the_years_pattern_is_the_range_the_clock_accepts() -> None:
    for year in range(FIRST_YEAR - 1, LAST_YEAR + 2):
        accepted = bool(re.match(YEARS, f"{year:04d}-01-01T00:00:00Z"))
        assert accepted == (FIRST_YEAR <= year <= LAST_YEAR), year


@pytest.mark.parametrize("question", ["a", " a ", "\t" * 600 + "x", "x" * 500, "x" * 501, "   ", "", "\x1c", "a\nb", "x" * 499 + "\x85" * 9])
def test_the_question_pattern_is_the_rule_the_router_applies(question: str) -> None:
    assert bool(re.match(QUESTION, question)) == (0 < len(question.strip()) <= MAX_QUERY_CHARS)


def test_the_question_pattern_knows_every_character_strip_removes() -> None:
    spaces = {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()}
    assert {c for c in map(chr, range(sys.maxunicode + 1)) if re.fullmatch(f"[{SPACE}]", c)} == spaces


# --- fuzzing ------------------------------------------------------------------------

# Parametrizing needs the document while tests are collected, before the server
# runs, so it comes from the function that serves /openapi.json (the test above
# checks the two are equal); every request goes to the running server. (The lazy
# `schemathesis.pytest.from_fixture` loader fails under pytest 9.2: it reads a
# node attribute pytest no longer has.)
schema = schemathesis.openapi.from_dict(spec(load(ROOT / "directory.yaml")))


@schema.parametrize()
@settings(
    max_examples=40,
    derandomize=True,  # the same cases on every run, so CI is reproducible
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)
def test_the_running_app_matches_its_description(case: Any, live_app: LiveApp) -> None:
    # A well-formed request to forward can still be refused (422) for what its words
    # mean: an emergency, or a message that names no team. That is not a schema matter.
    excluded = [schemathesis.checks.positive_data_acceptance] if case.path == "/api/forward" else []
    case.call_and_validate(base_url=live_app.base_url, headers=_auth(case.path), excluded_checks=excluded)
    assert not live_app.errors, [record.getMessage() for record in live_app.errors]


def test_a_forwarded_request_and_its_status_match_the_description(api_schema: OpenApiSchema, live_app: LiveApp) -> None:
    example = api_schema.raw_schema["paths"]["/api/forward"]["post"]["requestBody"]["content"]["application/json"]["example"]
    accepted = api_schema["/api/forward"]["POST"].Case(body=example, media_type="application/json").call_and_validate()
    assert accepted.status_code == 202
    reference = accepted.json()["id"]
    status = api_schema["/api/forward/{id}"]["GET"].Case(path_parameters={"id": reference}).call_and_validate()
    assert status.status_code == 200
    deadline = time.monotonic() + 10
    while not (live_app.data_dir / "outbox-eml" / f"{reference}.eml").exists():
        assert time.monotonic() < deadline, "the request was not written to the outbox folder"
        time.sleep(0.05)
    again = api_schema["/api/forward/{id}"]["GET"].Case(path_parameters={"id": reference}).call_and_validate()
    assert again.json()["status"] == "written"


@pytest.mark.parametrize("email", EMAILS[::4], ids=lambda path: path.name)
def test_a_triaged_email_and_its_record_match_the_description(api_schema: OpenApiSchema, email: Path) -> None:
    auth = _auth("/api/triage")
    posted = api_schema["/api/triage"]["POST"].Case(body=email.read_bytes(), media_type="message/rfc822").call_and_validate(headers=auth)
    assert posted.status_code == 200
    record = api_schema["/api/triage/{id}"]["GET"].Case(path_parameters={"id": posted.json()["id"]}).call_and_validate(headers=auth)
    assert record.status_code == 200


def test_the_triage_api_refuses_a_caller_without_staff_access(api_schema: OpenApiSchema) -> None:
    refused = api_schema["/api/triage"]["POST"].Case(body=EMAILS[0].read_bytes(), media_type="message/rfc822").call_and_validate()
    assert refused.status_code == 401


@pytest.mark.parametrize(
    ("method", "path", "allow", "content_type"),
    [("DELETE", "/api/contacts", "GET, HEAD", "application/json"), ("GET", "/ivr/voice", "POST", "text/html")],
)
def test_a_method_not_allowed_says_which_are(client: TestClient, method: str, path: str, allow: str, content_type: str) -> None:
    # Found by fuzzing: the one error handler dropped the Allow header RFC 9110 requires on a 405.
    response = client.request(method, path)
    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) == set(allow.split(", "))  # Starlette lists a set: any order
    assert response.headers["content-type"].startswith(content_type)


# --- the page -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def docs(live_app: LiveApp) -> str:
    response = httpx.get(f"{live_app.base_url}/docs")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def test_the_docs_page_shows_every_operation(docs: str, document: dict[str, Any]) -> None:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert f"<code>{method.upper()} {path}</code>" in docs
            for status in operation["responses"]:
                assert f'<th scope="row">{status}</th>' in docs
            for parameter in operation.get("parameters", []):
                assert f"<code>{parameter['name']} ({parameter['in']})</code>" in docs
    for name in document["components"]["schemas"]:
        assert f'<h3 id="schema-{name}">{name}</h3>' in docs
        assert f'href="#schema-{name}"' in docs  # every shared schema is linked from somewhere


def test_the_docs_page_is_plain_accessible_html(docs: str) -> None:
    assert docs.count("<h1>") == 1
    assert "<script" not in docs and "style=" not in docs  # the CSP forbids inline scripts and styles
    assert re.search(r"<link[^>]+href=\"https?:", docs) is None  # nothing from the network
    tables = docs.count("<table")
    assert tables > 10 and docs.count("<caption>") == tables and docs.count("<thead>") == tables
    assert '<th scope="col">' in docs
    # Every in-page link lands on an element with that id.
    for anchor in set(re.findall(r'href="#([^"]+)"', docs)):
        assert f'id="{anchor}"' in docs, anchor


def test_every_page_links_to_the_docs(client: TestClient) -> None:
    home = client.get("/").text
    assert 'href="/docs"' in home and 'href="/openapi.json"' in home
