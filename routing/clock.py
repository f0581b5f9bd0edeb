"""The one place that reads the real clock.

``ROUTING_NOW`` pins the clock for demos and tests ("what happens on
Christmas Eve at 16:59"); everything else takes the instant as an argument.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from routing.core.instants import parse_instant


def now() -> datetime:
    pinned = os.environ.get("ROUTING_NOW", "").strip()
    if pinned:
        return parse_instant(pinned)
    return datetime.now(UTC)
