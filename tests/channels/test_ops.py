"""What operators read: readiness, metrics, request ids, and start-up logs; in-process and over real HTTP with several workers."""

from __future__ import annotations

import json
import logging
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from browser import LiveServer, live_server
from starlette.testclient import TestClient

from routing import logs
from routing.app import create_app
from routing.services import Services
from routing.settings import Settings
from routing.store.outbox import outbox_path

REQUEST = {
    "group_name": "Ortiz Landscaping LLC",
    "group_id": "604213",
    "name": "Ana Ortiz",
    "email": "ana@ortiz-landscaping.example",
    "subject": "Broker of record change",
    "message": "We are changing our broker of record to Pacific Benefits as of January 1. What do you need from us?",
}
TOKEN = "metrics-test-token"


@pytest.fixture
def ops(make_settings: Callable[..., Settings]) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings(metrics_token=TOKEN, forward_rate_limit=1000))) as client:
        yield client


def svc(client: TestClient) -> Services:
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    return services


def test_ready_when_the_directory_store_and_sender_are_all_working(ops: TestClient) -> None:
    response = ops.get("/readyz")
    assert (response.status_code, response.json()) == (200, {"status": "ready"})


def test_not_ready_while_the_store_refuses_writes_and_ready_again_after(ops: TestClient, settings: Settings) -> None:
    holder = sqlite3.connect(str(outbox_path(settings.data_dir)), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another process holding the file: no write can get in
    try:
        response = ops.get("/readyz")
        assert response.status_code == 503
        assert any("store does not accept writes" in p for p in response.json()["problems"])
        assert ops.get("/healthz").status_code == 200  # alive, just not ready
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert ops.get("/readyz").status_code == 200


def test_not_ready_when_the_sender_has_stopped(ops: TestClient) -> None:
    assert ops.portal is not None
    ops.portal.call(svc(ops).sender.stop)
    response = ops.get("/readyz")
    assert response.status_code == 503
    assert response.json()["problems"] == ["The background sender is not running, so accepted requests would not be delivered."]


def metric(text: str, name: str, **labels: str) -> float:
    """The value of one sample in Prometheus text format (0 when absent)."""
    for line in text.splitlines():
        found = re.fullmatch(rf"{name}(?:\{{(.*)\}})? (\S+)", line)
        if found and dict(re.findall(r'(\w+)="([^"]*)"', found.group(1) or "")) == labels:
            return float(found.group(2))
    return 0.0


def test_metrics_show_the_outbox_depth_and_the_oldest_waiting_request(ops: TestClient) -> None:
    assert ops.portal is not None
    ops.portal.call(svc(ops).sender.stop)  # nothing drains the queue, so the depth stays put
    for n in range(3):  # three different requests (the same one twice is one request)
        assert ops.post("/api/forward", json=REQUEST | {"message": f"{REQUEST['message']} ({n})"}).status_code == 202
    time.sleep(0.01)  # lets the oldest row's age become measurably positive
    page = ops.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/plain")
    assert metric(page.text, "routing_outbox_depth", status="queued") == 3
    assert metric(page.text, "routing_outbox_depth", status="sent") == 0
    assert metric(page.text, "routing_outbox_oldest_queued_age_seconds") > 0


def test_metrics_count_requests_by_route_template_not_by_address(ops: TestClient) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    before = metric(ops.get("/metrics", headers=headers).text, "routing_http_requests_total", route="/api/contacts/{id}", method="GET", status="404")
    for name in ("nobody-1", "nobody-2"):
        assert ops.get(f"/api/contacts/{name}").status_code == 404
    after = metric(ops.get("/metrics", headers=headers).text, "routing_http_requests_total", route="/api/contacts/{id}", method="GET", status="404")
    assert after - before == 2


def test_metrics_refuse_a_stranger_without_the_token(ops: TestClient) -> None:
    # The test client's address is not loopback; a real loopback client is tested over HTTP below.
    for headers in ({}, {"Authorization": "Bearer wrong"}):
        response = ops.get("/metrics", headers=headers)
        assert response.status_code == 403
        assert "METRICS_TOKEN" in response.json()["error"]["message"]


def test_every_response_carries_a_request_id_and_a_proxys_safe_id_is_kept(ops: TestClient) -> None:
    generated = ops.get("/healthz").headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{16}", generated)
    assert ops.get("/healthz", headers={"X-Request-ID": "edge-7f3a9c21"}).headers["x-request-id"] == "edge-7f3a9c21"
    assert ops.get("/healthz", headers={"X-Request-ID": "<script>alert(1)</script>"}).headers["x-request-id"] != "<script>alert(1)</script>"


def record(message: str, **extra: object) -> logging.LogRecord:
    entry = logging.LogRecord("routing.test", logging.WARNING, __file__, 1, message, None, None)
    entry.__dict__.update(extra)
    return entry


def test_json_log_lines_carry_time_level_logger_and_the_request_id() -> None:
    token = logs.request_id.set("abc123def456")
    try:
        entry = record("outbox is %s", seconds=0.5)
        entry.args = ("slow",)
        logs._RequestId().filter(entry)
        line = json.loads(logs.JsonFormatter().format(entry))
    finally:
        logs.request_id.reset(token)
    assert line["level"] == "warning" and line["logger"] == "routing.test" and line["message"] == "outbox is slow"
    assert line["request_id"] == "abc123def456" and line["seconds"] == 0.5
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", line["time"])


def test_text_log_lines_read_as_time_level_logger_message() -> None:
    entry = record("directory loaded")
    logs._RequestId().filter(entry)
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d WARNING routing\.test: directory loaded", logs.TextFormatter().format(entry))


# --- Real HTTP: uvicorn with several workers ------------------------------------------


def sign_in(base: str, password: str) -> int:
    """One staff sign-in on a fresh connection (so the workers share them out), as a browser does it."""
    with httpx.Client(base_url=base, follow_redirects=False, timeout=20) as browser:
        page = browser.get("/staff/login")
        found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert found, page.text
        response = browser.post("/staff/login", data={"password": password, "csrf_token": found.group(1), "next": "/staff"})
        if response.status_code != 303:
            return response.status_code
        return browser.get("/staff").status_code


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, Path]]:
    folder = tmp_path_factory.mktemp("two-workers")
    # No STAFF_PASSWORD or SESSION_SECRET: the generated ones must be the same in both workers.
    with live_server(folder, {"STAFF_PASSWORD": "", "SESSION_SECRET": "", "FORWARD_RATE_LIMIT": "5"}, args=["--workers", "2"]) as server:
        # The parent says "running" once it holds the socket; the workers accept only after their own start-up.
        wait_for(lambda: server.log().count("Application startup complete") == 2, 60)
        yield server, folder


