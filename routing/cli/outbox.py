"""``python -m routing outbox``: what the outbox holds, and a second chance for failed requests.

Works on the file directly, so it can be used while the app runs (SQLite
locks keep the two consistent) or while it is stopped.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime

from routing.errors import UsageError
from routing.present.deliveries import item_json
from routing.settings import Settings
from routing.store.outbox import FAILED, STATUSES, outbox_path
from routing.store.stores import open_stores


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", nargs="?", choices=("list", "retry"), default="list", help="list (default) or retry a failed request")
    parser.add_argument("id", nargs="?", help="the reference to retry, such as FW-7K3M9QZX")
    parser.add_argument("--status", choices=STATUSES, help="only requests with this status")
    parser.add_argument("--limit", type=int, default=20, help="how many of the newest to list (default 20)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    path = outbox_path(settings.data_dir)
    if not settings.database_url and not path.exists():
        print(f"No outbox yet at {path}: nothing has been sent from this DATA_DIR.")
        return 0
    stores = open_stores(settings)
    box = stores.outbox
    try:
        if args.action == "retry":
            if not args.id:
                raise UsageError("Say which request to retry, for example: python -m routing outbox retry FW-7K3M9QZX")
            ref = args.id.strip().upper()
            if not box.retry_failed(ref):
                item = box.get(ref)
                found = f"it is {item.status}, not failed" if item else "there is no such reference"
                raise UsageError(f"{ref} was not queued again: {found}. See python -m routing outbox --status failed.")
            print(f"{ref} is queued again; the running app sends it within a few seconds.")
            return 0
        items = box.recent(args.limit, args.status)
        counts = box.counts()
    finally:
        stores.close()
    if args.json:
        print(json.dumps({"counts": counts, "items": [item_json(i) for i in items]}, indent=2))
        return 0
    print(", ".join(f"{n} {status}" for status, n in counts.items()) + f"  ({'PostgreSQL' if settings.database_url else path})")
    for item in items:
        when = datetime.fromtimestamp(item.created_at, UTC).strftime("%Y-%m-%d %H:%M UTC")
        line = f"{item.id}  {item.status:<7}  {when}  {item.contact_id} <{item.to}>  attempts {item.attempts}"
        print(line)
        detail = item.last_error if item.status == FAILED else item.status_message
        if detail:
            print(f"    {detail}")
    return 0
