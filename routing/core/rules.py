"""Deciding whom to contact: safety rules, then ordered rules, then search.

Pure: the directory, its index, the question, the channel and the instant
come in; a Decision comes out. Every channel (page, API, IVR, mail, triage)
formats this one decision and never decides on its own.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TypedDict

from routing.core import domains, i18n, safety, wording
from routing.core.email.group_names import signature_start
from routing.core.email.language import question_language
from routing.core.examples import ExampleIndex, quotable
from routing.core.hours import describe_week, status
from routing.core.i18n import _, localized
from routing.core.model import OFF_TOPIC, Contact, ContactKind, Directory, HoursKind, OtherDomain, Rule, Topic
from routing.core.search import Hit, Searcher
from routing.core.text import MAX_QUERY_CHARS, Analysis, Clause, analyze, clauses, index_terms, tokenize, unstem

CONFIDENT = 0.5
RULE_CONFIDENCE = 0.9
SAFETY_CONFIDENCE = 0.99
FALLBACK_CONFIDENCE = 0.2
# Contacts a person answers: the ones that can share a subject as equals.
PEOPLE = (ContactKind.TEAM, ContactKind.HELP_LINE)
# Words that ask how to send something, and the written way each names ("" for any).
SENDING_WORDS = {"fax": "fax", "email": "email", "mail": "email", "send": "", "submit": ""}
# A written way whose purpose says "other" takes whatever the contact's other ways do not ("Fax all other information").
REMAINDER_WORDS = frozenset({"other", "else"})


@dataclass(frozen=True)
class SelfService:
    """A way to do the task alone: where on which site."""

    contact: Contact
    topic: Topic

    @property
    def where(self) -> str:
        """The section of the site, or "" when the seeds name only the site."""
        return wording.section(self.contact, self.topic)

    @property
    def note(self) -> str:
        return wording.on_site(self.contact, self.topic, also=True)


@dataclass(frozen=True)
class Handler:
    """One more team the directory lists for the same subject, with the topic that is its part."""

    contact: Contact
    topic: Topic


@dataclass(frozen=True)
class WrittenWay:
    kind: str  # "email" or "fax"
    address: str  # the address, or the fax number as people write it
    purpose: str  # as the directory gives it
    fits: bool  # its purpose covers what the question is about
    sentence: str


@dataclass(frozen=True)
class Sending:
    """How to send what the question is about, by the purposes the directory gives the contact's email and fax."""

    asked: str  # the way the question named: "email", "fax", or "" for just "send"
    ways: tuple[WrittenWay, ...]  # the ones whose purpose fits first
    lead: str = ""  # "Send this by email, not by fax." when the asked way is for other things

    @property
    def sentences(self) -> tuple[str, ...]:
        return tuple(filter(None, (self.lead, *(way.sentence for way in self.ways))))


class _Asked(TypedDict):
    """What every decision repeats of the question: passed whole into ``Decision``."""

    query: str
    channel: str
    at: datetime
    corrections: tuple[tuple[str, str], ...]
    topics: tuple[str, ...]


@dataclass(frozen=True)
class AlsoNeeded:
    """A second need in the same question, with the contact for it and why."""

    contact: Contact
    reason: str
    topic: Topic | None = None
    said: str = ""  # the part of the question that asks for it


@dataclass(frozen=True)
class Clarify:
    """Two teams fit about equally: both, and the question whose answer decides between them."""

    contacts: tuple[Contact, Contact]
    topics: tuple[Topic, Topic]
    question: str


@dataclass(frozen=True)
class Decision:
    query: str
    channel: str
    at: datetime
    contact: Contact
    alternatives: tuple[Contact, ...]
    reason: str
    confidence: float
    topic: Topic | None = None
    rule: Rule | None = None
    matched: tuple[str, ...] = ()  # the words of the question that decided it
    notes: tuple[str, ...] = ()
    self_service: SelfService | None = None
    corrections: tuple[tuple[str, str], ...] = ()
    fallback: bool = False
    safety: bool = False
    offtopic: bool = False  # about something else (car insurance, phones): said plainly, never answered confidently
    topics: tuple[str, ...] = field(default=())  # every topic id search found, best first
    rule_matched: tuple[str, ...] = ()  # the rule's phrases the question said, when a rule decided
    shared: tuple[Handler, ...] = ()  # other teams listed for the same subject: equals of ``contact``, not alternatives
    shared_subject: str = ""  # the subject they share, in the directory's words ("eligibility")
    self_service_first: bool = False  # the team is closed and the website open: offer the website first
    sending: Sending | None = None  # asked how to send something: which written way is for it
    also_needed: tuple[AlsoNeeded, ...] = ()  # a second need the question names: its own contact and reason
    clarify: Clarify | None = None  # two teams fit about equally: which question decides
    example: str = ""  # the example question whose neighbours decided it, when examples did
    hours_question: bool = False  # asked when the contact is open: the reason states its hours

    @property
    def confident(self) -> bool:
        return self.confidence >= CONFIDENT



Words = tuple[str, ...]


@dataclass(frozen=True)
class _RuleWords:
    """One rule's phrases as words, as sets where only "is any of them said?" matters."""

    unless: frozenset[Words]
    concepts: tuple[tuple[tuple[tuple[str, Words], ...], frozenset[Words]], ...]
    phrases: tuple[tuple[str, Words], ...]
    any_phrase: frozenset[Words]
    all_words: frozenset[Words]
    alone: tuple[tuple[str, Words], ...] = ()  # enough when the question says nothing else
    signs: tuple[tuple[tuple[tuple[str, Words], ...], frozenset[Words]], ...] = ()  # groups, like concepts
    signs_needed: int = 0


