"""What makes a generated sentence read as written by a person: the checks the sentence tests share.

``problems(text)`` lists what is wrong with one sentence (empty when nothing
is): a doubled word ("Open 24/7 Open 24/7", "the the"), an empty slot (" ,",
"()", "None", a leftover "{"), a task title after "handles" ("handles
receive copies of bills"), or a missing capital or full stop.
"""

from __future__ import annotations

import re

from routing.present.topic_words import is_task

_DOUBLED = re.compile(r"\b(\w{2,})\s+\1\b", re.IGNORECASE)
_EMPTY_SLOT = re.compile(r"\s[,.;:]|\(\s*\)|,\s*,|\.\.|\s{2,}|\{|\}|\bNone\b|\bnull\b")
_HANDLES = re.compile(r"\bhandles\s+(.*)", re.IGNORECASE)


def phrase_problems(text: str) -> list[str]:
    """Problems a phrase has wherever it sits in a sentence."""
    found = []
    if not text.strip():
        found.append("empty")
    doubled = _DOUBLED.search(text)
    if doubled:
        found.append(f"doubled word {doubled.group(0)!r}")
    slot = _EMPTY_SLOT.search(text)
    if slot:
        found.append(f"empty slot or stray mark {slot.group(0)!r}")
    handles = _HANDLES.search(text)
    if handles and (is_task(handles.group(1)) or handles.group(1).lower().startswith(("receive ", "make ", "submit "))):
        found.append(f"a task after 'handles': {handles.group(0)!r}")
    return found


def problems(sentence: str, spoken: bool = False) -> list[str]:
    """Problems of a whole sentence: a phrase's, plus how it starts and ends (and, for a voice, no "/")."""
    found = phrase_problems(sentence)
    text = sentence.strip()
    if text and not (text[0].isupper() or text[0].isdigit()):
        found.append("does not start with a capital")
    if text and text[-1] not in ".?!":
        found.append("does not end with a full stop")
    if spoken and "/" in text:
        found.append("a '/' that a voice reads as 'slash'")
    return found
