"""Reading the group name out of an email, wherever employers put it, and never a person's name or a broker's firm.

The places are tried from the surest to the loosest, and the first place that
names one group decides; a place that names two leaves the name missing:

1. a labelled line ("Group name:", "Employer name -", "Account:", "Company:", "Nombre del grupo:");
2. the name next to the group ID ("Lakeside Marina - grp 611930", "Our group is 503318, Coastal Signs & Graphics",
   "Orchard Hill Preschool" on the line above "Group # 509312-0001");
3. the subject: a tag ("[Bluefin Sushi Bar #0117742] copy of bill") or a part ("Payment plan - Panadería La Estrella");
4. a labelled line or the ID's neighbour in a forwarded message;
5. the sender's words ("I work at Wildflower Gift Shop", "on behalf of Golden Hour Photography");
6. the signature's company line, told apart from the person's name and title;
7. the From display name ("Sunset Yoga Studio <billing@…>").

Outside a labelled line a name must look like a business (see ``names``), so
"Samuel Greene" in "New hire enrollment - Samuel Greene" is not taken. A
sender who writes for someone else (a broker, a bookkeeper: "my client",
"one of your groups", an NPN) signs with their own firm, so places 6 and 7 are
not read for them, and a firm of that kind is never taken from them for
anyone. When a name is left missing although the email holds one that
might be it, the reason says so.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from routing.core.email.group_ids import id_spans
from routing.core.email.names import (
    CONNECTORS,
    HONORIFICS,
    clean_name,
    fold,
    folded_words,
    has_suffix,
    is_contact,
    is_intermediary,
    is_role,
    looks_like_business,
    mail_domain,
    name_like,
    words,
)
from routing.core.email.parse import ParsedEmail
from routing.core.i18n import N_, _
from routing.core.model import Directory
from routing.core.text import STOPWORDS, tokenize
from routing.core.wording import listed, upper_first

_LABEL_WORDS = (
    r"group\s+name|name\s+of\s+(?:the\s+)?(?:group|company|employer|business)|company(?:\s+name)?|employer(?:\s+(?:group\s+)?name)?|employer\s+group"
    r"|business(?:\s+name)?|organi[sz]ation(?:\s+name)?|account(?:\s+name)?|client(?:\s+name)?|legal\s+name|group|grupo|groupe|gruppe"
    r"|nombre\s+del?\s+(?:grupo|la\s+empresa|negocio|empleador)|empresa|compa[ñn][ií]a|negocio|empleador|nom\s+de\s+(?:l['’]\s*)?(?:entreprise|groupe)"
    r"|entreprise|soci[eé]t[eé]|raison\s+sociale|firma|firmenname|unternehmen|bedrijf(?:snaam)?|azienda|ragione\s+sociale"
)
NAME_LABEL = re.compile(rf"^[\s*•>-]*+(?:{_LABEL_WORDS})\s*+(?:[:：]|\|)\s*(?P<name>.*\S|\s)\s*$", re.IGNORECASE)
# "Employer name - Acme Bakery": a dash ends the label only after "name", where it cannot be part of a sentence.
_DASH_LABEL = re.compile(r"^[\s*•>-]*+(?:group|company|employer|business|account)\s++name\s++[-–—]\s++(?P<name>.*\S)\s*$", re.IGNORECASE)
_EMPTY_LABEL = re.compile(rf"^[\s*•>-]*+(?:{_LABEL_WORDS})\s*+[:：]?\s*+$", re.IGNORECASE)
# What may stand before the ID's label on a line that holds only the ID ("Group # 509312-0001", "Our group no. 548207").
_ID_ONLY_LINE = re.compile(r"^[\s*•>(\[-]*+(?:(?:our|kaiser|the|my)\s++)*+$", re.IGNORECASE)
# What the sender says just before naming their business.
_PROSE = re.compile(
    r"\b(?:we\s+are|we['’]re|this\s+is|i\s+work\s+(?:at|for)|i\s+am\s+with|i['’]m\s+with|work\s+for|on\s+behalf\s+of|asked\s+by|represent(?:ing)?"
    r"|(?:owner|director|manager|administrator|admin|bookkeeper|accountant|broker|agent|hr|office\s+manager|president)\s+(?:at|of|for)"
    r"|(?:our\s+)?(?:company|business|group|practice|firm|clinic|shop|store|restaurant|employer)(?:['’]s)?(?:\s+name)?\s+is|my\s+client,?|client,"
    r"|trabajo\s+en|somos|de\s+parte\s+de|en\s+nombre\s+de|nous\s+sommes|wir\s+sind)\s++",
    re.IGNORECASE,
)
# Signs that the sender writes for someone else's group.
_THIRD_PARTY = re.compile(
    r"\b(?:clients?|clientes?|my\s+(?:small\s+)?groups|your\s+(?:small[\s-]+(?:business\s+)?)?groups|(?<!our\s)(?<!my\s)broker\s+of\s+record"
    r"|npn|i['’]m\s+(?:the|their|an?)\s+(?:\w+\s+)?(?:bookkeeper|accountant|broker|agent|consultant)|keep\s+the\s+books|on\s+(?:their|his|her)\s+behalf|on\s+behalf\s+of|(?:accountant|agent|broker|bookkeeper)\s+for"
    r"|their\s+(?:group|account|statement|invoice)s?)\b",
    re.IGNORECASE,
)
_CLOSINGS = re.compile(
    r"^\s*(?:thanks?(?:\s+(?:you|so\s+much|again|in\s+advance))*|thank\s+you(?:\s+so\s+much|\s+very\s+much)?|many\s+thanks"
    r"|best(?:\s+(?:regards|wishes))?|kind(?:est)?\s+regards|warm(?:est)?\s+regards|regards|sincerely(?:\s+yours)?|yours(?:\s+truly)?"
    r"|cheers|warmly|respectfully|take\s+care|all\s+the\s+best|gracias|saludos|merci|cordialement|danke|atentamente|thx)"
    r"\s*+[,.!]*+\s*+$",
    re.IGNORECASE,
)
# What splits a signature line ("Owner, Acme LLC", "Acme LLC | Owner", "Acme – Owner"); the spaces are matched whole so the search skips them.
_SIGNATURE_SPLIT = re.compile(r"(?P<cut>\s*+[,|·]\s*+|\s++[–—-]\s++)|\s++")
_REQUEST_WORDS = frozenset(
    ["question", "questions", "request", "requests", "inquiry", "inquiries", "help", "issue", "issues", "problem", "problems", "update", "updates",
     "change", "changes", "follow", "up", "urgent", "info", "information", "please", "thanks", "re", "fw", "fwd", "action", "required", "reminder",
     "scan", "scanned", "copy", "copies", "form", "forms", "bill", "bills", "invoice", "new", "hire", "enrollment", "termination", "renewal"]
)
_SUBJECT_TAG = re.compile(r"\[(?P<inner>[^\[\]]{2,80})\]")
_SUBJECT_PREFIXES = re.compile(r"^(?:\s*+(?:re|aw|sv|antw|fwd?|fw|tr|wg|rv)\s*+(?:\[\d++\])?\s*+:\s*+)+", re.IGNORECASE)
# Function words that can open a sentence with a capital but are never the start of a business name.
_NOT_NAME = frozenset(w for w in STOPWORDS if w not in CONNECTORS) | {"i'm", "im", "i'd", "i'll", "i've", "we're", "we'd", "we'll", "we've", "nuestro", "nuestra", "mi", "mis", "su", "notre", "unser", "unsere"}


@dataclass(frozen=True)
class NameReading:
    value: str = ""
    source: str = ""
    doubt: str = ""  # why none was taken, when the email holds a name that might be the group's


@dataclass(frozen=True)
class _Context:
    person: frozenset[str]
    domain: str
    third_party: bool
    directory: Directory
    loose: bool = False  # take names that do not look like a business (only to see whether two places agree on one)


# --- the places --------------------------------------------------------------------------


def _lines(text: str) -> list[str]:
    return text.split("\n")


# What stands between a name and the ID beside it. Stripped with str.strip: a "[…]+$" pattern is quadratic in a run of spaces.
_SEPARATORS = " \t\r\n\f\v\u00a0,([:–—-"


_DIGIT = re.compile(r"\d")


def _before_id(value: str, directory: Directory) -> str:
    """A labelled value up to any group ID in it ("Summit Solar Installers, Group ID: 900216")."""
    spans = id_spans(value, directory)
    if spans:
        value = value[: spans[0][0]]
    return value.rstrip(_SEPARATORS + ";|")


def _acceptable_label_value(value: str, ctx: _Context) -> bool:
    found = words(value)
    if not found or len(found) > 10 or len(value) > 120 or not re.search(r"[^\W\d_]", value) or "@" in value:
        return False
    if re.fullmatch(ctx.directory.group_id.pattern, value) or is_role(value):
        return False
    if not (found[0][:1].isupper() or found[0][:1].isdigit()):
        return False
    folded = [w for w in folded_words(value) if w not in HONORIFICS]
    return not (folded and all(w in ctx.person for w in folded))


def labelled(text: str, ctx: _Context) -> list[str]:
    found: list[str] = []
    lines = _lines(text)
    for i, line in enumerate(lines):
        match = NAME_LABEL.match(line) or _DASH_LABEL.match(line)
        value = clean_name(_before_id(match.group("name"), ctx.directory)) if match else ""
        if (match or _EMPTY_LABEL.match(line)) and not value.strip():
            # "Group name:" alone, its value on the next line (a form, or an Outlook table read as text).
            below = next((ln.strip() for ln in lines[i + 1 : i + 3] if ln.strip()), "")
            if below and not NAME_LABEL.match(below) and not _EMPTY_LABEL.match(below):
                value = clean_name(_before_id(below, ctx.directory))
        if value and _acceptable_label_value(value, ctx) and value not in found:
            found.append(value)
    return found


def _run_before(text: str) -> str:
    """The capitalised words that end ``text`` ("… I'm the director at Fernwood Montessori School")."""
    kept: list[str] = []
    for word in reversed(text.split()):
        bare = fold(word).replace("’", "'")
        capital = word[:1].isupper() and bare not in _NOT_NAME and not re.search(r"[.,:;!?]$", word)
        if capital or bare in CONNECTORS or word in ("&", "+"):
            kept.append(word)
        else:
            break
    while kept and (fold(kept[-1]) in CONNECTORS or kept[-1] in ("&", "+")):
        kept.pop()
    return " ".join(reversed(kept))


def _run_after(text: str, alone: bool = True) -> str:
    """The capitalised words that open ``text``; when ``alone``, only if they end its clause ("Coastal Signs & Graphics." after the ID).

    After "I work at" the name may run on into the sentence ("… Wildflower Gift Shop and I'm on …"); after an ID it may not,
    where "Group 604213 Please call" is no name.
    """
    kept: list[str] = []
    for word in text.split():
        bare = fold(word).replace("’", "'")
        if (word[:1].isupper() and bare not in _NOT_NAME) or (kept and (bare in CONNECTORS or word in ("&", "+"))):
            kept.append(word)
            if re.search(r"[.,;:!?)]$", word):
                break
        elif alone:
            return ""  # the name runs into a sentence: not a name standing alone
        else:
            break
    while kept and (fold(kept[-1]) in CONNECTORS or kept[-1] in ("&", "+")):
        kept.pop()
    return " ".join(kept)


def next_to_id(text: str, ctx: _Context) -> list[str]:
    """Names beside a group ID: on its line, before or after it, or on the line above or below a line that is only the ID."""
    found: list[str] = []
    lines = _lines(text)
    for i, line in enumerate(lines):
        spans = id_spans(line, ctx.directory) if _DIGIT.search(line) else []
        if not spans:
            continue
        start = spans[0][0]
        before = line[:start].rstrip(_SEPARATORS)
        wrapped = lines[i - 1].rstrip().endswith(",") or line.lstrip().startswith("(") if i else False
        if not before.strip() and wrapped:
            before = lines[i - 1].rstrip(_SEPARATORS)  # "… form for Ridgeview Hardware," wrapped just before "group 2875510"
        after = line[spans[-1][1] :].lstrip(_SEPARATORS + ".;)]")
        candidates = [_run_before(before), _run_after(after)]
        if _ID_ONLY_LINE.match(line[:start]) and not after.strip(" .)"):
            above = next((ln for ln in reversed(lines[max(0, i - 2) : i]) if ln.strip()), "")
            below = next((ln for ln in lines[i + 1 : i + 3] if ln.strip()), "")
            candidates += [ln.strip() for ln in (above, below) if not (NAME_LABEL.match(ln) or _EMPTY_LABEL.match(ln))]
        for candidate in candidates:
            value = clean_name(candidate)
            if value and _business(value, ctx) and value not in found:
                found.append(value)
    return found


def _business(value: str, ctx: _Context) -> bool:
    return (
        name_like(value, ctx.person) and not is_contact(value) and (ctx.loose or looks_like_business(value, ctx.domain))
        and not _desk_name(value, ctx.directory)
    )


def _desk_name(value: str, directory: Directory) -> bool:
    """A team or service of the directory ("Member Services Center", "Client Services Unit"): what the sender writes to, not their group."""
    key = f" {_key(value)} "
    for contact in directory.contacts:
        theirs = f" {_key(contact.name)} "
        if key.strip() and (key in theirs or theirs in key):
            return True
    return False


def subject_tag(subject: str, ctx: _Context) -> list[str]:
    """"[Bluefin Sushi Bar #0117742] copy of bill", "[Sunnyside Daycare] ID cards…"."""
    found = []
    for match in _SUBJECT_TAG.finditer(_SUBJECT_PREFIXES.sub("", subject)):
        value = clean_name(_before_id(match.group("inner"), ctx.directory).rstrip(" #"))
        if value and _business(value, ctx) and value not in found:
            found.append(value)
    return found


def subject_parts(subject: str, ctx: _Context) -> list[str]:
    """A part of the subject that is a business name alone ("Solicitud de arreglo de pago - Panadería La Estrella")."""
    # Spaces are made single first: split on "\s+-\s+", a run of them is searched again from each of its spaces.
    cleaned = " ".join(_SUBJECT_TAG.sub(" ", _SUBJECT_PREFIXES.sub("", subject)).split())
    found = []
    for part in re.split(r" [-–—|:] |: | ?/ ?", cleaned):
        value = clean_name(_before_id(part, ctx.directory))
        if not value or not _business(value, ctx) or set(folded_words(value)) & _REQUEST_WORDS:
            continue
        if value not in found:
            found.append(value)
    return found


# "… the primary contact for Edelweiss Auto Repair from me …": the loosest frame, read only when nothing else names the group.
_FOR = re.compile(r"\b(?:for|para|pour|für|voor|per)\s++")


def prose(text: str, ctx: _Context, frame: re.Pattern[str] = _PROSE) -> list[str]:
    found = []
    for match in frame.finditer(text):
        value = clean_name(_run_after(text[match.end() : match.end() + 120].split("\n")[0], alone=False))
        if value and _business(value, ctx) and value not in found:
            found.append(value)
    return found


def _signature_parts(line: str) -> list[str]:
    parts, start = [], 0
    for match in _SIGNATURE_SPLIT.finditer(line):
        if match.group("cut") is not None:
            parts.append(line[start : match.start()])
            start = match.end()
    parts.append(line[start:])
    return [p.strip() for p in parts if p.strip()]


def is_person_line(line: str, person: frozenset[str]) -> bool:
    """The sender's name, maybe with credentials or a title after a comma ("Meredith Kline, CPA")."""
    parts = _signature_parts(line)
    first = parts[0] if parts else ""
    folded = [w for w in folded_words(first) if w not in HONORIFICS]
    return 0 < len(folded) <= 5 and any(w in person for w in folded) and all(w in person for w in folded)


