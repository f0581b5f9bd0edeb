"""Reading the group ID and group name out of an email, as employers write them.

Pure and conservative: a value is taken only when a label, the subject's
shape or the signature's shape says what it is, because a wrong group sends
the team after the wrong account while a missing one only costs a short
reply. Only the newest text, the subject and a forwarded message are read;
quoted reply history never is.

Every pattern here runs on a stranger's text, so each one is linear in it:
runs of spaces, digits and dashes are matched possessively (``*+``) or
atomically (``(?>…)``), so a failed match never tries them again split
another way, and what a pattern cannot decide cheaply is checked in Python.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from routing.core.email.parse import ParsedEmail
from routing.core.model import Directory
from routing.core.text import STOPWORDS, tokenize

GROUP_ID, GROUP_NAME = "group_id", "group_name"
FIELD_WORDS = {GROUP_ID: "group ID", GROUP_NAME: "group name"}


# A label, what may stand between it and the number ("is", ":", "#"), then the
# whole run of digits and dashes. The run is taken whole (possessively) and
# checked in ``group_ids``: the ID is the run without trailing dashes, and
# none is read when a letter follows the run ("12345abc"). Written as one
# backtracking pattern ("\d[\d-]*\d" and a look-ahead) it took quadratic time on
# a long run of "1-1-1-…", and the five optional spaces between label and
# number, matched every way they could split a long run of spaces, took longer still.
_ID = re.compile(
    r"(?P<label>\bgroup\b\s*+(?:\bid\b|\bnumber\b|\bnum\b|\bnbr\b|\bno\b\.?|#)?|\bgrp\b\s*+(?:\bid\b|#|\bno\b\.?)?|\bid\b)"
    r"(?>\s*(?:is\b|:|=|-)?\s*(?:number\b)?\s*[:#]?\s*)(?P<id>\d[\d-]*+)",
    re.IGNORECASE,
)
_ALNUM = re.compile(r"[A-Za-z0-9]", re.IGNORECASE)  # what may not follow an ID (the old look-ahead's class, flags and all)
MAX_ID_CHARS = 64  # a longer run of digits is no group ID; the directory's pattern never sees it
# "ID" after these words names some other number: a tax ID, a member's ID, a ticket.
_OTHER_IDS = frozenset(
    ["tax", "member", "employee", "subscriber", "patient", "medical", "ticket", "case", "claim", "order", "invoice", "confirmation", "transaction", "reference", "policy", "federal", "employer", "ein", "user", "login", "customer", "tracking", "application"]
)


@dataclass(frozen=True)
class Found:
    value: str
    source: str  # where it was read, in words: "a labelled line", "the subject", ...


def group_ids(text: str, directory: Directory) -> list[str]:
    """Every valid group ID in ``text`` that follows a label, in order, without repeats."""
    found: list[str] = []
    for match in _ID.finditer(text):
        value = match.group("id").rstrip("-")
        if len(value) < 2 or _ALNUM.match(text, match.end()):
            continue
        label = match.group("label").strip().lower()
        if label == "id":
            before = re.findall(r"[A-Za-z]+", text[max(0, match.start() - 30) : match.start()])
            if before and before[-1].lower() in _OTHER_IDS:
                continue
        if len(value) <= MAX_ID_CHARS and re.fullmatch(directory.group_id.pattern, value) and value not in found:
            found.append(value)
    return found


# --- group name -----------------------------------------------------------------------

_NAME_LABEL = re.compile(
    r"^[\s*•>-]*(?:group\s+name|company(?:\s+name)?|employer(?:\s+name)?|business(?:\s+name)?|organi[sz]ation(?:\s+name)?"
    r"|group)\s*+[:：]\s*(?P<name>.*\S|\s)\s*$",
    re.IGNORECASE,
)
_INLINE_NAME = re.compile(r"^\s*+(?P<name>[^,()\[\]]{3,80}?)\s*+(?:,|\(|\[|–|—|-)\s*+group\b\D*+\d", re.IGNORECASE)
_SUFFIXES = frozenset(
    ["llc", "l.l.c.", "inc", "inc.", "incorporated", "corp", "corp.", "corporation", "co", "co.", "company", "ltd", "ltd.", "limited", "llp", "lp", "pc", "p.c.", "pllc", "plc", "gmbh", "pa", "p.a.", "dds", "md"]
)
_CONNECTORS = frozenset(["&", "and", "of", "the", "de", "del", "la", "las", "los", "y", "e", "for", "+", "at", "on", "in", "du", "des", "van", "von", "da", "di", "a"])
_HONORIFICS = frozenset(["dr", "dr.", "dra", "dra.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "miss", "mx", "prof", "sr", "sra", "jr"])
_ROLES = frozenset(
    ["manager", "owner", "director", "bookkeeper", "hr", "head", "president", "vice", "vp", "ceo", "cfo", "coo", "cto", "founder", "co-founder", "cofounder", "administrator", "admin", "assistant", "coordinator", "accountant", "partner", "principal", "controller", "officer", "secretary", "supervisor", "specialist", "lead", "payroll", "operations", "office", "human", "resources", "proprietor", "treasurer", "executive", "clerk", "generalist", "associate", "analyst", "consultant", "representative", "agent", "broker", "dueño", "dueña", "gérante", "gerente", "gérant", "propriétaire", "inhaber", "geschäftsführer", "md", "dds", "pharmd", "rn", "np", "pa", "benefits", "administrative", "chief", "team", "staff"]
)
# Words that make a subject a request rather than a name ("Eligibility question").
_REQUEST_WORDS = frozenset(
    ["question", "questions", "request", "requests", "inquiry", "inquiries", "help", "issue", "issues", "problem", "problems", "update", "updates", "change", "changes", "follow", "up", "urgent", "info", "information", "please", "thanks", "re", "fw", "fwd", "action", "required", "reminder"]
)
_CLOSINGS = re.compile(
    r"^\s*(?:thanks?(?:\s+(?:you|so\s+much|again|in\s+advance))*|thank\s+you(?:\s+so\s+much|\s+very\s+much)?|many\s+thanks"
    r"|best(?:\s+(?:regards|wishes))?|kind(?:est)?\s+regards|warm(?:est)?\s+regards|regards|sincerely(?:\s+yours)?|yours(?:\s+truly)?"
    r"|cheers|warmly|respectfully|take\s+care|all\s+the\s+best|gracias|saludos|merci|cordialement|danke|atentamente|thx)"
    r"\s*+[,.!]*+\s*+$",
    re.IGNORECASE,
)
_CONTACT_LINE = re.compile(r"\d|@|https?://|www\.|\.com\b|\.org\b|\.net\b", re.IGNORECASE)


def fold(word: str) -> str:
    return unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode("ascii").lower().strip(".,;:!?\"'“”‘’()")


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s/]+", text.strip()) if w]


def _clean_name(value: str) -> str:
    value = re.sub(r"\s+", " ", value).strip()
    value = value.strip("\"'“”‘’«»*_ ")
    value = re.sub(r"\s*[,(\[–—-]\s*(?:group\b.*)?$", "", value, flags=re.IGNORECASE) if re.search(r"\bgroup\b\s*\S*\s*\d", value, re.IGNORECASE) else value
    return value.rstrip(" .,;:").strip("\"'“”‘’ ")


def has_suffix(name: str) -> bool:
    return any(fold(w) in {fold(s) for s in _SUFFIXES} for w in _words(name)[1:])


def _is_role(text: str) -> bool:
    words = [fold(w) for w in _words(text)]
    return any(w in _ROLES for w in words) and not has_suffix(text)


def name_like(text: str, person: frozenset[str] = frozenset()) -> bool:
    """A business name as people sign it: two to eight capitalised words, no contact details, no job title."""
    words = _words(text)
    if not 2 <= len(words) <= 8 or len(text) > 80:
        return False
    if "@" in text or re.search(r"https?://|www\.", text, re.IGNORECASE):
        return False
    if re.search(r"\d", text) and not has_suffix(text):
        return False
    if fold(words[0]) in _CONNECTORS or _is_role(text):
        return False
    folded = [fold(w) for w in words]
    if person and all(w in person or w in _HONORIFICS for w in folded if w):
        return False  # the sender's own name
    for word in words:
        letters = [c for c in word if c.isalpha()]
        if not letters:
            if word not in ("&", "+", "-", "–"):
                return False
            continue
        if fold(word) in _CONNECTORS:
            continue
        if not letters[0].isupper():
            return False
    return True


def _labelled_names(text: str, directory: Directory) -> list[str]:
    found = []
    for line in text.split("\n"):
        match = _NAME_LABEL.match(line)
        if not match:
            continue
        value = _clean_name(match.group("name"))
        if len(value) < 2 or len(value) > 120 or not re.search(r"[^\W\d_]", value):
            continue
        if re.fullmatch(directory.group_id.pattern, value) or "@" in value:
            continue
        if value not in found:
            found.append(value)
    return found


def _subject_parts(subject: str, directory: Directory) -> list[str]:
    cleaned = clean_subject(subject)
    return [p.strip() for p in re.split(r"\s+[-–—|:]\s+|:\s+", cleaned) if p.strip()]


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


def _subject_name(subject: str, body: str, directory: Directory, vocab_words: frozenset[str], person: frozenset[str]) -> str:
    candidates = []
    lowered = ""
    for part in _subject_parts(subject, directory):
        part = _clean_name(part)
        if not name_like(part, person):
            continue
        folded = {fold(w) for w in _words(part)}
        plain = not (folded & _REQUEST_WORDS) and not any(t in vocab_words for w in folded for t in tokenize(w))
        if not (has_suffix(part) or plain):
            lowered = lowered or body.lower()
            if part.lower() not in lowered:
                continue
        candidates.append(part)
        if len(candidates) > 1:
            break
    # Two name-like parts ("Acme Bakery - Sunrise Deli") would be a guess.
    return candidates[0] if len(candidates) == 1 else ""


def _inline_name(text: str, person: frozenset[str]) -> str:
    for line in text.split("\n"):
        match = _INLINE_NAME.match(line)
        if match:
            value = _clean_name(match.group("name"))
            if name_like(value, person):
                return value
    return ""


def person_words(parsed: ParsedEmail) -> frozenset[str]:
    words = {fold(w) for w in re.split(r"[\s,]+", parsed.from_name) if w}
    if not words and parsed.from_address:
        words = {w for w in re.split(r"[._\-+]", parsed.from_address.split("@")[0].lower()) if w}
    return frozenset(w for w in words if w and w not in _HONORIFICS)


def _is_person_line(line: str, person: frozenset[str]) -> bool:
    folded = [fold(w) for w in _words(line)]
    folded = [w for w in folded if w]
    if not folded or len(folded) > 5:
        return False
    named = [w for w in folded if w in person]
    return bool(named) and all(w in person or w in _HONORIFICS for w in folded)


def signature_start(lines: list[str], person: frozenset[str]) -> int | None:
    """Index of the first signature line: a closing ("Thanks,") or the sender's name, near the end."""
    tail = max(0, len(lines) - 15)
    for i in range(len(lines) - 1, tail - 1, -1):
        if _CLOSINGS.match(lines[i]):
            return i
    for i in range(len(lines) - 1, tail - 1, -1):
        if _is_person_line(lines[i], person):
            return i
    return None


