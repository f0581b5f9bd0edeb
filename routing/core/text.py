"""Turning everyday wording into the directory's vocabulary.

The same pipeline runs over the directory (when indexing) and over questions
(when routing), so both sides agree on what a word is:
tokenize → synonyms → (typo correction, questions only) → stem.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from typing import Protocol

from whoosh.lang.porter import stem as porter_stem

from routing.core.memo import remembered
from routing.core.model import Directory

# Hyphens and slashes split words ("cal-cobra", "add/change") so that every
# spelling of a compound meets the same tokens.
_WORD = re.compile(r"[a-z0-9]+")
_APOSTROPHE = re.compile(r"(?<=[a-z])['’](?=[a-z])")
# A possessive names the person, not a new word: "our cook's card" is the cook's, so "cook" is still the word.
_POSSESSIVE = re.compile(r"(?<=[a-z])['’]s\b")

# Words that say nothing about which team to call. Kept here, not in the
# directory, because they are English, not facts about the business.
STOPWORDS = frozenset(
    ["a", "about", "above", "after", "again", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "him", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "let", "me", "more", "most", "my", "myself", "no", "nor", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "out", "over", "own", "same", "she", "should", "so", "some", "such", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your", "yours", "hi", "hello", "hey", "thanks", "thank", "please", "dear", "regards", "question", "questions", "help", "need", "needs", "want", "wants", "wanted", "like", "know", "get", "got", "getting", "somebody", "someone", "anyone", "ask", "asking", "regarding", "re", "fw", "fwd", "quick", "hoping", "trying", "try", "tried", "company", "business", "small", "group", "employer", "employers", "kaiser", "permanente", "kp", "team", "us", "today", "tomorrow", "yesterday", "employee", "employees", "staff", "worker", "workers", "one", "two", "going", "make", "sure", "still", "just", "also", "really", "may", "might", "must", "shall", "not", "whats", "thats", "hows"]
)

# For routing, also words that say nothing about which team: on a health-plan desk "health" is every question's
# subject, and "yes", "ok" are what callers say before the question. (Not stopwords for names: "Marigold Home Health".)
QUIET = STOPWORDS | frozenset(["health", "yes", "yeah", "ok", "okay", "oh"])

MAX_QUERY_CHARS = 500

# Sounds and hedges of speech that carry no meaning ("we cant, um, really cover it"). Dropped before phrases are
# matched, on both sides, so a spoken question still says the directory's phrases in a row.
# Not "er": people write "the ER" for the emergency room.
FILLERS = frozenset(["um", "umm", "uhm", "uh", "uhh", "erm", "hmm", "mm", "kinda", "sorta", "basically", "really", "actually", "literally", "honestly", "pues", "eh"])

# Where the Porter stemmer folds two different words together, the word keeps its own stem:
# "accountant" is a person (the one who files), not the "account"; a broker "appointed" is no appointment;
# "thankful" is praise, and "thank you" at the end of an email only good manners.
_STEMS = {"accountant": "accountant", "accountants": "accountant", "appointed": "appointed", "appointing": "appointing", "thankful": "thankful",
          # Porter makes "ate" the preposition "at": "buy bleach at a discount" would read as swallowing it.
          "ate": "ate",
          # "died" is over and "dies" may be about to happen: "he collapsed, what if he dies" is no past event.
          "died": "died",
          # Someone "noticed" something; a "notice" is a letter (the notices an account's contact receives).
          "noticed": "noticed",
          # A "deductible" is the plan's; to "deduct" is payroll's ("deduct 401(k) contributions").
          "deductible": "deductible", "deductibles": "deductible",
          # The carrier, not "up": "UPS lost a box", and "we closed up shop" is no UPS store.
          "ups": "ups"}

# Numbers as people say them on the phone: "fifty five hundred" is 5500, "twenty six" is 26.
_UNITS = {w: n for n, w in enumerate(["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
                                      "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"])}
_TENS = {w: 10 * n for n, w in enumerate(["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]) if w}
_SCALES = {"hundred": 100, "thousand": 1000}


def tokenize(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return _WORD.findall(_APOSTROPHE.sub("", folded))


def words_of(text: str) -> list[str]:
    """The words as the router reads them, on both sides (directory and question): ``tokenize``, and then
    speech evened out: no fillers, numbers in digits, "%" as "percent", a possessive as the person's word."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower().replace("%", " percent ")
    return _particles_together(_spoken_numbers([t for t in tokenize(_POSSESSIVE.sub("", folded)) if t not in FILLERS]))