def signature_start(lines: list[str], person: frozenset[str]) -> int | None:
    """Index of the first signature line: a closing ("Thanks,") or the sender's name, near the end."""
    tail = max(0, len(lines) - 15)
    for i in range(len(lines) - 1, tail - 1, -1):
        if _CLOSINGS.match(lines[i]):
            return i
    for i in range(len(lines) - 1, tail - 1, -1):
        if is_person_line(lines[i], person):
            return i
    return None


def signature(text: str, ctx: _Context) -> list[str]:
    """The company line of the signature: not the person, not a title, not an address or phone."""
    lines = _lines(text)
    start = signature_start(lines, ctx.person)
    if start is None:
        return []
    seen = 0
    block = lines[start + 1 if _CLOSINGS.match(lines[start]) else start :]
    if not _CLOSINGS.match(lines[start]) and start and lines[start - 1].strip():
        block = [lines[start - 1], *block]  # "Mesa Verde Tile & Stone" above "Carlos Mendez, Controller", with no closing
    for line in block:
        stripped = line.strip(" -–—\t")
        if not stripped or is_person_line(stripped, ctx.person):
            continue
        seen += 1
        if seen > 4:
            break
        parts = [p for p in _signature_parts(stripped) if not is_role(p) and not is_contact(p)]
        names = [clean_name(p) for p in parts if _business(clean_name(p), ctx)]
        if len(names) == 1:
            return names
    return []