# What splits a signature line ("Owner, Acme LLC", "Acme LLC | Owner", "Acme – Owner"),
# and a run of spaces that splits nothing. The run is matched whole so the
# search skips it: started at each of its spaces in turn, the two splitters
# would each scan the rest of it again, quadratic in a long run of spaces.
_SIGNATURE_SPLIT = re.compile(r"(?P<cut>\s*+[,|]\s*+|\s++[–—-]\s++)|\s++")


def _signature_parts(line: str) -> list[str]:
    """``re.split(r"\\s*[,|]\\s*|\\s+[–—-]\\s+", line)``, in linear time."""
    parts, start = [], 0
    for match in _SIGNATURE_SPLIT.finditer(line):
        if match.group("cut") is not None:
            parts.append(line[start : match.start()])
            start = match.end()
    parts.append(line[start:])
    return parts


def _signature_name(text: str, person: frozenset[str]) -> str:
    lines = text.split("\n")
    start = signature_start(lines, person)
    if start is None:
        return ""
    seen = 0
    after_person = False
    for line in lines[start + 1 if _CLOSINGS.match(lines[start]) else start :]:
        stripped = line.strip(" -–—\t")
        if not stripped:
            continue
        if _is_person_line(stripped, person):
            after_person = True
            continue
        seen += 1
        if seen > 3:
            break
        if _CONTACT_LINE.search(stripped):
            continue
        parts = [p.strip() for p in _signature_parts(stripped) if p.strip()]
        kept = [p for p in parts if not _is_role(p)]
        if len(kept) == 1 and name_like(kept[0], person) and (after_person or has_suffix(kept[0])):
            return kept[0]
    return ""


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
        if _GREETING.match(line) or _NAME_LABEL.match(line):
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


