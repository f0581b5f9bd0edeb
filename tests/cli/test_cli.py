"""python -m routing: the hours and check commands, and the entry points."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from paths import BAD

from routing.cli.main import COMMANDS, main, parser
from routing.settings import ROOT

MONDAY_10AM = "2026-11-23T10:00:00-08:00"
SATURDAY_NOON = "2026-11-28T12:00:00-08:00"


@pytest.fixture(autouse=True)
def real_directory(monkeypatch):
    # The commands read DIRECTORY_PATH and ROUTING_NOW; start each test without them.
    monkeypatch.delenv("DIRECTORY_PATH", raising=False)
    monkeypatch.delenv("ROUTING_NOW", raising=False)


def test_hours_for_every_contact(capsys, directory):
    assert main(["hours", "--at", MONDAY_10AM]) == 0
    out = capsys.readouterr().out
    for contact in directory.contacts:
        assert f"{contact.name}\n" in out
    assert out.count("\n\n") == len(directory.contacts) - 1


def test_hours_for_one_contact(capsys):
    assert main(["hours", "california-service-center", "--at", SATURDAY_NOON]) == 0
    name, text, line = capsys.readouterr().out.splitlines()
    assert name == "California Service Center"
    assert text.strip()
    assert line.strip().startswith("Closed")


def test_hours_as_json(capsys):
    assert main(["hours", "california-service-center", "--at", SATURDAY_NOON, "--json"]) == 0
    card = json.loads(capsys.readouterr().out)
    assert card["id"] == "california-service-center"
    assert card["open_now"] is False
    assert card["next_open"] == "2026-11-30T08:00:00-08:00"
    assert card["hours"]["weekly"]["mon"] == [["08:00", "17:00"]]

    assert main(["hours", "--at", MONDAY_10AM, "--json"]) == 0
    cards = json.loads(capsys.readouterr().out)
    assert {c["id"]: c["open_now"] for c in cards}["member-services"] is None


def test_hours_uses_routing_now_without_at(capsys, monkeypatch):
    monkeypatch.setenv("ROUTING_NOW", MONDAY_10AM)
    assert main(["hours", "account-management-support", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["closes_at"] == "2026-11-23T17:30:00-08:00"


@pytest.mark.parametrize("at", ["tomorrow", "2026-11-23T10:00:00"])
def test_hours_with_a_bad_at_says_the_format(capsys, at):
    assert main(["hours", "--at", at]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --at ")
    assert "2026-11-23T08:00:00-08:00" in err


def test_hours_for_an_unknown_id_lists_the_ids(capsys):
    assert main(["hours", "nope", "--at", MONDAY_10AM]) == 2
    err = capsys.readouterr().err
    assert "no contact has the id 'nope'" in err and "california-service-center" in err


def test_hours_with_a_bad_directory_reports_it(capsys):
    assert main(["hours", "--directory", str(BAD / "bad_phone.yaml")]) == 1
    assert f"{BAD / 'bad_phone.yaml'}:21: " in capsys.readouterr().err


def test_check_uses_directory_path_when_no_path_is_given(capsys, monkeypatch):
    monkeypatch.setenv("DIRECTORY_PATH", str(BAD / "invalid_timezone.yaml"))
    assert main(["check"]) == 1
    assert "invalid_timezone.yaml:3: 'Pacific Time' is not a time zone" in capsys.readouterr().err


def test_check_summary(capsys, directory):
    assert main(["check", str(ROOT / "directory.yaml")]) == 0
    out = capsys.readouterr().out
    assert out == (
        f"{ROOT / 'directory.yaml'}: OK — {len(directory.contacts)} contacts, {len(directory.rules)} rules, "
        f"{len(directory.holidays.rules)} holidays (version {directory.version})\n"
    )


def test_serve_with_a_bad_directory_says_why_instead_of_starting(capsys, monkeypatch):
    monkeypatch.setenv("DIRECTORY_PATH", str(BAD / "bad_email.yaml"))
    assert main(["serve"]) == 1
    err = capsys.readouterr().err
    assert "bad_email.yaml:23: 'billing(at)example.org' is not an email address." in err
    assert "cannot start" in err


def test_a_bad_setting_is_a_usage_error(capsys, monkeypatch):
    monkeypatch.setenv("PORT", "eighty")
    assert main(["serve"]) == 2
    assert "PORT should be a number" in capsys.readouterr().err


def test_every_command_is_in_the_parser():
    help_text = parser().format_help()
    for name in COMMANDS:
        assert name in help_text


def test_no_command_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exited:
        main([])
    assert exited.value.code == 2
    assert "COMMAND" in capsys.readouterr().err


def test_python_dash_m_routing_hours_runs():
    result = subprocess.run(
        [sys.executable, "-m", "routing", "hours", "emergency", "--at", MONDAY_10AM],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Emergency: call 911\n")


def test_app_module_builds_the_app_on_first_use(monkeypatch, tmp_path):
    import app as app_module

    monkeypatch.setenv("SEARCH_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "var"))
    vars(app_module).pop("app", None)
    try:
        assert "app" not in vars(app_module)  # importing did not build it
        built = app_module.app
        assert built is app_module.app
        assert built.state.services.settings.index_dir == tmp_path / "index"
    finally:
        vars(app_module).pop("app", None)


def test_hours_says_each_thing_once(capsys):
    # "Open 24/7" and "Hours not listed" are both the hours and the status: printed once, not twice.
    assert main(["hours", "--at", MONDAY_10AM]) == 0
    blocks = capsys.readouterr().out.split("\n\n")
    for block in blocks:
        lines = [line.strip() for line in block.splitlines()]
        assert len(lines) == len(set(lines)), block
    assert "account.kp.org (employer self-service)\n  Open 24/7" in "\n\n".join(blocks)
    assert "Member Services Center\n  Hours not listed\n" in "\n\n".join(blocks) + "\n"


def test_ask_answers_a_spanish_question_in_spanish_with_the_same_ids(capsys, tmp_path, monkeypatch):
    # As on the web page: the question's language decides, and --lang overrules it.
    monkeypatch.setenv("SEARCH_INDEX_DIR", str(tmp_path / "index"))
    question = ["ask", "necesito una copia de la factura", "--at", "2026-11-28T10:00:00-08:00", "--json"]
    assert main(question) == 0
    spanish = json.loads(capsys.readouterr().out)
    assert main([*question, "--lang", "en"]) == 0
    english = json.loads(capsys.readouterr().out)
    assert (spanish["language"], english["language"]) == ("es", "en")
    assert spanish["contact"]["id"] == english["contact"]["id"] == "california-service-center"
    assert spanish["reason"] == "El Centro de Servicio de California puede ayudarle a recibir copias de las facturas."
    assert spanish["contact"]["status_line"] == "Cerrado · abre el lunes a las 8:00 a. m., hora del Pacífico"


def test_ask_answers_an_english_question_in_english_even_with_a_spanish_business_name(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("SEARCH_INDEX_DIR", str(tmp_path / "index"))
    assert main(["ask", "Panadería La Estrella needs a copy of our bill", "--at", "2026-11-28T10:00:00-08:00", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["language"] == "en"
    assert answer["contact"]["id"] == "california-service-center"