_STREET = re.compile(
    r"^\s*+\d[\w-]*+\s++.*\b(?:street|st|avenue|ave|road|rd|boulevard|blvd|suite|ste|drive|dr|way|lane|ln|court|ct|place|pl|highway|hwy|parkway|pkwy|calle|avenida|ctr|center|plaza|circle|cir)\b",
    re.IGNORECASE,
)


def lines_alone(text: str, ctx: _Context) -> list[str]:
    """A business name on a line of its own: a paragraph of one line, or the first line of a postal address."""
    lines = [ln.strip() for ln in _lines(text)]
    found = []
    for i, line in enumerate(lines):
        above = lines[i - 1] if i else ""
        below = lines[i + 1] if i + 1 < len(lines) else ""
        if not line or not ((not above and not below) or _STREET.match(below)):
            continue
        value = clean_name(line)
        if _business(value, ctx) and value not in found:
            found.append(value)
    return found


def display_name(parsed: ParsedEmail, ctx: _Context) -> list[str]:
    value = clean_name(parsed.from_name)
    return [value] if value and _business(value, ctx) else []


# --- choosing ------------------------------------------------------------------------------


@lru_cache(maxsize=16384)
def _key(name: str) -> str:
    """Two spellings of one name ("Silverleaf Senior Care" and "Silverleaf Senior Care, Inc.") compare equal."""
    kept = [w for w in folded_words(name.replace(",", " ")) if not has_suffix(f"x {w}")]
    return " ".join(t for w in kept for t in tokenize(w))


