"""Reading the group ID out of an email, in the forms employers write it.

An ID is taken only after a label that says it is the group's ("Group ID",
"Grp#", "group no.", "Número de grupo", "our account is #…") or in a subject
tag ("[Bluefin Sushi Bar #0117742]"): every other number in an email (ZIP
codes, phones, invoices, statements, tickets, EINs, member and plan numbers, a
broker's NPN, dates) has no such label, or a label that names it as something
else. A "-NNNN" suffix ("509312-0001") is the account's billing sub-unit, not
part of the ID, so it is dropped.

Every pattern runs on a stranger's text, so each one is linear in it: runs of
spaces, digits and dashes are matched possessively (``*+``) or atomically
(``(?>…)``), and what a pattern cannot decide cheaply is checked in Python.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from routing.core.i18n import N_, _
from routing.core.model import Directory
from routing.core.wording import listed, upper_first

# A label, what may stand between it and the number ("is", ":", "#"), then the
# whole run of digits and dashes, taken possessively and checked in Python
# (written as one backtracking pattern it took quadratic time on "1-1-1-…").
_ID = re.compile(
    r"(?P<label>"
    r"\b(?:id|n[uú]m[eé]ro|numero|num|no|n[º°])\.?\s*+d(?:e|el|u)\s++(?:grupo|groupe)\b"
    r"|\b(?:group|grupo|groupe|gruppe|groep)(?:s?nummer)?\b\s*+(?:\bid\b|\bnumber\b|\bnum\b|\bnbr\b|\bno\b\.?|n[º°]|\bn[uú]mero\b|#)?"
    r"|\bgrp\b\s*+(?:\bid\b|#|\bno\b\.?)?"
    r"|\b(?:account|acct)\b\s*+(?:\bnumber\b|\bno\b\.?|\bid\b)?"
    r"|\bid\b)"
    r"(?P<sep>(?>\s*(?:is\b|es\b|est\b|ist\b|:|=|-)?\s*(?:number\b)?\s*[:#]?\s*))(?P<id>\d[\d-]*+)",
    re.IGNORECASE,
)
# "[Bluefin Sushi Bar #0117742]", "(#662904)", "Sushi Bar #0117742": a bare "#" is the group's only next to a name or in a tag.
_HASH = re.compile(r"#\s*+(?P<id>\d[\d-]*+)")
_ALNUM = re.compile(r"[A-Za-z0-9]")  # what may not follow an ID ("12345abc" is no ID)
MAX_ID_CHARS = 64  # a longer run of digits is no group ID; the directory's pattern never sees it
_SUFFIX = re.compile(r"^(?P<base>\d{5,8})-\d{4}$")
# "ID" or "#" after these words names some other number: a tax ID, a member's ID, a ticket, an invoice.
OTHER_NUMBERS = frozenset(
    ["tax", "member", "employee", "subscriber", "patient", "medical", "ticket", "case", "claim", "order", "invoice", "confirmation", "transaction",
     "reference", "ref", "policy", "federal", "employer", "ein", "user", "login", "customer", "tracking", "application", "check", "cheque", "statement",
     "receipt", "suite", "ste", "unit", "apt", "room", "store", "item", "job", "po", "plan", "npn", "license", "lic", "badge", "batch", "loan", "box",
     "bill", "factura", "folio", "routing", "bank", "checking", "savings", "card", "phone", "fax", "ext", "extension", "confirmación", "ticket#"]
)
_BANK_WORDS = frozenset(["bank", "checking", "savings", "routing", "credit", "debit", "card", "paypal", "venmo", "brokerage"])


def _word_before(text: str, start: int) -> str:
    words = re.findall(r"[^\W\d_]+", text[max(0, start - 30) : start])
    return words[-1].lower() if words else ""


def _valid(value: str, directory: Directory) -> str:
    """The ID without a -NNNN suffix, or "" when the run is not shaped like one."""
    value = value.rstrip("-")
    if len(value) > MAX_ID_CHARS or not re.fullmatch(directory.group_id.pattern, value):
        return ""
    suffixed = _SUFFIX.match(value)
    return suffixed.group("base") if suffixed else value


def _labelled(text: str, directory: Directory) -> list[tuple[int, int, str]]:
    """(start, end, id) of every labelled ID, in order."""
    found: list[tuple[int, int, str]] = []
    for match in _ID.finditer(text):
        if _ALNUM.match(text, match.end()):
            continue
        label = match.group("label").strip().lower()
        if label == "id" and _word_before(text, match.start()) in OTHER_NUMBERS:
            continue
        # "account" alone is too loose ("account 4521" at a bank): it needs a "#", ":" or "number", and no bank before it.
        loose = label in ("account", "acct") and not re.search(r"[#:]", match.group("sep"))
        if label.startswith(("account", "acct")) and (loose or _word_before(text, match.start()) in _BANK_WORDS):
            continue
        value = _valid(match.group("id"), directory)
        if value:
            found.append((match.start(), match.end(), value))
    return found


def _hashed(text: str, directory: Directory, taken: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """IDs after a bare "#" that follows a capitalised name ("Bluefin Sushi Bar #0117742", "Acme Bakery (#662904)")."""
    found = []
    for match in _HASH.finditer(text):
        if _ALNUM.match(text, match.end()) or any(s <= match.start() < e for s, e, _ in taken):
            continue
        before = text[max(0, match.start() - 60) : match.start()].rstrip(" ([")
        words = [w.strip("[(") for w in before.split()]
        if len(words) < 2 or _word_before(text, match.start()) in OTHER_NUMBERS or not all(w[:1].isupper() or w in ("&", "and", "of") for w in words[-2:]):
            continue
        value = _valid(match.group("id"), directory)
        if value:
            found.append((match.start(), match.end(), value))
    return found


def id_spans(text: str, directory: Directory) -> list[tuple[int, int, str]]:
    """(start, end, id) of every group ID in ``text``, in order."""
    labelled = _labelled(text, directory)
    return sorted(labelled + _hashed(text, directory, labelled))


def group_ids(text: str, directory: Directory) -> list[str]:
    """Every group ID in ``text``, in order, without repeats."""
    return list(dict.fromkeys(value for _, _, value in id_spans(text, directory)))


@dataclass(frozen=True)
class IdReading:
    """The group ID read from an email, where it was read, and why none was taken when the email disagrees with itself."""

    value: str = ""
    source: str = ""
    doubt: str = ""
    several: bool = False  # the email is about more than one group


def read_group_id(newest: str, subject: str, forwarded: str, directory: Directory, earlier: str = "") -> IdReading:
    """The newest text, else the subject, else a forwarded message, else the sender's own earlier message in the thread.

    Other quoted history never: it may hold an old, wrong ID, or another person's.
    """
    in_text, in_subject = group_ids(newest, directory), group_ids(subject, directory)
    if len(in_text) > 1:
        return IdReading(doubt=_("The message names more than one group ID (%(ids)s); check which one the request is about.") % {"ids": listed(in_text)}, several=True)
    if in_text and in_subject and in_subject != in_text:
        return IdReading(
            doubt=_("The subject says group %(subject)s but the message says %(text)s; check which one the request is about.")
            % {"subject": listed(in_subject), "text": in_text[0]}
        )
    places = ((in_text, N_("the message")), (in_subject, N_("the subject")), (group_ids(forwarded, directory), N_("the forwarded message")),
              (group_ids(earlier, directory), N_("the sender's earlier message, quoted below")))
    for found, source in places:
        if len(found) == 1:
            return IdReading(found[0], source)
        if len(found) > 1:
            doubt = _("%(source)s names more than one group ID (%(ids)s); check which one the request is about.") % {"source": _(source), "ids": listed(found)}
            return IdReading(doubt=upper_first(doubt), several=True)
    return IdReading()
