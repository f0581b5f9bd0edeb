"""The one recipient rule, pure: over every topic in directory.yaml, a request goes only to an address listed for it.

A decision is built by hand for each topic (no index), as the router would
make it: that topic first, and in the second table every other topic found
too, with every contact as an alternative, so the nearest fit has the most
chances to go wrong.
"""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from routing.core.directory import DirectoryError, load, loads
from routing.core.model import Contact, Directory, Topic
from routing.core.recipients import WrittenRoute, line, written_route
from routing.core.rules import Decision
from routing.core.wording import phone_instructions
from routing.settings import ROOT

DIRECTORY = load(ROOT / "directory.yaml")
TOPICS = [(contact, topic) for contact in DIRECTORY.contacts for topic in contact.topics if contact.kind.value != "emergency_line"]
AT = datetime.fromisoformat("2026-11-23T10:00:00-08:00")


def decision(contact: Contact, topic: Topic, others: bool = False) -> Decision:
    topics = (topic.id, *(t.id for _, t in TOPICS if t.id != topic.id)) if others else (topic.id,)
    alternatives = tuple(c for c in DIRECTORY.contacts if c.id != contact.id) if others else ()
    return Decision(
        query=topic.title, channel="email", at=AT, contact=contact, alternatives=alternatives,
        reason=f"“{topic.title}” is handled by {contact.name}.", confidence=0.9, topic=topic, topics=topics,
    )


def listed_for(topic_id: str) -> list[str]:
    return [e.address for c in DIRECTORY.contacts for e in c.emails if e.covers_topic(topic_id)]


@pytest.mark.parametrize(("contact", "topic"), TOPICS, ids=[t.id for _, t in TOPICS])
@pytest.mark.parametrize("others", [False, True], ids=["alone", "with-every-other-topic"])
def test_whatever_address_is_chosen_is_listed_for_the_topic(contact: Contact, topic: Topic, others: bool) -> None:
    route = written_route(decision(contact, topic, others), DIRECTORY)
    if listed_for(topic.id):
        assert route.forward is not None, route.reason
        assert route.forward.address.covers_topic(topic.id)
        assert route.reason == (
            f"“{topic.title}” goes to {route.forward.team.name} at {route.forward.address.address}, the mailbox listed for "
            f"{route.forward.address.purpose[:1].lower()}{route.forward.address.purpose[1:]}."
        )
        return
    # No listed mailbox covers it: not forwarded, and the reason says whom to call and why.
    assert route.forward is None and not route.by_email
    phone = line(route.handler)
    if phone is not None:
        assert f"{route.handler.name} handles “{topic.title}” by phone: {phone_instructions(phone)}." in route.reason
        assert route.phone == phone
    for email in route.handler.emails:
        assert f"{email.address} is listed only for" in route.reason
    if route.nearest is None:
        assert route.reason.endswith("No listed mailbox covers it, so there is no address to offer.")
    else:
        assert others
        # The nearest fit is listed for another topic the request matched, and said to be so.
        assert any(route.nearest.address.covers_topic(t) for t in decision(contact, topic, others).topics[1:])
        assert not route.nearest.address.covers_topic(topic.id)
        assert route.nearest.address.address not in {e.address for e in route.handler.emails}
        assert f"The nearest fit is {route.nearest.address.address}" in route.reason
        assert route.reason.endswith(f"It is not {route.handler.name}'s own mailbox.")


@pytest.mark.parametrize(("contact", "topic"), TOPICS, ids=[t.id for _, t in TOPICS])
def test_a_reason_never_says_one_team_handles_it_and_sends_it_to_another(contact: Contact, topic: Topic) -> None:
    route: WrittenRoute = written_route(decision(contact, topic, others=True), DIRECTORY)
    handled_by = set(re.findall(r"handled by ([^.:,]+)", route.reason))
    if route.forward is not None:
        assert handled_by <= {route.forward.team.name}, route.reason
        assert route.reason.count("@") == 1  # one address: the one it goes to
    else:
        assert "goes to" not in route.reason and "Forward" not in route.reason


def test_the_issue_cases(directory: Directory) -> None:
    csc = directory.contact("california-service-center")
    billing = written_route(decision(csc, directory.topic("billing-eligibility")[1]), directory)
    assert billing.forward is None and billing.phone is not None and billing.phone.keys == "1"
    assert "csc-sd-sba@kp.org is listed only for enrollment applications, member terminations and account changes" in billing.reason
    feedback = written_route(decision(directory.contact("member-services"), directory.topic("plan-feedback")[1], others=True), directory)
    assert feedback.forward is None and "amt@kp.org" not in feedback.reason.split("The nearest fit")[0]
    assert feedback.reason.startswith("Member Services Center handles “Non-urgent questions or comments about your health plan, and feedback” by phone: call ")
    forms = written_route(decision(csc, directory.topic("submit-enrollment-forms")[1]), directory)
    assert forms.forward is not None and forms.forward.address.address == "csc-sd-sba@kp.org"


def test_every_address_says_what_it_covers_and_every_covered_topic_exists() -> None:
    topic_ids = {t.id for c in DIRECTORY.contacts for t in c.topics}
    for contact in DIRECTORY.contacts:
        for email in contact.emails:
            assert email.covers, f"{email.address} lists no topics under covers"
            assert set(email.covers) <= topic_ids


def test_an_address_covering_an_unknown_topic_is_refused() -> None:
    text = (ROOT / "tests" / "bad_directories" / "bad_email.yaml").read_text()
    text = text.replace("{address: billing(at)example.org, purpose: \"Billing questions\"}", "{address: billing@example.org, purpose: \"Billing questions\", covers: [bils]}")
    with pytest.raises(DirectoryError) as refused:
        loads(text, "covers.yaml")
    [problem] = refused.value.problems
    assert problem.line == 23 and problem.message == "billing@example.org covers 'bils', which is not a topic id."
    loads(text.replace("[bils]", "[bills]"), "covers.yaml")
