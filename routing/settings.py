"""Typed settings from the environment.

Secrets never have defaults: an unset staff password or session key is
generated once, at random, and kept in DATA_DIR (mode 0600) so every worker
and every restart agrees on it; an unset Twilio token turns signature checks
off with a warning at start.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from routing.errors import SettingsError

ROOT = Path(__file__).resolve().parent.parent

T = TypeVar("T")


def _bool(name: str, raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off", ""):
        return False
    raise SettingsError(f"{name} should be true or false, not '{raw}'.")


def _number(cast: Callable[[str], T]) -> Callable[[str, str], T]:
    def parse(name: str, raw: str) -> T:
        try:
            value = cast(raw)
        except ValueError:
            raise SettingsError(f"{name} should be a number, not '{raw}'.") from None
        if value < 0:  # type: ignore[operator]
            raise SettingsError(f"{name} should not be negative.")
        return value

    return parse


def _text(name: str, raw: str) -> str:
    return raw.strip()


def _proxies(name: str, raw: str) -> str:
    """A comma-separated list of IP addresses or networks, checked here so a typo stops the start."""
    entries = [e.strip() for e in raw.split(",") if e.strip()]
    for entry in entries:
        if entry == "*":
            raise SettingsError(f"{name} should list your proxies' addresses; '*' would let any client choose its own address.")
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise SettingsError(f"{name} should be IP addresses or networks separated by commas, such as 10.0.0.5,10.1.0.0/16; '{entry}' is not one.") from None
    return ",".join(entries)


def _database_url(name: str, raw: str) -> str:
    url = raw.strip()
    if not url.startswith(("postgresql://", "postgres://")):
        raise SettingsError(f"{name} should be a PostgreSQL address such as postgresql://user:password@host:5432/helpdesk; leave it unset to keep SQLite.")
    return url


def _choice(*allowed: str) -> Callable[[str, str], str]:
    def parse(name: str, raw: str) -> str:
        value = raw.strip().lower()
        if value not in allowed:
            raise SettingsError(f"{name} should be one of {', '.join(allowed)}, not '{raw}'.")
        return value

    return parse


@dataclass(frozen=True)
class Settings:
    directory_path: Path = ROOT / "directory.yaml"
    index_dir: Path = ROOT / "search_index"
    data_dir: Path = ROOT / "var"
    host: str = "127.0.0.1"
    port: int = 8000
    reload_interval: float = 2.0
    smtp_host: str = ""
    smtp_port: int = 0  # 0 picks 465 with SMTP_TLS, else 587 with STARTTLS, else 25
    smtp_username: str = ""
    smtp_password: str = field(default="", repr=False)
    smtp_starttls: bool = False
    smtp_tls: bool = False
    smtp_timeout: float = 10.0
    mail_from: str = "help-desk@localhost"
    retry_base_seconds: float = 1.5
    retry_max_seconds: float = 300.0
    max_attempts: int = 12
    forward_rate_limit: int = 10
    staff_login_rate_limit: int = 10
    max_message_bytes: int = 1_000_000
    twilio_auth_token: str = field(default="", repr=False)
    public_base_url: str = ""
    staff_password: str = field(default="", repr=False)
    session_secret: str = field(default="", repr=False)
    generated_staff_password: bool = False
    # Addresses whose X-Forwarded-For / X-Forwarded-Proto are believed (a reverse
    # proxy in front); empty trusts nobody, so a client cannot pick its own address.
    trusted_proxies: str = ""
    body_timeout: float = 30.0  # seconds a client may take to send a request body
    keep_alive_timeout: float = 5.0  # seconds an idle keep-alive connection stays open
    log_format: str = "text"  # or "json": one object per line, for a log collector
    log_level: str = "info"
    access_log: bool = False  # one line per request costs about a quarter of cached throughput
    workers: int = 1
    # Empty: every store is a SQLite file under data_dir. postgresql://…: all of them in that database.
    database_url: str = field(default="", repr=False)
    # Who may read /metrics: loopback always; anyone else with this bearer token.
    metrics_token: str = field(default="", repr=False)
    # The shared inbox over IMAP: empty host means no fetching (the SMTP listener and the console still take mail in).
    imap_host: str = ""
    imap_port: int = 0  # 0 picks 993 with IMAP_TLS, else 143
    imap_username: str = ""
    imap_password: str = field(default="", repr=False)
    imap_oauth2_token: str = field(default="", repr=False)  # XOAUTH2 (Microsoft 365, Google) instead of the password
    imap_tls: bool = True  # a plain connection only when set to false, for tests and loopback
    imap_folder: str = "INBOX"
    imap_done: str = "flag"  # flag: \Seen and a keyword; move: into imap_done_folder
    imap_done_folder: str = "Triaged"
    imap_poll_seconds: float = 60.0  # how often to look without IDLE; with IDLE, how long one IDLE lasts before it is renewed

    @property
    def delivers_by_smtp(self) -> bool:
        return bool(self.smtp_host)

    @property
    def fetches_imap(self) -> bool:
        return bool(self.imap_host)

    @property
    def effective_imap_port(self) -> int:
        return self.imap_port or (993 if self.imap_tls else 143)

    @property
    def effective_smtp_port(self) -> int:
        if self.smtp_port:
            return self.smtp_port
        return 465 if self.smtp_tls else 587 if self.smtp_starttls else 25

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for name, (attr, parse) in _ENV.items():
            raw = env.get(name)
            if raw is not None and raw.strip() != "":
                values[attr] = parse(name, raw)
        settings = replace(cls(), **values, **overrides)
        if settings.smtp_tls and settings.smtp_starttls:
            raise SettingsError("SMTP_TLS and SMTP_STARTTLS cannot both be on; pick the one your server speaks.")
        if settings.public_base_url and not settings.public_base_url.startswith(("https://", "http://")):
            raise SettingsError("PUBLIC_BASE_URL should start with https://, for example https://help.example.com.")
        if settings.imap_host:
            if not settings.imap_username:
                raise SettingsError("IMAP_HOST is set, so IMAP_USERNAME is needed too: the mailbox's login name.")
            if not (settings.imap_password or settings.imap_oauth2_token):
                raise SettingsError("IMAP_HOST is set, so set IMAP_PASSWORD, or IMAP_OAUTH2_TOKEN for Microsoft 365 or Google (XOAUTH2).")
            if settings.imap_done == "move" and not settings.imap_done_folder:
                raise SettingsError("IMAP_DONE is move, so IMAP_DONE_FOLDER should name the folder processed mail goes to.")
        if not settings.staff_password:
            password = kept_secret(settings.data_dir, "staff_password", lambda: secrets.token_urlsafe(12))
            settings = replace(settings, staff_password=password, generated_staff_password=True)
        if not settings.session_secret:
            settings = replace(settings, session_secret=kept_secret(settings.data_dir, "session_secret", lambda: secrets.token_urlsafe(32)))
        return settings


def kept_secret(data_dir: Path, name: str, make: Callable[[], str]) -> str:
    """The secret kept in ``data_dir/secrets/name``, made by the first process to ask.

    Workers start at the same moment, so the file is written whole under a
    temporary name and then hard-linked into place: exactly one link wins,
    and everyone (the loser included) reads the winner's value.
    """
    folder = data_dir / "secrets"
    path = folder / name
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not path.exists():
            draft = folder / f".{name}.{os.getpid()}.{secrets.token_hex(4)}"
            fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as out:
                out.write(make())
                out.flush()
                os.fsync(out.fileno())
            try:
                os.link(draft, path)
            except FileExistsError:
                pass
            finally:
                draft.unlink()
        value = path.read_text().strip()
    except OSError as exc:
        raise SettingsError(f"Could not keep the generated {name} in {folder} ({exc.strerror}); make DATA_DIR writable, or set {name.upper()}.") from None
    if not value:
        raise SettingsError(f"{path} is empty; delete it to generate a new {name}, or set {name.upper()}.")
    return value


_ENV: dict[str, tuple[str, Callable[[str, str], Any]]] = {
    "DIRECTORY_PATH": ("directory_path", lambda n, r: Path(r)),
    "SEARCH_INDEX_DIR": ("index_dir", lambda n, r: Path(r)),
    "DATA_DIR": ("data_dir", lambda n, r: Path(r)),
    "HOST": ("host", _text),
    "PORT": ("port", _number(int)),
    "RELOAD_INTERVAL": ("reload_interval", _number(float)),
    "SMTP_HOST": ("smtp_host", _text),
    "SMTP_PORT": ("smtp_port", _number(int)),
    "SMTP_USERNAME": ("smtp_username", _text),
    "SMTP_PASSWORD": ("smtp_password", lambda n, r: r),
    "SMTP_STARTTLS": ("smtp_starttls", _bool),
    "SMTP_TLS": ("smtp_tls", _bool),
    "SMTP_TIMEOUT": ("smtp_timeout", _number(float)),
    "MAIL_FROM": ("mail_from", _text),
    "RETRY_BASE_SECONDS": ("retry_base_seconds", _number(float)),
    "RETRY_MAX_SECONDS": ("retry_max_seconds", _number(float)),
    "MAX_ATTEMPTS": ("max_attempts", _number(int)),
    "FORWARD_RATE_LIMIT": ("forward_rate_limit", _number(int)),
    "STAFF_LOGIN_RATE_LIMIT": ("staff_login_rate_limit", _number(int)),
    "MAX_MESSAGE_BYTES": ("max_message_bytes", _number(int)),
    "TWILIO_AUTH_TOKEN": ("twilio_auth_token", lambda n, r: r.strip()),
    "PUBLIC_BASE_URL": ("public_base_url", lambda n, r: r.strip().rstrip("/")),
    "STAFF_PASSWORD": ("staff_password", lambda n, r: r),
    "SESSION_SECRET": ("session_secret", lambda n, r: r),
    "TRUSTED_PROXIES": ("trusted_proxies", _proxies),
    "BODY_TIMEOUT": ("body_timeout", _number(float)),
    "KEEP_ALIVE_TIMEOUT": ("keep_alive_timeout", _number(float)),
    "LOG_FORMAT": ("log_format", _choice("text", "json")),
    "LOG_LEVEL": ("log_level", _choice("debug", "info", "warning", "error")),
    "ACCESS_LOG": ("access_log", _bool),
    "WORKERS": ("workers", _number(int)),
    "DATABASE_URL": ("database_url", _database_url),
    "METRICS_TOKEN": ("metrics_token", lambda n, r: r.strip()),
    "IMAP_HOST": ("imap_host", _text),
    "IMAP_PORT": ("imap_port", _number(int)),
    "IMAP_USERNAME": ("imap_username", _text),
    "IMAP_PASSWORD": ("imap_password", lambda n, r: r),
    "IMAP_OAUTH2_TOKEN": ("imap_oauth2_token", lambda n, r: r.strip()),
    "IMAP_TLS": ("imap_tls", _bool),
    "IMAP_FOLDER": ("imap_folder", _text),
    "IMAP_DONE": ("imap_done", _choice("flag", "move")),
    "IMAP_DONE_FOLDER": ("imap_done_folder", _text),
    "IMAP_POLL_SECONDS": ("imap_poll_seconds", _number(float)),
}

# The README's settings table is checked against this list by the tests.
ENV_NAMES = tuple(_ENV) + ("ROUTING_NOW",)
