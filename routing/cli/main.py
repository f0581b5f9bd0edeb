"""The command line: ``python -m routing COMMAND``.

Each command is an entry in ``COMMANDS``: a help line, a function that adds
its arguments, and a function that runs it and returns the exit code. Heavy
imports (the web app, the search index) happen inside the command that needs
them, so ``check`` stays quick.

Exit codes: 0 done, 1 the directory file has problems, 2 the command was
used wrongly (an unknown id, a bad --at).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from routing.cli import fetch as fetch_cli
from routing.cli import outbox as outbox_cli
from routing.cli import staff as staff_cli
from routing.cli import triage as triage_cli
from routing.clock import now
from routing.core.directory import load
from routing.core.i18n import LANGUAGES, SOURCE, speaking
from routing.core.instants import parse_instant
from routing.core.model import Contact, Directory
from routing.errors import BadInstant, DirectoryError, RoutingError, UsageError
from routing.settings import Settings


@dataclass(frozen=True)
class Command:
    help: str
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


# -- check --------------------------------------------------------------------


def check_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", type=Path, help="the directory file (default: DIRECTORY_PATH or directory.yaml)")


def check(args: argparse.Namespace) -> int:
    path = args.path or _shown(Settings.from_env().directory_path)
    directory = load_or_report(path)
    if directory is None:
        return 1
    if directory.untranslated:
        # The file loads (the English is shown where a translation is missing), but is not finished.
        for line in directory.untranslated:
            print(line, file=sys.stderr)
        print(f"{path}: {len(directory.untranslated)} items lack a translation into {', '.join(directory.languages)}.", file=sys.stderr)
        return 1
    print(
        f"{path}: OK — {len(directory.contacts)} contacts, {len(directory.rules)} rules, "
        f"{len(directory.holidays.rules)} holidays (version {directory.version})"
    )
    return 0


def directory_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--directory", type=Path, help="the directory file (default: DIRECTORY_PATH or directory.yaml)")


def directory_from(args: argparse.Namespace) -> Directory | None:
    """The directory named by --directory or DIRECTORY_PATH, or None after printing its problems."""
    return load_or_report(args.directory or _shown(Settings.from_env().directory_path))


def load_or_report(path: Path) -> Directory | None:
    """The directory, or None after printing every problem as ``file:line: message``."""
    try:
        return load(path)
    except DirectoryError as exc:
        report(exc)
        return None


# -- hours --------------------------------------------------------------------


def hours_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", nargs="?", help="one contact id (default: every contact)")
    parser.add_argument("--at", help="evaluate at this instant, ISO-8601 with an offset (default: now or ROUTING_NOW)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    directory_argument(parser)


def hours(args: argparse.Namespace) -> int:
    from routing.present.json import contact_json

    instant = instant_from(args.at)
    directory = directory_from(args)
    if directory is None:
        return 1
    contacts = [contact_from(directory, args.id)] if args.id else list(directory.contacts)
    cards = [_hours_card(contact_json(c, directory, instant)) for c in contacts]
    if args.json:
        print(json.dumps(cards[0] if args.id else cards, indent=2, ensure_ascii=False))
        return 0
    for i, card in enumerate(cards):
        if i:
            print()
        print(card["name"])
        for line in _once(card["hours"]["text"], card["status_line"]):
            print(f"  {line}")
        for phone in card["phones"]:
            if "hours" in phone:
                print(f"  {phone['display']}: " + " · ".join(_once(phone["hours"]["text"], phone["hours"]["status_line"])))
    return 0


def _once(*lines: str) -> list[str]:
    """Each line once: for "Open 24/7" or "Hours not listed" the hours and the status say the same thing."""
    return [line for line in dict.fromkeys(lines) if line]


def _hours_card(card: dict[str, Any]) -> dict[str, Any]:
    keep = ("id", "name", "hours", "open_now", "closes_at", "next_open", "closed_for", "status_line", "phones")
    return {key: card[key] for key in keep}


def instant_from(text: str | None) -> datetime:
    if not text:
        return now()
    try:
        return parse_instant(text)
    except BadInstant as exc:
        raise UsageError(f"--at {exc.message}") from None


def contact_from(directory: Directory, contact_id: str) -> Contact:
    try:
        return directory.contact(contact_id)
    except KeyError:
        ids = ", ".join(c.id for c in directory.contacts)
        raise UsageError(f"no contact has the id '{contact_id}'; use one of: {ids}.") from None


# -- ivr ----------------------------------------------------------------------


def ivr_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--at", help="evaluate hours at this instant, ISO-8601 with an offset (default: now or ROUTING_NOW)")
    parser.add_argument("--json", action="store_true", help="print JSON (the same as GET /api/ivr) instead of text")
    directory_argument(parser)


def ivr_tree(args: argparse.Namespace) -> int:
    from routing.present.phone_tree import phone_tree, tree_lines

    instant = instant_from(args.at)
    directory = directory_from(args)
    if directory is None:
        return 1
    tree = phone_tree(directory, instant)
    print(json.dumps(tree, indent=2, ensure_ascii=False) if args.json else "\n".join(tree_lines(tree)))
    return 0


# -- ask ----------------------------------------------------------------------


def ask_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("question", help="the question in everyday words, in quotes")
    parser.add_argument("--at", help="evaluate hours at this instant, ISO-8601 with an offset (default: now or ROUTING_NOW)")
    parser.add_argument("--channel", default="web", choices=("web", "ivr", "email"), help="the channel asking (default: web)")
    parser.add_argument("--json", action="store_true", help="print JSON (the same as GET /api/route) instead of text")
    parser.add_argument(
        "--lang", choices=LANGUAGES, help="the language of the answer's wording (default: the question's, as on the web page)"
    )
    directory_argument(parser)


def ask(args: argparse.Namespace) -> int:
    from routing.core.email.language import question_language
    from routing.core.rules import route
    from routing.core.text import MAX_QUERY_CHARS
    from routing.present.answers import answer_lines, decision_json
    from routing.store.search_index import open_index

    question = args.question.strip()
    if not question:
        raise UsageError("type a question, for example: ask \"change our broker of record\".")
    if len(question) > MAX_QUERY_CHARS:
        raise UsageError(f"the question is {len(question)} characters long; keep it under {MAX_QUERY_CHARS}.")
    instant = instant_from(args.at)
    settings = Settings.from_env()
    directory = directory_from(args)
    if directory is None:
        return 1
    index = open_index(directory, settings.index_dir)
    language = args.lang or question_language(question)
    if language != SOURCE:
        from routing.store import catalogs

        catalogs.install_all()
    with speaking(language):
        answer = decision_json(route(index, question, args.channel, instant), directory)
        print(json.dumps(answer, indent=2, ensure_ascii=False) if args.json else "\n".join(answer_lines(answer)))
    return 0


# -- serve --------------------------------------------------------------------


def serve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", help="address to listen on (default: HOST or 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port to listen on (default: PORT or 8000)")
    parser.add_argument("--workers", type=int, help="worker processes (default: WORKERS or 1); they share DATA_DIR and the index")


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from routing import logs
    from routing.app import create_app

    overrides = {k: v for k, v in (("host", args.host), ("port", args.port), ("workers", args.workers)) if v is not None}
    settings = Settings.from_env(**overrides)  # generates and keeps any missing secret before a worker starts
    logs.configure(settings.log_format, settings.log_level)
    options: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "log_config": logs.uvicorn_config(settings.log_format, settings.log_level),
        "access_log": settings.access_log,
        # uvicorn believes X-Forwarded-For from 127.0.0.1 unless told otherwise;
        # only the configured proxies may say who the client is (rate limits key on it).
        "proxy_headers": bool(settings.trusted_proxies),
        "forwarded_allow_ips": settings.trusted_proxies or "",
        "timeout_keep_alive": int(settings.keep_alive_timeout) or 1,
    }
    if settings.workers > 1:
        # Check the directory once here, so a bad file is one clear report rather than a crash per worker.
        try:
            load(settings.directory_path)
        except DirectoryError as exc:
            raise exc.stopping("The app cannot start without a valid directory; fix the problems above.") from None
        _share_metrics(settings.data_dir)
        # Migrate once here, before any worker opens the stores.
        from routing.store.stores import open_stores

        open_stores(settings).close()
        # Workers read their settings from the environment: tell them they are not alone (rate limits share a file).
        os.environ["WORKERS"] = str(settings.workers)
        from routing.app import show_new_password

        show_new_password(settings)  # the workers find it already made, so only this process prints it
        print(f"Serving on http://{settings.host}:{settings.port} with {settings.workers} workers  (Ctrl+C to stop)", flush=True)
        # Each worker builds its own app from the same environment (the CLI's overrides are only host, port and workers).
        uvicorn.run("routing.app:create_app", factory=True, workers=settings.workers, **options)
        return 0
    try:
        app = create_app(settings)
    except DirectoryError as exc:
        raise exc.stopping("The app cannot start without a valid directory; fix the problems above.") from None
    print(f"Serving on http://{settings.host}:{settings.port}  (Ctrl+C to stop)", flush=True)
    uvicorn.run(app, **options)
    return 0


def _share_metrics(data_dir: Path) -> None:
    """Point prometheus-client's multiprocess mode at a fresh folder, so /metrics adds up every worker."""
    import shutil

    folder = data_dir / "metrics"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)


