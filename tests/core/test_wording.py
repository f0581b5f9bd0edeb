"""Every sentence an answer is made of, rendered for every topic, rule and written way of the real directory.

A template that reads well for "Broker of record changes" can read "handles
receive copies of bills" for a task; so nothing here is sampled: each
function of ``core.wording`` meets every value it can be given, and each
sentence must pass the same checks a reader would make.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import combinations, pairwise

import pytest
from spanish import english_left

from routing.core import i18n, wording
from routing.core.model import Contact, ContactKind, Directory, Topic
from routing.core.rules import SelfService
from routing.core.text import is_english, tokenize
from routing.store import catalogs
from routing.store.english import english_words

SITES = (ContactKind.SELF_SERVICE_SITE, ContactKind.MEMBERS_SITE)
PEOPLE = (ContactKind.TEAM, ContactKind.HELP_LINE)


def sentences(directory: Directory) -> Iterator[tuple[str, str]]:
    """(which template and value, the sentence) for everything the templates can be given."""
    topics = [(c, t) for c in directory.contacts for t in c.topics]
    general = directory.contact(directory.fallback)
    for contact, topic in topics:
        yield f"handled_by {contact.id}/{topic.id}", wording.handled_by(contact, topic)
        yield f"fallback closest {contact.id}/{topic.id}", wording.fallback(general, (contact, topic))
        yield f"purpose {topic.id}", f"Ask {wording.named(contact)} {wording.purpose(topic)}."
        if topic.self_service:
            site, task = directory.topic(topic.self_service)
            yield f"self-service note {topic.id}", SelfService(site, task).note
        for site in (c for c in directory.contacts if c.kind in SITES):
            for also in (False, True):
                yield f"on_site {site.id}/{topic.id}", wording.on_site(site, topic, also=also)
    people = [(c, t) for c, t in topics if c.kind in PEOPLE]
    for (a, ta), (b, tb) in combinations(people, 2):
        if a.id != b.id:
            word = ta.words[0] if ta.words else "this"
            yield f"shared_by {ta.id}+{tb.id}", wording.shared_by(word, [(a, ta), (b, tb)])
    yield "fallback, nothing matched", wording.fallback(general, None)
    for contact in directory.contacts:
        yield f"fallback closest {contact.id}", wording.fallback(general, (contact, None))
        yield f"closed_first {contact.id}", wording.closed_first(contact)
        for email in contact.emails:
            yield f"email {email.address}", wording.email_way(email)
            if email.include:
                yield f"include {email.address}", wording.include(email)
        for fax in contact.faxes:
            yield f"fax {fax.display}", wording.fax_way(fax)
        for way in contact.other_ways:
            beside = directory.contact(way.or_contact) if way.or_contact else None
            yield f"other way {contact.id}", wording.other_way(way, beside)
            yield f"other way {contact.id} alone", wording.other_way(way, None)
    for fits, asked in (("email", "fax"), ("fax", "email")):
        yield f"not_this_way {fits}/{asked}", wording.not_this_way(fits, asked)
    for domain in directory.other_domains:
        yield f"off_topic {domain.name}", wording.off_topic(domain, general)
    for rule in directory.rules:
        # A rule that decides says its description as the reason; a rule that only reorders search never does.
        if not rule.prefer:
            yield f"rule {rule.id}", rule.description
        if rule.note:
            yield f"rule note {rule.id}", rule.note


class _English:
    """The dictionary, plus the few words newer than Webster's Second that a title may use."""

    newer = frozenset({"email", "online", "website", "midyear", "self", "cal", "hang"})

    def __contains__(self, word: object) -> bool:
        return word in self.newer or word in english_words()

    def __len__(self) -> int:
        return len(english_words()) + len(self.newer)


ENGLISH = _English()
_OWN: dict[str, frozenset[str]] = {}


def _english(word: str) -> bool:
    # The dictionary lists no inflections: "closest", "handles", "listed".
    return is_english(word, ENGLISH) or (word.endswith("est") and is_english(word[:-2], ENGLISH))


def own_words(directory: Directory) -> frozenset[str]:
    """Every word of the directory's own text: names, titles, purposes, rule descriptions."""
    if directory.version not in _OWN:
        _OWN[directory.version] = _words_of(directory)
    return _OWN[directory.version]


def _words_of(directory: Directory) -> frozenset[str]:
    texts = [directory.ivr.greeting, *(d.name for d in directory.other_domains), *(r.description for r in directory.rules)]
    for c in directory.contacts:
        texts += [c.name, c.summary, *(t.title for t in c.topics), *(t.where for t in c.topics), *(e.purpose for e in c.emails)]
        texts += [*(f.purpose for f in c.faxes), *(link.title for link in c.links), *(w.how + " " + w.purpose for w in c.other_ways)]
    return frozenset(w for text in texts for w in tokenize(text))


