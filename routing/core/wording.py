"""The sentences an answer is made of, built from the directory's own words.

Topic titles come from the seeds in two shapes: a subject ("Broker of record
changes", "COBRA inquiries") or a task ("Receive copies of bills", "Order
member ID cards"). A sentence that fits one reads wrongly with the other
("handles receive copies of bills"), so every sentence here asks which shape a
title has and picks its frame. ``tests/core/test_wording.py`` renders every
topic, rule and written way of the real directory through every function here.

Every frame is a whole sentence in the message catalog, and the directory's
words in it are read in the current language (``i18n.localized``). The shape
is always read from the English title: a translation keeps its title's shape
(the Spanish of a task is written as a task, "Pedir tarjetas ..."), so one
frame per shape reads right in each language. A team as a Spanish sentence
names it needs its article ("la Unidad de Servicios al Cliente"): that is the
contact's translated ``named``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from routing.core import i18n
from routing.core.i18n import N_, _, pgettext
from routing.core.model import Contact, ContactKind, Email, Fax, OtherDomain, OtherWay, Phone, Topic

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
_NUMBERS = {2: N_("Two"), 3: N_("Three"), 4: N_("Four"), 5: N_("Five")}
# Spanish joins "a"/"de" with "el" ("al Centro", "del Centro"): a name with its article can follow either.
_CONTRACTIONS = {"es": ((re.compile(r"\ba el\b"), "al"), (re.compile(r"\bde el\b"), "del"), (re.compile(r"\ba las 1(?=[: ])"), "a la 1"))}


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


def lower_first(text: str, task: bool | None = None) -> str:
    """A title as it reads inside a sentence: "Order member ID cards" → "order member ID cards".

    Names and acronyms keep their capitals: "COBRA inquiries", "Client Services Unit documents".
    ``task`` says the title's shape when ``text`` is a translation (whose first word is no English verb).
    """
    words = text.split(maxsplit=2)
    if not words:
        return text
    first = words[0]
    if len(first) > 1 and first.isupper():
        return text
    if not (is_task(text) if task is None else task) and len(words) > 1 and words[1][:1].isupper():
        return text
    return first[:1].lower() + text[1:]


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def contracted(text: str) -> str:
    """Words the current language joins when they meet: Spanish "a el" is "al", "a las 1:00" is "a la 1:00"."""
    for pattern, joined in _CONTRACTIONS.get(i18n.current(), ()):
        text = pattern.sub(joined, text)
    return text


def said(sentence: str) -> str:
    """A sentence as it is written out: a capital first, and the current language's contractions."""
    return upper_first(contracted(sentence))


def listed(items: Sequence[str]) -> str:
    """A short list in words: "group name and group ID"."""
    return pgettext("between the items of a short list", " and ").join(items)


def title_of(topic: Topic) -> str:
    """A topic's title in the current language, as it reads inside a sentence."""
    return lower_first(i18n.localized(topic, "title"), task=is_task(topic.title))


def named(contact: Contact) -> str:
    """A contact as a person names it mid-sentence: "the Client Services Unit", "account.kp.org"."""
    if contact.kind in (ContactKind.SELF_SERVICE_SITE, ContactKind.MEMBERS_SITE):
        return site_name(contact)
    if contact.kind is ContactKind.EMERGENCY_LINE:
        return contact.phones[0].display if contact.phones else i18n.localized(contact, "name")
    language = i18n.current()
    if language != i18n.SOURCE:
        called = contact.translations.get(language, {}).get("named", "")
        return str(called or i18n.localized(contact, "name"))
    name = contact.name
    if contact.kind is ContactKind.HELP_LINE and not name.lower().endswith("line"):
        name = f"{name} line"
    return name if name.lower().startswith("the ") else f"the {name}"


def site_name(contact: Contact) -> str:
    """A website by the name people type: "account.kp.org" rather than "account.kp.org (employer self-service)"."""
    return str(i18n.localized(contact.links[0], "title") if contact.links else i18n.localized(contact, "name"))


def section(site: Contact, task: Topic) -> str:
    """Where on the site a task lives, or "" when the seeds name only the site itself."""
    if task.where.strip().lower() in {site.name.lower(), (site.links[0].title if site.links else site.name).lower(), ""}:
        return ""
    return str(i18n.localized(task, "where")).strip()