# "let <someone> go": the verb and its particle, however many words name the person between them.
# Not when the words between are "me", "it", "us" ("let me go over the bill").
_NOT_A_PERSON = frozenset(["me", "it", "us", "you", "that", "this", "them", "him", "her"])


def _particles_together(tokens: list[str]) -> list[str]:
    """ "let our two servers go" reads as "let go our two servers", so "let go" is said in a row."""
    result = list(tokens)
    for i, token in enumerate(tokens):
        if token != "let" or i + 1 >= len(tokens) or tokens[i + 1] in _NOT_A_PERSON:
            continue
        for j in range(i + 2, min(i + 6, len(tokens))):
            if tokens[j] == "go":
                return [*tokens[: i + 1], "go", *tokens[i + 1 : j], *_particles_together(tokens[j + 1 :])]
    return result


def _spoken_numbers(tokens: list[str]) -> list[str]:
    """Number words as digits, where they say a number: two or more in a row, or a tens or teens word.

    A lone "one" or "two" is left alone: it is more often a pronoun or a count ("the new one", "two guys").
    """
    result: list[str] = []
    i = 0
    while i < len(tokens):
        j = i
        while j < len(tokens) and (tokens[j] in _UNITS or tokens[j] in _TENS or (tokens[j] in _SCALES and j > i)):
            j += 1
        run = tokens[i:j]
        if len(run) >= 2 or (run and (run[0] in _TENS or _UNITS.get(run[0], 0) >= 10)):
            result.append(str(_number(run)))
            i = j
        else:
            result.append(tokens[i])
            i += 1
    return result


def _number(words: list[str]) -> int:
    """The value of a run of number words: "fifty five hundred" is (50 + 5) x 100, the way it is said."""
    if all(_UNITS.get(w, 10) < 10 for w in words):  # read digit by digit: "five five zero zero"
        return int("".join(str(_UNITS[w]) for w in words))
    total = current = 0
    for word in words:
        if word in _SCALES:
            current = max(current, 1) * _SCALES[word]
            if _SCALES[word] == 1000:
                total, current = total + current, 0
        else:
            current += _UNITS.get(word, _TENS.get(word, 0))
    return total + current


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return word if word.isdigit() else _STEMS.get(word) or porter_stem(word)


class Words(Protocol):
    """A word list asked only whether it holds a word: a frozenset, or the store's compact dictionary."""

    def __contains__(self, word: object, /) -> bool: ...
    def __len__(self) -> int: ...


# First word → (length, {variant: canonical}) for each length of variant starting with it, longest first.
Rewrites = dict[str, tuple[tuple[int, dict[tuple[str, ...], tuple[str, ...]]], ...]]


@dataclass(frozen=True)
class Vocabulary:
    """What the directory's words look like, for synonyms and typo repair."""

    # variant tokens → canonical tokens, longest variant first, grouped by the variant's first token
    synonyms: Rewrites
    words: frozenset[str]  # every known surface word
    stems: frozenset[str]  # every known stemmed word
    deletes: dict[str, tuple[str, ...]]  # one-deletion variants → known words (SymSpell)
    # Real words from other domains ("stock", "gym"): never "repaired" into a
    # directory word, yet not directory words themselves (a group named
    # "Copperline Electric" is still a business name).
    kept: frozenset[str] = frozenset()
    english: Words = frozenset()  # a dictionary of English words: a real word is never "repaired" into another
    # The directory's own words (topic titles and words, synonym targets, contact names): when a typo is one
    # edit from several known words, one of these is meant before a word only some variant or rule lists
    # ("boker" is "broker", not the job title "baker").
    core: frozenset[str] = frozenset()
    # Each word's repair, once worked out: a question is mostly words asked before, and a repair is a
    # dictionary probe, a deletion set and a sort. Cleared when full, so odd input cannot grow it.
    repaired: dict[str, str] = field(default_factory=dict, compare=False, repr=False)