# -- migrate ------------------------------------------------------------------


def migrate_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def migrate(args: argparse.Namespace) -> int:
    """Bring every store's tables to this release's schema (the app also does it at start)."""
    from routing.store.stores import open_stores

    settings = Settings.from_env()
    stores = open_stores(settings)
    try:
        print(f"Stores in {stores.where}{'' if stores.shared else f' ({_shown(settings.data_dir)})'}:")
        for name, version in stores.versions().items():
            print(f"  {name}: schema version {version}")
    finally:
        stores.close()
    return 0


# -- the parser ---------------------------------------------------------------

COMMANDS: dict[str, Command] = {
    "check": Command("validate a directory file and print its problems with file:line", check_arguments, check),
    "ask": Command("answer a question: which contact, why, how to reach it, and whether it is open", ask_arguments, ask),
    "hours": Command("show each contact's hours and whether it is open", hours_arguments, hours),
    "ivr": Command("print the phone tree: each number, its keys, hours and who answers", ivr_arguments, ivr_tree),
    "serve": Command("serve the web app with uvicorn on HOST:PORT", serve_arguments, serve),
    "migrate": Command("bring the stores' tables (SQLite in DATA_DIR, or DATABASE_URL) up to this release's schema", migrate_arguments, migrate),
    "outbox": Command("list forwarded requests and their delivery status, or retry a failed one", outbox_cli.arguments, outbox_cli.run),
    "triage": Command("triage emails (a .eml file, a folder, or - for stdin): one JSON line each", triage_cli.triage_arguments, triage_cli.run_triage),
    "staff": Command("manage named staff accounts (add, list, remove, password) and print the audit trail", staff_cli.arguments, staff_cli.run),
    "inbound": Command("listen for SMTP and triage and store every message received", triage_cli.inbound_arguments, triage_cli.run_inbound),
    "fetch": Command("fetch the shared inbox over IMAP (IMAP_HOST): triage and store every new message, then flag or move it", fetch_cli.arguments, fetch_cli.run),
}


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m routing", description="Small-business support routing: directory tools and the web app.")
    commands = top.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, command in COMMANDS.items():
        sub = commands.add_parser(name, help=command.help, description=command.help[:1].upper() + command.help[1:] + ".")
        command.arguments(sub)
        sub.set_defaults(run=command.run)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.run(args))
    except RoutingError as exc:
        report(exc)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130


def report(exc: RoutingError) -> None:
    """The CLI's one error handler: every problem a sentence on standard error, never a traceback."""
    for line in exc.lines():
        print(line, file=sys.stderr)


def _shown(path: Path) -> Path:
    """A path relative to the working directory when it is inside it, as people type it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path
