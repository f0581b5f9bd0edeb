"""A sender in a process of its own, for the crash tests to kill: it drains the outbox, then exits.

    python sender_process.py DATA_DIR SMTP_PORT LEASE_SECONDS|- WORKERS

``-`` keeps the sender's own lease (the production default). It exits 0 once
every row is final; until then it is a real ``Sender`` over a real outbox
file and ``SmtpTransport``, so ``kill -9`` stops it wherever it happens to be.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

from routing.delivery.sender import Sender
from routing.delivery.transport import SmtpTransport
from routing.settings import Settings
from routing.store.outbox import DONE, Outbox, outbox_path


async def drain(data_dir: Path, port: int, lease: str, workers: int) -> None:
    settings = Settings.from_env(
        {}, data_dir=data_dir, smtp_host="127.0.0.1", smtp_port=port, smtp_timeout=5.0, mail_from="desk@help.example",
        retry_base_seconds=0.05, retry_max_seconds=0.2, staff_password="unused", session_secret="unused",
    )
    box = Outbox(outbox_path(data_dir))
    options: dict[str, Any] = {} if lease == "-" else {"lease_seconds": float(lease)}
    sender = Sender(box, SmtpTransport(settings), settings, workers=workers, **options)
    await sender.start()
    sender.wake()
    while True:
        counts = box.counts()
        if sum(counts[s] for s in DONE) == sum(counts.values()):
            break
        await asyncio.sleep(0.05)
    await sender.stop()
    box.close()


if __name__ == "__main__":
    asyncio.run(drain(Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4])))
