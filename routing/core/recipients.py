"""Where a written request may go: one rule for the form, the API and staff triage.

A request is forwarded only to an address whose listed purpose covers its
topic: each email in ``directory.yaml`` lists the topics it ``covers``, in the
seeds' own words. When no address covers the topic, nothing is forwarded
silently. The answer is then the line of the team that handles it, with the
keys to press and why, and the nearest address whose purpose fits another
topic the request matched, named plainly as the nearest fit and not the
team's own mailbox; or no address at all when none fits.

Reasons are built here from the directory alone (never by quoting the
router's own reason, which may name another team), so a reason cannot say
"forward to one team" and "handled by another" at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from routing.core import i18n, wording
from routing.core.i18n import _
from routing.core.model import Contact, ContactKind, Directory, Email, Phone, Topic
from routing.core.rules import Decision
from routing.core.text import STOPWORDS, stem, tokenize


@dataclass(frozen=True)
class Recipient:
    """Where a written request goes: the team that takes email, and the address."""

    team: Contact
    address: Email


@dataclass(frozen=True)
class WrittenRoute:
    """The rule's answer for one request.

    Either ``forward`` is set (an address listed for the topic), or the
    request is not emailed anywhere on its own: ``phone`` is the handling
    team's line and ``nearest`` the nearest address that fits, if any.
    """

    topic: Topic | None  # what the request is about, as the router read it
    handler: Contact  # the team (or site) that handles that topic
    forward: Recipient | None
    phone: Phone | None
    nearest: Recipient | None
    reason: str  # one or more sentences a person can act on

    @property
    def by_email(self) -> bool:
        return self.forward is not None

    @property
    def offered(self) -> Recipient | None:
        """The address a person may send it to: the listed one, else the nearest fit."""
        return self.forward or self.nearest


_WEBSITES = (ContactKind.SELF_SERVICE_SITE, ContactKind.MEMBERS_SITE)


def handler(decision: Decision, directory: Directory) -> Contact:
    """The team that handles the request when the router's first answer is a website.

    Walking the search's topics in rank order, a team's topic names that team;
    a website's task names the teams whose topics point at it, when one of
    those topics matched too.
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


def request_topic(decision: Decision, directory: Directory) -> Topic | None:
    """The topic the request is about: the router's, else the best-ranked one search found."""
    if decision.safety or decision.offtopic:
        return None
    if decision.topic is not None:
        return decision.topic
    return directory.topic(decision.topics[0])[1] if decision.topics else None


def covering(topic_id: str, directory: Directory, first: Contact | None = None) -> Recipient | None:
    """The address listed for this topic: the team's own first, then in directory order; None when no address covers it."""
    contacts = ([first] if first is not None else []) + [c for c in directory.contacts if first is None or c.id != first.id]
    for contact in contacts:
        for email in contact.emails:
            if email.covers_topic(topic_id):
                return Recipient(contact, email)
    return None


def written_route(decision: Decision, directory: Directory) -> WrittenRoute:
    """Where the router's decision lets a written request go, by the one rule above."""
    team = handler(decision, directory)
    topic = request_topic(decision, directory)
    phone = line(team)
    if topic is None:
        reason = _("The message does not say clearly enough what it is about to choose a mailbox for it.")
        if phone is not None:
            reason += " " + _sentence(_("The general line is %(team)s: %(call)s.") % {"team": mid_sentence(team), "call": wording.phone_instructions(phone)})
        return WrittenRoute(None, team, None, phone, None, reason)
    forward = covering(topic.id, directory, first=team)
    if forward is not None:
        return WrittenRoute(topic, team, forward, None, None, forward_reason(topic, forward))
    nearest, fits = _nearest(decision, directory, topic, team)
    return WrittenRoute(topic, team, None, phone, nearest, _phone_reason(topic, team, phone, nearest, fits))


def line(contact: Contact) -> Phone | None:
    """The line to call for this contact: the one with a key to press (its own menu option) first."""
    return next((p for p in contact.phones if p.keys), contact.phones[0] if contact.phones else None)


def forward_reason(topic: Topic, to: Recipient) -> str:
    return _sentence(
        _("“%(topic)s” goes to %(team)s at %(address)s, the mailbox listed for %(purpose)s.")
        % {"topic": _title(topic), "team": mid_sentence(to.team), "address": to.address.address, "purpose": _purpose(to.address)}
    )


