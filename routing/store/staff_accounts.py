"""Named staff accounts: who may sign in to the console, each with a password hashed by argon2.

The shared STAFF_PASSWORD is only a bootstrap: it signs in (as "bootstrap")
while no named account exists, so a fresh desk can be used at once, and
stops signing in as soon as the first account is made. Names are matched
without regard to case ("Maria" and "maria" are one account), and the hash
is argon2id with the library's current parameters; a hash made under older
parameters is upgraded the next time its owner signs in.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from routing.store.database import Database, Row

BOOTSTRAP = "bootstrap"  # who a sign-in with the shared STAFF_PASSWORD is
MIN_PASSWORD = 10
MAX_PASSWORD = 200
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS staff_accounts (
    key TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at {real} NOT NULL,
    password_changed_at {real} NOT NULL
);
"""

_hasher = PasswordHasher()
# Verifying an unknown name against this costs what a real check costs, so timing does not tell which names exist.
_DECOY = _hasher.hash("not any account's password")


@dataclass(frozen=True)
class Account:
    name: str
    created_at: float
    password_changed_at: float


def name_problem(name: str) -> str:
    """Why ``name`` cannot be an account name, or '' when it can."""
    if not _NAME.fullmatch(name):
        return "A staff name is 1 to 40 letters, digits, dots, dashes or underscores, starting with a letter or digit (for example maria.ortiz)."
    if name.lower() == BOOTSTRAP:
        return f"“{BOOTSTRAP}” is the name of the shared STAFF_PASSWORD sign-in; choose a person's name."
    return ""


def password_problem(password: str) -> str:
    """Why ``password`` is too weak or too long to use, or '' when it will do."""
    if len(password) < MIN_PASSWORD:
        return f"Use a password of at least {MIN_PASSWORD} characters (a few words make a good one)."
    if len(password) > MAX_PASSWORD:
        return f"Use a password of at most {MAX_PASSWORD} characters."
    return ""


class StaffAccounts(Database):
    name = "staff_accounts"
    migrations = (_SCHEMA,)

    def add(self, name: str, password: str, now: float | None = None) -> bool:
        """Make the account; False when one of that name (in any case) exists already."""
        moment = time.time() if now is None else now
        digest = _hasher.hash(password)
        return self.engine.run(
            "INSERT INTO staff_accounts (key, name, password_hash, created_at, password_changed_at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (key) DO NOTHING",
            (name.lower(), name, digest, moment, moment),
        ).rowcount == 1

    def set_password(self, name: str, password: str, now: float | None = None) -> bool:
        moment = time.time() if now is None else now
        return self.engine.run(
            "UPDATE staff_accounts SET password_hash = ?, password_changed_at = ? WHERE key = ?", (_hasher.hash(password), moment, name.lower())
        ).rowcount == 1

    def remove(self, name: str) -> bool:
        return self.engine.run("DELETE FROM staff_accounts WHERE key = ?", (name.lower(),)).rowcount == 1

    def get(self, name: str) -> Account | None:
        row = self.engine.run("SELECT * FROM staff_accounts WHERE key = ?", (name.lower(),)).one()
        return _account(row) if row else None

    def all(self) -> list[Account]:
        return [_account(row) for row in self.engine.run("SELECT * FROM staff_accounts ORDER BY key").rows]

    def exist(self) -> bool:
        """Whether any named account exists (then the shared password no longer signs in)."""
        return self.engine.run("SELECT 1 AS found FROM staff_accounts LIMIT 1").one() is not None

    def verify(self, name: str, password: str) -> Account | None:
        """The account when ``password`` is its password, else None. Slow on purpose (argon2): call it in a worker thread."""
        row = self.engine.run("SELECT * FROM staff_accounts WHERE key = ?", (name.lower(),)).one()
        try:
            _hasher.verify(row["password_hash"] if row else _DECOY, password)
        except (VerificationError, InvalidHashError):
            return None
        if row is None:
            return None
        if _hasher.check_needs_rehash(row["password_hash"]):
            self.engine.run(
                "UPDATE staff_accounts SET password_hash = ? WHERE key = ? AND password_hash = ?",
                (_hasher.hash(password), row["key"], row["password_hash"]),
            )
        return _account(row)


def _account(row: Row) -> Account:
    return Account(name=row["name"], created_at=float(row["created_at"]), password_changed_at=float(row["password_changed_at"]))


def accounts_path(data_dir: Path) -> Path:
    return data_dir / "staff_accounts.sqlite3"
