"""The SMTP listener and the triage command line, run for real: a socket on loopback and child processes."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import smtplib
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from paths import FIXTURES

from routing.channels.inbound_smtp import serve
from routing.settings import ROOT, Settings
from routing.store.triage_log import TriageLog, triage_path

NOW = "2026-03-18T10:00:00-07:00"
BIG = b"Subject: big\r\n\r\n" + b"x" * 70 + b"\r\n" * 1 + (b"y" * 70 + b"\r\n") * 100


@contextmanager
def listening(settings: Settings) -> Iterator[int]:
    """The listener on its own thread and loop, on a free loopback port; yields the port."""
    ready = threading.Event()
    box: dict[str, Any] = {}

    def run() -> None:
        async def main() -> None:
            box["loop"] = asyncio.get_running_loop()
            box["stop"] = asyncio.Event()

            def started(port: int) -> None:
                box["port"] = port
                ready.set()

            await serve(settings, "127.0.0.1", 0, started, box["stop"])

        try:
            asyncio.run(main())
        except BaseException as exc:  # reported to the test thread
            box["error"] = exc
            ready.set()

    thread = threading.Thread(target=run, name="inbound-test", daemon=True)
    thread.start()
    assert ready.wait(30), "the listener did not start"
    if "error" in box:
        raise box["error"]
    try:
        yield int(box["port"])
    finally:
        box["loop"].call_soon_threadsafe(box["stop"].set)
        thread.join(10)


def crlf(raw: bytes) -> bytes:
    # On the wire every line ends in CRLF (RFC 5321); smtplib sends bytes as they are.
    return raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def send(port: int, raw: bytes, rcpt: str = "smallbiz-inbox@example.com") -> tuple[int, str]:
    raw = crlf(raw)
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        client.ehlo("test.example")
        client.mail("sender@example.com")
        client.rcpt(rcpt)
        code, reply = client.data(raw)
    return code, reply.decode()


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROUTING_NOW", NOW)


def test_each_message_received_is_triaged_and_stored(settings: Settings) -> None:
    with listening(settings) as port:
        code, reply = send(port, (FIXTURES / "01_bor_change.eml").read_bytes())
        bounce_code, _ = send(port, (FIXTURES / "44_bounce_delivery_status.eml").read_bytes())
        again_code, again = send(port, (FIXTURES / "01_bor_change.eml").read_bytes())
    assert code == 250 and reply.startswith("2.0.0 Triaged as TR-") and reply.endswith("(forward)")
    assert bounce_code == 250
    assert again_code == 250 and again == reply  # a retried delivery finds the first record
    store = TriageLog(triage_path(settings.data_dir))
    try:
        records = store.recent()
    finally:
        store.close()
    by_subject = {r.subject: r for r in records}
    assert len(records) == 2
    bor = by_subject["Broker of record change"]
    assert bor.source == "inbound" and bor.status == "new" and bor.result["group_id"] == "604213"
    assert bor.raw.replace(b"\r\n", b"\n") == (FIXTURES / "01_bor_change.eml").read_bytes()
    assert by_subject["Undelivered Mail Returned to Sender"].status == "ignored"


def test_an_oversized_message_is_refused_with_552(make_settings: Callable[..., Settings]) -> None:
    settings = make_settings(max_message_bytes=4_000)
    with listening(settings) as port:
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            client.ehlo("test.example")
            assert client.has_extn("size") and client.esmtp_features["size"] == "4000"
            # Without announcing SIZE, the data itself is refused once it passes the limit.
            client.mail("sender@example.com")
            client.rcpt("inbox@example.com")
            code, reply = client.data(BIG)
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client, pytest.raises(smtplib.SMTPSenderRefused) as refused:
            client.sendmail("sender@example.com", ["inbox@example.com"], BIG)
    assert code == 552 and b"too" in reply.lower()
    assert refused.value.smtp_code == 552
    store = TriageLog(triage_path(settings.data_dir))
    try:
        assert store.recent() == []
    finally:
        store.close()


# --- the command line ---------------------------------------------------------------------------


def cli_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMTP_", "STAFF_", "DATA_DIR", "SEARCH_INDEX_DIR"))}
    env.update(DATA_DIR=str(tmp_path / "var"), SEARCH_INDEX_DIR=str(tmp_path / "index"), ROUTING_NOW=NOW, PYTHONPATH=str(ROOT))
    return env


def cli(tmp_path: Path, *args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "routing", *args], input=stdin, capture_output=True, cwd=ROOT, env=cli_env(tmp_path), timeout=60
    )


def test_triage_a_folder_prints_one_json_line_per_email(tmp_path: Path) -> None:
    done = cli(tmp_path, "triage", str(FIXTURES))
    assert done.returncode == 0, done.stderr.decode()
    lines = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert len(lines) == len(list(FIXTURES.glob("*.eml")))
    first = lines[0]
    assert first["file"].endswith("01_bor_change.eml") and first["action"] == "forward" and first["group_id"] == "604213"


def test_triage_reads_standard_input_and_survives_garbage(tmp_path: Path) -> None:
    done = cli(tmp_path, "triage", "-", stdin=b"\x00\xff\xfe not an email \x81")
    assert done.returncode == 0 and b"Traceback" not in done.stderr
    [line] = [json.loads(x) for x in done.stdout.decode().splitlines()]
    assert line["file"] == "-" and line["action"] == "review"


def test_triage_explains_a_missing_file_without_a_traceback(tmp_path: Path) -> None:
    done = cli(tmp_path, "triage", str(tmp_path / "nope.eml"))
    assert done.returncode == 2
    assert b"does not exist" in done.stderr and b"Traceback" not in done.stderr


def test_the_inbound_command_listens_triages_and_stops_cleanly(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "routing", "inbound", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env=cli_env(tmp_path),
    )
    try:
        assert process.stdout is not None
        banner = process.stdout.readline().decode()
        assert banner.startswith("Listening for SMTP on 127.0.0.1:"), banner + (process.stderr.read().decode() if process.stderr else "")
        port = int(banner.split("127.0.0.1:")[1].split(";")[0])
        code, reply = send(port, (FIXTURES / "22_missing_id_cobra_zip.eml").read_bytes())
        assert code == 250 and reply.endswith("(ask_sender)")
    finally:
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err.decode()
    assert b"Traceback" not in err
    store = TriageLog(triage_path(tmp_path / "var"))
    try:
        [record] = store.recent()
    finally:
        store.close()
    assert record.result["group_name"] == "Lakeside Florist" and record.result["missing"] == ["group_id"]