def problems(sentence: str, directory: Directory) -> list[str]:
    found = []
    words = re.findall(r"[A-Za-z0-9'’/-]+", sentence)
    lower = [w.lower() for w in words]
    if not sentence.strip():
        found.append("empty")
    if not sentence[:1].isupper() and not sentence[:1].isdigit():
        found.append("does not start with a capital")
    if not sentence.endswith("."):
        found.append("does not end with a period")
    if re.search(r"[“”\"{}<>]|\bNone\b|\(\s*\)|\s[.,;:]|,,|\.\.|;\.|  ", sentence):
        found.append("quoted token, empty slot or stray punctuation")
    for a, b in pairwise(lower):
        if a == b and a not in {"that"}:
            found.append(f"doubled word {a!r}")
    if re.search(r"(\S{4,}) (?:under|on|at|in) \1\b", sentence):
        found.append("doubled word: a place named twice")
    # A task is never where a subject belongs, nor a subject where a task belongs.
    if re.search(r"\bhandles? (" + "|".join(sorted(wording.TASK_VERBS)) + r")\b", sentence, re.I):
        found.append("handles + a task")
    follows = re.search(r"\b(?:can help you|you can|employees can|you can also|employees can also) (\w+)", sentence)
    if follows and follows.group(1).lower() not in wording.TASK_VERBS | {"also", "find"}:
        found.append(f"'{follows.group(0)}' is not followed by a verb")
    # Subject and verb agree: "questions are handled", "help is handled".
    agree = re.search(r"(?:^|: )([^:]+?) (is|are) handled by", sentence)
    if agree:
        subject, verb = agree.group(1), agree.group(2)
        last = re.split(r"[\s/]", re.sub(r"\s(?:on|about|for|at|from|in|with)\s.*$", "", subject))[-1].lower()
        listed = bool(re.search(r",|\s(?:and|or)\s", subject))
        if verb == "is" and (listed or (last.endswith("s") and not last.endswith(("ss", "us", "is")))):
            found.append(f"plural subject {subject!r} with 'is'")
        if verb == "are" and not listed and not last.endswith("s"):
            found.append(f"singular subject {subject!r} with 'are'")
    # Nothing internal: no rule or topic ids, no stemmed words.
    ids = {r.id for r in directory.rules} | {t.id for c in directory.contacts for t in c.topics}
    for token in re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)+", sentence):
        if token in ids and token not in {w.lower().strip(".,:;()") for c in directory.contacts for t in c.topics for w in (t.title + " " + " ".join(t.words)).split()}:
            found.append(f"internal id {token!r}")
    # Every word is English or the directory's own (a name, a title, a purpose): no stems, no joined-up tokens.
    for word in tokenize(re.sub(r"\S+@\S+|\S+\.(?:org|com)\b|https?://\S+", " ", sentence)):
        if len(word) > 2 and not word.isdigit() and not _english(word) and word not in own_words(directory):
            found.append(f"not a word: {word!r}")
    return found


def test_every_sentence_for_every_topic_rule_and_way_reads_as_english(directory: Directory) -> None:
    rendered = list(sentences(directory))
    assert len(rendered) > 400  # every topic, every site, every pair of teams, every way, every rule
    wrong = [f"{where}: {sentence!r}: {', '.join(found)}" for where, sentence in rendered if (found := problems(sentence, directory))]
    assert wrong == [], "\n".join(wrong[:40])


@pytest.mark.parametrize(
    ("sentence", "problem"),
    [
        ("California Service Center handles receive copies of bills.", "handles + a task"),
        ("Broker of record changes is handled by the Account Management Support Team.", "plural subject"),
        ("Online self-service transaction help are handled by the help line.", "singular subject"),
        ("“Order member ID cards” is handled by account.kp.org (matched “order”, “idcard”).", "quoted token"),
        ("On account.kp.org under account.kp.org.", "doubled word"),
        ("The rule asks-for-a-person matched", "does not end with a period"),
        ("Contact  for this.", "stray punctuation"),
        ("The California Service Center can help you billing and eligibility questions.", "not followed by a verb"),
        ("Matched the rule payment-arrangement.", "internal id"),
        ("Reconcil your bill with the California Service Center.", "not a word: 'reconcil'"),
        ("Order member ID cards on account.kp.org, matched order and idcard.", "not a word: 'idcard'"),
    ],
)
def test_the_checks_catch_what_a_reader_would(directory: Directory, sentence: str, problem: str) -> None:
    assert any(problem in found for found in problems(sentence, directory)), problems(sentence, directory)


