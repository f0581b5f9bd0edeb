"""``python -m routing staff``: accounts made, listed, re-passworded and removed, and the audit trail printed."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from routing.cli.main import main
from routing.settings import Settings
from routing.store.audit import FORWARDED
from routing.store.staff_accounts import BOOTSTRAP
from routing.store.stores import Stores, open_stores

PASSWORD = "a long enough password"


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("DATABASE_URL", "DIRECTORY_PATH", "ROUTING_NOW"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("STAFF_PASSWORD", "the shared one")
    monkeypatch.setenv("SESSION_SECRET", "test-secret")
    return tmp_path / "var"


@pytest.fixture
def stores() -> Iterator[Stores]:
    opened = open_stores(Settings.from_env())
    yield opened
    opened.close()


def staff(monkeypatch: pytest.MonkeyPatch, *args: str, stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(["staff", *args])


def typed(monkeypatch: pytest.MonkeyPatch, *answers: str) -> list[str]:
    """Answer getpass's prompts in turn; returns the prompts shown."""
    prompts: list[str] = []
    replies = iter(answers)

    def fake(prompt: str = "") -> str:
        prompts.append(prompt)
        return next(replies)

    monkeypatch.setattr("getpass.getpass", fake)
    return prompts


def test_add_asks_for_the_password_twice_and_the_first_account_ends_the_bootstrap(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], stores: Stores
) -> None:
    bootstrap_session = stores.staff_sessions.open(BOOTSTRAP)
    prompts = typed(monkeypatch, PASSWORD, PASSWORD)
    assert staff(monkeypatch, "add", "maria.ortiz") == 0
    assert prompts == ["Password for maria.ortiz: ", "The same password again: "]
    out = capsys.readouterr().out
    assert "Added maria.ortiz" in out and "no longer signs in" in out and "1 such session ended" in out
    assert stores.staff_accounts.verify("maria.ortiz", PASSWORD) is not None
    assert stores.staff_sessions.who(bootstrap_session) is None


def test_passwords_that_differ_or_are_short_change_nothing(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], stores: Stores) -> None:
    typed(monkeypatch, PASSWORD, PASSWORD + "!")
    assert staff(monkeypatch, "add", "sam") == 2
    assert "not the same" in capsys.readouterr().err
    assert staff(monkeypatch, "add", "sam", "--password-stdin", stdin="short\n") == 2
    assert "at least 10 characters" in capsys.readouterr().err
    assert staff(monkeypatch, "add", "bootstrap", "--password-stdin", stdin=PASSWORD) == 2
    assert "choose a person's name" in capsys.readouterr().err
    assert not stores.staff_accounts.exist()


def test_list_password_and_remove(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], stores: Stores) -> None:
    assert staff(monkeypatch, "list") == 0
    assert "No staff accounts yet" in capsys.readouterr().out
    assert staff(monkeypatch, "add", "sam", "--password-stdin", stdin=PASSWORD + "\n") == 0
    assert staff(monkeypatch, "add", "SAM", "--password-stdin", stdin=PASSWORD + "\n") == 2
    assert "already an account named SAM" in capsys.readouterr().err
    assert staff(monkeypatch, "add", "ana", "--password-stdin", stdin=PASSWORD + "\n") == 0
    capsys.readouterr()
    assert staff(monkeypatch, "list", "--json") == 0
    assert [a["name"] for a in json.loads(capsys.readouterr().out)] == ["ana", "sam"]

    session = stores.staff_sessions.open("sam")
    assert staff(monkeypatch, "password", "sam", "--password-stdin", stdin="a different long password\n") == 0
    assert "1 session ended" in capsys.readouterr().out
    assert stores.staff_sessions.who(session) is None
    assert stores.staff_accounts.verify("sam", "a different long password") is not None
    assert stores.staff_accounts.verify("sam", PASSWORD) is None

    session = stores.staff_sessions.open("ana")
    assert staff(monkeypatch, "remove", "ana") == 0
    assert "Removed ana; 1 session ended" in capsys.readouterr().out
    assert stores.staff_sessions.who(session) is None
    assert staff(monkeypatch, "remove", "ana") == 2
    assert "no account named ana" in capsys.readouterr().err
    assert staff(monkeypatch, "remove", "sam") == 0
    assert "signs in to the console again" in capsys.readouterr().out
    assert staff(monkeypatch, "password") == 2
    assert "Say whose account" in capsys.readouterr().err


def test_audit_prints_the_newest_entries_and_one_persons_or_one_emails(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], stores: Stores
) -> None:
    assert staff(monkeypatch, "audit") == 0
    assert "Nothing in the audit trail yet" in capsys.readouterr().out
    stores.audit.record("sam", FORWARDED, "TR-AAAA0001", "to Account Management Support Team (amt@kp.org)", "FW-1", now=1_773_000_000.0)
    stores.audit.record("ana", "corrected", "TR-BBBB0002", "the group ID to 604213", now=1_773_000_060.0)
    assert staff(monkeypatch, "audit") == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and "ana" in lines[0] and "TR-BBBB0002 the group ID to 604213" in lines[0]
    assert "sam" in lines[1] and "forwarded" in lines[1] and "[FW-1]" in lines[1] and "2026-03-08 20:00 UTC" in lines[1]
    assert staff(monkeypatch, "audit", "SAM", "--json") == 0
    [entry] = json.loads(capsys.readouterr().out)
    assert entry["who"] == "sam" and entry["message"] == "TR-AAAA0001" and entry["at"] == "2026-03-08T20:00:00+00:00"
    assert staff(monkeypatch, "audit", "--message", "tr-bbbb0002") == 0
    assert "TR-BBBB0002" in capsys.readouterr().out
