"""Reading the group ID and group name out of an email, as employers write them, and what the router reads.

Pure and conservative: a value is taken only when a label, the subject's
shape or the signature's shape says what it is, because a wrong group sends
the team after the wrong account while a missing one only costs a short
reply. Only the newest text, the subject and a forwarded message are read;
quoted reply history never is. The ID is read by ``group_ids``, the name by
``group_names``; this module puts them together and keeps the greeting,
signature and group lines out of what the router reads.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from routing.core.email.group_ids import group_ids, read_group_id
from routing.core.email.group_names import NAME_LABEL, is_business_sender, read_group_name, signature_start
from routing.core.email.names import HONORIFICS, fold, name_like
from routing.core.email.parse import ParsedEmail
from routing.core.email.sections import earlier_message_from
from routing.core.model import Directory
from routing.core.text import STOPWORDS, tokenize

__all__ = ["FIELD_WORDS", "GROUP_ID", "GROUP_NAME", "Found", "clean_subject", "find_group_id", "find_group_name", "fold", "group_ids", "name_like"]

GROUP_ID, GROUP_NAME = "group_id", "group_name"
FIELD_WORDS = {GROUP_ID: "group ID", GROUP_NAME: "group name"}


@dataclass(frozen=True)
class Found:
    value: str
    source: str  # where it was read, in words: "a labelled line", "the subject", ...


# --- the subject ----------------------------------------------------------------------------

# Every "Re:", "Fwd:" and "[list]" at the start, in one pass (removing them one
# at a time copied the rest of the subject once per prefix).
_SUBJECT_PREFIXES = re.compile(r"^(?:\s*+(?:(?:re|aw|sv|antw|fwd?|fw|tr|wg|rv)\s*+(?:\[\d++\])?\s*+:|\[[^\]]{1,40}\])\s*+)+", re.IGNORECASE)
_GROUP_TAG = re.compile(r"[\[(]\s*+group\b[^\])]*+[\])]", re.IGNORECASE)
_WAS = re.compile(r"\(\s*+was:.*?\)", re.IGNORECASE)


def clean_subject(subject: str) -> str:
    """The subject without Re:/Fwd: prefixes, list tags and group tags."""
    cleaned = _SUBJECT_PREFIXES.sub("", subject, count=1)
    cleaned = _before_last(")]", _GROUP_TAG, cleaned)
    cleaned = _before_last(")", _WAS, cleaned)
    return re.sub(r"\s+", " ", cleaned).strip()


def _before_last(closers: str, pattern: re.Pattern[str], text: str) -> str:
    """``pattern.sub(" ", text)`` for a pattern that ends at the first of ``closers``.

    Only the text up to the last closer can match, so the rest is left out of
    the search: from every opener after it the search would scan to the end
    and fail, which is quadratic in a subject of "(group (group (group …".
    """
    end = max(text.rfind(c) for c in closers) + 1
    return pattern.sub(" ", text[:end]) + text[end:]


# --- the sender ------------------------------------------------------------------------------


def person_words(parsed: ParsedEmail) -> frozenset[str]:
    """The sender's own name, as words: never a group name. A business's display name is not a person's."""
    words = set() if is_business_sender(parsed) else {fold(w) for w in re.split(r"[\s,]+", parsed.from_name) if w}
    if not words and parsed.from_address and not parsed.from_name:
        words = {w for w in re.split(r"[._\-+]", parsed.from_address.split("@")[0].lower()) if w}
    return frozenset(w for w in words if w and w not in HONORIFICS)


# --- what the router reads ---------------------------------------------------------------

_GROUP_LINE = re.compile(r"^\s*+(?:our\s++)?(?:group|grp)\s*+(?:id|number|no\.?|#)?\s*+(?:is)?\s*+[:#]?\s*+\d[\d-]*+\s*+\.?\s*+$", re.IGNORECASE)
_GREETING = re.compile(r"^\s*(?:hi|hello|hey|dear|good\s+(?:morning|afternoon|evening)|greetings)\b[^\n]{0,40}$", re.IGNORECASE)


def request_lines(text: str, person: frozenset[str]) -> str:
    """The sender's words without greeting, signature and group lines: what says what they want."""
    lines = text.split("\n")
    start = signature_start(lines, person)
    if start is not None and start > 0:
        lines = lines[:start]
    kept = []
    for line in lines:
        if _GREETING.match(line) or NAME_LABEL.match(line):
            continue
        if _GROUP_LINE.match(line):
            continue
        kept.append(line)
    return "\n".join(kept).strip()


def without(text: str, values: Iterable[str]) -> str:
    for value in values:
        if value:
            text = re.sub(re.escape(value), " ", text, flags=re.IGNORECASE)
    return text


def meaningful_words(text: str) -> int:
    return sum(1 for t in tokenize(text) if t not in STOPWORDS and not t.isdigit())


# --- where each field is looked for ---------------------------------------------------


def find_group_id(parsed: ParsedEmail, directory: Directory) -> tuple[Found | None, str, bool]:
    """The group ID, why none was taken when the email disagrees with itself, and whether it is about several groups."""
    earlier = earlier_message_from(parsed.history, parsed.from_address) if parsed.history else ""
    reading = read_group_id(parsed.newest, parsed.subject, parsed.forwarded, directory, earlier)
    return (Found(reading.value, reading.source) if reading.value else None), reading.doubt, reading.several


def find_group_name(parsed: ParsedEmail, directory: Directory, person: frozenset[str], several_groups: bool = False) -> tuple[Found | None, str]:
    """The group name, or why a name the email holds was not taken."""
    reading = read_group_name(parsed, directory, person, several_groups)
    return (Found(reading.value, reading.source) if reading.value else None), reading.doubt