@dataclass(frozen=True)
class _PhraseIndex:
    """Every phrase the rules and other domains name, as words, grouped by first word.

    A question finds all the phrases it says in one pass over its own words
    (``said``); each rule then asks set questions of that, instead of asking
    for each of its phrases in turn. ``said`` holds exactly the phrases for
    which ``analysis.says(index.phrase_words(phrase))`` is true.
    """

    directory: Directory
    by_first: dict[str, tuple[tuple[int, frozenset[Words]], ...]]  # first word → (length, the phrases of that length)
    rules: tuple[_RuleWords, ...]  # in the order of ``directory.rules``
    other: tuple[tuple[OtherDomain, str, Words], ...]
    any_other: frozenset[Words]
    safety_words: frozenset[str] = frozenset()  # the safety rules' words, as typed: typos of them are repaired for those rules
    safety_pairs: safety.Pairs = field(default_factory=safety.Pairs)  # two words in a row in a safety phrase: one typo'd beside the other is read as it
    plan_words: frozenset[Words] = frozenset()  # the phrases that name the plan itself ("health plan"), as words
    # A rule can match only when the question says one phrase of its first requirement (its first concept
    # group, else its phrases, else its all-words): each such phrase → the rules it lets in, by position.
    # The rules with no words to require are always asked.
    gates: dict[Words, tuple[int, ...]] = field(default_factory=dict)
    ungated: tuple[int, ...] = ()
    # The words of the rules that only reorder the answer ("who do I call", "fax"): asking for a person, not a need.
    asking: frozenset[str] = frozenset()

    def candidates(self, said: frozenset[Words]) -> list[int]:
        """The positions of the rules that may match, in order; the others cannot."""
        found = set(self.ungated)
        for phrase in said:
            found.update(self.gates.get(phrase, ()))
        return sorted(found)

    @classmethod
    def of(cls, index: Searcher) -> _PhraseIndex:
        directory = index.directory
        words = index.phrase_words
        rules = []
        every: list[Words] = []
        for rule in directory.rules:
            when = rule.when
            phrases = tuple((p, words(p)) for p in when.phrases)
            concepts = tuple((group, frozenset(w for _, w in group)) for group in (tuple((p, words(p)) for p in g) for g in when.concepts))
            unless = frozenset(words(p) for p in when.unless)
            all_words = frozenset(words(w) for w in when.all_words)
            alone = tuple((p, words(p)) for p in when.alone)
            signs = tuple((group, frozenset(w for _, w in group)) for group in (tuple((p, words(p)) for p in g) for g in when.signs))
            rules.append(_RuleWords(unless, concepts, phrases, frozenset(w for _, w in phrases), all_words, alone, signs, when.signs_needed))
            every += [*unless, *all_words, *(w for _, w in phrases), *(w for _, group in (*concepts, *signs) for w in group), *(w for _, w in alone)]
        other = tuple((domain, p, words(p)) for domain in directory.other_domains for p in domain.phrases)
        every += [w for _, _, w in other]
        # As said, without synonyms: "medical insurance" folds into plain "coverage" there, and any question
        # saying "coverage" (a phone carrier's "coverage area") would seem to name the plan. The question is
        # read as said for them too (``_plan_need_stays``).
        plan_words = frozenset(analyze(p, index.vocab, fix_typos=False, synonyms=False).words for p in directory.plan_words)
        every += plan_words
        grouped: dict[str, dict[Words, None]] = {}
        for said in every:
            if said:  # a phrase of no words is never said
                grouped.setdefault(said[0], {})[said] = None
        by_first = {first: _by_length(found) for first, found in grouped.items()}
        gates: dict[Words, list[int]] = {}
        ungated: list[int] = []
        for position, rule_words in enumerate(rules):
            gate = rule_words.concepts[0][1] if rule_words.concepts else rule_words.any_phrase or rule_words.all_words
            if not gate and rule_words.signs:
                gate = frozenset().union(*(group for _, group in rule_words.signs))  # any sign lets the rule be asked
            gate = gate | {w for _, w in rule_words.alone} if gate else frozenset(w for _, w in rule_words.alone)
            if not gate:
                ungated.append(position)
            for phrase in gate:
                gates.setdefault(phrase, []).append(position)
        asking = frozenset(w for rule in directory.rules if rule.prefer and not rule.route for p in rule.when.phrases for w in words(p))
        return cls(directory, by_first, tuple(rules), other, frozenset(w for _, _, w in other), safety.safety_words(directory.rules),
                   safety.safety_pairs(directory.rules), plan_words, {phrase: tuple(at) for phrase, at in gates.items()}, tuple(ungated), asking)

    def said(self, analysis: Analysis) -> frozenset[Words]:
        # One slice per length of phrase that starts with the word, not one comparison per phrase: the
        # commonest first words ("not", "can't", "my") start dozens of phrases.
        words = analysis.words
        by_first = self.by_first
        found = []
        for i, word in enumerate(words):
            for length, phrases in by_first.get(word, ()):
                said = words[i : i + length]
                if said in phrases:
                    found.append(said)
        return frozenset(found)


def _by_length(phrases: Iterable[Words]) -> tuple[tuple[int, frozenset[Words]], ...]:
    grouped: dict[int, set[Words]] = {}
    for phrase in phrases:
        grouped.setdefault(len(phrase), set()).add(phrase)
    return tuple((length, frozenset(found)) for length, found in sorted(grouped.items()))


# One phrase index per search index (each has its own directory and vocabulary), dropped with it.
_PHRASE_INDEXES: weakref.WeakKeyDictionary[Searcher, _PhraseIndex] = weakref.WeakKeyDictionary()


def _phrases(index: Searcher) -> _PhraseIndex:
    try:
        found = _PHRASE_INDEXES.get(index)
    except TypeError:  # a searcher that cannot be weakly referenced or hashed: build it for this question only
        return _PhraseIndex.of(index)
    if found is None or found.directory is not index.directory:
        found = _PHRASE_INDEXES[index] = _PhraseIndex.of(index)
    return found


def warm_phrases(index: Searcher) -> None:
    """Build the phrase and example indexes now (at start), not on the first question."""
    _phrases(index)
    _examples(index)


_EXAMPLE_INDEXES: weakref.WeakKeyDictionary[Searcher, tuple[Directory, ExampleIndex]] = weakref.WeakKeyDictionary()


def _examples(index: Searcher) -> ExampleIndex:
    def build() -> ExampleIndex:
        return ExampleIndex(index.directory.examples, lambda text: analyze(text, index.vocab).terms)

    try:
        found = _EXAMPLE_INDEXES.get(index)
    except TypeError:
        return build()
    if found is None or found[0] is not index.directory:
        found = _EXAMPLE_INDEXES[index] = (index.directory, build())
    return found[1]