# Enough for every word a busy day asks; past it the memo starts again.
MAX_REPAIRS = 20_000


def build_vocabulary(directory: Directory, extra_texts: Iterable[str] = (), english: Words = frozenset()) -> Vocabulary:
    pairs: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
    for canonical, variants in directory.synonyms:
        target = tuple(words_of(canonical))
        for variant in variants:
            tokens = tuple(words_of(variant))
            if tokens and tokens != target:
                pairs.append((tokens, target))
    # Each variant also in the words the first pass makes of its single words, for the second pass: "cancelar la
    # cobertura" is then also said as "cancelar la aseguranza", since both words become "coverage" first.
    # A topic's own words are never swallowed that way: "nueva dirección" must not make "new address" mean "address".
    single = {said[0]: meant for said, meant in pairs if len(said) == 1}
    own = {tuple(words_of(w)) for contact in directory.contacts for topic in contact.topics for w in (topic.title, *topic.words)}
    pairs += [
        (reread, meant)
        for said, meant in list(pairs)
        if len(said) > 1 and (reread := tuple(w for t in said for w in single.get(t, (t,)))) != said and reread != meant and reread not in own
    ]
    # Another domain's thing is kept as said: a synonym must not swallow part of it, or the thing is no longer
    # seen ("a life insurance broker" would read as a broker of record). Such a phrase rewrites to itself, and
    # longest first, it wins over the shorter variant inside it.
    rewrites = _by_first(pairs)
    for domain in directory.other_domains:
        for phrase in domain.phrases:
            tokens = tuple(words_of(phrase))
            if len(tokens) > 1 and any(token in rewrites for token in tokens):  # a variant could start inside it
                pairs.append((tokens, tokens))
    by_first = _by_first(pairs)
    words: set[str] = set()
    core_texts = [canonical for canonical, _ in directory.synonyms]
    for contact in directory.contacts:
        core_texts += [contact.name, *(w for topic in contact.topics for w in (topic.title, *topic.words))]
    texts = list(extra_texts)
    for contact in directory.contacts:
        texts += [contact.name, contact.summary]
        for topic in contact.topics:
            texts += [topic.title, *topic.words]
    for rule in directory.rules:
        texts += [*rule.when.written, *rule.when.unless]
    texts += directory.plan_words  # "HMO" is the plan's word, never a typo of "humo"
    for canonical, variants in directory.synonyms:
        texts += [canonical, *variants]
    for text in texts:
        # Long quiet words ("business", "employee", "question") are still known, so a typo of one is repaired.
        words.update(t for t in words_of(text) if t not in QUIET or len(t) >= 6)
    deletes: dict[str, list[str]] = {}
    for word in words:
        if len(word) >= 3 and not word.isdigit():
            for variant in deletions(word):
                deletes.setdefault(variant, []).append(word)
    return Vocabulary(
        synonyms=by_first,
        words=frozenset(words),
        stems=frozenset(stem(w) for w in words),
        deletes={k: tuple(sorted(v)) for k, v in deletes.items()},
        kept=frozenset(t for domain in directory.other_domains for p in domain.phrases for t in tokenize(p)) - words,
        english=english,
        core=frozenset(t for text in core_texts for t in words_of(text) if t not in QUIET),
    )


def _by_first(pairs: list[tuple[tuple[str, ...], tuple[str, ...]]]) -> Rewrites:
    """Variants grouped by their first word and then by length, longest first, each variant once (the first given)."""
    grouped: dict[str, dict[int, dict[tuple[str, ...], tuple[str, ...]]]] = {}
    for said, meant in pairs:
        grouped.setdefault(said[0], {}).setdefault(len(said), {}).setdefault(said, meant)
    return {first: tuple(sorted(by_length.items(), reverse=True)) for first, by_length in grouped.items()}


