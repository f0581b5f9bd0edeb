"""Every spoken sentence template, filled with every topic in the directory, reads as a person would say it.

The templates are called directly with every topic; then whole calls, signed
as Twilio signs them, ask for every topic by its title and by its first words,
and every <Say> in the TwiML answers (parsed as XML) is checked the same way,
open and closed.
"""

from __future__ import annotations

import pytest
from channels.ivr.test_calls import MONDAY_10AM, SATURDAY, Call
from sentences import phrase_problems, problems
from starlette.testclient import TestClient

from routing.channels.ivr import twiml as ivr
from routing.core.model import ContactKind, Directory
from routing.present.topic_words import is_task, subjects

# The emergency line is never named in a sentence: callers hear ivr.emergency instead.
SPOKEN_KINDS = tuple(kind for kind in ContactKind if kind is not ContactKind.EMERGENCY_LINE)


def every_topic(directory: Directory):
    return [(c, t) for c in directory.contacts if c.kind in SPOKEN_KINDS for t in c.topics]


def check(wrong: dict[str, list[str]], sentence: str) -> None:
    found = problems(sentence, spoken=True)
    if found:
        wrong[sentence] = found


def test_said_back_reads_right_for_every_topic(directory):
    wrong: dict[str, list[str]] = {}
    for contact, topic in every_topic(directory):
        if contact.phones:  # only a contact with a phone is put through and said back
            sentence = ivr.said_back(contact, topic)
            check(wrong, sentence)
    assert not wrong


def test_the_california_service_center_does_not_handle_receive_copies_of_bills(directory):
    center = directory.contact("california-service-center")
    copies = next(t for t in center.topics if t.title.startswith("Receive"))
    assert ivr.said_back(center, copies) == "The California Service Center can help you receive copies of bills."
    billing = center.topics[0]
    assert ivr.said_back(center, billing) == "The California Service Center handles billing and eligibility questions."


def test_the_website_sentence_reads_right_for_every_site_and_every_topic(directory):
    sites = [c for c in directory.contacts if c.kind in (ContactKind.SELF_SERVICE_SITE, ContactKind.MEMBERS_SITE)]
    assert sites
    wrong: dict[str, list[str]] = {}
    for site in sites:
        for _, topic in every_topic(directory):
            sentence = ivr.website_sentence(site, topic)
            check(wrong, sentence)
        sentence = ivr.website_sentence(site, None)
        check(wrong, sentence)
    assert not wrong


def test_every_contact_as_a_menu_option_says_what_it_does(directory):
    wrong: dict[str, list[str]] = {}
    for contact in directory.contacts:
        if contact.kind not in SPOKEN_KINDS:
            continue
        what = subjects(contact)
        assert what and not phrase_problems(what), (contact.id, what)
        sentence = ivr.option_sentence(contact, "4")
        assert sentence.endswith(", press 4.")
        check(wrong, sentence)
    assert not wrong


def test_the_menu_says_what_each_team_does_in_the_directorys_words(directory):
    said = ivr.menu_sentences(directory)
    assert said[:3] == [
        "For billing and eligibility questions, the California Service Center, press 1.",
        "For benefit, COBRA and contract or eligibility inquiries, the Client Services Unit, press 2.",
        "For broker of record, contact, group address, plan and renewal changes, the Account Management Support Team, press 3.",
    ]
    # Derived from the topics, not written in code: the words come from each team's topic titles.
    for sentence, option in zip(said, ivr.menu_options(directory), strict=False):
        first = option.contact.topics[0].title.split()[0].lower()
        assert first in sentence.lower()


def test_a_task_title_and_a_subject_title_are_told_apart(directory):
    tasks = {t.title for _, t in every_topic(directory) if is_task(t.title)}
    subjects_ = {t.title for _, t in every_topic(directory) if not is_task(t.title)}
    assert "Receive copies of bills" in tasks and "Order member ID cards" in tasks
    assert "Contact changes" in subjects_ and "Plan changes" in subjects_ and "Billing and eligibility questions" in subjects_


@pytest.mark.parametrize("instant", [MONDAY_10AM, SATURDAY])
def test_every_sentence_of_every_call_about_any_topic_reads_right(make_client, monkeypatch, directory, instant):
    monkeypatch.setenv("ROUTING_NOW", instant)
    phone: TestClient = make_client()
    wrong: dict[str, list[str]] = {}
    heard = 0
    for _, topic in every_topic(directory):
        for speech in {topic.title, *topic.words[:1]}:
            call = Call(phone)
            root = call.say(call.dial_in(), speech)
            if root.find("Gather") is not None and root[-1].tag == "Hangup":
                call.press(root, "1")  # take the offer to speak with a team, and hear that too
            for sentence in call.heard:
                heard += 1
                found = problems(sentence, spoken=True)
                if found:
                    wrong[f"{speech!r}: {sentence}"] = found
    assert heard > 100
    assert not wrong