# An answer no rule gave and search found only weakly: what the examples most like the question say instead.
WEAK = 0.55
EXAMPLE_CONFIDENCE = 0.6


def _from_examples(
    directory: Directory, index: Searcher, analysis: Analysis, hits: list[Hit], base: _Asked, decision: Decision, *, about_plan: bool = False,
) -> Decision:
    if decision.rule is not None or decision.confidence > WEAK:
        return decision
    if decision.fallback and _asks_hours(analysis):
        return decision  # "what are your hours?": the general line's, answered with its hours below

    examples = _examples(index)
    nearest = examples.nearest(analysis.terms)
    if nearest is None or nearest.contact_id == decision.contact.id:
        return decision
    # "Not the plan's" never where the plan is named: a doctor for an employee is the plan's whatever the framing.
    if nearest.contact_id == OFF_TOPIC and about_plan:
        return decision
    # No vote that says nothing of what search found overrules it: "el formulario de COBRA por correo" names COBRA,
    # and the nearest examples (a bill copy, a termination form) are alike only in "I need the form".
    if hits and not decision.fallback and not examples.say_any(nearest.voters, hits[0].matched):
        return decision
    general = directory.contact(directory.fallback)
    if nearest.contact_id == OFF_TOPIC:
        reason = wording.not_the_plan(general)
        return Decision(contact=general, alternatives=(), reason=reason, confidence=FALLBACK_CONFIDENCE, fallback=True, offtopic=True,
                        example=nearest.example, **base)
    contact = directory.contact(nearest.contact_id)
    quoted = _quoted(index, [examples.text(n) for n in nearest.voters], question_language(base["query"]))
    # The topic is the one the quoted example is about (its own best topic with this contact), not whatever the
    # question's words happened to hit: the contact card leads with it, and offers its self-service way.
    about = quoted or nearest.example
    topic = next((directory.topic(h.topic_id)[1] for h in index.search(analyze(about, index.vocab).terms) if h.contact_id == contact.id), None)
    if quoted:
        reason = wording.like_examples(contact, quoted)
    elif topic is not None:
        reason = wording.handled_by(contact, topic)
    else:
        reason = wording.like_examples(contact, nearest.example)
    return Decision(
        contact=contact,
        alternatives=tuple(c for c in _unique([decision.contact, *decision.alternatives], exclude=contact) if c.id != general.id or not decision.fallback)[:3],
        reason=reason,
        confidence=EXAMPLE_CONFIDENCE,
        example=quoted or nearest.example,
        topic=topic,
        self_service=_self_service(directory, topic) if topic is not None else None,
        **base,
    )


def route(index: Searcher, question: str, channel: str, now: datetime) -> Decision:
    text = without_signature(question)
    decision, analysis = _route_once(index, text, channel, now)
    if text != question and not decision.safety and not _phrases(index).safety_words.isdisjoint(set(tokenize(question)) - set(tokenize(text))):
        # Whatever was read as a signature is still read for danger: a safety word is never left out with it.
        whole, whole_analysis = _route_once(index, question, channel, now)
        if whole.safety:
            decision, analysis = whole, whole_analysis
    parts = clauses(text)
    if len(parts) > 1 and not decision.offtopic:
        decision = _two_needs(index, decision, parts, channel, now)
    if decision.also_needed or decision.safety:
        decision = replace(decision, clarify=None)
    if _asks_hours(analysis) and not decision.safety and not decision.offtopic:
        decision = _hours_answer(_site_named(index.directory, text, decision))
    return decision if text == question else replace(decision, query=question)


def without_signature(text: str) -> str:
    """A written request without its sign-off and what follows: "Thanks, / Omar / Sierra Vet Clinic" is who, not what.

    Only from a closing line on ("Thanks,", "Best regards"), and only below the first line: a business name in
    the signature must not make a plan question look like another domain's. A mail program's tagline ("Sent
    from my iPhone") goes wherever it is, and a sign-off run into the last sentence ("... Please update. --
    Jess Morales, Heartland Grocery") goes when what follows it is shaped like a signature.
    """
    text = _inline_sign_off(_TAGLINE.sub("", text))
    if "\n" not in text:
        return text
    lines = text.split("\n")
    # The signature separator mail programs write ("-- " on its own line): everything below it is the signature.
    cut = next((i for i, line in enumerate(lines) if i and line.rstrip() == "--" and any(x.strip() for x in lines[:i])), None)
    if cut is not None:
        return "\n".join(lines[:cut])
    lines = _without_closing_blocks(lines)
    text = "\n".join(lines)
    start = signature_start(lines, frozenset())
    if not start or not any(line.strip() for line in lines[:start]):
        return text
    # Only a tail shaped like a signature goes (names, titles, a company, a phone or an address), never a
    # sentence said after "Thanks" ("Thanks / also my coworker collapsed and isn't breathing").
    return "\n".join(lines[:start]) if all(_signature_line(line) for line in lines[start + 1 :]) else text


# A signature line: short, not a question, and mostly capitalised words, digits or an address.
SIGNATURE_WORDS = 8
SIGNATURE_LINES = 6  # the most lines a signature without a closing runs to

# A legal notice a company's mail server adds under every message.
_DISCLAIMER = re.compile(r"^\s*(?:confidentiality notice|this (?:e-?mail|message)(?: and any attachments?)? (?:is|are|may)|the information (?:in|contained in) this (?:e-?mail|message))", re.IGNORECASE)
# What a mail program adds under a message written on a phone: not the sender's words.
_TAGLINE = re.compile(
    r"(?:^|(?<=\s))(?:sent\s+(?:from|with|via)\s+(?:my\s+)?(?:iphone|ipad|android|galaxy|samsung|pixel|mobile|phone|smartphone|"
    r"outlook|gmail|yahoo|mail\s+for|blackberry)[^\n]*|get\s+outlook\s+for\s+(?:ios|android)[^\n]*|"
    r"enviado\s+desde\s+mi\s+(?:iphone|ipad|android|celular|teléfono|telefono|samsung|galaxy)[^\n]*)",
    re.IGNORECASE,
)
# A sign-off after the last sentence, on the same line: "... Regards, Helen Park, Park & Associates", "... - Angela, Paper Trail Printing".
_INLINE_SIGN_OFF = re.compile(
    r"(?<=[.!?])\s+(?:(?:--?|–|—)\s*|(?:thanks?(?:\s+you)?|thank\s+you|regards|best(?:\s+regards)?|kind\s+regards|cheers|sincerely|gracias|saludos|atentamente)\s*[,.!]\s*)"
    r"(?P<tail>[^.?!\n]*)$",
    re.IGNORECASE,
)


