"""Whether a question that names another domain's thing still has a need of the plan's.

"How do I add a new employee in our payroll software?" says the plan's words
("add", "new hire"), yet they belong to the payroll software: the question is
about that. "The bank wants proof of our health plan for a loan" names a loan
and still asks about the plan. Three things decide, on the question's words:

- the words the other domain's thing owns: its own phrase, the nouns right
  after it ("car insurance premium"), and the nouns that a preposition ties to
  it ("the ID card for my gym membership", "the address on my cell phone
  account"). None of them count for the plan;
- a word that names the plan itself (``plan_words``: "health plan", "premium")
  outside what the other thing owns keeps the plan need;
- so do enough of the plan's words outside it (``PLAN_WORDS_OVER_DOMAIN``).

Pure and cheap: it runs only for questions that say another domain's phrase.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from routing.core.text import STOPWORDS

Words = tuple[str, ...]

# A question that names another domain keeps its plan need when this many of
# its own words, outside the other domain's thing, also match the plan's topics
# ("pay my car insurance bill" has two: still off-topic).
PLAN_WORDS_OVER_DOMAIN = 3
# Prepositions that make a noun part of the thing after them, English and Spanish ("the address on my
# cell phone account", "add a new hire to QuickBooks"). Not "from" or "with": "pay our bill from our bank
# account" still pays the bill.
TYING = frozenset({"for", "on", "in", "of", "at", "to", "para", "en", "de", "del"})
# Words that point back at what was said before ("How do I cancel it?"): that request is about the other thing.
POINTING = frozenset({"it", "that", "this", "them", "those", "one", "ones", "lo", "la", "eso", "esto", "uno", "una"})
# A clause that is a question outright: a question mark, or a question word first.
_QUESTION = re.compile(r"[?¿]|^\W*(?:how|what|where|who|which|when|why|can|could|do|does|is|are|should|will|would|cómo|como|dónde|donde|quién|quien|qué|puedo|podemos)\b", re.IGNORECASE)


_SENTENCE = re.compile(r"(?<=[.?!;])\s+")


def sentences(text: str) -> list[str]:
    """The question's sentences: a scene is told in one ("Our salon lost two stylists.") and the request in another."""
    return [s for s in _SENTENCE.split(text.strip()) if s.strip()]


def is_question(text: str) -> bool:
    """True when the clause asks outright ("Can we ...?"), not when it tells what happened ("Our salon lost two stylists.")."""
    return bool(_QUESTION.search(text))


def asks_for_something(text: str) -> bool:
    """True when the clause asks outright or asks for something ("Our auditors want copies of what we were charged.").

    Only to find the plan's request beside a scene: a want said beside the other thing ("we need a summary of
    benefits for our employee handbook") is not thereby a question about that thing.
    """
    return is_question(text) or bool(_REQUEST.search(text))


# A request told as a want or a need: "we need copies", "our CPA wants the bills", "please send".
_REQUEST = re.compile(r"\b(?:need|needs|want|wants|would like|necesito|necesitamos|quiero|queremos)\b|['’]d like\b|^\W*please\b|\bplease send\b", re.IGNORECASE)
# Between the preposition and the thing: "for my business bank account" (two words).
BETWEEN = 2
# Nouns tied to the thing before the preposition, and after it ("phone plan bill").
TIED = 3
AFTER = 2


# Function words end what a thing owns ("the car insurance for the kids"). The search's stop list also holds
# nouns too common in this help desk's questions to tell topics apart; here they are nouns like any other
# ("a Delta Dental group plan", "our Verizon business plan").
_FUNCTION_WORDS = STOPWORDS - {"business", "company", "group", "staff", "team", "employee", "employees", "worker", "workers"}


def spans(words: Sequence[str], phrases: Iterable[Words]) -> list[tuple[int, int]]:
    """Where each of these phrases stands in the question: (start, end) for every occurrence."""
    found = []
    for phrase in phrases:
        n = len(phrase)
        found += [(i, i + n) for i in range(len(words) - n + 1) if n and tuple(words[i : i + n]) == phrase]
    return found


def compound(surface: Sequence[str], at: list[tuple[int, int]]) -> set[int]:
    """The positions of the other domain's phrases and of the nouns right after them ("car insurance premium")."""
    owned: set[int] = set()
    for start, end in at:
        owned.update(range(start, end))
        j = end
        while j < len(surface) and j < end + AFTER and surface[j] not in _FUNCTION_WORDS and surface[j] not in TYING and surface[j] not in _SENDING:
            owned.add(j)
            j += 1
        owned |= _sent(surface, j)
    return owned


# What the thing sends is its own: "the water district sent a past due bill", "Verizon charged us a late fee".
_SENDING = frozenset({"sent", "sends", "mailed", "emailed", "charged", "billed", "issued", "gave"})
_RECEIVING = frozenset({"us", "me", "a", "an", "the", "our", "my", "another", "new"})