def purpose(topic: Topic) -> str:
    """What a contact is for, after its name: "for COBRA inquiries", "to receive copies of bills"."""
    if is_task(topic.title):
        return pgettext("what a contact is for, after its name", "to %(task)s") % {"task": title_of(topic)}
    return pgettext("what a contact is for, after its name", "for %(subject)s") % {"subject": title_of(topic)}


def handled_by(contact: Contact, topic: Topic) -> str:
    """Why this contact, as one sentence."""
    if contact.kind in (ContactKind.SELF_SERVICE_SITE, ContactKind.MEMBERS_SITE):
        return on_site(contact, topic)
    who = named(contact)
    if is_task(topic.title):
        return said(_("%(who)s can help you %(task)s.") % {"who": who, "task": title_of(topic)})
    if is_plural(topic.title):
        return said(_("%(subject)s are handled by %(who)s.") % {"subject": title_of(topic), "who": who})
    return said(_("%(subject)s is handled by %(who)s.") % {"subject": title_of(topic), "who": who})


# Where a task is done online, by (a section is named, on the members' site, "also", the title is a task).
_ON_SITE = {
    (False, False, False, True): N_("On %(site)s, you can %(what)s."),
    (False, False, True, True): N_("On %(site)s, you can also %(what)s."),
    (False, True, False, True): N_("On %(site)s, your employees can %(what)s."),
    (False, True, True, True): N_("On %(site)s, your employees can also %(what)s."),
    (True, False, False, True): N_("On %(site)s, under %(section)s, you can %(what)s."),
    (True, False, True, True): N_("On %(site)s, under %(section)s, you can also %(what)s."),
    (True, True, False, True): N_("On %(site)s, under %(section)s, your employees can %(what)s."),
    (True, True, True, True): N_("On %(site)s, under %(section)s, your employees can also %(what)s."),
    (False, False, False, False): N_("On %(site)s, you can find %(what)s."),
    (False, False, True, False): N_("On %(site)s, you can also find %(what)s."),
    (False, True, False, False): N_("On %(site)s, your employees can find %(what)s."),
    (False, True, True, False): N_("On %(site)s, your employees can also find %(what)s."),
    (True, False, False, False): N_("On %(site)s, under %(section)s, you can find %(what)s."),
    (True, False, True, False): N_("On %(site)s, under %(section)s, you can also find %(what)s."),
    (True, True, False, False): N_("On %(site)s, under %(section)s, your employees can find %(what)s."),
    (True, True, True, False): N_("On %(site)s, under %(section)s, your employees can also find %(what)s."),
}


def on_site(site: Contact, task: Topic, also: bool = False) -> str:
    """Where a task is done online: "On account.kp.org, under Manage Members, you can order member ID cards"."""
    where = section(site, task)
    frame = _ON_SITE[(bool(where), site.kind is ContactKind.MEMBERS_SITE, also, is_task(task.title))]
    return said(_(frame) % {"site": site_name(site), "section": where, "what": title_of(task)})


def shared_by(subject: str, handlers: Sequence[tuple[Contact, Topic]]) -> str:
    """Two teams listed for one subject: each named with its part, neither hidden.

    ``subject`` is the directory's English word for what they share; a translation says "this subject".
    """
    parts = [f"{named(contact)}, {purpose(topic)}" for contact, topic in handlers]
    if len(parts) == 2:
        joined = _("%(first)s, and %(second)s") % {"first": parts[0], "second": parts[1]}
    else:
        joined = _("%(others)s; and %(last)s") % {"others": "; ".join(parts[:-1]), "last": parts[-1]}
    number = _NUMBERS.get(len(handlers))
    count = _(number) if number else str(len(handlers))
    values = {"count": count, "what": subject, "listed": joined}
    if is_task(subject) or not subject.strip():  # "reconcile" is no subject
        return said(_("%(count)s teams handle this, each for its own part: %(listed)s.") % values)
    return said(_("%(count)s teams handle %(what)s, each for its own part: %(listed)s.") % values)


