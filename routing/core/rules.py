"""Deciding whom to contact: safety rules, then ordered rules, then search.

Pure: the directory, its index, the question, the channel and the instant
come in; a Decision comes out. Every channel (page, API, IVR, mail, triage)
formats this one decision and never decides on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TypedDict

from routing.core.hours import status
from routing.core.model import Contact, ContactKind, Directory, OtherDomain, Rule, Topic
from routing.core.search import Hit, Searcher
from routing.core.text import Analysis, analyze, unstem

CONFIDENT = 0.5
RULE_CONFIDENCE = 0.9
SAFETY_CONFIDENCE = 0.99
FALLBACK_CONFIDENCE = 0.2


@dataclass(frozen=True)
class SelfService:
    """A way to do the task alone: where on which site."""

    contact: Contact
    topic: Topic

    @property
    def note(self) -> str:
        where = f" under {self.topic.where}" if self.topic.where and self.topic.where != self.contact.name else ""
        site = self.contact.links[0].title if self.contact.links else self.contact.name
        return f"You can do this yourself on {site}{where}: {self.topic.title}."


class _Asked(TypedDict):
    """What every decision repeats of the question: passed whole into ``Decision``."""

    query: str
    channel: str
    at: datetime
    corrections: tuple[tuple[str, str], ...]
    topics: tuple[str, ...]


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

    @property
    def confident(self) -> bool:
        return self.confidence >= CONFIDENT


# A question that names another domain is off-topic unless this many of its
# own words also match the plan's topics ("pay my car insurance bill" matches
# two: still off-topic; a long question about coverage that mentions a car is not).
PLAN_WORDS_OVER_DOMAIN = 3


def route(index: Searcher, question: str, channel: str, now: datetime) -> Decision:
    directory = index.directory
    analysis = analyze(question, index.vocab)
    hits = index.search(analysis.terms)
    topics = tuple(hit.topic_id for hit in hits)
    base: _Asked = {"query": question, "channel": channel, "at": now, "corrections": analysis.corrections, "topics": topics}
    decision = _decide(directory, index, analysis, hits, base, channel, now)
    if decision.safety:
        return decision
    other = _other_domain(directory, index, analysis)
    if other is None:
        return decision
    domain, phrase = other
    own = set(index.phrase_words(phrase))
    plan_words = {t for t in (hits[0].matched if hits else ()) if t not in own}
    if len(plan_words) >= PLAN_WORDS_OVER_DOMAIN:
        return decision
    return _off_topic(directory, domain, phrase, base)


def _decide(
    directory: Directory, index: Searcher, analysis: Analysis, hits: list[Hit], base: _Asked, channel: str, now: datetime
) -> Decision:
    topics = base["topics"]
    for rule in directory.rules:
        matched = _rule_matches(rule, directory, index, analysis, topics, channel, now)
        if matched is None:
            continue
        if not rule.prefer:
            return _from_rule(directory, rule, matched, hits, base)
        preferred = _preferred(directory, rule, analysis, hits, matched, base)
        if preferred is not None:
            return preferred
    if hits:
        decision = _from_search(directory, analysis, hits, base)
        if decision.confident:
            return decision
        return _fallback(directory, base, hint=decision)
    return _fallback(directory, base, hint=None)


def _rule_matches(
    rule: Rule, directory: Directory, index: Searcher, analysis: Analysis, topics: tuple[str, ...], channel: str, now: datetime
) -> tuple[str, ...] | None:
    """The phrases that made the rule match, or None when it does not."""
    when = rule.when
    if when.channels and channel not in when.channels:
        return None
    if any(analysis.says(index.phrase_words(p)) for p in when.unless):
        return None
    matched: list[str] = []
    for group in when.concepts:
        said = next((p for p in group if analysis.says(index.phrase_words(p))), None)
        if said is None:
            return None
        matched.append(said)
    if when.phrases:
        by_meaning: dict[tuple[str, ...], str] = {}  # "chest pain" and "chest pains" stem alike: quote one
        for phrase in when.phrases:
            words = index.phrase_words(phrase)
            if words not in by_meaning and analysis.says(words):
                by_meaning[words] = phrase
        hit = list(by_meaning.values())
        if not hit:
            return None
        matched += hit
    if when.all_words:
        if not all(analysis.says(index.phrase_words(w)) for w in when.all_words):
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


def _from_rule(directory: Directory, rule: Rule, matched: tuple[str, ...], hits: list[Hit], base: _Asked) -> Decision:
    contact = directory.contact(rule.route) if rule.route else directory.contact(hits[0].contact_id if hits else directory.fallback)
    alternatives = _unique([directory.contact(a) for a in rule.alternatives], exclude=contact)
    reason = f"{rule.description} {_cited(rule, matched)}."
    topic = next((directory.topic(h.topic_id)[1] for h in hits if h.contact_id == contact.id), None)
    return Decision(
        contact=contact,
        alternatives=alternatives,
        reason=reason,
        confidence=SAFETY_CONFIDENCE if rule.safety else RULE_CONFIDENCE,
        topic=None if rule.safety else topic,
        rule=rule,
        matched=matched,
        notes=(rule.note,) if rule.note else (),
        safety=rule.safety,
        **base,
    )


def _cited(rule: Rule, matched: tuple[str, ...]) -> str:
    return f"(rule “{rule.id}”, matched {', '.join(f'“{m}”' for m in matched)})"


def _preferred(
    directory: Directory, rule: Rule, analysis: Analysis, hits: list[Hit], matched: tuple[str, ...], base: _Asked
) -> Decision | None:
    """Search's answer among the contacts of the kinds the rule prefers, or None if it has no confident one."""
    # Only a close second: a team that matched one stray word is no answer.
    wanted = [i for i, hit in enumerate(hits) if directory.contact(hit.contact_id).kind in rule.prefer and hit.score >= hits[0].score * 0.6]
    if not wanted:
        return None
    # The preferred hit leads; whatever search ranked above it stays in view as an alternative.
    order = [hits[wanted[0]], *(h for i, h in enumerate(hits) if i != wanted[0])]
    decision = _from_search(directory, analysis, order, base, first_alternatives=[directory.contact(h.contact_id) for h in hits[: wanted[0]]])
    if not decision.confident:
        return None
    return replace(
        decision,
        reason=f"{decision.reason.removesuffix('.')}; {rule.description[:1].lower()}{rule.description[1:]} {_cited(rule, matched)}.",
        alternatives=_unique([*decision.alternatives, *(directory.contact(a) for a in rule.alternatives)], exclude=decision.contact)[:3],
        notes=decision.notes + ((rule.note,) if rule.note else ()),
        rule=rule,
    )


