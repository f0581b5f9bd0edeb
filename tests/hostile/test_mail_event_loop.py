"""Hostile mail through the real server: while it is triaged, /healthz still answers within a second.

The app runs under uvicorn in its own process, as an operator starts it
(``browser.live_server``). One thread posts the issue's hostile emails to
POST /api/triage, another asks for /healthz every 20 ms; before the fix the
event loop itself ran the backtracking patterns, and /healthz waited for them
(15 s for the first email). This checks the loop, not speed: a second is generous.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
from browser import live_server
from hostile.mail_cases import CASES

from routing.core.email.triage import ACTIONS

HEALTH_SECONDS = 1.0


def test_healthz_answers_while_hostile_mail_is_triaged(tmp_path: Path) -> None:
    with live_server(tmp_path, {}) as server:
        headers = {"authorization": f"Bearer {server.staff_password}", "content-type": "message/rfc822"}
        with httpx.Client(base_url=server.url, timeout=10) as warm:
            assert warm.get("/healthz").status_code == 200
        stop = threading.Event()
        waits: list[float] = []
        problems: list[str] = []

        def ask_health() -> None:
            with httpx.Client(base_url=server.url, timeout=HEALTH_SECONDS * 10) as client:
                while not stop.is_set():
                    started = time.perf_counter()
                    try:
                        status = client.get("/healthz").status_code
                        if status != 200:
                            problems.append(f"/healthz answered {status}")
                    except httpx.HTTPError as exc:
                        problems.append(f"/healthz failed: {exc!r}")
                    waits.append(time.perf_counter() - started)
                    time.sleep(0.02)

        answers: dict[str, httpx.Response] = {}
        health = threading.Thread(target=ask_health)
        health.start()
        try:
            with httpx.Client(base_url=server.url, timeout=120) as client:
                for name, build in CASES.items():
                    answers[name] = client.post("/api/triage", content=build(), headers=headers)
        finally:
            stop.set()
            health.join()
        assert not problems, problems[:3]
        assert waits and max(waits) < HEALTH_SECONDS, f"/healthz took {max(waits):.2f} s while mail was triaged ({len(waits)} asks)"
        for name, answer in answers.items():
            assert answer.status_code == 200, (name, answer.text[:300])
            assert answer.json()["action"] in ACTIONS, name
        assert answers["nested-blockquotes"].json()["action"] == "review"