_FIRST_PERSON = re.compile(r"\bour\s+(?:group|plan|coverage|employees|staff|team|account|company|office|firm|practice|bill|premium)\b", re.IGNORECASE)


def _own_firm(name: str, parsed: ParsedEmail, ctx: _Context) -> bool:
    """An accounting or consulting firm that is itself the employer: its sender, writing for no client, speaks of "our plan".

    A broker's or insurance agency's firm never is (``is_intermediary(strict=True)``)."""
    return not is_intermediary(name, strict=True) and bool(_FIRST_PERSON.search(parsed.newest))


def is_business_sender(parsed: ParsedEmail) -> bool:
    """The From display name is a business ("Copperline Cycles <office@…>"), not a person."""
    return bool(parsed.from_name) and name_like(parsed.from_name) and looks_like_business(parsed.from_name, mail_domain(parsed.from_address))


def _agreed(parsed: ParsedEmail, ctx: _Context) -> str:
    """A name that need not look like a business, given both in the subject and beside the ID or after "on behalf of" in the message.

    Two places that agree are not a guess: "Cambio de agente - Mariscos El Puerto" above "en nombre de Mariscos El Puerto, grupo 3815520",
    or "Pacific Rim Noodle House – our bill doesn't match" signed "Pacific Rim Noodle House".
    """
    in_subject = {_key(n): n for n in subject_tag(parsed.subject, ctx) + subject_parts(parsed.subject, ctx) + next_to_id(parsed.subject, ctx)}
    signed = signature(parsed.newest, ctx) + lines_alone(parsed.newest, ctx) if not ctx.third_party else []
    in_text = {_key(n): n for n in next_to_id(parsed.newest, ctx) + prose(parsed.newest, ctx) + signed if not is_intermediary(n)}
    both = [in_subject[k] for k in in_subject if k in in_text]
    return both[0] if len(both) == 1 else ""