def _phone_reason(topic: Topic, team: Contact, phone: Phone | None, nearest: Recipient | None, fits: Topic | None) -> str:
    facts = {"topic": _title(topic), "team": mid_sentence(team)}
    if phone is not None:
        why = [_("%(team)s handles “%(topic)s” by phone: %(call)s.") % {**facts, "call": wording.phone_instructions(phone)}]
    elif team.url:
        why = [_("“%(topic)s” is done on %(team)s, at %(url)s.") % {**facts, "url": team.url}]
    else:
        why = [_("“%(topic)s” is done on %(team)s.") % facts]
    if team.emails:
        listed = wording.listed([_("%(address)s is listed only for %(purpose)s") % {"address": e.address, "purpose": _purpose(e)} for e in team.emails])
        why.append(_("Its mailbox does not cover it: %(listed)s.") % {"listed": listed})
    else:
        why.append(_("%(team)s takes no email.") % facts)
    if nearest is None or fits is None:
        why.append(_("No listed mailbox covers it, so there is no address to offer."))
    else:
        why.append(
            _("The nearest fit is %(address)s, %(team)s's mailbox (listed for %(purpose)s).")
            % {"address": nearest.address.address, "team": mid_sentence(nearest.team), "purpose": _purpose(nearest.address)}
        )
        why.append(_("It covers “%(topic)s”, which the message also mentions.") % {"topic": _title(fits)})
        why.append(_("It is not %(team)s's own mailbox.") % facts)
    return " ".join(_sentence(sentence) for sentence in why)


def _sentence(text: str) -> str:
    """A sentence as written: the language's contractions, and a capital on a leading article ("La Unidad ..."), never on a site's name."""
    text = wording.contracted(text)
    first = text.split(" ", 1)[0]
    return wording.upper_first(text) if first.isalpha() and first.islower() else text


def _title(topic: Topic) -> str:
    return str(i18n.localized(topic, "title"))


def mid_sentence(contact: Contact) -> str:
    """A team mid-sentence: its name in English, as these reasons always said it; with its article in Spanish ("la Unidad ...")."""
    return contact.name if i18n.current() == i18n.SOURCE else wording.named(contact)


def _purpose(email: Email) -> str:
    return _lower_first(str(i18n.localized(email, "purpose")))


def _nearest(decision: Decision, directory: Directory, topic: Topic, team: Contact) -> tuple[Recipient | None, Topic | None]:
    """Another team's address covering the best-ranked other topic the request matched closely; (None, None) when there is none.

    Only topics of the contacts the router itself put forward (its answer and
    its alternatives) count: a topic that shared one stray word is no fit.
    The handling team's own mailbox is never the nearest fit: the reason has
    just said it does not cover the request.
    """
    close = {decision.contact.id, *(c.id for c in decision.alternatives)}
    own = {e.address for e in team.emails}
    for topic_id in decision.topics:
        if topic_id == topic.id:
            continue
        owner, other = directory.topic(topic_id)
        if owner.id not in close:
            continue
        owners_first = [owner, *(c for c in directory.contacts if c.id != owner.id)]
        found = next(
            (Recipient(c, e) for c in owners_first for e in c.emails if e.covers_topic(topic_id) and e.address not in own),
            None,
        )
        if found is not None:
            return found, other
    return None, None


def chosen(contact: Contact, decision: Decision | None) -> Recipient | None:
    """A team picked by a person (the employer on the form, staff in triage): its address that fits best."""
    topics = [] if decision is None else [t for t in contact.topics if t.id in decision.topics or t == decision.topic]
    address = team_email(contact, topics)
    return None if address is None else Recipient(contact, address)


def _lower_first(text: str) -> str:
    # "Broker of record" reads "broker of record" mid-sentence; "COBRA" stays as it is.
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def _words(text: str) -> set[str]:
    return {stem(t) for t in tokenize(text) if t not in STOPWORDS}


def team_email(contact: Contact, topics: Sequence[Topic] = ()) -> Email | None:
    """The contact's address for these topics: one that covers them, else the one whose purpose shares the most words.

    With no topic, or a tie, the first address listed wins, because the
    directory lists a team's main mailbox first.
    """
    if not contact.emails:
        return None
    for topic in topics:
        listed = next((e for e in contact.emails if e.covers_topic(topic.id)), None)
        if listed is not None:
            return listed
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
