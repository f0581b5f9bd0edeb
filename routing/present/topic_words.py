"""A topic's title inside a generated sentence, for the phone menu and the command line.

The directory keeps each topic's title as the source page words it, and the
page words them two ways: as a subject ("Billing and eligibility questions",
"Broker of record changes") and as a task ("Receive copies of bills",
"Order member ID cards"). A sentence that fits one reads wrongly with the
other ("California Service Center handles receive copies of bills"), so every
template asks ``is_task`` first and words the sentence to fit.

What each team does is derived from its topics, never written here: the
subjects that share the first topic's last word are said together, the way
the page itself says them ("broker of record, contact, group address, plan and
renewal changes").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from routing.core.model import Contact, ContactKind

# Verbs a task title starts with. Grammar, not facts: a title whose first word
# is not here is treated as a subject, which reads acceptably either way
# ("handles accessing account information").
TASK_VERBS = frozenset([
    "access", "add", "apply", "ask", "call", "cancel", "change", "check", "choose", "compare", "complete", "conduct", "contact", "correct",
    "create", "download", "email", "end", "enroll", "fax", "file", "find", "get", "learn", "make", "manage", "order", "pay",
    "print", "read", "receive", "reconcile", "remove", "renew", "replace", "report", "request", "reset", "review", "schedule", "see", "send",
    "set", "share", "sign", "start", "stop", "submit", "switch", "track", "transfer", "update", "upload", "use", "verify", "view",
])

# "Contact changes", "Plan questions": a verb-looking first word followed by one
# of these is a subject after all.
SUBJECT_HEADS = frozenset(["changes", "change", "questions", "question", "inquiries", "inquiry", "requests", "request", "help", "materials", "information", "forms"])

# At most this many subjects in one menu line, so a caller can still follow it.
MAX_SUBJECTS = 6

_SLASH = re.compile(r"(?<=\w)/(?=\w)")


def is_task(title: str) -> bool:
    """True for a title worded as something to do ("Order member ID cards"), False for a subject."""
    words = title.split()
    if not words or words[0].lower() not in TASK_VERBS:
        return False
    return not (len(words) > 1 and words[1].lower().strip(",.:;") in SUBJECT_HEADS)


def phrase(title: str) -> str:
    """The title as it reads mid-sentence: lower-cased first letter (unless an abbreviation), no end punctuation.

    Only the part before a colon: after it comes a list of details a sentence cannot carry.
    """
    text = " ".join(title.split(":", 1)[0].split()).rstrip(".;,")
    if len(text) > 1 and text[1].islower():
        text = text[0].lower() + text[1:]
    return text


def spoken(text: str) -> str:
    """Text as a voice should read it: "contract/eligibility" is "contract or eligibility", not "slash"."""
    return _SLASH.sub(" or ", text)


def join_and(items: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c": the page's own list style."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def subjects(contact: Contact) -> str:
    """What the contact handles, in a few words, from its topics: "billing and eligibility questions".

    Subjects sharing the first subject's last word are gathered into one phrase
    ("broker of record, contact, group address, plan and renewal changes");
    a contact whose topics are all tasks gets its first task ("order member ID cards").
    Empty when it has no topics.
    """
    titles = [phrase(t.title) for t in contact.topics if t.title.strip()]
    nouns = [t for t in titles if not is_task(t)]
    if not nouns:
        return titles[0] if titles else ""
    first = nouns[0].split()
    head = first[-1].lower()
    alike = [t.split() for t in nouns if len(t.split()) > 1 and t.split()[-1].lower() == head]
    if len(first) == 1 or len(alike) < 2:
        return nouns[0]
    modifiers = [" ".join(words[:-1]) for words in alike[:MAX_SUBJECTS]]
    return f"{join_and(modifiers)} {first[-1]}"


def named(contact: Contact, start: bool = False) -> str:
    """The contact's name as a sentence says it: "the Client Services Unit" for a team, a site's name as it is."""
    name = contact.name
    if contact.kind is ContactKind.HELP_LINE and not name.lower().endswith(" line"):
        name = f"{name} line"
    if contact.kind in (ContactKind.TEAM, ContactKind.HELP_LINE) and not name.lower().startswith("the "):
        name = f"the {name}"
    # A site's name is an address ("account.kp.org"): never capitalised.
    return name[:1].upper() + name[1:] if start and "." not in name.split()[0] else name


def echoes(what: str, contact: Contact) -> bool:
    """True when the phrase only repeats the contact's name ("online self-service transaction help")."""
    def bare(text: str) -> str:
        words = text.lower().replace("-", " ").split()
        return " ".join(w for w in words if w not in ("the", "line"))

    return bare(what) == bare(contact.name)
