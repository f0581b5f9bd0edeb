"""A real IMAP server for tests: Dovecot on a free loopback port, with a throwaway config, users and maildirs.

Registered as a pytest plugin from conftest. ``dovecot`` is one server for the
session; ``imap_account`` is a fresh user with an empty mailbox per test (the
passwd-file is re-read by Dovecot when it changes), so tests never see each
other's mail. XOAUTH2 is on: Dovecot checks the bearer token against the
passdb as it would a password, which is enough to test the client's side of
the exchange. Without the dovecot binary the tests that ask for it are
skipped with the reason, except with CI set, where that fails (``.ci/run``
installs dovecot-imapd). As root (containers), mail is kept as the
``dovecot`` user and logins run as ``dovenull`` (or ``nobody``).
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

BINARY = "/usr/sbin/dovecot"
MISSING = "IMAP tests skipped: /usr/sbin/dovecot not found; install it with apt-get install dovecot-imapd"

_CONFIG = """
base_dir = {folder}/run
state_dir = {folder}/state
log_path = {folder}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login xoauth2
default_internal_user = {internal}
default_internal_group = {internal_group}
default_login_user = {login}
first_valid_uid = 1
mail_location = maildir:{folder}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {folder}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={folder}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""


@dataclass(frozen=True)
class Account:
    host: str
    port: int
    username: str
    password: str

    def client(self) -> object:
        from imapclient import IMAPClient

        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=10)
        client.login(self.username, self.password)
        return client


class Dovecot:
    def __init__(self, folder: Path, port: int) -> None:
        self.folder = folder
        self.host = "127.0.0.1"
        self.port = port
        self.process: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()

    @property
    def log(self) -> str:
        path = self.folder / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def add_user(self) -> Account:
        username = f"desk{secrets.token_hex(4)}"
        password = secrets.token_urlsafe(12)
        with self._lock, (self.folder / "passwd").open("a") as out:
            out.write(f"{username}:{{PLAIN}}{password}::::::\n")
        account = Account(self.host, self.port, username, password)
        wait_for_login(account)  # the passwd-file is re-read on its next lookup
        return account


def _users() -> tuple[int, int, str, str, str]:
    """uid, gid, internal user and group, login user: the dovecot users as root, else whoever runs the tests."""
    if os.geteuid() != 0:
        me = pwd.getpwuid(os.geteuid())
        return me.pw_uid, me.pw_gid, me.pw_name, _group(me.pw_gid), me.pw_name
    internal = pwd.getpwnam("dovecot")
    login = "dovenull" if _exists("dovenull") else "nobody"
    return internal.pw_uid, internal.pw_gid, "dovecot", _group(internal.pw_gid), login


def _exists(user: str) -> bool:
    try:
        pwd.getpwnam(user)
    except KeyError:
        return False
    return True


def _group(gid: int) -> str:
    import grp

    return grp.getgrgid(gid).gr_name


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def wait_for_login(account: Account, timeout: float = 30.0) -> None:
    """Until the server accepts this account's login: a state, not a sleep."""
    from imapclient import IMAPClient
    from imapclient.exceptions import IMAPClientError

    deadline = time.monotonic() + timeout
    while True:
        try:
            client = IMAPClient(account.host, port=account.port, ssl=False, timeout=5)
            try:
                client.login(account.username, account.password)
                return
            finally:
                client.logout()
        except (OSError, IMAPClientError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    if not os.path.exists(BINARY):
        if _in_ci():
            pytest.fail(f"{BINARY} not found, and CI is set, so the IMAP tests cannot be skipped; .ci/run installs dovecot-imapd", pytrace=False)
        pytest.skip(MISSING)
    folder = Path(tempfile.mkdtemp(prefix="routing-imap-"))
    uid, gid, internal, internal_group, login = _users()
    for sub in ("run", "state", "mail"):
        (folder / sub).mkdir()
    os.chmod(folder, 0o755)  # the login and mail processes run as other users and must reach their folders
    if os.geteuid() == 0:
        os.chown(folder / "mail", uid, gid)
    (folder / "passwd").write_text("")
    os.chmod(folder / "passwd", 0o644)
    server = Dovecot(folder, free_port())
    config = folder / "dovecot.conf"
    config.write_text(
        _CONFIG.format(folder=folder, port=server.port, uid=uid, gid=gid, internal=internal, internal_group=internal_group, login=login)
    )
    server.process = subprocess.Popen([BINARY, "-F", "-c", str(config)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        probe = server.add_user()  # waits until a login works
        del probe
        yield server
    finally:
        server.process.terminate()
        try:
            server.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=10)
        if server.process.stdout is not None:
            server.process.stdout.close()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def imap_account(dovecot: Dovecot) -> Account:
    """A new user on the session's Dovecot, with an empty INBOX."""
    return dovecot.add_user()


__all__ = ["Account", "Dovecot", "dovecot", "free_port", "imap_account", "wait_for_login"]