def _sent(surface: Sequence[str], at: int) -> set[int]:
    """The nouns after a sending verb at ``at`` (past "us" and an article), at most ``TIED``; none without the verb."""
    if at >= len(surface) or surface[at] not in _SENDING:
        return set()
    j = at + 1
    while j < len(surface) and surface[j] in _RECEIVING:
        j += 1
    owned: set[int] = set()
    while j < len(surface) and len(owned) < TIED and surface[j] not in _FUNCTION_WORDS and surface[j] not in TYING:
        owned.add(j)
        j += 1
    return owned


# How people say what their own business is: "we're a nail salon", "I run a small stock brokerage", "this is Dana
# from the bakery". The other domain's thing said that way is the employer (who has a health plan), not the subject.
# Not "we run a payroll audit", nor "tengo" ("I have" a loan, a licence): only words that say what a business is.
_INTRODUCING = (("we", "are"), ("were",), ("i", "run"), ("i", "own"), ("we", "own"), ("ran",), ("owns",), ("owned",), ("i", "manage"),
                ("somos",))
# "this is Dana from the ...", "hey it's Lena from the ...", "calling from the ...": a cue, then a name or two.
_CALLING = frozenset({"is", "it", "its", "im", "calling", "soy", "habla"})
_OPENING = 6  # words into the question within which a caller says who they are
_ARTICLES = frozenset({"a", "an", "the", "our", "my", "un", "una", "el", "la", "mi", "nuestro", "nuestra"})
# Describing words allowed between the article and the thing ("a small family nail salon").
DESCRIBING = 2


def introduced(surface: Sequence[str], start: int) -> bool:
    """True when the thing at ``start`` is told as the speaker's own business ("we're a nail salon")."""
    j = start - 1
    while j >= 0 and start - 1 - j < DESCRIBING and surface[j] not in _ARTICLES:
        j -= 1
    if j < 0 or surface[j] not in _ARTICLES:
        return False
    before = tuple(surface[max(0, j - 2) : j])
    if any(before[len(before) - len(cue) :] == cue for cue in _INTRODUCING):
        return True
    # "this is Dana from the nail salon": a caller saying who they are, first thing. Who, not what: "this is a
    # charge from the gym", "good morning, bill from the vet is wrong" are the thing's.
    if not (2 <= j <= _OPENING and surface[j - 1] in ("from", "de")) or not _ARTICLES.isdisjoint(surface[: j - 1]):
        return False
    return any(surface[k] in _CALLING and 1 <= j - 1 - k - 1 <= 2 for k in range(j - 2))


# Jobs: "our vet tech", "my pharmacy clerk" name someone who works for the employer, not the other thing.
_JOBS = frozenset({"tech", "techs", "technician", "technicians", "assistant", "assistants", "receptionist", "receptionists", "manager",
                   "managers", "clerk", "clerks", "driver", "drivers", "instructor", "instructors", "groomer", "groomers", "cook", "cooks",
                   "teller", "tellers", "mechanic", "mechanics", "nurse", "nurses", "hygienist", "hygienists", "aide", "aides",
                   # Every job the directory's synonyms know reads as "employee" by then ("our shipping clerk").
                   "employee", "employees"})
# Places where an employer's own work is done: "our yoga studio's balance", "our coffee shop" is the employer itself.
# Not "company" or "agency": "our alarm company", "our staffing agency" serve the employer.
_BUSINESS_KINDS = frozenset({"studio", "studios", "salon", "salons", "shop", "shops", "store", "stores", "cafe", "office", "practice",
                             "clinic", "restaurant", "bar"})
_OWNING = frozenset({"our", "nuestro", "nuestra"})  # the employer's people; "my gym instructor" is the gym's
_NEGATING = frozenset({"not", "isnt"})  # "Not a gym card question"; not "no direct deposit this week"


def set_aside(surface: Sequence[str], start: int, end: int) -> bool:
    """True when the thing said at ``start:end`` is not what the question is about.

    It is the speaker's own business ("we're a nail salon", "our yoga studio's balance"), one of the employer's people
    by their job ("our vet tech's son turns 26"), or said to be not the subject ("Not a gym card question, I swear.").
    """
    if introduced(surface, start):
        return True
    if start > 0 and surface[start - 1] in _OWNING and (_job_follows(surface, end) or surface[end - 1] in _BUSINESS_KINDS):
        return True
    if surface[end - 1] in _TRADES and _ones_own(surface, start, plural=surface[end - 1].endswith("s")):
        return True
    # Part of a company's name: "Knockout Boxing Gym LLC moved", "Poison Oak Pest Control Inc".
    if any(surface[k] in _COMPANY_SUFFIXES for k in range(end, min(len(surface), end + 2))):
        return True
    return any(surface[j] in _NEGATING for j in range(max(0, start - 2), start))


