"""Plumbing for the browser tests: find Chromium, serve the real app, drive it, run axe.

The app runs as ``python -m routing serve --port 0`` in a subprocess with its
own settings in the environment, exactly as an operator would start it; the
browser is Debian's Chromium driven by Playwright, which never downloads a
browser of its own. Nothing here reaches past 127.0.0.1: Chromium resolves
no other host, and each context aborts (and records) any request elsewhere.

It is also a pytest plugin (tests/conftest.py): ``chromium``, ``browser`` and
``visit`` serve every browser test, and a module brings only its own
``server`` (its settings and data folder).
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, Request, Route, sync_playwright

from routing.settings import ENV_NAMES, ROOT

MISSING_CHROMIUM = "browser tests skipped: chromium not found; install it with apt-get install chromium"
CHROMIUM_NAMES = ("chromium", "chromium-browser")

# Playwright adds its own automation flags; these keep Chromium off the network
# and quiet: no updates, sync, QUIC or proxy, and no host but loopback resolves.
CHROMIUM_ARGS = [
    "--no-sandbox",  # tests run as root in a container, where the sandbox cannot start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-quic",
    "--no-proxy-server",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SCREENSHOT_DIR = ROOT / "var" / "screenshots"  # git-ignored; look at them after a run
BLOCKING_IMPACTS = ("serious", "critical")


# --- Chromium ------------------------------------------------------------------------


def find_chromium() -> str | None:
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def in_ci(environ: Mapping[str, str]) -> bool:
    return environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def require_chromium(find: Callable[[], str | None] = find_chromium, environ: Mapping[str, str] = os.environ) -> str:
    """The Chromium to drive; without one, skip the browser tests, except in CI where that fails."""
    found = find()
    if found:
        return found
    if in_ci(environ):
        pytest.fail(
            "chromium not found, and CI is set, so the browser tests cannot be skipped; "
            "install it with apt-get install chromium (.ci/run does this on Debian and Ubuntu)",
            pytrace=False,
        )
    pytest.skip(MISSING_CHROMIUM)


def launch(playwright: Playwright, executable: str) -> Browser:
    return playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)


# --- The app, served -----------------------------------------------------------------

_LISTENING = re.compile(r"Uvicorn running on (http://127\.0\.0\.1:\d+)")


@dataclass
class LiveServer:
    url: str
    staff_password: str
    log_path: Path
    process: subprocess.Popen[bytes] | None = None  # for tests that kill the server

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextlib.contextmanager
def live_server(folder: Path, settings: Mapping[str, str], timeout: float = 60.0, args: Sequence[str] = ()) -> Iterator[LiveServer]:
    """Serve the app on 127.0.0.1 and a port the system picks, with ``settings`` as its environment.

    Settings the developer's own environment may carry are dropped first, so
    the app sees only the test's (and its own defaults).
    """
    env = {name: value for name, value in os.environ.items() if name not in ENV_NAMES}
    env.update(
        {
            "DIRECTORY_PATH": str(ROOT / "directory.yaml"),
            "SEARCH_INDEX_DIR": str(folder / "index"),
            "DATA_DIR": str(folder / "var"),
            "RELOAD_INTERVAL": "0",
            "STAFF_PASSWORD": secrets.token_urlsafe(12),
            "SESSION_SECRET": secrets.token_urlsafe(32),
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(settings)
    log_path = folder / "server.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "routing", "serve", "--host", "127.0.0.1", "--port", "0", *args],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        url = _wait_for_listening(process, log_path, timeout)
        yield LiveServer(url=url, staff_password=env["STAFF_PASSWORD"], log_path=log_path, process=process)
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def _wait_for_listening(process: subprocess.Popen[bytes], log_path: Path, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = _LISTENING.search(log_path.read_text(errors="replace"))
        if found:
            return found.group(1)
        if process.poll() is not None:
            raise RuntimeError(f"the app exited with code {process.returncode} before serving:\n{log_path.read_text(errors='replace')}")
        time.sleep(0.05)
    raise RuntimeError(f"the app did not start serving within {timeout:.0f} s:\n{log_path.read_text(errors='replace')}")


# --- One browser context per test ------------------------------------------------------


@dataclass
class Watch:
    """What a context saw that a user would not: requests leaving loopback, CSP and script errors."""

    blocked: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return (
            [f"request to a non-loopback address (aborted): {url}" for url in self.blocked]
            + [f"console error: {text}" for text in self.console_errors]
            + [f"script error: {text}" for text in self.page_errors]
        )


def watch(context: BrowserContext, page: Page) -> Watch:
    seen = Watch()

    def only_loopback(route: Route, request: Request) -> None:
        host = urlsplit(request.url).hostname
        if request.url.startswith(("data:", "blob:", "about:")) or host == "127.0.0.1":
            route.continue_()
        else:
            seen.blocked.append(request.url)
            route.abort("blockedbyclient")

    context.route("**/*", only_loopback)
    # Every page answers with a strict CSP; a violation (an inline style or
    # script slipping into a template) shows up as a console error.
    page.on("console", lambda message: seen.console_errors.append(message.text) if message.type == "error" and not _is_status_report(message.text) else None)
    page.on("pageerror", lambda error: seen.page_errors.append(str(error)))
    return seen


def _is_status_report(text: str) -> bool:
    # Chromium logs every 4xx page it loads; the tests that expect one assert its status.
    return text.startswith("Failed to load resource: the server responded with a status of 4")


# --- Looking at a page -------------------------------------------------------------------

@functools.cache
def axe_script() -> str:
    """axe-core itself, as shipped (minified) in the pinned axe-playwright-python package."""
    return (resources.files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Every axe-core violation on the page as it is now, whatever its impact."""
    # page.evaluate is not subject to the page's CSP, so axe goes in without weakening it.
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_script())
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return list(results["violations"])


