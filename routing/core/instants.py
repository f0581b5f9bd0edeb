"""Reading an instant that a person typed: ISO-8601 with an offset, within the years the hours engine handles.

Pure: the text comes in, a datetime or a ``BadInstant`` comes out. The real
clock lives in ``routing.clock``.
"""

from __future__ import annotations

import re
from datetime import datetime

from routing.core.i18n import _
from routing.errors import BadInstant

FIRST_YEAR, LAST_YEAR = 1900, 2999

_SPACE_OFFSET = re.compile(r"^(.+T[0-9:.]+) ([0-9]{2}:?[0-9]{2})$")


def parse_instant(text: str) -> datetime:
    cleaned = text.strip()
    # In a query string an unescaped "+08:00" arrives as " 08:00".
    cleaned = _SPACE_OFFSET.sub(r"\1+\2", cleaned).replace("Z", "+00:00").replace("z", "+00:00")
    try:
        value = datetime.fromisoformat(cleaned)
    except ValueError:
        raise BadInstant(
            _("'%(text)s' is not a date and time; use ISO-8601 with an offset, such as 2026-11-23T08:00:00-08:00.") % {"text": text}
        ) from None
    if value.tzinfo is None:
        raise BadInstant(
            _("'%(text)s' has no UTC offset; add one, such as 2026-11-23T08:00:00-08:00 or 2026-11-23T16:00:00Z.") % {"text": text}
        )
    # Hours are looked up days either side of the instant, which overflows near
    # year 1 and 9999; and before 1900 time zones had offsets in seconds (LMT).
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise BadInstant(
            _("'%(text)s' is outside the years %(first)s to %(last)s; choose a date in that range.") % {"text": text, "first": FIRST_YEAR, "last": LAST_YEAR}
        )
    return value
