"""``python -m routing staff``: named staff accounts, and the audit trail of what each person did.

Works on the stores directly (SQLite files in DATA_DIR or DATABASE_URL), so it
can be used while the app runs. Removing an account or changing its
password ends that person's sessions at once; making the first account ends
every session signed in with the shared STAFF_PASSWORD, which stops signing
in to the console from then on.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TextIO

from routing.errors import UsageError
from routing.settings import Settings
from routing.store.audit import Entry
from routing.store.staff_accounts import BOOTSTRAP, name_problem, password_problem
from routing.store.stores import Stores, open_stores

ACTIONS = ("add", "list", "remove", "password", "audit")

Prompt = Callable[[str], str]


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=ACTIONS, help="add, list or remove an account, set its password, or show the audit trail")
    parser.add_argument("name", nargs="?", help="the staff member's name, such as maria.ortiz (for add, remove and password; for audit, only theirs)")
    parser.add_argument("--password-stdin", action="store_true", help="read the password from the first line of standard input (for scripts)")
    parser.add_argument("--message", help="audit: only what was done to this email (a TR-… reference)")
    parser.add_argument("--limit", type=int, default=50, help="audit: how many of the newest entries (default 50)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")


def run(args: argparse.Namespace) -> int:
    stores = open_stores(Settings.from_env())
    try:
        return _COMMANDS[args.action](stores, args, lambda: _password(args, getpass.getpass, sys.stdin))
    finally:
        stores.close()


def _add(stores: Stores, args: argparse.Namespace, password: Callable[[], str]) -> int:
    name = _name(args)
    problem = name_problem(name)
    if problem:
        raise UsageError(problem)
    if stores.staff_accounts.get(name) is not None:
        raise UsageError(f"There is already an account named {name}. To give it a new password: python -m routing staff password {name}")
    first = not stores.staff_accounts.exist()
    if not stores.staff_accounts.add(name, password()):
        raise UsageError(f"There is already an account named {name}.")
    print(f"Added {name}. They sign in at /staff with the name {name} and this password.")
    if first:
        ended = stores.staff_sessions.end_for(BOOTSTRAP)
        print(
            "This is the first staff account, so the shared STAFF_PASSWORD no longer signs in to the console"
            f"{f' ({ended} such session ended)' if ended == 1 else f' ({ended} such sessions ended)' if ended else ''}. "
            "It still works as the Bearer token for POST /api/triage."
        )
    return 0


def _list(stores: Stores, args: argparse.Namespace, password: Callable[[], str]) -> int:
    accounts = stores.staff_accounts.all()
    if args.json:
        print(json.dumps([{"name": a.name, "created_at": _iso(a.created_at), "password_changed_at": _iso(a.password_changed_at)} for a in accounts], indent=2))
        return 0
    if not accounts:
        print("No staff accounts yet: the shared STAFF_PASSWORD signs in. Add one with: python -m routing staff add NAME")
        return 0
    for account in accounts:
        print(f"{account.name}  added {_when(account.created_at)}, password set {_when(account.password_changed_at)}")
    return 0


def _remove(stores: Stores, args: argparse.Namespace, password: Callable[[], str]) -> int:
    name = _name(args)
    if not stores.staff_accounts.remove(name):
        raise UsageError(f"There is no account named {name}. See python -m routing staff list.")
    ended = stores.staff_sessions.end_for(name)
    print(f"Removed {name}; {_sessions(ended)} ended. What they did stays in the audit trail.")
    if not stores.staff_accounts.exist():
        print("No staff accounts are left, so the shared STAFF_PASSWORD signs in to the console again.")
    return 0


def _set_password(stores: Stores, args: argparse.Namespace, password: Callable[[], str]) -> int:
    name = _name(args)
    if stores.staff_accounts.get(name) is None:
        raise UsageError(f"There is no account named {name}. Add it with: python -m routing staff add {name}")
    stores.staff_accounts.set_password(name, password())
    ended = stores.staff_sessions.end_for(name)
    print(f"Set a new password for {name}; {_sessions(ended)} ended, so they sign in again with it.")
    return 0


def _audit(stores: Stores, args: argparse.Namespace, password: Callable[[], str]) -> int:
    if args.limit < 1:
        raise UsageError("--limit takes a number of entries, 1 or more.")
    trail = stores.audit
    entries = trail.for_message(args.message.strip().upper()) if args.message else trail.recent(args.limit, args.name or "")
    if args.name and args.message:
        entries = [e for e in entries if e.actor.lower() == args.name.lower()]
    if args.json:
        print(json.dumps([_entry_json(e) for e in entries], indent=2, ensure_ascii=False))
        return 0
    if not entries:
        print("Nothing in the audit trail yet" + (" for that" if args.name or args.message else "") + ": no one has forwarded, asked, corrected or ignored an email.")
        return 0
    for entry in entries:
        detail = f" {entry.detail}" if entry.detail else ""
        ref = f" [{entry.ref}]" if entry.ref else ""
        print(f"{_when(entry.at)}  {entry.actor:<16}  {entry.action:<9}  {entry.message}{detail}{ref}")
    return 0


_COMMANDS: dict[str, Callable[[Stores, argparse.Namespace, Callable[[], str]], int]] = {
    "add": _add,
    "list": _list,
    "remove": _remove,
    "password": _set_password,
    "audit": _audit,
}


def _name(args: argparse.Namespace) -> str:
    if not args.name:
        raise UsageError(f"Say whose account, for example: python -m routing staff {args.action} maria.ortiz")
    return str(args.name).strip()


def _password(args: argparse.Namespace, prompt: Prompt, stdin: TextIO) -> str:
    """The new password: the first line of standard input with --password-stdin, else typed twice without echo."""
    if args.password_stdin:
        password = stdin.readline().rstrip("\r\n")
    else:
        password = prompt(f"Password for {args.name}: ")
        if prompt("The same password again: ") != password:
            raise UsageError("The two passwords were not the same; nothing was changed. Run the command again.")
    problem = password_problem(password)
    if problem:
        raise UsageError(f"{problem} Nothing was changed.")
    return password


def _sessions(count: int) -> str:
    return "no session" if count == 0 else "1 session" if count == 1 else f"{count} sessions"


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds")


def _when(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M UTC")


def _entry_json(entry: Entry) -> dict[str, str]:
    return {"at": _iso(entry.at), "who": entry.actor, "action": entry.action, "message": entry.message, "detail": entry.detail, "ref": entry.ref}