def _without_closing_blocks(lines: list[str]) -> list[str]:
    """The message without what closes it with no "Thanks": a legal notice, then a name-and-company block.

    Only the last paragraphs go, each only when it is a disclaimer, or a few lines all shaped like a signature
    that start with a name; never the first paragraph.
    """
    end = len(lines)
    while True:
        while end and not lines[end - 1].strip():
            end -= 1
        start = end
        while start and lines[start - 1].strip():
            start -= 1
        if start == 0:
            return lines[:end]
        block = lines[start:end]
        named = 0 < len(block) <= SIGNATURE_LINES and all(_signature_line(line) for line in block) and 2 <= len(block[0].split()) <= 4
        if not (named or _DISCLAIMER.match(block[0])):
            return lines[:end]
        end = start


def _inline_sign_off(text: str) -> str:
    body = text.rstrip()
    found = _INLINE_SIGN_OFF.search(body)
    if found is None or not found.group("tail").strip() or not _signature_line(found.group("tail").replace(",", " ")):
        return text
    return body[: found.start()]


def _signature_line(line: str) -> bool:
    words = line.split()
    if not words:
        return True
    if len(words) > SIGNATURE_WORDS or line.rstrip().endswith(("?", "!")):
        return False
    shaped = sum(1 for w in words if w[:1].isupper() or w[:1].isdigit() or "@" in w or w[:1] in "(+-–—|")
    return 2 * shaped >= len(words) and (words[0][:1].isupper() or not words[0][:1].isalpha())


def _site_named(directory: Directory, question: str, decision: Decision) -> Decision:
    """An hours question that names a website ("what hours can I use account.kp.org?") is about that site's hours.

    Teams are named through the synonyms already; a site's name is also a word of other topics
    ("accessing account information on account.kp.org"), so search alone may answer with a team. A rule's
    answer ("what are the help line's hours? I can't log in to account.kp.org") and a team named by its
    own name keep their team: the site is then only mentioned.
    """
    said = tokenize(question)
    if decision.rule is not None or _names(said, tokenize(decision.contact.name)):
        return decision
    best: tuple[int, Contact] | None = None
    for contact in directory.contacts:
        if contact.kind not in (ContactKind.SELF_SERVICE_SITE, ContactKind.MEMBERS_SITE):
            continue
        name = tokenize(wording.site_name(contact))
        if _names(said, name) and (best is None or len(name) > best[0]):
            best = (len(name), contact)
    if best is None or best[1].id == decision.contact.id:
        return decision
    site = best[1]
    others = tuple(c for c in (decision.contact, *decision.alternatives) if c.id != site.id and not decision.fallback)
    return replace(decision, contact=site, alternatives=others[:3], topic=None, self_service=None, rule=None, matched=(), rule_matched=(),
                   reason="", confidence=RULE_CONFIDENCE, fallback=False, sending=None, also_needed=(), notes=())


def _route_once(index: Searcher, question: str, channel: str, now: datetime) -> tuple[Decision, Analysis]:
    directory = index.directory
    analysis = analyze(question, index.vocab)
    hits = index.search(analysis.terms)
    topics = tuple(hit.topic_id for hit in hits)
    base: _Asked = {"query": question, "channel": channel, "at": now, "corrections": analysis.corrections, "topics": topics}
    phrases = _phrases(index)
    said = phrases.said(analysis)
    decision = _decide(directory, index, analysis, hits, base, channel, now, phrases, said)
    if decision.safety:
        return decision, analysis
    other = _other_domain(phrases, said)
    # Once the plan itself is named, or the other domain's thing is the employer itself, the question is about
    # the plan: an example may say which team, never that it is not the plan's.
    about_plan = not said.isdisjoint(phrases.plan_words)
    if other is not None and domains.only_set_aside(analysis.words, analysis.surface, said & phrases.any_other):
        other, about_plan = None, True  # "this is Dana from the nail salon": a nail salon is an employer, with a plan
    if other is not None and not _plan_need_stays(index, phrases, analysis, said, hits, question):
        domain, phrase = other
        return _off_topic(directory, domain, phrase, base), analysis
    decision = _from_examples(directory, index, analysis, hits, base, decision, about_plan=about_plan)
    return _finish(directory, index, analysis, decision, now), analysis


def _quoted(index: Searcher, texts: list[str], language: str) -> str:
    """The first of these examples that reads well as a reason: typed cleanly, in the question's language, no word mended."""
    for text in texts:
        if quotable(text) and question_language(text) == language and not analyze(text, index.vocab).corrections:
            return text
    return ""


# A scene and its request are told in the first few sentences; the rest of a long message is not read for it.
MAX_SENTENCES = 6


