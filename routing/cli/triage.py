"""``python -m routing triage`` and ``python -m routing inbound``.

``triage FILE.eml|DIR|-`` prints one JSON line per message (the same JSON as
POST /api/triage) and stores nothing. A message that cannot be read becomes a
JSON line with an ``error`` sentence, never a traceback; the exit code is 1
when any did.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

from routing.clock import now
from routing.core.instants import parse_instant
from routing.delivery.intake import read
from routing.errors import BadInstant, DirectoryError, UsageError
from routing.present.triage import triage_json
from routing.settings import Settings
from routing.store.live_directory import LiveDirectory


def triage_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", help="an .eml file, a folder of .eml files, or - to read one message from standard input")
    parser.add_argument("--all-files", action="store_true", help="in a folder, read every file, not only *.eml")
    parser.add_argument("--at", help="route as at this instant, ISO-8601 with an offset (default: now or ROUTING_NOW)")
    parser.add_argument("--directory", type=Path, help="the directory file (default: DIRECTORY_PATH or directory.yaml)")


def messages(source: str, all_files: bool) -> Iterator[tuple[str, bytes | str]]:
    """(name, raw bytes) per message, or (name, problem sentence) when one cannot be read."""
    if source == "-":
        yield "-", sys.stdin.buffer.read()
        return
    path = Path(source)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith(".") and (all_files or p.suffix.lower() == ".eml"))
        if not files:
            raise UsageError(f"{path} has no .eml files; pass --all-files to read every file in it.")
    elif path.exists():
        files = [path]
    else:
        raise UsageError(f"{source} does not exist; give an .eml file, a folder, or - for standard input.")
    for file in files:
        try:
            yield str(file), file.read_bytes()
        except OSError as exc:
            yield str(file), f"Could not read the file: {exc.strerror}."


def run_triage(args: argparse.Namespace) -> int:
    try:
        instant = parse_instant(args.at) if args.at else now()
        settings = Settings.from_env()
        live = LiveDirectory(path=args.directory or settings.directory_path, index_dir=settings.index_dir)
        live.load()
        failed = 0
        for name, raw in messages(args.source, args.all_files):
            line: dict[str, object] = {"file": name}
            if isinstance(raw, str):
                line["error"] = raw
            elif len(raw) > settings.max_message_bytes:
                line["error"] = f"The message is larger than MAX_MESSAGE_BYTES ({settings.max_message_bytes:,} bytes); it was not triaged."
            else:
                try:
                    line.update(triage_json(read(raw, live.current.index, instant)))
                except Exception as exc:  # one bad message must not stop the rest
                    line["error"] = f"Could not triage this message ({type(exc).__name__}); please report it with the file."
            failed += "error" in line
            print(json.dumps(line, ensure_ascii=False), flush=True)
        return 1 if failed else 0
    except BadInstant as exc:
        raise UsageError(f"--at {exc.message}") from None
    except BrokenPipeError:
        return 0


def inbound_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, required=True, help="the SMTP port to listen on (0 picks a free one and prints it)")
    parser.add_argument("--host", default="127.0.0.1", help="the address to listen on (default: 127.0.0.1)")


def run_inbound(args: argparse.Namespace) -> int:
    from routing.channels.inbound_smtp import serve

    settings = Settings.from_env()

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(sig, stop.set)

        def started(port: int) -> None:
            print(
                f"Listening for SMTP on {args.host}:{port}; each message is triaged and stored in {settings.data_dir / 'triage.sqlite3'}"
                f" (refused above {settings.max_message_bytes:,} bytes). Ctrl+C stops.",
                flush=True,
            )

        await serve(settings, args.host, args.port, started, stop)

    try:
        asyncio.run(main())
    except DirectoryError as exc:
        raise exc.stopping("The listener cannot start without a valid directory; fix the problems above.") from None
    except OSError as exc:
        print(f"error: cannot listen on {args.host}:{args.port} ({exc.strerror or exc}); choose another --port.", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    print("Stopped.", flush=True)
    return 0
