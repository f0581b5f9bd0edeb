"""Which words another domain's thing owns, on plain word lists (no directory, no index)."""

from __future__ import annotations

from routing.core import domains
from routing.core.text import stem, tokenize


def _words(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    surface = tuple(tokenize(text))
    return tuple(stem(t) for t in surface), surface


def _phrase(text: str) -> tuple[str, ...]:
    return tuple(stem(t) for t in tokenize(text))


def test_the_nouns_a_preposition_ties_to_the_thing_are_its_own():
    words, surface = _words("change the billing address on my cell phone account")
    at = domains.spans(words, [_phrase("cell phone")])
    owned = {surface[i] for i in domains.tied(surface, at)}
    assert owned == {"billing", "address"}


def test_paying_from_an_account_still_pays_the_bill():
    words, surface = _words("pay our monthly bill online from our bank account")
    at = domains.spans(words, [_phrase("bank account")])
    assert domains.tied(surface, at) == set()
    matched = [_phrase(w)[0] for w in ("pay", "monthly", "bill", "online")]
    assert domains.keeps_plan_need(words, surface, [_phrase("bank account")], [], matched)


def test_the_nouns_right_after_the_thing_are_its_own():
    words, surface = _words("my car insurance premium went up")
    at = domains.spans(words, [_phrase("car insurance")])
    assert {surface[i] for i in domains.compound(surface, at)} >= {"car", "insurance", "premium"}
    # "premium" names the plan, but here it is the car insurance's.
    assert not domains.keeps_plan_need(words, surface, [_phrase("car insurance")], [_phrase("premium")], [_phrase("premium")[0]])


def test_the_plan_named_outside_the_thing_keeps_the_plan_need():
    words, surface = _words("the bank wants a copy of our health plan for a loan")
    assert domains.keeps_plan_need(words, surface, [_phrase("loan")], [_phrase("health plan")], [])


def test_a_plan_word_tied_to_the_thing_is_the_things():
    words, surface = _words("what is the deductible on my car insurance")
    assert not domains.keeps_plan_need(words, surface, [_phrase("car insurance")], [_phrase("deductible")], [_phrase("deductible")[0]])
