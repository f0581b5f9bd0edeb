"""The nearest examples: they answer only when near enough, and when most of them agree."""

from __future__ import annotations

import pytest

from routing.core.examples import ExampleIndex, quotable
from routing.core.model import OFF_TOPIC, Example

# Other people's questions about other things: with a few thousand examples, as the directory has, a rare word
# weighs what it does in real use.
OTHERS = [Example(f"unrelated question number{n} about topic{n % 40}", "member-services") for n in range(3000)]


def _index(*examples: tuple[str, str]) -> ExampleIndex:
    return ExampleIndex([*(Example(text, contact) for text, contact in examples), *OTHERS], lambda text: text.lower().split())


def test_the_contact_most_of_the_nearest_examples_name_answers_with_its_closest_example():
    index = _index(
        ("line cook quit keep insurance paying himself", "client-services-unit"),
        ("dishwasher quit wants keep insurance", "client-services-unit"),
        ("baker quit keep insurance", "client-services-unit"),
        ("bill late payment", "california-service-center"),
        ("copy of bill", "california-service-center"),
    )
    found = index.nearest(["my", "baker", "quit", "can", "he", "keep", "insurance"])
    assert found is not None
    assert found.contact_id == "client-services-unit"
    assert found.example == "baker quit keep insurance"  # the nearest of those that voted
    assert found.share == 1.0


def test_examples_that_disagree_answer_nothing():
    index = _index(
        ("new owner signs papers", "account-kp-org"),
        ("new owner signs contract", "client-services-unit"),
        ("new owner signs forms", "california-service-center"),
    )
    assert index.nearest(["new", "owner", "signs"]) is None


def test_a_word_or_two_in_common_is_not_near_enough():
    index = _index(("bill late payment arrangement", "california-service-center"), ("bill copy", "california-service-center"))
    assert index.nearest(["bill"]) is None
    assert index.nearest(["zebra"]) is None
    assert ExampleIndex([], str.split).nearest(["bill"]) is None


def test_off_topic_examples_answer_off_topic():
    index = _index(
        ("best checking account bank small business", OFF_TOPIC),
        ("bank checking account fees small business", OFF_TOPIC),
        ("open checking account bank", OFF_TOPIC),
    )
    found = index.nearest(["which", "bank", "has", "the", "best", "small", "business", "checking", "account"])
    assert found is not None and found.contact_id == OFF_TOPIC


@pytest.mark.parametrize(
    ("text", "reads_well"),
    [
        ("My line cook quit on Friday. Can he keep his insurance?", True),
        ("Mi cocinero renunció. ¿Puede quedarse con su seguro?", True),
        ("um hi my accountant says she needs um some form", False),  # a transcript
        ("Subject: Haven't received anything / Our plan year starts soon", False),  # an email
        ("cant sigh in to acount.kp.org keeps saying invalid pasword", False),  # typed in a rush
        ("Can I get a copy of our bill? And also, who changes our broker?", False),  # two needs
    ],
)
def test_only_an_example_that_reads_as_a_typed_question_is_quoted_as_a_reason(text: str, reads_well: bool) -> None:
    assert quotable(text) is reads_well


def test_the_voters_are_the_examples_that_voted_for_the_winner():
    index = _index(("baker quit keep insurance", "client-services-unit"), ("cook quit keep insurance", "client-services-unit"), ("quit bill", "california-service-center"))
    found = index.nearest(["baker", "cook", "quit", "keep", "insurance"])
    assert found is not None and {index.text(n) for n in found.voters} == {"baker quit keep insurance", "cook quit keep insurance"}
    assert index.say_any(found.voters, ["baker"]) and not index.say_any(found.voters, ["bill"])
