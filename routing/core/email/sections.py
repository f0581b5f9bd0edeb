"""The readable text of an email: HTML turned into text, and the body split into newest text, forward and history.

Pure text work, no MIME: ``mailparse`` hands over the chosen body. Decision
on forwards: a forwarded message is part of the request (the sender passes it
on *for* us to act on), so it is kept apart in ``forwarded`` and triage reads
it after the newest text. Quoted reply history is the old conversation: kept
for display only, it never drives a decision.

All of it is linear in the text, however it was made to look: the line
patterns match runs of spaces and dashes possessively, forwards inside
forwards are followed a few levels deep, and HTML is made safe for the
standard library's parser (see ``_bounded_markup``) before it is read.
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
MAX_QUOTE_DEPTH = 10  # "> " marks per line at most: deeper quotes read the same, and cost no more
MAX_HTML_TEXT_CHARS = 200_000  # the text kept from one HTML body; the rest is not read
_FEED_CHARS = 32_768  # markup is fed to the parser in pieces, so it can stop once the text is full


_CELL_TAGS = frozenset(("td", "th"))
_ROW_CELL_LINES = 3  # a row whose cells each hold at most this many lines is a label and its value, read as one line


class _HtmlText(HTMLParser):
    """Visible text, one block per line; blockquotes become "> " lines so replies split the same way.

    A table row of short cells is one line ("Group name: Ortiz Landscaping LLC"), as a person reads
    Outlook's label-and-value tables; a row with a long cell (a layout table around the whole email)
    keeps its lines.
    """

    def __init__(self, limit: int = MAX_HTML_TEXT_CHARS) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._out = self.lines  # where finished lines go: the text, or the table cell being read
        self._rows: list[list[list[str]]] = []  # open table rows, innermost last: each a list of cells' lines
        self._line: list[str] = []
        self._skip = 0
        self._quote = 0
        self._room = limit  # characters still to be kept
        self._pending = 0  # characters in ``_line``
        self.cut = False  # True when the text reached ``limit`` and the rest was dropped

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self._break()
            if tag == "blockquote":
                self._quote += 1
            elif tag == "li":
                self._line.append("- ")
            elif tag == "tr":
                self._end_row()
                self._rows.append([])
            elif tag in _CELL_TAGS:
                self._open_cell()
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
            elif tag in ("tr", "table"):
                self._end_row()

    def _open_cell(self) -> None:
        if not self._rows:
            self._rows.append([])  # a cell outside any <tr>
        cell: list[str] = []
        self._rows[-1].append(cell)
        self._out = cell

    def _end_row(self) -> None:
        """Close the innermost open row: its cells become one line, or their lines in order."""
        if not self._rows:
            return
        cells = [cell for cell in self._rows.pop() if any(cell)]
        parent = self._rows[-1][-1] if self._rows and self._rows[-1] else self.lines
        self._out = parent
        if len(cells) > 1 and all(len([ln for ln in cell if ln]) <= _ROW_CELL_LINES for cell in cells):
            prefix = "> " * min(self._quote, MAX_QUOTE_DEPTH)
            joined = " ".join(" ".join(ln.removeprefix(prefix) for ln in cell if ln) for cell in cells)
            self._room += sum(len(ln) + 1 for cell in cells for ln in cell) - len(prefix + joined) - 1
            parent.append(prefix + joined)
        else:
            parent.extend(ln for cell in cells for ln in cell)

    def handle_data(self, data: str) -> None:
        if not self._skip and not self.cut:
            if self._pending + len(data) > self._room:
                data = data[: max(0, self._room - self._pending)]
                self.cut = True
            self._line.append(data)
            self._pending += len(data)

    def _break(self) -> None:
        text = re.sub(r"[ \t\r\n\f\v\u00a0]+", " ", "".join(self._line)).strip()
        self._line = []
        self._pending = 0
        if text:
            line = "> " * min(self._quote, MAX_QUOTE_DEPTH) + text
            if len(line) + 1 > self._room:
                line = line[: max(0, self._room - 1)]
                self.cut = True
            self._room -= len(line) + 1
            if line:
                self._out.append(line)
        elif self._out and self._out[-1] != "" and self._room > 0:
            self._room -= 1
            self._out.append("")

    def text(self) -> str:
        self._break()
        while self._rows:
            self._end_row()
        return "\n".join(self.lines).strip()


def html_to_text(html: str, limit: int = MAX_HTML_TEXT_CHARS) -> str:
    """The visible text of ``html``, at most ``limit`` characters of it."""
    return html_text(html, limit)[0]


def html_text(html: str, limit: int = MAX_HTML_TEXT_CHARS) -> tuple[str, bool]:
    """The visible text of ``html`` and whether it was cut at ``limit`` characters."""
    parser = _HtmlText(limit)
    try:
        markup = _bounded_markup(html)
        for start in range(0, len(markup), _FEED_CHARS):
            parser.feed(markup[start : start + _FEED_CHARS])
            if parser.cut:
                break  # the text is full: the rest of the markup would only be parsed to be dropped
        else:
            parser.close()
    except Exception:  # html.parser is lenient, but never let markup stop triage
        # Tags end at the first ">" after them; text after the last ">" has none to remove.
        end = html.rfind(">") + 1
        text = re.sub(r"<[^>]*>", " ", html[:end]) + html[end:]
        return text[:limit], len(text) > limit
    return parser.text(), parser.cut


# A start tag whose end the standard parser finds where we do: no "<" outside
# a quoted value, every quote after "=" closed, then ">". (Quadratic work in
# ``html.parser`` comes from constructs it cannot close, read again from each
# "<" to the end of the text: "<a<a<a…", "<!--<!--…", "<a b='x>'<a b='x>'…".)
_START_TAG = re.compile(r"""<[a-zA-Z](?:[^<>="']|=++\s*+"[^"]*+"|=++\s*+'[^']*+'|=++(?!\s*["'])|["'])*+>""")
_TEXT_LT = re.compile(r"<(?![a-zA-Z/!?])")  # a "<" that starts nothing: the parser reads it as text, one call per "<"
_COMMENT_END = re.compile(r"--\s*>")
_MARKED_NAME = re.compile(r"[a-zA-Z][-_.a-zA-Z0-9]*+")
_TAG_NAME = re.compile(r"[a-zA-Z][^\t\n\r\f />\x00]*+")  # as html.parser names a tag
# Elements whose content the parser reads as text up to their end tag (its CDATA_CONTENT_ELEMENTS).
_RAW_TEXT_ENDS = {name: re.compile(rf"</\s*{name}\s*>", re.IGNORECASE) for name in ("script", "style")}
_SECTION_END = re.compile(r"]\s*>")  # <![if …]> … <![endif]>, as Outlook writes them
_CDATA_END = re.compile(r"]\s*]\s*>")  # <![CDATA[ … ]]>