def _plan_need_stays(index: Searcher, phrases: _PhraseIndex, analysis: Analysis, said: frozenset[Words], hits: list[Hit], question: str) -> bool:
    """A question that names another domain's thing: whether it still asks the plan for something."""
    matched = hits[0].matched if hits else ()
    other = said & phrases.any_other
    if domains.names_plan_beside(analysis.words, analysis.surface, other, said & phrases.plan_words):
        return True
    # A synonym may have put a plan word into its canonical words ("pay the premium late" reads as a payment
    # arrangement): the words as said are read again for the plan's own words.
    plain = analyze(question, index.vocab, synonyms=False)
    plain_said = phrases.said(plain)
    if domains.names_plan_beside(plain.words, plain.surface, plain_said & phrases.any_other, plain_said & phrases.plan_words):
        return True
    # The other thing only sets the scene and the request is the plan's: "Walk-ins at our hair salon
    # dropped off. Can we go to something cheaper now?" (a hair salon is an employer too).
    # In one sentence the two are bound together ("My Netflix account got locked, can you help me sign in?").
    told = domains.sentences(question[: MAX_QUERY_CHARS * 4])[:MAX_SENTENCES]  # each sentence costs a reading and a search
    if len(told) < 2:
        # Told in one breath, enough of the plan's words beside the other thing is a plan need of its own,
        # unless two other things are named ("our workers' comp carrier wants a payroll audit"): the words are theirs.
        return domains.things(analysis.words, other) < 2 and domains.enough_plan_words(analysis.words, analysis.surface, other, matched)
    # Told in sentences, the count of plan words says less than which sentence asks what: "Our Verizon plan
    # renews next month. Can I drop down to fewer lines?" has plenty, and all of them are the phone plan's.
    plan_request = False
    # A scene whose other thing owns one of the plan's words ("I lost my gym membership card.", "Our cell phone
    # plan renews next month.") is what a next question for the same team asks about ("How do I get a
    # replacement?"), unless that question names the plan itself. One for another team asks the plan ("Our yoga
    # studio lost two instructors. Can we move to a cheaper plan?").
    owned: set[str] = set()
    owned_words: set[str] = set()  # the words the scene's other thing owns ("phone plan", "bill" in "our phone plan bill")
    for sentence in told:
        said_there = analyze(sentence, index.vocab)
        other_there = phrases.said(said_there) & phrases.any_other
        if other_there:
            if domains.is_question(sentence):
                return False  # the other thing is what is asked about
            owned.update(_owned_plan_team(index, said_there, other_there))
            at = domains.spans(said_there.words, other_there)
            owned_words.update(said_there.words[i] for i in domains.compound(said_there.surface, at) | domains.tied(said_there.surface, at))
            continue
        if domains.asks_for_something(sentence) and domains.POINTING.isdisjoint(tokenize(sentence)):  # "How do I cancel it?" asks about the other thing
            found = index.search(said_there.terms)
            if found and found[0].contact_id in owned and not _names_plan(index, phrases, sentence):
                continue
            # "Can we switch to a cheaper plan?" after "Our phone plan bill is too high.": the plan asked about is the phone plan.
            if found and not owned_words.isdisjoint(analyze(sentence, index.vocab, synonyms=False).terms) and not _names_plan(index, phrases, sentence):
                continue
            if found and phrases.asking.issuperset(found[0].matched):  # "Who do I talk to?" asks whom, about the other thing
                continue
            plan_request = plan_request or bool(found and _confidence(said_there, found[0]) >= CONFIDENT)
    return plan_request


def _owned_plan_team(index: Searcher, analysis: Analysis, other: frozenset[Words]) -> tuple[str, ...]:
    """The team of the plan's best topic when a word it matches stands inside the other thing ("gym membership card")."""
    found = index.search(analysis.terms)
    if not found:
        return ()
    at = domains.spans(analysis.words, other)
    own = domains.compound(analysis.surface, at) | domains.tied(analysis.surface, at)
    matched = set(found[0].matched)
    return (found[0].contact_id,) if any(analysis.words[i] in matched for i in own) else ()


def _names_plan(index: Searcher, phrases: _PhraseIndex, text: str) -> bool:
    return not phrases.said(analyze(text, index.vocab, fix_typos=False, synonyms=False)).isdisjoint(phrases.plan_words)


# A question names at most this many needs worth routing apart; each part costs one more search.
MAX_NEEDS = 3


def _two_needs(index: Searcher, whole: Decision, parts: tuple[Clause, ...], channel: str, now: datetime) -> Decision:
    """Route each part of a question that asks for two things: the first need said leads, the next is listed with its reason.

    Only parts that stand on their own (a confident answer, no emergency, nothing off-topic) count. The whole question's
    answer stays the primary unless the parts were joined as two requests ("..., and also ...") and the whole
    question's answer is one of the parts': then the first request said leads.
    """
    if not (whole.safety or any(part.adds or part.but for part in parts)):
        return whole  # sentences of context before the question ("She is leaving. What are her COBRA options?")
    found = []
    part_rules: set[str] = set()  # the rules that decided some part read alone
    scene = ""  # a part that only sets the scene ("A new hire starts Monday.") is read with the request after it
    for number, part in enumerate(parts[:MAX_NEEDS]):
        if not (part.asks or whole.safety) and number + 1 < len(parts):
            scene = f"{scene}{part.text.strip()} "
            continue
        decision, _analysis = _route_once(index, scene + part.text, channel, now)
        scene = ""
        if decision.rule is not None:
            part_rules.add(decision.rule.id)
        # A part counts when it asks for something or names a problem; beside an emergency, any part that names a team.
        if (part.asks or whole.safety) and decision.confident and not (decision.fallback or decision.offtopic or decision.safety):
            found.append((number, part, decision))
    if not found:
        return whole
    primary = whole
    contacts = {d.contact.id for _, _, d in found}
    first_at, _first_part, first = found[0]
    adds_later = any(part.adds for number, part, _ in found if number > first_at)
    if (
        not whole.safety
        and adds_later
        and len(contacts) > 1
        and first.contact.id != whole.contact.id
        and whole.confident
        and whole.contact.id in contacts  # a short part is easily "confident": it never makes an unsure question sure
        # A situation only the whole question names ("what do they pay to see a specialist, and do they need a
        # referral?") is not overruled by a part that, read alone, says half of it, unless the question itself
        # says it asks a second thing ("..., and also ...").
        and not (whole.rule is not None and not whole.rule.prefer and whole.rule.id not in part_rules and not any(p.said_also for p in parts))
    ):
        primary = replace(first, query=whole.query, corrections=whole.corrections)
    elif whole.example and not first.example and first.contact.id == whole.contact.id:
        # The examples agree with the first request read alone, which says why in the directory's own words.
        primary = replace(first, query=whole.query, corrections=whole.corrections)
    taken = {primary.contact.id, *(h.contact.id for h in primary.shared)}
    also = []
    for _number, part, decision in found:
        if decision.contact.id not in taken:
            taken.add(decision.contact.id)
            also.append(AlsoNeeded(decision.contact, decision.reason, decision.topic, part.text.strip()))
    if not also:
        return primary
    listed = {a.contact.id for a in also}
    return replace(primary, also_needed=tuple(also[:2]), alternatives=tuple(c for c in primary.alternatives if c.id not in listed))


