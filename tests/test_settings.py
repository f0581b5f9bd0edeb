"""Settings from the environment: every one documented, secrets without defaults."""

from __future__ import annotations

import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from routing.settings import ENV_NAMES, ROOT, Settings, SettingsError

README = (ROOT / "README.md").read_text()


@pytest.mark.parametrize("name", ENV_NAMES)
def test_every_setting_is_in_the_readme_table(name: str) -> None:
    assert re.search(rf"^\| `{name}` \|", README, re.M), f"{name} is missing from the README's configuration table"


def test_the_readme_table_lists_no_setting_the_app_does_not_read() -> None:
    documented = re.findall(r"^\| `([A-Z_]+)` \|", README, re.M)
    assert set(documented) <= set(ENV_NAMES)


def test_secrets_have_no_defaults(tmp_path: Path) -> None:
    settings = Settings.from_env({"DATA_DIR": str(tmp_path / "a")})
    assert settings.twilio_auth_token == ""  # unset means checks off, with a warning at start
    first, second = settings, Settings.from_env({"DATA_DIR": str(tmp_path / "b")})
    # Generated at random when unset, never a fixed value anyone could know.
    assert first.staff_password and first.staff_password != second.staff_password
    assert first.session_secret and first.session_secret != second.session_secret
    assert first.generated_staff_password


def test_generated_secrets_are_kept_so_workers_and_restarts_agree(tmp_path: Path) -> None:
    env = {"DATA_DIR": str(tmp_path)}
    first, again = Settings.from_env(env), Settings.from_env(env)
    assert (again.staff_password, again.session_secret) == (first.staff_password, first.session_secret)
    assert (first.new_staff_password, again.new_staff_password) == (True, False)  # printed by the start that made it, only
    for name in ("staff_password", "session_secret"):
        assert stat.S_IMODE((tmp_path / "secrets" / name).stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "secrets").stat().st_mode) == 0o700


def test_workers_starting_together_all_read_one_secret(tmp_path: Path) -> None:
    # Many processes race to create the file; every one must come away with the same value.
    script = "import sys; from pathlib import Path; from routing.settings import Settings; print(Settings.from_env({'DATA_DIR': sys.argv[1]}).session_secret)"
    runs = [subprocess.Popen([sys.executable, "-c", script, str(tmp_path)], stdout=subprocess.PIPE, text=True, cwd=ROOT) for _ in range(6)]
    values = {run.communicate(timeout=60)[0].strip() for run in runs}
    assert len(values) == 1 and "" not in values
    assert not [p for p in (tmp_path / "secrets").iterdir() if p.name.startswith(".")]  # no drafts left behind


def test_a_set_secret_is_never_written_to_disk(tmp_path: Path) -> None:
    settings = Settings.from_env({"DATA_DIR": str(tmp_path), "STAFF_PASSWORD": "chosen", "SESSION_SECRET": "also-chosen"})
    assert (settings.staff_password, settings.generated_staff_password) == ("chosen", False)
    assert not (tmp_path / "secrets").exists()


def test_an_unwritable_data_dir_is_a_sentence(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(SettingsError, match="DATA_DIR writable"):
        Settings.from_env({"DATA_DIR": str(blocker)})


def test_a_bad_number_is_a_sentence() -> None:
    with pytest.raises(SettingsError, match="FORWARD_RATE_LIMIT"):
        Settings.from_env({"FORWARD_RATE_LIMIT": "ten"})


def test_imap_settings_need_a_login_and_keep_tls_unless_told_plainly(tmp_path: Path) -> None:
    base = {"DATA_DIR": str(tmp_path), "STAFF_PASSWORD": "x", "SESSION_SECRET": "y"}
    assert not Settings.from_env(base).fetches_imap  # nothing is fetched by default
    with pytest.raises(SettingsError, match="IMAP_USERNAME"):
        Settings.from_env({**base, "IMAP_HOST": "imap.example.com"})
    with pytest.raises(SettingsError, match="IMAP_PASSWORD, or IMAP_OAUTH2_TOKEN"):
        Settings.from_env({**base, "IMAP_HOST": "imap.example.com", "IMAP_USERNAME": "desk"})
    secure = Settings.from_env({**base, "IMAP_HOST": "imap.example.com", "IMAP_USERNAME": "desk", "IMAP_OAUTH2_TOKEN": "tok", "IMAP_TLS": ""})
    assert secure.imap_tls and secure.effective_imap_port == 993 and secure.imap_done == "flag" and secure.imap_folder == "INBOX"
    assert "tok" not in repr(secure)
    plain = Settings.from_env({**base, "IMAP_HOST": "127.0.0.1", "IMAP_USERNAME": "desk", "IMAP_PASSWORD": "p", "IMAP_TLS": "false"})
    assert not plain.imap_tls and plain.effective_imap_port == 143 and "'p'" not in repr(plain)
    with pytest.raises(SettingsError, match="IMAP_DONE should be one of flag, move"):
        Settings.from_env({**base, "IMAP_DONE": "delete"})
