"""Reading a question once more for the safety rules, with the typos an emergency is typed with.

Typo repair for routing is careful: a word that looks like an inflected English
word ("brething" as "breth" + "ing", "slured" as "slur" + "ed") is never
changed, so that search is not misled. For the safety rules the cost runs the
other way: a missed emergency is worse than a misread word. So the safety rules
read a second version of the question in which such a word, one edit away from
a word the safety rules use, becomes that word. Nothing else reads it: search and
the other rules keep the careful reading.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from itertools import pairwise

from routing.core.model import Rule
from routing.core.text import STOPWORDS, Analysis, Vocabulary, deletions, one_edit, stem, tokenize

# How a caller breaks off to say that something is happening now ("... I had a question on page 3, oh my
# god, my partner just grabbed his chest"), as the question's words read after synonyms, accents folded.
# What follows the last one is read on its own for an emergency, so a "last week" told before it does not make
# the emergency a past one. Only outcries: "hold on", "wait" and "right now" are said in ordinary questions too
# ("Can I hold on to the coverage?", "Right now we're renewing"), and what was said before them still counts.
TURNS: tuple[tuple[str, ...], ...] = (("oh", "my", "god"), ("oh", "my", "gosh"), ("omg",), ("oh", "no"), ("dios", "mio"), ("ay", "dios"))

# Shorter words are one edit away from too many others ("fell" and "feel").
SHORTEST_REPAIRED = 6
# Beside its phrase's other word, a word this long or longer may be repaired into its partner.
PAIRED = 4


def safety_words(rules: Iterable[Rule]) -> frozenset[str]:
    """Every word the safety rules are written with, as typed (not stemmed)."""
    found: set[str] = set()
    for rule in rules:
        if rule.safety:
            when = rule.when
            for phrase in when.written:
                found.update(t for t in tokenize(phrase) if len(t) >= SHORTEST_REPAIRED and t not in STOPWORDS)
    return frozenset(found)


@dataclass(frozen=True)
class Pairs:
    """Each two words in a row in a safety phrase ("heart attack"), looked up from the word beside the one being read.

    Sorted, so that a word one edit from two partners always reads as the same one, whatever the hash seed.
    """

    firsts: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # a second word → the first words before it
    seconds: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # a first word → the second words after it

    def __bool__(self) -> bool:
        return bool(self.firsts)


def safety_pairs(rules: Iterable[Rule]) -> Pairs:
    """Each two words in a row in a safety phrase ("heart attack", "chest pain"), as typed."""
    found: set[tuple[str, str]] = set()
    for rule in rules:
        if rule.safety:
            when = rule.when
            for phrase in (*when.phrases, *(p for group in (*when.concepts, *when.signs) for p in group)):
                tokens = [t for t in tokenize(phrase) if t not in STOPWORDS]
                # Short words ("la", "en", "dio") are one edit from too many others to vouch for a partner.
                found.update((a, b) for a, b in pairwise(tokens) if len(a) >= PAIRED and len(b) >= PAIRED)
    firsts: dict[str, list[str]] = {}
    seconds: dict[str, list[str]] = {}
    for first, second in sorted(found):
        firsts.setdefault(second, []).append(first)
        seconds.setdefault(first, []).append(second)
    return Pairs({k: tuple(v) for k, v in firsts.items()}, {k: tuple(v) for k, v in seconds.items()})


def reread(analysis: Analysis, vocab: Vocabulary, words: frozenset[str], pairs: Pairs = Pairs()) -> Analysis | None:
    """The question with unknown words repaired into safety words, or None when there is none to repair.

    Beside the other word of a safety phrase, even a short or real word one edit from its partner is
    read as that partner: "hart attack" is "heart attack", since the phrase says which word was meant.
    """
    surface = list(analysis.surface)
    changed = False
    for i, token in enumerate(surface):
        partner = _partner(surface, i, pairs) if pairs else ""
        if partner and partner != token:
            surface[i] = partner
            changed = True
            continue
        # A word of the dictionary is that word ("cooking", "painted", "strike"), never a safety word's typo.
        if len(token) < SHORTEST_REPAIRED or token in vocab.words or token in vocab.english or token in STOPWORDS or token.isdigit():
            continue
        repaired = _nearest(token, vocab, words)
        if repaired:
            surface[i] = repaired
            changed = True
    if not changed:
        return None
    return replace(analysis, words=tuple(stem(t) for t in surface), surface=tuple(surface))


def _partner(surface: list[str], i: int, pairs: Pairs) -> str:
    """The safety word ``surface[i]`` is one edit from, when the word next to it completes their phrase."""
    token = surface[i]
    if len(token) < PAIRED or token.isdigit() or token in STOPWORDS:
        return ""
    if i + 1 < len(surface):
        for first in pairs.firsts.get(surface[i + 1], ()):
            if first != token and one_edit(token, first):
                return first
    if i:
        for second in pairs.seconds.get(surface[i - 1], ()):
            if second != token and one_edit(token, second):
                return second
    return ""


def _nearest(token: str, vocab: Vocabulary, words: frozenset[str]) -> str:
    candidates: set[str] = set()
    for variant in deletions(token):
        candidates.update(c for c in vocab.deletes.get(variant, ()) if c in words)
    fits = sorted((c for c in candidates if one_edit(token, c)), key=lambda c: (abs(len(c) - len(token)), c))
    return fits[0] if fits else ""


def after_turn(analysis: Analysis) -> Analysis | None:
    """What the question says after its last turn to the present (``TURNS``), or None when there is none."""
    surface = analysis.surface
    start = 0
    for i in range(len(surface)):
        for turn in TURNS:
            if surface[i : i + len(turn)] == turn:
                start = max(start, i + len(turn))
    if not start or start >= len(surface):
        return None
    return replace(analysis, words=analysis.words[start:], surface=surface[start:])