def describe_violations(violations: list[dict[str, Any]], where: str) -> str:
    lines = [f"{len(violations)} accessibility violation(s) on {where}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}  {violation['helpUrl']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    at {' '.join(map(str, node['target']))}: {node['html'][:160]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"       {summary}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    … and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


def assert_accessible(page: Page, where: str) -> None:
    blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, describe_violations(blocking, where)


_LAYOUT_PROBLEMS = """() => {
  const found = [];
  const wider = document.documentElement.scrollWidth - window.innerWidth;
  if (wider > 0) found.push(`the page is ${wider}px wider than the screen: something does not wrap`);
  // A table cell whose words run into the next one (a scrolling wrapper is fine: it is meant to scroll).
  for (const cell of document.querySelectorAll("td, th")) {
    const hidden = (cell.closest("thead") || cell).getBoundingClientRect().width <= 1;  // visually hidden, for screen readers
    if (!hidden && cell.scrollWidth > cell.clientWidth + 1 && !cell.closest(".table-scroll")) {
      found.push(`text runs out of a table cell: ${cell.textContent.trim().slice(0, 60)}`);
    }
  }
  return found;
}"""


def layout_problems(page: Page) -> list[str]:
    """What sticks out at the current width: the page past the screen, words past their table cell."""
    return list(page.evaluate(_LAYOUT_PROBLEMS))


def screenshots(page: Page, name: str, folder: Path = SCREENSHOT_DIR) -> list[str]:
    """Full-page screenshots at phone and desktop width; returns the layout problems at phone width."""
    folder.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size or DESKTOP
    page.set_viewport_size(PHONE)
    problems = layout_problems(page)
    page.screenshot(path=str(folder / f"{name}-phone.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(folder / f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size(original)
    return problems


def check_page(page: Page, name: str, seen: Watch) -> None:
    """What every page must be: accessible, free of CSP and script errors, laid out for a 390px phone."""
    where = f"{name} ({page.url})"
    assert_accessible(page, where)
    at_phone_width = screenshots(page, name)
    assert not at_phone_width, f"{where} at 390px wide:\n" + "\n".join(at_phone_width)
    assert not seen.problems(), f"{where}:\n" + "\n".join(seen.problems())


# -- fixtures shared by every browser test ---------------------------------------------


@pytest.fixture(scope="module")
def chromium() -> str:
    return require_chromium()


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = launch(playwright, chromium)
        try:
            yield launched
        finally:
            launched.close()


def open_page(browser: Browser, server: LiveServer) -> tuple[Page, Watch]:
    """A page in a new context: no cookie, as in another browser or after a restart; the context closes with the browser."""
    context = browser.new_context(base_url=server.url, viewport=DESKTOP, locale="en-US", timezone_id="America/Los_Angeles")
    context.set_default_timeout(10_000)
    page = context.new_page()
    return page, watch(context, page)


@pytest.fixture
def visit(browser: Browser, server: LiveServer) -> Iterator[tuple[Page, Watch]]:
    """A page in a fresh context (no cookies), and what it saw that a user would not; ``server`` is the module's own."""
    page, seen = open_page(browser, server)
    try:
        yield page, seen
    finally:
        page.context.close()
