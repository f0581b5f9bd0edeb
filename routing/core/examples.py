"""Questions people have asked, each with the contact that answers it: how a question told in its own words is read.

The rules and the topics' words know the pages' wording and the situations the directory names. A question that
describes its need some other way ("my nephew starts at the nursery Monday and needs to be on our plan like
everyone else") matches them only weakly. For such a question the examples most like it are found (BM25 over
the same analysed words search uses), and when most of the nearest agree on one contact, that contact answers,
with one of those examples quoted as the reason. Examples never overrule a rule, an emergency or another
domain's thing, and they answer only where search was weak (no more than one word in three of a topic's).
They never call a question that names the plan, or whose search answer they do not speak to, "not the plan's".

Pure and in memory: a few thousand short examples, their postings kept per word.
"""

from __future__ import annotations

import math
import re
import sys
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from routing.core.model import OFF_TOPIC, Example

NEAREST = 5  # the examples that vote
AGREEMENT = 0.75  # the share of the nearest examples' score one contact must hold
MIN_SCORE = 10.0  # the best example must share this much meaning (BM25) with the question: a word or two is not enough
# BM25's usual constants: how fast a repeated word stops counting, and how much a long example is discounted.
K1 = 1.2
B = 0.75


@dataclass(frozen=True, slots=True)
class Nearest:
    contact_id: str  # or OFF_TOPIC
    share: float  # of the nearest examples' score
    example: str  # the closest example that voted for it
    voters: tuple[int, ...] = ()  # the examples that voted for it, by number


class ExampleIndex:
    """The examples' words, for finding the ones most like a question.

    Each word keeps the examples that say it and its BM25 weight in each, in two arrays: scoring a question is
    adding up weights, and a few thousand examples cost well under a megabyte.
    """

    __slots__ = ("_examples", "_postings")

    def __init__(self, examples: Sequence[Example], terms_of: Callable[[str], Sequence[str]]) -> None:
        self._examples = tuple(examples)
        found: dict[str, list[tuple[int, int]]] = {}
        lengths: list[int] = []
        for number, example in enumerate(self._examples):
            terms = list(terms_of(example.text))
            lengths.append(len(terms))
            counts: dict[str, int] = {}
            for term in terms:
                counts[term] = counts.get(term, 0) + 1
            for term, count in counts.items():
                found.setdefault(term, []).append((number, count))
        total = len(self._examples)
        average = (sum(lengths) / total) if total else 0.0
        self._postings: dict[str, tuple[array[int], array[float]]] = {}
        for term, said in found.items():
            idf = math.log(1 + (total - len(said) + 0.5) / (len(said) + 0.5))
            weights = [idf * count * (K1 + 1) / (count + K1 * (1 - B + B * lengths[number] / average)) for number, count in said]
            self._postings[sys.intern(term)] = (array("I", (number for number, _ in said)), array("f", weights))

    def __len__(self) -> int:
        return len(self._examples)

    def nearest(self, terms: Iterable[str]) -> Nearest | None:
        """The contact most of the nearest examples name, or None when they disagree or none is near enough."""
        scores: dict[int, float] = {}
        for term in set(terms):
            found = self._postings.get(term)
            if found is None:
                continue
            for number, weight in zip(*found, strict=True):
                scores[number] = scores.get(number, 0.0) + weight
        if not scores:
            return None
        top = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:NEAREST]
        if top[0][1] < MIN_SCORE:
            return None
        votes: dict[str, float] = {}
        for number, score in top:
            contact = self._examples[number].contact_id
            votes[contact] = votes.get(contact, 0.0) + score
        winner = max(votes, key=lambda contact: (votes[contact], contact == self._examples[top[0][0]].contact_id))
        share = votes[winner] / sum(votes.values())
        if share < AGREEMENT:
            return None
        voters = tuple(number for number, _ in top if self._examples[number].contact_id == winner)
        return Nearest(winner, share, self._examples[voters[0]].text, voters)

    def text(self, number: int) -> str:
        return self._examples[number].text

    def say_any(self, numbers: Iterable[int], terms: Iterable[str]) -> bool:
        """Whether any of these examples says any of these (analysed) words."""
        wanted = set(numbers)
        for term in terms:
            found = self._postings.get(term)
            if found is not None and not wanted.isdisjoint(found[0]):
                return True
        return False


# Said aloud, not written: a quoted reason reads as a sentence someone typed.
_FILLERS = frozenset(("um", "umm", "uh", "uhh", "uhm", "hmm", "er", "erm", "eh", "este", "pues", "o sea"))
_WORD = re.compile(r"[\w']+")


def quotable(text: str) -> bool:
    """Whether an example reads well quoted as a reason: one typed sentence or two, not an email, a transcript or a list of needs."""
    low = text.lower()
    if "\n" in text or low.startswith(("subject:", "re:", "fw:", "fwd:", "asunto:")) or not text[:1].isupper():
        return False
    if low.count("?") > 1 or " and also " in low or " y también " in low:
        return False
    return _FILLERS.isdisjoint(_WORD.findall(low))


__all__ = ["AGREEMENT", "MIN_SCORE", "NEAREST", "OFF_TOPIC", "Example", "ExampleIndex", "Nearest", "quotable"]