def _last_start(pattern: re.Pattern[str], text: str) -> int:
    last = -1
    for match in pattern.finditer(text):
        last = match.start()
    return last


def _end_of(pattern: re.Pattern[str], text: str, start: int) -> int:
    """Where the first match of ``pattern`` after ``start`` ends; called only when one is known to exist."""
    found = pattern.search(text, start)
    return found.end() if found else len(text)


def _bounded_markup(html: str) -> str:
    """``html`` with every "<" the standard parser could not close written as "&lt;".

    Such a "<" is read as text by ``html.parser`` anyway, but only after it has
    scanned to the end of the document for the construct's end, once per "<".
    Written as "&lt;" it is the same text and is read once. The walk follows
    the parser: a closed construct is stepped over whole (a comment, a tag and
    its quoted values, a script's or style's content), so what the parser never
    reads is never changed, and well-formed markup is left exactly as it was.
    """
    html = _TEXT_LT.sub("&lt;", html)
    last_gt = html.rfind(">")
    comment_end = _last_start(_COMMENT_END, html)
    section_end = _last_start(_SECTION_END, html)
    cdata_end = _last_start(_CDATA_END, html)
    pieces: list[str] = []
    done = 0
    i = html.find("<")
    while i >= 0:
        closed, resume = True, i + 1
        nxt = html[i + 1 : i + 2]
        if nxt.isascii() and nxt.isalpha():
            tag = _START_TAG.match(html, i)
            closed = tag is not None
            if tag is not None:
                resume = tag.end()
                name = _TAG_NAME.match(html, i + 1)
                raw_text_end = _RAW_TEXT_ENDS.get(name.group().lower()) if name else None
                if raw_text_end is not None and not tag.group().endswith("/>"):
                    # The parser reads up to the element's end tag as text.
                    found = raw_text_end.search(html, resume)
                    resume = found.start() if found else len(html)
        elif html.startswith("<!--", i):
            closed = comment_end >= i + 4
            resume = _end_of(_COMMENT_END, html, i + 4) if closed else resume
        elif html.startswith("<![", i):
            name = _MARKED_NAME.match(html, i + 3)
            keyword = name.group().lower() if name else ""
            if keyword in ("temp", "cdata", "ignore", "include", "rcdata"):
                closed = cdata_end >= i + 3
                resume = _end_of(_CDATA_END, html, i + 3) if closed else resume
            elif keyword in ("if", "else", "endif"):
                closed = section_end >= i + 3
                resume = _end_of(_SECTION_END, html, i + 3) if closed else resume
            else:
                closed = False  # the standard parser raises on any other keyword
        else:  # "</", "<?" and "<!…" end at the next ">"
            closed = last_gt > i + 1
            if closed:
                resume = html.find(">", i + 2) + 1
        if not closed:
            pieces.append(html[done:i])
            pieces.append("&lt;")
            done = i + 1
        i = html.find("<", resume)
    pieces.append(html[done:])
    return "".join(pieces)