# The token the directory's synonyms turn every way of asking about opening hours into ("what time", "open on").
HOURS_WORD = "hours"
# Words that address this help desk itself ("are you open?"), as the question says them (accents folded).
# Spanish addresses "ustedes" through the verb ("¿están abiertos?", "¿a qué hora abren?"), so its plural
# forms of the hours verbs count too; a named place takes the singular ("¿a qué hora abre Costco?").
ADDRESSED = frozenset({"you", "your", "yours", "kaiser", "ustedes", "usted", "su", "estan", "abren", "cierran", "atienden", "trabajan"})


def _asks_hours(analysis: Analysis) -> bool:
    return HOURS_WORD in analysis.surface


def _names(said: list[str], name: list[str]) -> bool:
    """True when the question's words hold the name's words in a row."""
    return bool(name) and any(said[i : i + len(name)] == name for i in range(len(said) - len(name) + 1))


def _hours_answer(decision: Decision) -> Decision:
    """An hours question: the reason states the contact's hours as the directory gives them."""
    sentence = hours_sentence(decision.contact)
    if decision.fallback:
        if ADDRESSED.isdisjoint(tokenize(decision.query)):  # as typed: synonyms fold "are you open" into "hours"
            # Some other place's hours ("what time does Costco close?"): still not a sure answer.
            return replace(decision, reason=f"{decision.reason} {sentence}", hours_question=True)
        # Nothing named but us ("what are your hours?"): the general line is the one asked about.
        return replace(decision, fallback=False, confidence=RULE_CONFIDENCE, reason=sentence, hours_question=True)
    return replace(decision, reason=f"{sentence} {decision.reason}".strip(), hours_question=True)


def hours_sentence(contact: Contact) -> str:
    """When a contact is open, in one sentence from its listed hours; "not listed" where the sources are silent."""
    name = wording.named(contact)
    if contact.hours.kind is HoursKind.NOT_LISTED:
        return _("The source pages do not list hours for %(name)s.") % {"name": name}
    if contact.hours.kind is HoursKind.ALWAYS:
        # A site's address keeps its lower case at the start of a sentence ("account.kp.org is available").
        site = contact.kind in (ContactKind.SELF_SERVICE_SITE, ContactKind.MEMBERS_SITE)
        return _("%(name)s is available around the clock, every day.") % {"name": name if site else wording.upper_first(name)}
    return _("%(name)s is open %(hours)s.") % {"name": wording.upper_first(name), "hours": describe_week(contact.hours)}


def _finish(directory: Directory, index: Searcher, analysis: Analysis, decision: Decision, now: datetime) -> Decision:
    """What every answer about a contact adds, however it was decided: the order of its ways, and how to send."""
    if decision.fallback:
        return decision
    first = False
    if decision.self_service is not None:
        # One answer at any hour: the team and the website, both. The hours decide only which comes first.
        team_open = status(decision.contact.hours, directory.holidays, now).open_now
        site_open = status(decision.self_service.contact.hours, directory.holidays, now).open_now
        first = team_open is False and site_open is True
    return replace(decision, self_service_first=first, sending=_sending(index, analysis, decision.contact))


def _sending(index: Searcher, analysis: Analysis, contact: Contact) -> Sending | None:
    """Which of the contact's written ways the directory gives for the thing the question is about."""
    ways = [("email", e.address, e.purpose, wording.email_way(e)) for e in contact.emails]
    ways += [("fax", f.display, f.purpose, wording.fax_way(f)) for f in contact.faxes]
    stems = {stem: way for word, way in SENDING_WORDS.items() for stem in index.phrase_words(word)[:1]}
    said = [stem for stem in stems if stem in analysis.word_set]
    if not ways or not said:
        return None
    asked = next((stems[s] for s in said if stems[s]), "")
    about = set(analysis.terms) - set(stems)
    overlap = [len(set(index_terms(purpose, index.vocab)) & about) for _, _, purpose, _ in ways]
    best = max(overlap)
    found = [WrittenWay(kind, address, purpose, best > 0 and n == best, sentence) for (kind, address, purpose, sentence), n in zip(ways, overlap, strict=True)]
    found.sort(key=lambda way: not way.fits)
    lead = ""
    fitting = {way.kind for way in found if way.fits}
    if asked and fitting and asked not in fitting:
        asked_ways = [way for way in found if way.kind == asked]
        if asked_ways and all(REMAINDER_WORDS & set(index_terms(way.purpose, index.vocab) + way.purpose.lower().split()) for way in asked_ways):
            lead = wording.not_this_way(found[0].kind, asked)
    return Sending(asked=asked, ways=tuple(found), lead=lead)


def _decide(
    directory: Directory,
    index: Searcher,
    analysis: Analysis,
    hits: list[Hit],
    base: _Asked,
    channel: str,
    now: datetime,
    phrases: _PhraseIndex,
    said: frozenset[Words],
) -> Decision:
    topics = base["topics"]
    safety_said = said
    if directory.rules and directory.rules[0].safety:
        repaired = safety.reread(analysis, index.vocab, phrases.safety_words, phrases.safety_pairs)
        if repaired is not None:  # "hes not brething": the safety rules read "breathing"
            safety_said = said | phrases.said(repaired)
    turned = safety.after_turn(analysis) if directory.rules and directory.rules[0].safety else None
    turn_said = phrases.said(turned) if turned is not None else frozenset()  # "... oh my god, he just collapsed"
    for position in phrases.candidates(safety_said | turn_said):
        rule, words = directory.rules[position], phrases.rules[position]
        matched = _rule_matches(rule, words, directory, topics, channel, now, safety_said if rule.safety else said, analysis)
        if matched is None and rule.safety and turn_said:
            matched = _rule_matches(rule, words, directory, topics, channel, now, turn_said)
        if matched is None:
            continue
        if not rule.prefer:
            return _from_rule(directory, rule, matched, _naming_first(index, directory, rule, matched, hits), base)
        preferred = _preferred(directory, index, rule, analysis, hits, matched, base)
        if preferred is not None:
            return preferred
    if hits:
        decision = _from_search(directory, index, analysis, hits, base)
        if decision.confident:
            return decision
        return _fallback(directory, base, hint=decision)
    return _fallback(directory, base, hint=None)