def find_group_id(parsed: ParsedEmail, directory: Directory) -> tuple[Found | None, str]:
    """The group ID from the newest text, else the subject, else a forwarded message; never quoted history."""
    for text, source in ((parsed.newest, "the message"), (parsed.subject, "the subject"), (parsed.forwarded, "the forwarded message")):
        found = group_ids(text, directory)
        if len(found) == 1:
            return Found(found[0], source), ""
        if len(found) > 1:
            listed = " and ".join(found)
            return None, f"{source[0].upper()}{source[1:]} names more than one group ID ({listed}); check which one the request is about."
    return None, ""


def find_group_name(parsed: ParsedEmail, directory: Directory, vocab_words: frozenset[str], person: frozenset[str]) -> Found | None:
    for text, source in ((parsed.newest, "a labelled line"), (parsed.forwarded, "a labelled line in the forwarded message")):
        names = _labelled_names(text, directory)
        if len(names) == 1:
            return Found(names[0], source)
        if len(names) > 1:
            return None
    body = "\n".join((parsed.newest, parsed.forwarded))
    subject = _subject_name(parsed.subject, body, directory, vocab_words, person)
    if subject:
        return Found(subject, "the subject")
    inline = _inline_name(parsed.newest, person)
    if inline:
        return Found(inline, "the message")
    signed = _signature_name(parsed.newest, person)
    if signed:
        return Found(signed, "the signature")
    return None