def deletions(word: str) -> set[str]:
    """The word and every form of it with one letter dropped: two words one edit apart share one of these."""
    return {word[:i] + word[i + 1 :] for i in range(len(word))} | {word}


def apply_synonyms(tokens: Sequence[str], vocab: Vocabulary) -> list[str]:
    """Rewrite variants to their canonical words, longest variant first; then once more over the result.

    The second pass lets one family build on another: "prep cook" becomes "employee", and then
    "let an employee go" is a termination, without listing every job title in every phrase.
    """
    once = _synonyms_once(tokens, vocab.synonyms)
    return once if once == list(tokens) else _synonyms_once(once, vocab.synonyms)


def _synonyms_once(tokens: Sequence[str], synonyms: Rewrites) -> list[str]:
    said = tuple(tokens)
    starts = [i for i, token in enumerate(said) if token in synonyms]
    if not starts:
        return list(said)
    result: list[str] = []
    done = 0  # said[:done] is in result already
    for i in starts:
        if i < done:  # inside a variant already replaced
            continue
        # One slice per length, longest first, instead of one comparison per variant.
        for length, variants in synonyms[said[i]]:
            variant = said[i : i + length]
            canonical = variants.get(variant)
            if canonical is not None and (variant == canonical or not _inside(said, i, canonical)):
                result += said[done:i]
                result += canonical
                done = i + length
                break
    result += said[done:]
    return result


def _inside(tokens: tuple[str, ...], i: int, phrase: tuple[str, ...]) -> bool:
    """True when position i is already part of ``phrase`` ("5500" in "a 5500 report")."""
    n = len(phrase)
    return any(tokens[j : j + n] == phrase for j in range(max(0, i - n + 1), i + 1))


def correct(word: str, vocab: Vocabulary) -> str:
    """The known word one edit away from ``word``, if it is unknown and one is close."""
    return remembered(vocab.repaired, word, MAX_REPAIRS, lambda: _correct(word, vocab))


def _correct(word: str, vocab: Vocabulary) -> str:
    if word in vocab.words or word in vocab.kept or is_english(word, vocab.english) or word in QUIET or len(word) < 3 or word.isdigit() or stem(word) in vocab.stems:
        return word
    candidates: set[str] = set()
    for variant in deletions(word):
        candidates.update(vocab.deletes.get(variant, ()))
    # A short word is one substitution away from too many others ("won" →
    # "non", "near" → "year"), so it is only ever completed ("bil" → "bill").
    fits = (c for c in candidates if one_edit(word, c) and (len(word) > 4 or len(c) > len(word)) and not _inflection(word, c))
    # The directory's own words first; then a dropped letter put back before a changed one (a dropped letter is
    # the commonest slip: "acount" is "account" before "amount"); then the shortest change.
    best = sorted(fits, key=lambda c: (c not in vocab.core, len(c) <= len(word), abs(len(c) - len(word)), c))
    return best[0] if best else word


# Two words typed without the space between them ("howdo", "emailreminders"): each part a word of three
# letters or more, or one of English's little two-letter words (not "re": "renuevo" is Spanish, not "re nuevo").
MIN_PART = 3
_SHORT_WORDS = frozenset({"do", "my", "id", "to", "on", "in", "an", "of", "me", "we", "is", "it", "at", "or", "up", "us", "be", "by", "go", "no", "so", "if", "he", "am"})
MIN_JOINED = 5
# Spanish forms that split into English-looking pieces ("facturado", "despedido", "jubilada", "contiene").
_SPANISH_ENDINGS = ("ado", "ada", "ados", "adas", "ido", "ida", "idos", "idas", "iene", "ienen", "mos")