def _rule_matches(
    rule: Rule,
    words: _RuleWords,
    directory: Directory,
    topics: tuple[str, ...],
    channel: str,
    now: datetime,
    said: frozenset[Words],
    asked: Analysis | None = None,
) -> tuple[str, ...] | None:
    """The phrases that made the rule match, or None when it does not.

    ``said``: the phrases the question says, as words; ``asked``: the question itself, for ``alone``.
    """
    when = rule.when
    if when.channels and channel not in when.channels:
        return None
    if not said.isdisjoint(words.unless):
        return None
    if asked is not None and words.alone:
        content = set(asked.terms)
        bare = next((phrase for phrase, phrase_words in words.alone if phrase_words in said and content <= set(phrase_words)), None)
        # "it's not responding", "that isn't responding": the state of a thing pointed at, not of a person.
        if bare is not None and domains.POINTING.isdisjoint(asked.surface):
            return (bare,)
    if not (when.concepts or when.phrases or when.all_words or when.topics or when.signs):
        return None  # a rule of `alone` phrases only: said with anything else, it does not apply
    matched: list[str] = []
    for group, group_words in words.concepts:
        if said.isdisjoint(group_words):
            return None
        matched.append(next(p for p, w in group if w in said))
    if words.signs:
        shown = [next(p for p, w in group if w in said) for group, group_words in words.signs if not said.isdisjoint(group_words)]
        if len(shown) < words.signs_needed:
            return None
        matched += shown
    if words.phrases:
        if said.isdisjoint(words.any_phrase):
            return None
        by_meaning: dict[Words, str] = {}  # "chest pain" and "chest pains" stem alike: quote one
        for phrase, phrase_words in words.phrases:
            if phrase_words not in by_meaning and phrase_words in said:
                by_meaning[phrase_words] = phrase
        matched += by_meaning.values()
    if when.all_words:
        if not words.all_words <= said:
            return None
        matched += when.all_words
    if when.topics:
        found = [t for t in topics if t in when.topics]  # in search rank order
        if not found:
            return None
        matched.append(directory.topic(found[0])[1].title)  # the best-ranked one is enough to explain it
    for contact_id, wanted in when.open_now:
        contact = directory.contact(contact_id)
        if status(contact.hours, directory.holidays, now).open_now is not wanted:
            return None
    return tuple(matched)


def _naming_first(index: Searcher, directory: Directory, rule: Rule, matched: tuple[str, ...], hits: list[Hit]) -> list[Hit]:
    """The hits with the routed team's topic that the rule's quoted phrases name first ("reinstatement" over billing)."""
    if not rule.route:
        return hits
    said = {index.phrase_words(p) for p in matched}
    for i, hit in enumerate(hits):
        if hit.contact_id == rule.route and said & {index.phrase_words(w) for w in directory.topic(hit.topic_id)[1].words}:
            return [hit, *hits[:i], *hits[i + 1 :]] if i else hits
    return hits


def _from_rule(directory: Directory, rule: Rule, matched: tuple[str, ...], hits: list[Hit], base: _Asked) -> Decision:
    contact = directory.contact(rule.route) if rule.route else directory.contact(hits[0].contact_id if hits else directory.fallback)
    topic = None if rule.safety else next((directory.topic(h.topic_id)[1] for h in hits if h.contact_id == contact.id), None)
    self_service = _self_service(directory, topic) if topic else None
    listed = [directory.contact(a) for a in rule.alternatives]
    alternatives = _unique([self_service.contact, *listed] if self_service else listed, exclude=contact)
    notes = tuple(filter(None, (i18n.localized(rule, "note"), self_service.note if self_service else "")))
    return Decision(
        contact=contact,
        alternatives=alternatives,
        reason=i18n.localized(rule, "description"),  # a sentence from the directory, written for the people who read answers
        confidence=SAFETY_CONFIDENCE if rule.safety else RULE_CONFIDENCE,
        topic=topic,
        rule=rule,
        matched=matched,
        rule_matched=matched,
        notes=notes,
        self_service=self_service,
        safety=rule.safety,
        **base,
    )


def _preferred(
    directory: Directory, index: Searcher, rule: Rule, analysis: Analysis, hits: list[Hit], matched: tuple[str, ...], base: _Asked
) -> Decision | None:
    """Search's answer among the contacts of the kinds the rule prefers, or None if it has no confident one."""
    # Only a close second: a team that matched one stray word is no answer.
    wanted = [i for i, hit in enumerate(hits) if directory.contact(hit.contact_id).kind in rule.prefer and hit.score >= hits[0].score * 0.6]
    if not wanted:
        return None
    # The preferred hit leads; whatever search ranked above it stays in view as an alternative.
    order = [hits[wanted[0]], *(h for i, h in enumerate(hits) if i != wanted[0])]
    decision = _from_search(directory, index, analysis, order, base, first_alternatives=[directory.contact(h.contact_id) for h in hits[: wanted[0]]])
    if not decision.confident:
        return None
    # The reason stays the topic's own sentence; which rule reordered the hits is for programs (``rule``, ``rule_matched``).
    return replace(
        decision,
        rule_matched=matched,
        alternatives=_unique([*decision.alternatives, *(directory.contact(a) for a in rule.alternatives)], exclude=decision.contact)[:3],
        notes=decision.notes + ((i18n.localized(rule, "note"),) if rule.note else ()),
        rule=rule,
    )


