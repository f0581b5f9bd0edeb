"""A real, throwaway PostgreSQL for tests: initdb and pg_ctl on a free loopback port, in a temp dir.

Registered as a pytest plugin from conftest. ``postgres`` is one cluster for
the session; ``database_url`` is a fresh empty database per test, so tests
never see each other's rows. Without the server binaries the tests that ask
for it are skipped with the reason, except with CI set, where that fails.
As root (containers), the server runs as the ``postgres`` user, since
PostgreSQL refuses to run as root.
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

MISSING = "PostgreSQL tests skipped: initdb and pg_ctl not found; install them with apt-get install postgresql"


@dataclass(frozen=True)
class Cluster:
    host: str
    port: int
    folder: Path
    run_as: list[str]
    bin_dir: Path

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@{self.host}:{self.port}/{database}"

    def pg_ctl(self, *args: str) -> None:
        subprocess.run([*self.run_as, str(self.bin_dir / "pg_ctl"), "-D", str(self.folder / "data"), *args], check=True, capture_output=True, timeout=60)

    def stop(self) -> None:
        self.pg_ctl("stop", "-m", "fast", "-w")

    def start(self) -> None:
        self.pg_ctl("start", "-w", "-t", "60", "-l", str(self.folder / "server.log"), "-o", f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=on")


def find_bin_dir() -> Path | None:
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(os.path.realpath(found)).parent
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(candidate) / "pg_ctl").exists() and (Path(candidate) / "initdb").exists():
            return Path(candidate)
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="session")
def postgres() -> Iterator[Cluster]:
    bin_dir = find_bin_dir()
    if bin_dir is None:
        if _in_ci():
            pytest.fail("initdb/pg_ctl not found, and CI is set, so the PostgreSQL tests cannot be skipped; .ci/run installs postgresql", pytrace=False)
        pytest.skip(MISSING)
    folder = Path(tempfile.mkdtemp(prefix="routing-pg-"))
    run_as: list[str] = []
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(folder, user.pw_uid, user.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
    subprocess.run(
        [*run_as, str(bin_dir / "initdb"), "-D", str(folder / "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"],
        check=True, capture_output=True, timeout=120,
    )
    cluster = Cluster(host="127.0.0.1", port=_free_port(), folder=folder, run_as=run_as, bin_dir=bin_dir)
    cluster.start()
    try:
        yield cluster
    finally:
        try:
            cluster.stop()
        finally:
            shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def database_url(postgres: Cluster) -> Iterator[str]:
    """A new, empty database in the session's cluster, dropped after the test."""
    import psycopg

    name = f"test_{secrets.token_hex(6)}"
    with psycopg.connect(postgres.url(), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield postgres.url(name)
    with psycopg.connect(postgres.url(), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def wait_until_accepting(cluster: Cluster, timeout: float = 30.0) -> None:
    import psycopg

    deadline = time.monotonic() + timeout
    while True:
        try:
            with psycopg.connect(cluster.url(), connect_timeout=2):
                return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