def joined(word: str, vocab: Vocabulary) -> tuple[str, str] | None:
    """The two known words ``word`` is when the space between them was missed, or None.

    Only for a word nobody knows (not the directory's, not English, not repairable), and only into two
    words the directory or the plain little words of English know, so a name is not cut into pieces.
    """
    if (len(word) < MIN_JOINED or not word.isascii() or not word.isalpha() or word in vocab.words or word in vocab.kept
            or stem(word) in vocab.stems or is_english(word, vocab.english) or word.endswith(_SPANISH_ENDINGS)):
        return None

    def part(piece: str) -> bool:
        # A short piece only as one of English's little words ("ver", "nos" are Spanish); a longer one as a word the
        # directory knows, its safety phrases' too ("notbreathing", "passedout").
        if len(piece) < MIN_PART:
            return piece in _SHORT_WORDS  # not "re": "renuevo" is Spanish, not "re nuevo"
        if len(piece) == MIN_PART:
            return piece in STOPWORDS
        return piece in vocab.words or piece in STOPWORDS

    splits = [(word[:i], word[i:]) for i in range(2, len(word) - 1) if part(word[:i]) and part(word[i:])]
    # The most even split: "emailreminders" is "email reminders", not a short word and a long one.
    return max(splits, key=lambda parts: min(len(parts[0]), len(parts[1])), default=None)


def _inflection(typed: str, known: str) -> bool:
    """True when two words are one word's Spanish forms, not a slip: "física" and "físico", "pasa" and "pasar".

    Spanish endings change with gender and person ("nueva", "nuevo"; "completa", "complete") and the infinitive
    adds an "r" to an "a" or an "i" ("cambia", "cambiar"); a question spelled right must not be shown a
    "correction" into another form. A dropped final "r" after an "e" is an English slip and is still
    repaired ("membe" is "member"); a final vowel typed for another is rare in English (the keys are apart).
    """
    if len(typed) < 4 or len(known) < 4:
        return False
    if len(typed) == len(known):
        return typed[:-1] == known[:-1] and typed[-1] != known[-1] and {typed[-1], known[-1]} <= {"a", "e", "o"}
    short, long = (typed, known) if len(typed) < len(known) else (known, typed)
    return long == short + "r" and short[-1] in "ai"


def is_english(word: str, english: Words) -> bool:
    """The word, or it less a common ending (-s, -es, -ed, -ing), is in the dictionary."""
    if not english:
        return False
    return any(
        form in english
        for form in (word, word[:-1] if word.endswith("s") else "", word[:-2] if word.endswith(("es", "ed")) else "",
                     word[:-3] if word.endswith("ing") else "", word[:-3] + "e" if word.endswith("ing") else "", word[:-1] if word.endswith("ed") else "")
        if len(form) >= 3
    )


def one_edit(a: str, b: str) -> bool:
    """True when a and b differ by one insertion, deletion, substitution or swap."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        return len(diffs) == 2 and diffs[1] == diffs[0] + 1 and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]]
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


@dataclass(frozen=True)
class Analysis:
    """A question as the router sees it."""

    words: tuple[str, ...]  # every word, synonyms applied, corrected and stemmed: for phrases
    surface: tuple[str, ...]  # the same words before stemming, to show people
    terms: tuple[str, ...]  # the meaningful ones, for search
    corrections: tuple[tuple[str, str], ...]  # (as typed, as understood)

    @cached_property
    def word_set(self) -> frozenset[str]:
        return frozenset(self.words)

    @cached_property
    def places(self) -> dict[str, tuple[int, ...]]:
        """Where each word is, so a phrase is looked for only where its first word stands."""
        found: dict[str, list[int]] = {}
        for i, word in enumerate(self.words):
            found.setdefault(word, []).append(i)
        return {word: tuple(at) for word, at in found.items()}

    def says(self, phrase: Sequence[str]) -> bool:
        """True when the question contains these (stemmed) words in a row."""
        if not phrase:
            return False
        starts = self.places.get(phrase[0])
        if not starts:
            return False
        n = len(phrase)
        if n == 1:
            return True
        wanted = tuple(phrase)
        words = self.words
        return any(words[i : i + n] == wanted for i in starts)


def analyze(text: str, vocab: Vocabulary, fix_typos: bool = True, synonyms: bool = True) -> Analysis:
    """``synonyms=False``: the words as said (typos repaired), for checks that a synonym's canonical words would hide."""
    tokens = words_of(text[: MAX_QUERY_CHARS * 4])
    corrections: list[tuple[str, str]] = []
    if fix_typos:
        fixed = []
        for token in tokens:
            better = correct(token, vocab)
            if better != token:
                corrections.append((token, better))
                fixed.append(better)
                continue
            parts = joined(token, vocab)
            if parts:
                corrections.append((token, " ".join(parts)))
            fixed += parts or (token,)
        tokens = fixed
    if synonyms:
        tokens = apply_synonyms(tokens, vocab)
    words = tuple(stem(t) for t in tokens)
    terms = tuple(w for t, w in zip(tokens, words, strict=True) if t not in QUIET and w not in QUIET)
    return Analysis(words=words, surface=tuple(tokens), terms=terms, corrections=tuple(corrections))