def _from_search(
    directory: Directory,
    index: Searcher,
    analysis: Analysis,
    hits: list[Hit],
    base: _Asked,
    first_alternatives: list[Contact] | None = None,
) -> Decision:
    top = hits[0]
    contact, topic = directory.topic(top.topic_id)
    confidence = _confidence(analysis, top)
    self_service = _self_service(directory, topic)
    subject, shared = _shared(directory, index, analysis, hits)
    related = [directory.contact(h.contact_id) for h in hits[1:] if h.score >= top.score * 0.6]
    alternatives: list[Contact] = []
    notes: list[str] = []
    if self_service:
        # The seeds offer a do-it-yourself way: put it first among the alternatives.
        alternatives.append(self_service.contact)
        notes.append(self_service.note)
    alternatives += first_alternatives or []
    if contact.kind is ContactKind.SELF_SERVICE_SITE:
        alternatives += _teams_behind(directory, topic)
    alternatives += related
    words = unstem(analysis, top.matched)
    if shared:
        reason = wording.shared_by(subject, [(contact, topic), *((h.contact, h.topic) for h in shared)])
    else:
        reason = wording.handled_by(contact, topic)
    equals = [h.contact for h in shared]
    clarify = _clarify(directory, hits, equals)
    return Decision(
        contact=contact,
        alternatives=tuple(c for c in _unique(alternatives, exclude=contact) if c not in equals)[:3],
        reason=reason,
        confidence=confidence,
        topic=topic,
        matched=tuple(words),
        notes=tuple(notes),
        self_service=self_service,
        shared=shared,
        shared_subject=subject,
        clarify=clarify,
        **base,
    )


# Two teams fit "about equally" when the second's score is this close to the first's and it explains as many words.
CLARIFY_RATIO = 0.9


def _clarify(directory: Directory, hits: list[Hit], equals: list[Contact]) -> Clarify | None:
    """The question that decides between the best team and another that fits about as well, if there is one."""
    top = hits[0]
    contact, topic = directory.topic(top.topic_id)
    if contact.kind not in PEOPLE:
        return None
    for hit in hits[1:]:
        if hit.score < top.score * CLARIFY_RATIO:
            return None
        other, other_topic = directory.topic(hit.topic_id)
        if other.id == contact.id or other in equals or other.kind not in PEOPLE or len(hit.matched) < len(top.matched):
            continue
        # Whole titles in quotes, not glued fragments: it reads the same in every language.
        question = _("Is this about “%(first)s”, or about “%(second)s”?") % {"first": localized(topic, "title"), "second": localized(other_topic, "title")}
        return Clarify((contact, other), (topic, other_topic), question)
    return None


def _shared(directory: Directory, index: Searcher, analysis: Analysis, hits: list[Hit]) -> tuple[str, tuple[Handler, ...]]:
    """Other teams the directory lists for the very subject asked about ("eligibility" under two teams).

    Another team is an equal when its topic names the same subject among its words, the question says that
    subject, and the question gives no word that only the first team's topic explains.
    """
    top = hits[0]
    contact, topic = directory.topic(top.topic_id)
    if contact.kind not in PEOPLE:
        return "", ()
    own = {index.phrase_words(w) for w in topic.words}
    subject = ""
    found: list[Handler] = []
    for hit in hits[1:]:
        other, other_topic = directory.topic(hit.topic_id)
        if other.kind not in PEOPLE or other.id == contact.id or any(h.contact.id == other.id for h in found):
            continue
        if hit.score < top.score * 0.6 or not set(top.matched) <= set(hit.matched):
            continue
        common = [w for w in other_topic.words if index.phrase_words(w) in own and analysis.says(index.phrase_words(w))]
        if common:
            # Both topics' own spelling of it when they agree ("eligibility"), not a stem-alike ("eligible").
            subject = subject or next((w for w in common if w in topic.words), common[0])
            found.append(Handler(other, other_topic))
    return subject, tuple(found)


def _confidence(analysis: Analysis, top: Hit) -> float:
    # How much of what was asked the best topic explains. Long messages say
    # more than one thing, so at most three meaningful words are required.
    asked = len(set(analysis.terms))
    if not asked or not top.matched:
        return 0.0
    coverage = min(1.0, len(top.matched) / min(asked, 3))
    return round(0.35 + 0.6 * coverage, 2)


def _self_service(directory: Directory, topic: Topic) -> SelfService | None:
    if not topic.self_service:
        return None
    site, task = directory.topic(topic.self_service)
    return SelfService(contact=site, topic=task)


def _teams_behind(directory: Directory, task: Topic) -> list[Contact]:
    """The teams whose topics point at this self-service task, and the help line for the site."""
    teams = list(directory.teams_for_task(task.id))
    helpers = list(directory.of_kind(ContactKind.HELP_LINE))
    return teams + helpers


def _fallback(directory: Directory, base: _Asked, hint: Decision | None) -> Decision:
    contact = directory.contact(directory.fallback)
    alternatives: tuple[Contact, ...] = ()
    if hint is not None:
        alternatives = _unique([hint.contact, *hint.alternatives], exclude=contact)[:3]
    reason = wording.fallback(contact, (hint.contact, hint.topic) if hint is not None else None)
    return Decision(
        contact=contact,
        alternatives=alternatives,
        reason=reason,
        confidence=min(FALLBACK_CONFIDENCE if hint is None else hint.confidence, CONFIDENT - 0.01),
        fallback=True,
        **base,
    )


def _other_domain(phrases: _PhraseIndex, said: frozenset[Words]) -> tuple[OtherDomain, str] | None:
    if said.isdisjoint(phrases.any_other):
        return None
    return next(((domain, phrase) for domain, phrase, words in phrases.other if words in said), None)


def _off_topic(directory: Directory, domain: OtherDomain, phrase: str, base: _Asked) -> Decision:
    contact = directory.contact(directory.fallback)
    reason = wording.off_topic(domain, contact)
    return Decision(
        contact=contact, alternatives=(), reason=reason, confidence=FALLBACK_CONFIDENCE, fallback=True, offtopic=True, matched=(phrase,), **base
    )


def _unique(contacts: list[Contact], exclude: Contact) -> tuple[Contact, ...]:
    seen = {exclude.id}
    result = []
    for contact in contacts:
        if contact.id not in seen:
            seen.add(contact.id)
            result.append(contact)
    return tuple(result)
