"""``python -m routing fetch``: fetch the shared inbox over IMAP, triage and store every new message, until stopped."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys

from routing import logs
from routing.errors import DirectoryError, UsageError
from routing.settings import Settings


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--once", action="store_true", help="fetch what is waiting, then stop (default: keep fetching, with IDLE or every IMAP_POLL_SECONDS)")


def run(args: argparse.Namespace) -> int:
    from routing.channels.imap_fetch import done_words, serve, where

    settings = Settings.from_env()
    if not settings.fetches_imap:
        raise UsageError("IMAP_HOST is not set: set IMAP_HOST, IMAP_USERNAME and IMAP_PASSWORD (or IMAP_OAUTH2_TOKEN) to the shared inbox, then run fetch again.")
    logs.configure(settings.log_format, settings.log_level)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(sig, stop.set)
        print(f"Fetching from {where(settings)}; processed mail is {done_words(settings)}. Ctrl+C stops.", flush=True)
        await serve(settings, stop, once=args.once)

    try:
        asyncio.run(main())
    except DirectoryError as exc:
        raise exc.stopping("The fetcher cannot start without a valid directory; fix the problems above.") from None
    except OSError as exc:  # with --once, the mailbox could not be reached
        print(f"error: cannot fetch from {where(settings)} ({exc}); check IMAP_HOST, IMAP_PORT and IMAP_TLS.", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    print("Stopped.", flush=True)
    return 0