def wait_for(check: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def test_two_workers_start_once_each_and_build_the_index_only_once(two_workers: tuple[LiveServer, Path]) -> None:
    server, _ = two_workers
    wait_for(lambda: server.log().count("sender started") == 2)
    log = server.log()
    assert log.count("search index ready: built") == 1, log
    assert log.count("search index ready: opened") == 1, log
    # Start-up phases are timed lines with a level, not silence.
    assert re.search(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d INFO routing\.store: directory loaded: version \w+, \d+ contacts \(\d+\.\d\d s\)", log, re.M), log


def test_under_two_workers_every_staff_sign_in_works(two_workers: tuple[LiveServer, Path]) -> None:
    server, folder = two_workers
    password = (folder / "var" / "secrets" / "staff_password").read_text()
    assert password in server.log()  # what the operator was shown is what works
    assert [sign_in(server.url, password) for _ in range(10)] == [200] * 10


def test_under_two_workers_the_rate_limit_counts_once(two_workers: tuple[LiveServer, Path]) -> None:
    server, _ = two_workers
    codes, waits = [], []
    for n in range(8):
        with httpx.Client(base_url=server.url, timeout=20) as fresh:  # a new connection each time: either worker may answer
            response = fresh.post("/api/forward", json=REQUEST | {"message": f"{REQUEST['message']} ({n})"})
            codes.append(response.status_code)
            waits.append(response.headers.get("retry-after"))
    assert codes == [202] * 5 + [429] * 3
    assert all(w is not None and 1 <= int(w) <= 60 for w in waits[5:])


def test_metrics_add_up_both_workers_and_are_open_to_loopback(two_workers: tuple[LiveServer, Path]) -> None:
    server, _ = two_workers
    for _ in range(12):
        with httpx.Client(base_url=server.url, timeout=20) as fresh:
            assert fresh.get("/api/contacts/nobody-here").status_code == 404
    page = httpx.get(f"{server.url}/metrics", timeout=20)
    assert page.status_code == 200
    assert metric(page.text, "routing_http_requests_total", route="/api/contacts/{id}", method="GET", status="404") == 12


def test_the_access_log_is_off_by_default_but_info_lines_are_kept(tmp_path: Path) -> None:
    with live_server(tmp_path, {}) as server:
        assert httpx.get(f"{server.url}/healthz", timeout=20).status_code == 200
        # A forward with no mail server is written to a file, and that line reaches the log.
        assert httpx.post(f"{server.url}/api/forward", json=REQUEST, timeout=20).status_code == 202
        wait_for(lambda: re.search(r"INFO routing\.sender: FW-\w+ → written", server.log()) is not None)
        assert '"GET /healthz HTTP/1.1" 200' not in server.log()


def test_metrics_count_deliveries_by_outcome(ops: TestClient) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    before = metric(ops.get("/metrics", headers=headers).text, "routing_deliveries_total", outcome="written")
    ref = ops.post("/api/forward", json=REQUEST | {"message": "Counted once, written to a file (no mail server here)."}).json()["id"]
    wait_for(lambda: ops.get(f"/api/forward/{ref}").json()["status"] == "written", 10)
    assert metric(ops.get("/metrics", headers=headers).text, "routing_deliveries_total", outcome="written") == before + 1


def test_metrics_count_route_decisions_ivr_calls_and_triage_actions(ops: TestClient) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}

    def now() -> str:
        return str(ops.get("/metrics", headers=headers).text)

    before = now()
    for _ in range(2):  # the second is served from the answer cache, and is still an answer given
        assert ops.get("/api/route", params={"q": "broker of record change"}).status_code == 200
    assert ops.post("/ivr/voice", data={"CallSid": "CA1", "From": "+15555550100"}).status_code == 200
    raw = b"From: ana@example.test\r\nSubject: Broker of record change\r\n\r\nWe are changing our broker of record. Group 604213, Ortiz Landscaping LLC.\r\n"
    triaged = ops.post("/api/triage", content=raw, headers={"content-type": "message/rfc822", "Authorization": "Bearer test-staff-pass"})
    assert triaged.status_code in (200, 201), triaged.text
    ops.post("/api/triage", content=raw, headers={"content-type": "message/rfc822", "Authorization": "Bearer test-staff-pass"})  # the same bytes: one email
    after = now()
    team = "account-management-support"
    assert metric(after, "routing_route_decisions_total", contact=team, fallback="false") - metric(before, "routing_route_decisions_total", contact=team, fallback="false") == 2
    assert metric(after, "routing_ivr_calls_total") - metric(before, "routing_ivr_calls_total") == 1
    action = triaged.json()["action"]
    assert metric(after, "routing_triage_actions_total", action=action) - metric(before, "routing_triage_actions_total", action=action) == 1


def test_access_log_true_logs_each_request_and_json_lines_parse(tmp_path: Path) -> None:
    with live_server(tmp_path, {"ACCESS_LOG": "true", "LOG_FORMAT": "json"}) as server:
        assert httpx.get(f"{server.url}/healthz", timeout=20).status_code == 200
        wait_for(lambda: "GET /healthz" in server.log())
        lines = [json.loads(line) for line in server.log().splitlines() if line.startswith("{")]
    access = [line for line in lines if line["logger"] == "uvicorn.access" and "GET /healthz" in line["message"]]
    assert access and access[0]["level"] == "info"
    assert any(line["logger"] == "routing.store" and line["message"].startswith("directory loaded") and "seconds" in line for line in lines)


def test_behind_a_proxy_loopback_is_not_enough_for_metrics(tmp_path: Path) -> None:
    # A proxy on this machine makes every visitor look like 127.0.0.1, so with TRUSTED_PROXIES set only the token opens /metrics.
    with live_server(tmp_path, {"TRUSTED_PROXIES": "127.0.0.1", "METRICS_TOKEN": TOKEN}) as server:
        assert httpx.get(f"{server.url}/metrics", timeout=20).status_code == 403
        assert httpx.get(f"{server.url}/metrics", headers={"X-Forwarded-For": "127.0.0.1"}, timeout=20).status_code == 403
        assert httpx.get(f"{server.url}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=20).status_code == 200
