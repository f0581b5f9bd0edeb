"""Settings from the environment: every one documented, secrets without defaults."""

from __future__ import annotations

import re

import pytest

from routing.settings import ENV_NAMES, ROOT, Settings, SettingsError

README = (ROOT / "README.md").read_text()


@pytest.mark.parametrize("name", ENV_NAMES)
def test_every_setting_is_in_the_readme_table(name: str) -> None:
    assert re.search(rf"^\| `{name}` \|", README, re.M), f"{name} is missing from the README's configuration table"


def test_the_readme_table_lists_no_setting_the_app_does_not_read() -> None:
    documented = re.findall(r"^\| `([A-Z_]+)` \|", README, re.M)
    assert set(documented) <= set(ENV_NAMES)


def test_secrets_have_no_defaults() -> None:
    settings = Settings.from_env({})
    assert settings.twilio_auth_token == ""  # unset means checks off, with a warning at start
    first, second = Settings.from_env({}), Settings.from_env({})
    # Generated per process when unset, never a fixed value anyone could know.
    assert first.staff_password and first.staff_password != second.staff_password
    assert first.session_secret and first.session_secret != second.session_secret
    assert first.generated_staff_password


def test_a_bad_number_is_a_sentence() -> None:
    with pytest.raises(SettingsError, match="FORWARD_RATE_LIMIT"):
        Settings.from_env({"FORWARD_RATE_LIMIT": "ten"})