# --- newest text, forwards and quoted history ---------------------------------------------

_FORWARD_MARKERS = re.compile(
    r"^\s*+(?:-{2,}+\s*+(?:forwarded message|original message|message transféré|message d'origine|weitergeleitete nachricht|ursprüngliche nachricht"
    r"|mensaje reenviado|mensaje original|doorgestuurd bericht|oorspronkelijk bericht|messaggio inoltrato|messaggio originale)\s*+-{2,}+"
    r"|begin forwarded message:)\s*+$",
    re.IGNORECASE,
)
_ORIGINAL_MESSAGE = re.compile(
    r"^\s*+-{2,}+\s*+(?:original message|message d'origine|ursprüngliche nachricht|mensaje original|oorspronkelijk bericht|messaggio originale)\s*+-{2,}+\s*+$",
    re.IGNORECASE,
)
# "On … wrote:" in the languages Outlook, Gmail and Apple Mail write it: English, French, German, Spanish, Dutch, Italian, Portuguese.
_ATTRIBUTION = re.compile(
    r"^\s*+(?:on\s.{4,200}\swrote|le\s.{4,200}\sa\s++écrit|am\s.{4,200}\sschrieb(?:\s.{1,200})?|el\s.{4,200}\sescribió|op\s.{4,200}\sschreef(?:\s.{1,200})?"
    r"|il\s.{4,200}\sha\s++scritto|em\s.{4,200}\sescreveu)\s*+:\s*+$",
    re.IGNORECASE,
)
_ATTRIBUTION_START = re.compile(r"^\s*+(?:on|le|am|el|op|il|em)\s.", re.IGNORECASE)
# Outlook's reply header, "From:" then "Sent:", in the same languages ("Van:/Verzonden:", "Da:/Inviato:", "Von:/Gesendet:", "De :/Envoyé :").
_OUTLOOK_FROM = re.compile(r"^\s*+\*?(?:from|de|von|van|da)\s*+:\*?\s*+\S", re.IGNORECASE)
_OUTLOOK_SENT = re.compile(r"^\s*+\*?(?:sent|date|envoyé|gesendet|enviado(?:\s++el)?|enviada|fecha|verzonden|datum|inviato|data)\s*+:\*?\s*+\S", re.IGNORECASE)
_UNDERSCORES = re.compile(r"^\s*+_{10,}+\s*+$")
_HEADER_LINE = re.compile(
    r"^\s*+\*?(?:from|date|sent|to|cc|bcc|subject|reply-to|de|von|van|da|envoyé|gesendet|enviado|enviada|fecha|verzonden|datum|inviato|data|à|a|an|aan|para"
    r"|objet|betreff|asunto|onderwerp|oggetto|assunto)\s*+:",
    re.IGNORECASE,
)
SUBJECT_FORWARD = re.compile(r"^\s*+(?:fwd?|fw|tr|wg|rv)\s*+:", re.IGNORECASE)
SUBJECT_REPLY = re.compile(r"^\s*+(?:re|aw|sv|antw|r)\s*+(?:\[\d++\])?\s*+:", re.IGNORECASE)