def _from_search(
    directory: Directory, analysis: Analysis, hits: list[Hit], base: _Asked, first_alternatives: list[Contact] | None = None
) -> Decision:
    top = hits[0]
    contact, topic = directory.topic(top.topic_id)
    confidence = _confidence(analysis, top)
    self_service = _self_service(directory, topic)
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
    reason = f"“{topic.title}” is handled by {contact.name}" + (f" (matched {', '.join(f'“{w}”' for w in words)})." if words else ".")
    return Decision(
        contact=contact,
        alternatives=_unique(alternatives, exclude=contact)[:3],
        reason=reason,
        confidence=confidence,
        topic=topic,
        matched=tuple(words),
        notes=tuple(notes),
        self_service=self_service,
        **base,
    )


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
        reason = (
            f"The question only loosely matched “{hint.topic.title if hint.topic else hint.contact.name}”, "
            f"so the general line, {contact.name}, is the safest first call; {hint.contact.name} is listed as an alternative."
        )
    else:
        reason = (
            f"Nothing in the question matched a topic in the directory, so this is the general line, {contact.name}, "
            "which can help with any question about your account."
        )
    return Decision(
        contact=contact,
        alternatives=alternatives,
        reason=reason,
        confidence=min(FALLBACK_CONFIDENCE if hint is None else hint.confidence, CONFIDENT - 0.01),
        fallback=True,
        **base,
    )


def _other_domain(directory: Directory, index: Searcher, analysis: Analysis) -> tuple[OtherDomain, str] | None:
    for domain in directory.other_domains:
        for phrase in domain.phrases:
            if analysis.says(index.phrase_words(phrase)):
                return domain, phrase
    return None


def _off_topic(directory: Directory, domain: OtherDomain, phrase: str, base: _Asked) -> Decision:
    contact = directory.contact(directory.fallback)
    reason = (
        f"This sounds like {domain.name} (“{phrase}”), which this help desk does not handle: it is for the small-business "
        f"health plan (its bills, coverage, members and employer account). For anything about your plan, {contact.name} can help."
    )
    return Decision(contact=contact, alternatives=(), reason=reason, confidence=FALLBACK_CONFIDENCE, fallback=True, offtopic=True, **base)


def _unique(contacts: list[Contact], exclude: Contact) -> tuple[Contact, ...]:
    seen = {exclude.id}
    result = []
    for contact in contacts:
        if contact.id not in seen:
            seen.add(contact.id)
            result.append(contact)
    return tuple(result)