@pytest.mark.parametrize(
    ("title", "task", "plural"),
    [
        ("Receive copies of bills", True, None),
        ("Order member ID cards", True, None),
        ("Contact changes", False, True),
        ("Plan changes", False, True),
        ("Online self-service transaction help", False, False),
        ("Accessing account information on account.kp.org", False, False),
        ("Non-urgent questions or comments about your health plan, and feedback", False, True),
        ("Medical emergency", False, False),
    ],
)
def test_titles_are_told_apart_as_tasks_or_subjects(title: str, task: bool, plural: bool | None) -> None:
    assert wording.is_task(title) is task
    if plural is not None:
        assert wording.is_plural(title) is plural


def test_names_and_acronyms_keep_their_capitals_inside_a_sentence() -> None:
    assert wording.lower_first("COBRA inquiries") == "COBRA inquiries"
    assert wording.lower_first("Client Services Unit documents") == "Client Services Unit documents"
    assert wording.lower_first("Get Employee Enrollment Worksheets") == "get Employee Enrollment Worksheets"
    assert wording.lower_first("Enrollment applications") == "enrollment applications"


def test_a_site_is_named_as_people_type_it_and_its_own_name_is_never_a_section(directory: Directory) -> None:
    site = directory.contact("account-kp-org")
    task = next(t for t in site.topics if t.where == wording.site_name(site))
    sentence = wording.on_site(site, task)
    assert sentence.count(wording.site_name(site)) == 1 and "under" not in sentence
    assert wording.named(site) == wording.site_name(site) != site.name


def _team_topics(directory: Directory) -> list[tuple[Contact, Topic]]:
    return [(c, t) for c in directory.contacts if c.kind in PEOPLE for t in c.topics]


def test_a_team_is_the_team_mid_sentence(directory: Directory) -> None:
    for contact, topic in _team_topics(directory):
        assert f" the {contact.name}" in " " + wording.handled_by(contact, topic).replace("The ", "the ", 1)


# -- in Spanish ---------------------------------------------------------------------------------

def test_the_english_check_can_fail() -> None:
    assert english_left("The California Service Center can help you.") == ["The", "Service", "Center", "can", "help", "you"]
    assert english_left("Escriba a amt@kp.org; en account.kp.org, en la sección Manage Members, puede pedir tarjetas.") == []


def test_every_sentence_for_every_topic_rule_and_way_reads_as_spanish(directory: Directory) -> None:
    catalogs.install_all()
    with i18n.speaking("es"):
        rendered = list(sentences(directory)) + [
            (f"rule {r.id}", i18n.localized(r, "description")) for r in directory.rules if not r.prefer
        ] + [(f"rule note {r.id}", i18n.localized(r, "note")) for r in directory.rules if r.note]
    wrong = []
    for where, sentence in rendered:
        if where.startswith(("purpose ", "rule ")):  # the English test's own frame, and the English rule texts it yields
            continue
        if where.startswith("closed_first") and where.endswith("kp-org"):  # a website is never closed
            continue
        found = english_left(sentence)
        if found or not (sentence[:1].isupper() or sentence[:1].isdigit()) or not sentence.endswith(".") or re.search(r"\b(?:a|de) el\b|  |\s[.,;:]", sentence):
            wrong.append(f"{where}: {sentence!r} {found}")
    assert len(rendered) > 400
    assert wrong == [], "\n".join(wrong[:40])


def test_spanish_frames_read_naturally(directory: Directory) -> None:
    catalogs.install_all()
    csc = directory.contact("california-service-center")
    amt = directory.contact("account-management-support")
    csu = directory.contact("client-services-unit")
    site = directory.contact("account-kp-org")
    with i18n.speaking("es"):
        task = directory.topic("bill-copies")[1]
        assert wording.handled_by(csc, task) == "El Centro de Servicio de California puede ayudarle a recibir copias de las facturas."
        assert wording.handled_by(amt, directory.topic("broker-of-record")[1]) == (
            "El Equipo de Soporte de Administración de Cuentas se encarga de cambios del corredor de registro."
        )
        assert wording.on_site(site, directory.topic("order-id-cards")[1]) == (
            "En account.kp.org, en la sección Manage Members, puede pedir tarjetas de identificación de miembro."
        )
        # "a" + "el" is "al": the team's name with its article follows a preposition.
        way = site.other_ways[0]
        assert "o escriba al Equipo de Soporte de Administración de Cuentas (amt@kp.org)" in wording.other_way(way, amt)
        assert wording.closed_first(csu) == "La Unidad de Servicios al Cliente no atiende en este momento, así que primero se muestra la opción en línea."
        assert wording.fax_way(csc.faxes[0]) == "Use el fax 1-855-355-5334 para cualquier otra información."
        assert wording.phone_instructions(csc.phones[0]) == "llame al 1-800-790-4661 y oprima 1"
    # English is as it always was.
    assert wording.handled_by(csc, task) == "The California Service Center can help you receive copies of bills."
    assert wording.phone_instructions(csc.phones[0]) == "call 1-800-790-4661, press 1"