_SENDERS_OWN = frozenset((N_("the message"), N_("the sender's name"), N_("the signature"), N_("a line of the message")))
_SIGNED = frozenset((N_("the sender's name"), N_("the signature"), N_("a line of the message")))


def read_group_name(parsed: ParsedEmail, directory: Directory, person: frozenset[str], several_groups: bool = False) -> NameReading:
    if several_groups:
        return NameReading(doubt=_("The email is about more than one group, so no group name is taken."))
    ctx = _Context(person, mail_domain(parsed.from_address), bool(_THIRD_PARTY.search(parsed.newest)), directory)
    own = not ctx.third_party
    places: list[tuple[str, Callable[[], list[str]]]] = [
        (N_("a labelled line"), lambda: labelled(parsed.newest, ctx)),
        (N_("the line with the group ID"), lambda: next_to_id(parsed.newest, ctx)),
        (N_("the subject"), lambda: subject_tag(parsed.subject, ctx) or next_to_id(parsed.subject, ctx)),
        (N_("a labelled line in the forwarded message"), lambda: labelled(parsed.forwarded, ctx)),
        (N_("the forwarded message"), lambda: next_to_id(parsed.forwarded, ctx)),
        (N_("the subject"), lambda: subject_parts(parsed.subject, ctx)),
        (N_("the message"), lambda: prose(parsed.newest, ctx)),
        (N_("the sender's name"), lambda: display_name(parsed, ctx)),
        (N_("the signature"), lambda: signature(parsed.newest, ctx)),
        (N_("a line of the message"), lambda: lines_alone(parsed.newest, ctx)),
        (N_("the message"), lambda: prose(parsed.newest, ctx, _FOR)),
    ]
    passed_over = ""
    for source, look in places:
        names = look()
        if source in _SENDERS_OWN:
            # The sender's own words, signature and display name: a broker's firm is theirs, and so is anything a third party signs.
            firms = [name for name in names if (is_intermediary(name) and not (own and _own_firm(name, parsed, ctx))) or (not own and source in _SIGNED)]
            if firms:
                passed_over = passed_over or firms[0]
            names = [name for name in names if name not in firms]
        distinct: dict[str, str] = {}
        for name in names:
            distinct.setdefault(_key(name), name)  # the first spelling found, which is the surer place's
        if len(distinct) == 1:
            return NameReading(next(iter(distinct.values())), source)
        if len(distinct) > 1:
            names_listed = listed([f"“{name}”" for name in distinct.values()])
            doubt = _("%(source)s names more than one business (%(names)s), so no group name is taken.") % {"source": _(source), "names": names_listed}
            return NameReading(doubt=upper_first(doubt))
    agreed = _agreed(parsed, dataclasses.replace(ctx, loose=True))
    if agreed:
        return NameReading(agreed, N_("the subject and the message, which agree on it"))
    if passed_over:
        if own:
            doubt = _("“%(name)s” in the signature or sender's name is not taken as the group name: it is a broker's, bookkeeper's or accountant's firm.")
        else:
            doubt = _("“%(name)s” in the signature or sender's name is not taken as the group name: the sender writes for a client (as a broker or bookkeeper does).")
        return NameReading(doubt=doubt % {"name": passed_over})
    return NameReading()