def unstem(analysis: Analysis, stems: Sequence[str]) -> list[str]:
    """The question's own words for these stems, in the order they were given."""
    spoken = dict(reversed(list(zip(analysis.words, analysis.surface, strict=True))))
    return [spoken.get(s, s) for s in stems]


def index_terms(text: str, vocab: Vocabulary) -> list[str]:
    """Directory text as indexed: no typo repair, so the directory defines the words."""
    return list(analyze(text, vocab, fix_typos=False).terms)


def contains_phrase(words: Sequence[str], phrase: Sequence[str]) -> bool:
    n = len(phrase)
    if n == 0 or n > len(words):
        return False
    first = phrase[0]
    return any(words[i] == first and tuple(words[i : i + n]) == tuple(phrase) for i in range(len(words) - n + 1))


# Where one need ends and another begins. English and Spanish connectors, not facts about the business.
# "additive" boundaries add a second request ("..., and also ...", "Plus ..."): the first one said is the primary.
# A "but" boundary names an obstacle to the same request: the question as a whole still decides the primary.
_ADDITIVE = re.compile(
    r"(?:,\s*|\s+)(?:and\s+also|and\s+then|and\s+after\s+that|and\s+going\s+forward|and\s+while\s+i\s+have\s+you|while\s+i\s+have\s+you"
    r"|plus|y\s+también|y\s+luego|y\s+además)\s+"
    r"|,\s*(?:also|then|además|también),?\s+",
    re.IGNORECASE,
)
# "and" before a new subject or question word may start a second request; whether it does, the clause's own words say.
_AND_NEW = re.compile(
    r"\s+and\s+(?=(?:i|we|i'm|im|i'd|i'll|ive|we'd|we're|can|could|who|what|how|where|when|he|she|they|once|my)\s)|,\s*(?=(?:who|what|how|where|when|can|could)\s)",
    re.IGNORECASE,
)
# A clause that asks for something or names a problem, not one that only sets the scene ("I'm a member", "money is tight").
_ASKS = re.compile(
    r"\?|^(?:\W*(?:and|so|um|uh|also|oh)\s+)*(?:how|what|where|who|which|when|can|could|do|does|is|are|should|will|would)\b"
    r"|\b(?:need|needs|needed|want|wants|wanted|wanna|like\s+to|would\s+like|i'd\s+like|we'd\s+like|can\s+i|can\s+we|can\s+you|can't|cannot|cant"
    r"|please|help|is\s+there|are\s+there|send|set\s+up|order|change|update|ask|asked|asking|tell|doesn't|doesnt"
    r"|don't|isn't|won't|wont|wrong|locked|error|stuck|crashed|broken|keeps|(?:have|got)\s+(?:\w+\s+){0,2}questions?|tengo\s+(?:\w+\s+){0,2}preguntas?|ran\s+out|run\s+out|running\s+out|lost|missing|necesito|necesitamos|quiero|queremos|quisiera|cómo|dónde|quién|puedo|podemos|ayuda)\b",
    re.IGNORECASE,
)
_THEN = re.compile(r"\b(?:then|after\s+that|luego)\b", re.IGNORECASE)  # the additive connectors that tell a sequence
_ONLY_CONNECTOR = re.compile(r"^(?:and|also|plus|then|and\s+also|oh\s+and|y|también|además|y\s+también)$", re.IGNORECASE)
_COMMA_AND = re.compile(r",\s*and\s+|,\s*y\s+", re.IGNORECASE)
_BUT = re.compile(r"(?:,\s*|\s+)(?:but|pero)\s+", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.?!;])\s+")
_ADDS_ON = re.compile(r"^(?:and|also|plus|oh\s+and|one\s+more\s+thing|another\s+thing|y|también|además)\b|\balso\b|\btambién\b|\bas\s+well\b", re.IGNORECASE)
# A clause that points back at the one before ("... and I'd like to raise it with someone") continues that need.
_POINTS_BACK = re.compile(r"\b(?:it|that|this|them|those|lo|la|eso)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Clause:
    """One part of a question that may hold its own need."""

    text: str
    adds: bool  # it begins at an additive boundary ("and also", "Plus"): a second request, not context
    but: bool = False  # it begins at "but": an obstacle to the request before it
    asks: bool = True  # it asks for something or names a problem itself, or is joined on as a request ("plus ...")
    said_also: bool = False  # joined by words that say "a second thing" ("and also", "plus"), not only by "and"


def clauses(text: str) -> tuple[Clause, ...]:
    """The question cut where a second need may begin; one clause when it holds none."""
    found: list[Clause] = []
    for number, sentence in enumerate(s for s in _SENTENCE.split(text[: MAX_QUERY_CHARS * 4].strip()) if s.strip()):
        adds = number > 0 and bool(_ADDS_ON.search(sentence))
        for piece_number, piece in enumerate(_split(sentence)):
            body, kind, joint = piece
            if not _WORD.search(body.lower()):
                continue
            if kind == "then":
                # "It spins for a minute and then throws an error": what happened next in a story, not a second
                # request, unless the piece before asked for something itself ("Send me the bill, then ...").
                if piece_number > 0 and found and not found[-1].asks:
                    before = found.pop()
                    # Joined by the words the person used ("y luego", "and after that"), as they wrote them.
                    found.append(replace(before, text=f"{before.text} {joint} {body}", asks=bool(_ASKS.search(body))))
                    continue
                kind = "adds"
            asks = kind == "adds" or bool(_ASKS.search(body))
            if piece_number > 0 and kind != "adds" and found and _POINTS_BACK.search(body):
                before = found.pop()
                found.append(replace(before, text=f"{before.text} {body}", asks=before.asks or asks))
                continue
            if piece_number == 0:
                found.append(Clause(body, adds, asks=asks or adds, said_also=adds))
            else:
                found.append(Clause(body, kind in ("adds", "and"), but=kind == "but", asks=asks, said_also=kind == "adds"))
    return tuple(found) if len(found) > 1 else (Clause(text, False),)


def _split(sentence: str) -> list[tuple[str, str, str]]:
    """The sentence's pieces: each with the kind of connector before it and that connector's own words."""
    marks = sorted(
        [(m.start(), m.end(), "then" if _THEN.search(m.group()) else "adds") for m in _ADDITIVE.finditer(sentence)]
        + [(m.start(), m.end(), "and") for m in _COMMA_AND.finditer(sentence)]
        + [(m.start(), m.end(), "and") for m in _AND_NEW.finditer(sentence)]
        + [(m.start(), m.end(), "but") for m in _BUT.finditer(sentence)],
        key=lambda mark: (mark[0], -mark[1]),  # at one place the longest connector cuts: ", and also" over ", and"
    )
    pieces: list[tuple[str, str, str]] = []
    start, kind, joint = 0, "", ""
    for begin, end, mark in marks:
        if begin < start:  # overlapping connectors (", and also"): the first found cuts
            continue
        pieces.append((sentence[start:begin], kind, joint))
        start, kind, joint = end, mark, sentence[begin:end].strip(" ,")
    pieces.append((sentence[start:], kind, joint))
    kept: list[tuple[str, str, str]] = []
    carried = ""
    for text, kind, joint in ((p.strip(" ,"), k, j) for p, k, j in pieces):
        if not text:
            continue
        if _ONLY_CONNECTOR.match(text):  # "Also, can I ...": the connector alone joins the piece after it
            carried = "adds"
            continue
        kept.append((text, carried or kind, joint))
        carried = ""
    return kept