def fallback(general: Contact, closest: tuple[Contact, Topic | None] | None) -> str:
    if closest is None:
        return said(
            _(
                "Nothing in the question matched a topic in the directory, so start with the general line, %(general)s, "
                "which can help with any question about your account."
            )
            % {"general": named(general)}
        )
    contact, topic = closest
    what = f"{named(contact)}, {purpose(topic)}" if topic else named(contact)
    return said(
        _(
            "The question did not clearly match one topic, so start with the general line, %(general)s, which can help "
            "with any question about your account. The closest match is listed below: %(closest)s."
        )
        % {"general": named(general), "closest": what}
    )


def off_topic(domain: OtherDomain | str, general: Contact) -> str:
    name = i18n.localized(domain, "name") if isinstance(domain, OtherDomain) else domain
    return said(
        _(
            "This sounds like a question about %(domain)s, which this help desk does not handle: it is for the small-business health plan "
            "(its bills, coverage, members and employer account). For anything about your plan, %(general)s can help."
        )
        % {"domain": name, "general": named(general)}
    )


def like_examples(contact: Contact, example: str) -> str:
    """Why a question told in its own words goes where questions like it went, with the nearest one quoted."""
    return said(_("Questions like yours go to %(who)s, for example: “%(example)s”") % {"who": named(contact), "example": shortened(example)})


def not_the_plan(general: Contact) -> str:
    """A question like the ones about other things, with no one thing named to say what it is about."""
    return said(
        _(
            "This does not sound like a question about the health plan, and this help desk is only for the small-business "
            "health plan (its bills, coverage, members and employer account). For anything about your plan, %(general)s can help."
        )
        % {"general": named(general)}
    )


QUOTED = 120  # the most of an example an answer quotes


def shortened(text: str) -> str:
    """A quotation cut at a word, for an answer's reason."""
    text = " ".join(text.split())
    if len(text) <= QUOTED:
        return text
    return text[:QUOTED].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def closed_first(contact: Contact) -> str:
    return said(_("%(who)s is closed now, so the online way comes first.") % {"who": named(contact)})


def email_way(email: Email) -> str:
    return said(_("Email %(address)s for %(purpose)s.") % {"address": email.address, "purpose": lower_first(i18n.localized(email, "purpose"))})


def fax_way(fax: Fax) -> str:
    return said(_("Fax %(number)s for %(purpose)s.") % {"number": fax.display, "purpose": lower_first(i18n.localized(fax, "purpose"))})


def phone_instructions(phone: Phone) -> str:
    """How to reach a line, in words: "call <its number>, press <its keys>"."""
    if phone.keys:
        return _("call %(number)s, press %(keys)s") % {"number": phone.display, "keys": phone.keys}
    return _("call %(number)s") % {"number": phone.display}


def include(email: Email) -> str:
    return include_items(i18n.localized(email, "include"))


def include_items(items: Sequence[str]) -> str:
    """What the seeds ask a sender to put in the message, as a sentence ("" when nothing)."""
    return said(_("Include your %(items)s.") % {"items": listed(items)}) if items else ""


_NOT_THIS_WAY = {
    ("email", "fax"): N_("Send this by email, not by fax."),
    ("fax", "email"): N_("Send this by fax, not by email."),
}


def not_this_way(fits: str, asked: str) -> str:
    frame = _NOT_THIS_WAY.get((fits, asked))
    return _(frame) if frame else said(_("Send this by %(fits)s, not by %(asked)s.") % {"fits": fits, "asked": asked})


def other_way(way: OtherWay, beside: Contact | None) -> str:
    """A way outside the directory, with the contact the seeds name beside it."""
    values = {"purpose": upper_first(i18n.localized(way, "purpose")), "how": lower_first(i18n.localized(way, "how"))}
    if beside is not None and beside.emails:
        email = beside.emails[0]
        items = i18n.localized(email, "include")
        values |= {"who": named(beside), "address": email.address, "items": listed(items)}
        if items:
            return said(_("%(purpose)s: %(how)s, or email %(who)s at %(address)s and include your %(items)s.") % values)
        return said(_("%(purpose)s: %(how)s, or email %(who)s at %(address)s.") % values)
    if beside is not None:
        return said(_("%(purpose)s: %(how)s, or contact %(who)s.") % (values | {"who": named(beside)}))
    return said(_("%(purpose)s: %(how)s.") % values)