@dataclass(frozen=True)
class Sections:
    newest: str
    forwarded: str
    history: str
    is_forward: bool
    is_reply: bool


MAX_FORWARDS = 5  # forwards inside forwards followed; deeper ones are read as the innermost one's text


def split_sections(text: str, subject: str = "", depth: int = 0) -> Sections:
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
            if depth >= MAX_FORWARDS:
                # Each level reads the rest of the text again: quadratic in a text of forward markers.
                return Sections(above, trim(content), "", True, False)
            inner = split_sections(content, depth=depth + 1)
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
    if len(line) < 300 and i + 1 < len(lines) and _ATTRIBUTION_START.match(line):
        # Mailers wrap a long attribution over two lines.
        joined = f"{line.rstrip()} {lines[i + 1].strip()}"
        if _ATTRIBUTION.match(joined):
            return "reply"
    if line.lstrip().startswith(">"):
        return "reply"
    if _UNDERSCORES.match(line) and i + 1 < len(lines) and _OUTLOOK_FROM.match(lines[i + 1]):
        return "forward" if forwarded_subject else "reply"
    if _OUTLOOK_FROM.match(line) and any(_OUTLOOK_SENT.match(ln) for ln in lines[i + 1 : i + 4]):
        return "forward" if forwarded_subject else "reply"
    return None


def earlier_message_from(history: str, sender: str) -> str:
    """The sender's own earlier message quoted in ``history`` ("On … Beth <beth@…> wrote:" and what follows), unquoted; "" when none.

    A reply often leaves the group ID in the sender's first email only: that one is theirs, unlike the desk's or another person's.
    """
    if not sender or sender.lower() not in history.lower():
        return ""
    lines = history.split("\n")
    for i, line in enumerate(lines):
        bare = line.lstrip("> ")
        joined = f"{bare} {lines[i + 1].lstrip('> ')}" if i + 1 < len(lines) else bare
        if sender.lower() not in joined.lower() or not (_ATTRIBUTION_START.match(bare) or _OUTLOOK_FROM.match(bare)):
            continue
        kept = []
        for rest in lines[i + 1 :]:
            plain = re.sub(r"^(?:\s*+>)++\s?", "", rest)
            if _ATTRIBUTION.match(plain) or (_OUTLOOK_FROM.match(plain) and sender.lower() not in plain.lower()) or _ORIGINAL_MESSAGE.match(plain):
                break
            kept.append(plain)
        return trim(_strip_header_block([ln for ln in kept if not _ATTRIBUTION.match(ln)]))
    return ""


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
