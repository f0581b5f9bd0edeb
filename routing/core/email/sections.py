"""The readable text of an email: HTML turned into text, and the body split into newest text, forward and history.

Pure text work, no MIME: ``mailparse`` hands over the chosen body. Decision
on forwards: a forwarded message is part of the request (the sender passes it
on *for* us to act on), so it is kept apart in ``forwarded`` and triage reads
it after the newest text. Quoted reply history is the old conversation: kept
for display only, it never drives a decision.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

# --- HTML ------------------------------------------------------------------------

_BLOCK_TAGS = frozenset(
    ["address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"]
)
_SKIP_TAGS = frozenset(("script", "style", "head", "title", "template", "noscript"))


class _HtmlText(HTMLParser):
    """Visible text, one block per line; blockquotes become "> " lines so replies split the same way."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._line: list[str] = []
        self._skip = 0
        self._quote = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self._break()
            if tag == "blockquote":
                self._quote += 1
            elif tag == "li":
                self._line.append("- ")
            elif tag in ("td", "th"):
                pass
        classes = dict(attrs).get("class") or ""
        if tag == "div" and ("gmail_quote" in classes or "moz-cite-prefix" in classes):
            self._break()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self._break()
            if tag == "blockquote":
                self._quote = max(0, self._quote - 1)
        elif tag in ("td", "th"):
            self._line.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._line.append(data)

    def _break(self) -> None:
        text = re.sub(r"[ \t\r\n\f\v\u00a0]+", " ", "".join(self._line)).strip()
        self._line = []
        if text:
            self.lines.append("> " * self._quote + text)
        elif self.lines and self.lines[-1] != "":
            self.lines.append("")

    def text(self) -> str:
        self._break()
        return "\n".join(self.lines).strip()


def html_to_text(html: str) -> str:
    parser = _HtmlText()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # html.parser is lenient, but never let markup stop triage
        return re.sub(r"<[^>]*>", " ", html)
    return parser.text()


# --- newest text, forwards and quoted history ---------------------------------------------

_FORWARD_MARKERS = re.compile(
    r"^\s*(?:-{2,}\s*(?:forwarded message|original message|message transféré|weitergeleitete nachricht|mensaje reenviado)\s*-{2,}"
    r"|begin forwarded message:)\s*$",
    re.IGNORECASE,
)
_ORIGINAL_MESSAGE = re.compile(r"^\s*-{2,}\s*original message\s*-{2,}\s*$", re.IGNORECASE)
_ATTRIBUTION = re.compile(
    r"^\s*(?:on\s.{4,200}\swrote|le\s.{4,200}\sa\s+écrit|am\s.{4,200}\sschrieb|el\s.{4,200}\sescribió)\s*:\s*$",
    re.IGNORECASE,
)
_ATTRIBUTION_START = re.compile(r"^\s*(?:on|le|am|el)\s.+", re.IGNORECASE)
_OUTLOOK_FROM = re.compile(r"^\s*\*?(?:from|de|von)\s*:\*?\s*\S", re.IGNORECASE)
_OUTLOOK_SENT = re.compile(r"^\s*\*?(?:sent|date|envoyé|gesendet|enviado)\s*:\*?\s*\S", re.IGNORECASE)
_UNDERSCORES = re.compile(r"^\s*_{10,}\s*$")
_HEADER_LINE = re.compile(r"^\s*\*?(?:from|date|sent|to|cc|subject|reply-to)\s*:", re.IGNORECASE)
SUBJECT_FORWARD = re.compile(r"^\s*(?:fwd?|fw|tr|wg|rv)\s*:", re.IGNORECASE)
SUBJECT_REPLY = re.compile(r"^\s*(?:re|aw|sv|antw|r)\s*(?:\[\d+\])?\s*:", re.IGNORECASE)


@dataclass(frozen=True)
class Sections:
    newest: str
    forwarded: str
    history: str
    is_forward: bool
    is_reply: bool


def split_sections(text: str, subject: str = "") -> Sections:
    """Newest text, forwarded content and quoted history.

    The first marker decides: an "On … wrote:" line, a ">" line, an Outlook
    "From:/Sent:" block or "-----Original Message-----" starts quoted history
    (a reply); "---------- Forwarded message ---------" or "Begin forwarded
    message:" starts a forward. "-----Original Message-----" under a "Fwd:"
    subject is a forward too (Outlook writes it for both).
    """
    lines = text.split("\n")
    forwarded_subject = bool(SUBJECT_FORWARD.match(subject))
    for i, line in enumerate(lines):
        kind = _marker(lines, i, forwarded_subject)
        if kind is None:
            continue
        above = trim("\n".join(lines[:i]))
        below = lines[i:]
        if kind == "forward":
            content = _strip_header_block(below[1:] if _FORWARD_MARKERS.match(line) else below)
            inner = split_sections(content)
            forwarded = trim("\n".join(part for part in (inner.newest, inner.forwarded) if part))
            return Sections(above, forwarded, inner.history, True, False)
        if not above:
            # Bottom-posting: the quote comes first and the new words follow it.
            after = [ln for ln in below if not ln.lstrip().startswith(">") and not _ATTRIBUTION.match(ln)]
            return Sections(trim("\n".join(after)), "", trim("\n".join(below)), False, True)
        return Sections(above, "", trim("\n".join(below)), False, True)
    return Sections(trim(text), "", "", False, False)


def _marker(lines: list[str], i: int, forwarded_subject: bool) -> str | None:
    line = lines[i]
    if _ORIGINAL_MESSAGE.match(line):
        return "forward" if forwarded_subject else "reply"
    if _FORWARD_MARKERS.match(line):
        return "forward"
    if _ATTRIBUTION.match(line):
        return "reply"
    if _ATTRIBUTION_START.match(line) and i + 1 < len(lines):
        # Mailers wrap a long attribution over two lines.
        joined = f"{line.rstrip()} {lines[i + 1].strip()}"
        if _ATTRIBUTION.match(joined) and len(line) < 300:
            return "reply"
    if line.lstrip().startswith(">"):
        return "reply"
    if _UNDERSCORES.match(line) and i + 1 < len(lines) and _OUTLOOK_FROM.match(lines[i + 1]):
        return "forward" if forwarded_subject else "reply"
    if _OUTLOOK_FROM.match(line) and any(_OUTLOOK_SENT.match(ln) for ln in lines[i + 1 : i + 4]):
        return "forward" if forwarded_subject else "reply"
    return None


def _strip_header_block(lines: list[str]) -> str:
    """Drop the forwarded message's "From: / Date: / Subject: / To:" lines."""
    start = 0
    while start < len(lines) and (not lines[start].strip() or _UNDERSCORES.match(lines[start])):
        start += 1
    end = start
    while end < len(lines) and _HEADER_LINE.match(lines[end]):
        end += 1
        # A folded header value continues on an indented line.
        while end < len(lines) and lines[end][:1] in (" ", "\t") and lines[end].strip():
            end += 1
    return "\n".join(lines[end:])


def trim(text: str) -> str:
    return re.sub(r"\n{3,}", "\n\n", "\n".join(line.rstrip() for line in text.split("\n"))).strip()