_COMPANY_SUFFIXES = frozenset({"llc", "inc", "corp", "ltd", "llp", "pllc"})


def _job_follows(surface: Sequence[str], end: int) -> bool:
    """A job named right after the thing: "our vet tech". Plain "employee" only as a person ("our UPS employee quit"),
    not describing another thing of the other domain's ("our 401k employee contributions")."""
    if end >= len(surface) or surface[end] not in _JOBS:
        return False
    return surface[end] not in _GENERIC_JOBS or end + 1 == len(surface) or surface[end + 1] in _PERSON_NEXT


# Another domain's thing that is a person of a trade: at a barbershop or a vet clinic they are the employer's people.
_TRADES = frozenset({"barber", "barbers", "vet", "vets", "veterinarian", "veterinarians", "trainer", "trainers", "realtor", "realtors", "groomer",
                     "groomers", "preparer", "preparers", "agent", "agents", "barista", "baristas"})


def _ones_own(surface: Sequence[str], start: int, plural: bool) -> bool:
    """Told as one of the speaker's people: "our barber", "one of my barbers", "my barbers" (several are staff, one is a service)."""
    before = tuple(surface[max(0, start - 2) : start])
    if before[-1:] and before[-1] in _OWNING:
        return True
    if len(before) == 2 and before[0] == "of" and before[1] in ("my", "our", "the", "mis", "nuestros"):
        return True
    if before[-1:] != ("my",):
        return False
    # One of them is staff when told by what they did or want: "my barber quit", "my barber Jay wants to know".
    return plural or (start + 1 < len(surface) and (surface[start + 1] in _LIFE_EVENTS or (start + 2 < len(surface) and surface[start + 2] in _LIFE_EVENTS)))


_LIFE_EVENTS = frozenset({"wants", "wanted", "moved", "quit", "left", "needs", "asked", "retired", "started", "got"})


_GENERIC_JOBS = frozenset({"employee", "employees"})
# What comes after a person, not after a thing: a possessive, a verb of what they did or want, a relative word.
_PERSON_NEXT = frozenset({"s", "is", "was", "are", "were", "has", "had", "have", "wants", "wanted", "want", "needs", "needed", "need", "said",
                          "says", "asked", "asks", "got", "gets", "went", "goes", "quit", "left", "just", "who", "that", "can", "cant", "will",
                          "would", "keeps", "tried", "moved", "started", "passed", "died", "called", "and", "of"})


def only_set_aside(words: Sequence[str], surface: Sequence[str], other: Iterable[Words]) -> bool:
    """True when every other-domain thing the question says is set aside (``set_aside``)."""
    at = spans(words, tuple(other))
    return bool(at) and all(set_aside(surface, start, end) for start, end in at)


def tied(surface: Sequence[str], at: list[tuple[int, int]], reach: int = TIED) -> set[int]:
    """The nouns a preposition ties to the other domain's thing ("the ID card for my gym membership"), at most ``reach``."""
    owned: set[int] = set()
    for start, _end in at:
        for prep in range(start - 1, max(-1, start - 2 - BETWEEN), -1):
            if surface[prep] in TYING:
                j = prep - 1
                while j >= 0 and j > prep - 1 - reach and surface[j] not in _FUNCTION_WORDS and surface[j] not in TYING:
                    owned.add(j)
                    j -= 1
                break
    return owned


def things(words: Sequence[str], other: Iterable[Words]) -> int:
    """How many other-domain things the question names: phrases that overlap or touch are one thing ("AT&T phone plan")."""
    at = sorted(spans(words, tuple(other)))
    count, reach = 0, -1
    for start, end in at:
        if start > reach:
            count += 1
        reach = max(reach, end)
    return count


def names_plan_beside(words: Sequence[str], surface: Sequence[str], other: Iterable[Words], plan_words: Iterable[Words]) -> bool:
    """True when a word that names the plan itself stands outside what the other domain's thing owns."""
    at = spans(words, tuple(other))
    # A plan word right before "on my car insurance" is the car insurance's ("the deductible on my car insurance").
    own = compound(surface, at) | tied(surface, at, reach=1)
    return any(not own.issuperset(range(s, e)) for s, e in spans(words, plan_words))


def enough_plan_words(words: Sequence[str], surface: Sequence[str], other: Iterable[Words], matched: Iterable[str]) -> bool:
    """True when enough of the best topic's words stand outside what the other domain's thing owns."""
    other = tuple(other)
    at = spans(words, other)
    own = compound(surface, at) | tied(surface, at)
    # A word of the other domain's phrases is that domain's wherever it stands ("move my brokerage account").
    wanted = set(matched).difference(*other)
    plan = {words[i] for i in range(len(words)) if i not in own and words[i] in wanted}
    return len(plan) >= PLAN_WORDS_OVER_DOMAIN
