"""What may go into a header line we write, and which addresses we are willing to write to.

Pure text checks, shared by the form's validation, the mail parser, the
directory loader and the composers, so all agree on what a safe header value
and an address are.
"""

from __future__ import annotations

import re
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from functools import lru_cache

from email_validator import EmailNotValidError, validate_email

CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]")
# An RFC 2047 encoded word. The mail library decodes these when it writes a
# header (CVE-2024-6923 on Python before 3.11.10), so "=?utf-8?q?=0D=0ABcc:…?="
# typed as plain text would come out as a real line break and a new header.
# Its parser is lenient (it accepts spaces inside a word), so the opener "=?"
# alone is what we refuse or break up: a pattern for the whole word misses some.
_ENCODED_WORD = re.compile(r"=\?[^?\s]{1,75}\?[bBqQ]\?[^?\s]{0,900}\?=")
OPENER = "=?"
# A lone surrogate cannot be encoded as UTF-8: it comes from a JSON escape such as "\ud800".
_SURROGATE = re.compile("[\ud800-\udfff]")


def unsafe_in_header(value: str) -> bool:
    """True when text typed by a person could not go into a header as it is: line breaks, control characters, encoded words."""
    return bool(CONTROL.search(value) or OPENER in value)


def printable(value: str) -> str:
    """The value with any lone surrogate replaced, so it can be shown and encoded."""
    return _SURROGATE.sub("\ufffd", value)


def not_text(value: str) -> bool:
    """True when the value holds a lone surrogate, which no mail, page or database can store."""
    return bool(_SURROGATE.search(value))


def header_text(value: str) -> str:
    """Text from someone else's email, made plain for one of our headers.

    Encoded words are decoded (up to a few layers, as a hostile sender may
    nest them), control characters become spaces, and anything still shaped
    like an encoded word is broken up so the mail library cannot decode it.
    """
    for _ in range(4):
        if not _ENCODED_WORD.search(value):
            break
        try:
            value = str(make_header(decode_header(value)))
        except (ValueError, LookupError, UnicodeError, HeaderParseError):
            break
    value = _SURROGATE.sub("\ufffd", value).replace(OPENER, "= ?")
    return " ".join(CONTROL.sub(" ", value).split())


def is_email_address(value: str) -> bool:
    """A plain address we are willing to write to: one @, a dotted host name, no IP literal, quotes or comment, ASCII only.

    Checked by email-validator's syntax rules (RFC 5321/5322 as mail systems apply them), with no DNS look-up, so this
    stays pure. The reserved "test" domain (RFC 6761) is accepted, so demo and test mail reads like real mail; mail to
    it simply goes nowhere. Other special-use names (localhost, .local, .invalid) are refused.
    """
    return bool(value) and len(value) <= 254 and value == value.strip() and _valid_address(value)


@lru_cache(maxsize=4096)  # the same senders write again and again; the check costs more than the rest of reading the headers
def _valid_address(value: str) -> bool:
    try:
        validate_email(value, check_deliverability=False, allow_smtputf8=False, test_environment=True)
    except EmailNotValidError:
        return False
    return True
