"""Which team a written request goes to, and at which of its addresses: one rule for the form and for triage.

The rules engine may answer with a website or a phone-only line (the
self-service site, Member Services). A request that must go by email then
goes to the team that handles that task, or failing that to the nearest team
the router also found that takes email; and of that team's addresses, to the
one whose stated purpose fits the request best.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from routing.core.model import Contact, ContactKind, Directory, Email, Topic
from routing.core.rules import Decision
from routing.core.text import STOPWORDS, stem, tokenize


@dataclass(frozen=True)
class Recipient:
    """Where a written request goes: the team that takes email, and the address."""

    team: Contact
    address: Email


_WEBSITES = (ContactKind.SELF_SERVICE_SITE, ContactKind.MEMBERS_SITE)


def handler(decision: Decision, directory: Directory) -> Contact:
    """The team that handles the request when the router's first answer is a website.

    An email cannot be forwarded to a website. Walking the search's topics in
    rank order, a team's topic names that team; a website's task names the
    teams whose topics point at it, when one of those topics matched too.
    """
    if decision.contact.kind not in _WEBSITES or decision.safety:
        return decision.contact
    hits = set(decision.topics)
    for topic_id in decision.topics:
        owner, topic = directory.topic(topic_id)
        if owner.kind not in _WEBSITES and owner.kind is not ContactKind.EMERGENCY_LINE:
            return owner
        for contact in directory.contacts:
            if any(t.self_service == topic.id and t.id in hits for t in contact.topics):
                return contact
    return decision.contact


def nearest_team(contact: Contact, decision: Decision | None, directory: Directory) -> Recipient | None:
    """The contact when it takes email, else the nearest team the router also found that does; None when there is none.

    The router's alternatives come first, then the owners of the topics its
    search found, in rank order.
    """
    candidates = [contact]
    if decision is not None:
        candidates += [*decision.alternatives, *(directory.topic(t)[0] for t in decision.topics)]
    for candidate in candidates:
        if candidate.emails:
            address = team_email(candidate, _matched_topics(candidate, decision))
            assert address is not None  # candidate.emails is not empty
            return Recipient(candidate, address)
    return None


def _matched_topics(contact: Contact, decision: Decision | None) -> list[Topic]:
    if decision is None:
        return []
    return [t for t in contact.topics if t.id in decision.topics or t == decision.topic]


def _words(text: str) -> set[str]:
    return {stem(t) for t in tokenize(text) if t not in STOPWORDS}


def team_email(contact: Contact, topics: Sequence[Topic] = ()) -> Email | None:
    """The contact's address whose stated purpose fits the request best.

    The purpose text of each address is compared, word for word after
    stemming, with the titles and words of the topics the router found for
    this contact; the address sharing the most words wins. With no topic, or a
    tie, the first address listed wins, because the directory lists a team's
    main mailbox first.
    """
    if not contact.emails:
        return None
    wanted: set[str] = set()
    for topic in topics:
        wanted |= _words(" ".join((topic.title, *topic.words)))
    best = contact.emails[0]
    best_score = len(_words(best.purpose) & wanted)
    for email in contact.emails[1:]:
        score = len(_words(email.purpose) & wanted)
        if score > best_score:
            best, best_score = email, score
    return best
