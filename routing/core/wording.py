"""The sentences an answer is made of, built from the directory's own words.

Topic titles come from the seeds in two shapes: a subject ("Broker of record
changes", "COBRA inquiries") or a task ("Receive copies of bills", "Order
member ID cards"). A sentence that fits one reads wrongly with the other
("handles receive copies of bills"), so every sentence here asks which shape a
title has and picks its frame. ``tests/core/test_wording.py`` renders every
topic, rule and written way of the real directory through every function here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from routing.core.model import Contact, ContactKind, Email, Fax, OtherWay, Topic

# The first words that make a title a task rather than a subject. English, not
# a fact about the business; a title starting with any other word is read as a
# subject. Words that are nouns as often as verbs in titles ("contact",
# "plan", "report") are left out on purpose: "Contact changes" is a subject.
TASK_VERBS = frozenset([
    "access", "add", "apply", "cancel", "change", "check", "compare", "complete", "conduct", "download", "end", "enroll",
    "file", "find", "get", "make", "manage", "order", "pay", "receive", "reconcile", "remove", "renew", "request", "reset",
    "schedule", "see", "send", "set", "share", "sign", "submit", "switch", "update", "use", "view",
])

_TRAILING_PHRASE = re.compile(r"\s(?:on|about|for|at|from|in|with|during|to)\s.*$")
_NUMBERS = {2: "Two", 3: "Three", 4: "Four", 5: "Five"}


def is_task(title: str) -> bool:
    first = title.split(maxsplit=1)[0].lower() if title.strip() else ""
    return first in TASK_VERBS


def is_plural(title: str) -> bool:
    """Whether a subject title takes "are": "Contact changes are", "Online self-service transaction help is"."""
    if "," in title:  # a list of subjects
        return True
    head = _TRAILING_PHRASE.sub("", title)
    if re.search(r"\s(?:and|or)\s", head):
        return True
    last = re.split(r"[\s/]", head.strip())[-1].lower()
    return last.endswith("s") and not last.endswith(("ss", "us", "is"))


def lower_first(text: str) -> str:
    """A title as it reads inside a sentence: "Order member ID cards" → "order member ID cards".

    Names and acronyms keep their capitals: "COBRA inquiries", "Client Services Unit documents".
    """
    words = text.split(maxsplit=2)
    if not words:
        return text
    first = words[0]
    if len(first) > 1 and first.isupper():
        return text
    if not is_task(text) and len(words) > 1 and words[1][:1].isupper():
        return text
    return first[:1].lower() + text[1:]


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def named(contact: Contact) -> str:
    """A contact as a person names it mid-sentence: "the Client Services Unit", "account.kp.org"."""
    if contact.kind in (ContactKind.SELF_SERVICE_SITE, ContactKind.MEMBERS_SITE):
        return site_name(contact)
    if contact.kind is ContactKind.EMERGENCY_LINE:
        return contact.phones[0].display if contact.phones else contact.name
    name = contact.name
    if contact.kind is ContactKind.HELP_LINE and not name.lower().endswith("line"):
        name = f"{name} line"
    return name if name.lower().startswith("the ") else f"the {name}"


def site_name(contact: Contact) -> str:
    """A website by the name people type: "account.kp.org" rather than "account.kp.org (employer self-service)"."""
    return contact.links[0].title if contact.links else contact.name


def section(site: Contact, task: Topic) -> str:
    """Where on the site a task lives, or "" when the seeds name only the site itself."""
    where = task.where.strip()
    return "" if where.lower() in {site.name.lower(), site_name(site).lower(), ""} else where


def purpose(topic: Topic) -> str:
    """What a contact is for, after its name: "for COBRA inquiries", "to receive copies of bills"."""
    return f"{'to' if is_task(topic.title) else 'for'} {lower_first(topic.title)}"


def handled_by(contact: Contact, topic: Topic) -> str:
    """Why this contact, as one sentence."""
    if contact.kind in (ContactKind.SELF_SERVICE_SITE, ContactKind.MEMBERS_SITE):
        return on_site(contact, topic)
    who = named(contact)
    if is_task(topic.title):
        return f"{upper_first(who)} can help you {lower_first(topic.title)}."
    verb = "are" if is_plural(topic.title) else "is"
    return f"{upper_first(topic.title)} {verb} handled by {who}."


def on_site(site: Contact, task: Topic, also: bool = False) -> str:
    """Where a task is done online: "On account.kp.org, under Manage Members, you can order member ID cards"."""
    where = section(site, task)
    place = f"On {site_name(site)}, under {where}," if where else f"On {site_name(site)},"
    who = "your employees can" if site.kind is ContactKind.MEMBERS_SITE else "you can"
    if is_task(task.title):
        return f"{place} {who}{' also' if also else ''} {lower_first(task.title)}."
    return f"{place} {who}{' also' if also else ''} find {lower_first(task.title)}."


def shared_by(subject: str, handlers: Sequence[tuple[Contact, Topic]]) -> str:
    """Two teams listed for one subject: each named with its part, neither hidden."""
    parts = [f"{named(contact)}, {purpose(topic)}" for contact, topic in handlers]
    listed = f"{parts[0]}, and {parts[1]}" if len(parts) == 2 else "; ".join(parts[:-1]) + "; and " + parts[-1]
    count = _NUMBERS.get(len(handlers), str(len(handlers)))
    what = "this" if is_task(subject) or not subject.strip() else subject  # "reconcile" is no subject
    return f"{count} teams handle {what}, each for its own part: {listed}."


def fallback(general: Contact, closest: tuple[Contact, Topic | None] | None) -> str:
    start = f"so start with the general line, {named(general)}, which can help with any question about your account"
    if closest is None:
        return f"Nothing in the question matched a topic in the directory, {start}."
    contact, topic = closest
    what = f"{named(contact)}, {purpose(topic)}" if topic else named(contact)
    return f"The question did not clearly match one topic, {start}. The closest match is listed below: {what}."


def off_topic(domain: str, general: Contact) -> str:
    return (
        f"This sounds like {domain}, which this help desk does not handle: it is for the small-business health plan "
        f"(its bills, coverage, members and employer account). For anything about your plan, {named(general)} can help."
    )


def closed_first(contact: Contact) -> str:
    return f"{upper_first(named(contact))} is closed now, so the online way comes first."


def email_way(email: Email) -> str:
    return f"Email {email.address} for {lower_first(email.purpose)}."


def fax_way(fax: Fax) -> str:
    return f"Fax {fax.display} for {lower_first(fax.purpose)}."


def include(email: Email) -> str:
    return f"Include your {' and '.join(email.include)}." if email.include else ""


def not_this_way(fits: str, asked: str) -> str:
    return f"Send this by {fits}, not by {asked}."


def other_way(way: OtherWay, beside: Contact | None) -> str:
    """A way outside the directory, with the contact the seeds name beside it."""
    also = ""
    if beside is not None and beside.emails:
        email = beside.emails[0]
        with_what = f" and include your {' and '.join(email.include)}" if email.include else ""
        also = f", or email {named(beside)} at {email.address}{with_what}"
    elif beside is not None:
        also = f", or contact {named(beside)}"
    return f"{upper_first(way.purpose)}: {lower_first(way.how)}{also}."
