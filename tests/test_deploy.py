"""The deployment files: the image's entry command runs the app from only what the Dockerfile copies,
the compose file is well formed with no default secrets, and the systemd units start real commands."""

from __future__ import annotations

import configparser
import json
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import yaml
from smtp_fixture import free_port

from routing.settings import ENV_NAMES, ROOT

DOCKERFILE = (ROOT / "Dockerfile").read_text()
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())
UNITS = sorted((ROOT / "deploy" / "systemd").glob("*.service"))


def instructions(name: str) -> list[str]:
    """Every ``NAME args`` instruction of the Dockerfile, continuation lines joined."""
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    return [line.split(None, 1)[1] for line in joined.splitlines() if line.split(None, 1)[:1] == [name]]


def image_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for args in instructions("ENV"):
        env.update(dict(pair.split("=", 1) for pair in shlex.split(args)))
    return env


def test_the_image_runs_as_a_non_root_user_with_its_data_on_a_volume() -> None:
    assert instructions("FROM") == ["python:3.11-slim"]
    assert instructions("USER") and instructions("USER")[-1] not in ("root", "0")
    assert json.loads(instructions("VOLUME")[0]) == [image_env()["DATA_DIR"]]
    assert image_env()["SEARCH_INDEX_DIR"].startswith(image_env()["DATA_DIR"] + "/")
    assert "--require-hashes" in " ".join(instructions("RUN"))
    assert "/healthz" in instructions("HEALTHCHECK")[0]
    assert set(image_env()) - {"PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED", "PIP_NO_CACHE_DIR", "PIP_DISABLE_PIP_VERSION_CHECK"} <= set(ENV_NAMES)


def test_the_images_entry_command_serves_the_app_from_only_what_the_image_copies(tmp_path: Path) -> None:
    app = tmp_path / "app"
    app.mkdir()
    for args in instructions("COPY"):
        *sources, target = shlex.split(args)
        for source in sources:
            origin = ROOT / source
            # "COPY a b ./" keeps each name; "COPY routing ./routing" names its one target.
            destination = app / source if target in ("./", ".") else app / target
            if origin.is_dir():
                shutil.copytree(origin, destination, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(origin, destination)
    command = json.loads(instructions("CMD")[0])
    assert command[:3] == ["python", "-m", "routing"]
    port = free_port()
    env = {name: value for name, value in image_env().items()}
    env.update({"DATA_DIR": str(tmp_path / "data"), "SEARCH_INDEX_DIR": str(tmp_path / "data" / "search_index"),
                "HOST": "127.0.0.1", "PORT": str(port), "PATH": "/usr/bin:/bin", "STAFF_PASSWORD": "image-test"})
    log = tmp_path / "server.log"
    with open(log, "wb") as out:
        # The image's python has the lock installed; this one has the same lock.
        process = subprocess.Popen([sys.executable, *command[1:]], cwd=app, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log.read_text()
            try:
                ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
        assert ready.status_code == 200, ready.text
        home = httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
        assert home.status_code == 200 and "<html" in home.text
        assert httpx.get(f"http://127.0.0.1:{port}/static/site.css", timeout=5).status_code == 200
    finally:
        process.terminate()
        process.wait(15)
    # It ran from the copy, not from the repository.
    assert (tmp_path / "data" / "outbox.sqlite3").exists() and not (app / "var").exists()


def test_the_compose_file_has_the_app_the_mail_listener_postgresql_and_mailpit() -> None:
    services = COMPOSE["services"]
    assert set(services) == {"web", "inbound", "postgres", "mailpit"}
    for name in ("web", "inbound"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgresql://") and "@postgres:5432/" in env["DATABASE_URL"]
        assert env["SMTP_HOST"] == "mailpit"
        assert services[name]["depends_on"]["postgres"] == {"condition": "service_healthy"}
        assert set(env) <= set(ENV_NAMES)
    assert services["inbound"]["command"][:3] == ["python", "-m", "routing"] and "inbound" in services["inbound"]["command"]
    assert "pg_isready" in services["postgres"]["healthcheck"]["test"]


def test_compose_secrets_have_no_defaults() -> None:
    text = (ROOT / "compose.yaml").read_text()
    for secret in ("POSTGRES_PASSWORD", "STAFF_PASSWORD", "SESSION_SECRET"):
        uses = re.findall(r"\$\{" + secret + r"([^}]*)\}", text)
        assert uses and all(use.startswith(":?") for use in uses), f"{secret} must be required (${{{secret}:?…}}), never defaulted"


@pytest.mark.skipif(not shutil.which("docker") or subprocess.run(["docker", "compose", "version"], capture_output=True).returncode != 0,
                    reason="docker compose is not installed; the file's shape is checked above")
def test_docker_compose_accepts_the_file() -> None:
    env = {"POSTGRES_PASSWORD": "x", "STAFF_PASSWORD": "y", "SESSION_SECRET": "z", "PATH": "/usr/local/bin:/usr/bin:/bin"}
    result = subprocess.run(["docker", "compose", "-f", str(ROOT / "compose.yaml"), "config", "--quiet"], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("unit", UNITS, ids=lambda p: p.name)
def test_each_systemd_unit_runs_a_real_command_as_its_own_user(unit: Path) -> None:
    parsed = configparser.ConfigParser(strict=False, interpolation=None)
    parsed.optionxform = str  # type: ignore[assignment,method-assign]
    parsed.read_string(unit.read_text())
    service = parsed["Service"]
    assert service["User"] == "routing" and service["NoNewPrivileges"] == "yes" and service["ProtectSystem"] == "strict"
    exec_start = shlex.split(service["ExecStart"])
    assert exec_start[0] == "/opt/routing/.venv/bin/python" and exec_start[1:3] == ["-m", "routing"]
    # The same command, from this checkout, with --help: the subcommand and every flag it is given exist.
    flags = [a for a in exec_start[3:] if a.startswith("--")]
    usage = subprocess.run([sys.executable, "-m", "routing", exec_start[3], "--help"], cwd=ROOT, capture_output=True, text=True)
    assert usage.returncode == 0, usage.stderr
    assert all(flag in usage.stdout for flag in flags)
    assert parsed["Install"]["WantedBy"] == "multi-user.target"


def test_there_are_units_for_the_web_app_and_the_mail_listener() -> None:
    assert [u.name for u in UNITS] == ["routing-inbound.service", "routing-web.service"]
