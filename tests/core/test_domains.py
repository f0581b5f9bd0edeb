"""Which words another domain's thing owns, on plain word lists (no directory, no index)."""

from __future__ import annotations

from routing.core import domains
from routing.core.text import stem, tokenize


def _words(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    surface = tuple(tokenize(text))
    return tuple(stem(t) for t in surface), surface


def _phrase(text: str) -> tuple[str, ...]:
    return tuple(stem(t) for t in tokenize(text))


def _keeps(words, surface, other, plan_words, matched) -> bool:
    """Whether the plan need stays beside the other thing: the plan named outside it, or enough of its words."""
    return domains.names_plan_beside(words, surface, other, plan_words) or domains.enough_plan_words(words, surface, other, matched)


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
    assert _keeps(words, surface, [_phrase("bank account")], [], matched)


def test_the_nouns_right_after_the_thing_are_its_own():
    words, surface = _words("my car insurance premium went up")
    at = domains.spans(words, [_phrase("car insurance")])
    assert {surface[i] for i in domains.compound(surface, at)} >= {"car", "insurance", "premium"}
    # "premium" names the plan, but here it is the car insurance's.
    assert not _keeps(words, surface, [_phrase("car insurance")], [_phrase("premium")], [_phrase("premium")[0]])


def test_the_plan_named_outside_the_thing_keeps_the_plan_need():
    words, surface = _words("the bank wants a copy of our health plan for a loan")
    assert _keeps(words, surface, [_phrase("loan")], [_phrase("health plan")], [])


def test_a_plan_word_tied_to_the_thing_is_the_things():
    words, surface = _words("what is the deductible on my car insurance")
    assert not _keeps(words, surface, [_phrase("car insurance")], [_phrase("deductible")], [_phrase("deductible")[0]])


def _aside(text: str, thing: str) -> bool:
    words, surface = _words(text)
    return domains.only_set_aside(words, surface, [_phrase(thing)])


def test_the_speakers_own_business_told_as_such_is_not_the_subject():
    assert _aside("we're a nail salon with six people, how do we add a new hire", "nail salon")
    assert _aside("I run a small family gym and need to add my new trainer", "gym")
    assert _aside("hi this is Dana from the nail salon, my employee left", "nail salon")
    assert _aside("hey it's Lena from the yoga studio", "yoga studio")
    # The thing itself: a charge, a letter, a membership.
    assert not _aside("this is a charge from the gym, can you help", "gym")
    assert not _aside("I got a letter from the gym about my membership fee", "gym")
    assert not _aside("our gym membership renews next month", "gym")
    # "From the" late in a long question is where something came from, not who is calling.
    assert not _aside("my manager says there is a new bill waiting for us from the gym", "gym")
    assert not _aside("good morning, bill from the vet is wrong", "vet")
    # What a business does, or what someone has, is not what it is.
    assert not _aside("we run a payroll audit every quarter", "payroll audit")
    assert not _aside("tengo un préstamo con el banco", "préstamo")


def test_one_of_the_employers_people_named_by_their_job_is_not_the_thing():
    assert _aside("our vet tech's son turns 26 next month", "vet")
    assert not _aside("the vet tech at the clinic overcharged me for my dog", "vet")
    assert not _aside("my gym instructor charged me twice", "gym")
    # A job the synonyms already read as "employee" counts the same.
    assert _aside("Our shipping clerk passed away last month and I need to end his coverage.", "shipping")
    # Plain "employee" is a person only when told as one; before another noun it describes the thing.
    assert _aside("our fedex employee quit last week", "fedex")
    assert not _aside("Our 401k employee contributions are not showing up", "401k")
    assert not _aside("Our netflix employee account got locked", "netflix")


def test_a_person_of_another_trade_told_as_one_of_the_speakers_people_is_staff():
    assert _aside("one of my barbers moved to sacramento and needs a doctor", "barber")
    assert _aside("one of the vets at our clinic wants to know if acupuncture is covered", "vet")
    assert _aside("my barber jay wants to know where the closest clinic is", "barber")
    assert _aside("our barber retired in june", "barber")
    # One's own barber or vet, doing their trade, is the other domain's.
    assert not _aside("my barber charged me twice for a haircut", "barber")
    assert not _aside("the vet charged me for my dog's shots", "vet")


def test_the_employers_own_place_of_work_is_not_the_thing():
    assert _aside("Our yoga studio's balance shows a credit we can't explain", "yoga studio")
    assert _aside("our coffee shop hired two baristas", "coffee shop")
    # The businesses that serve the employer are the thing itself.
    assert not _aside("Our alarm company says our emergency contact list is out of date", "alarm company")
    assert not _aside("my yoga studio raised the class price", "yoga studio")


def test_a_thing_said_to_be_not_the_subject_is_set_aside():
    assert _aside("Not a car insurance question: our ID cards never arrived.", "car insurance")
    assert not _aside("My car insurance card never arrived.", "car insurance")
    assert not _aside("No direct deposit this week, who do I call?", "direct deposit")


def test_plan_words_beside_the_thing_are_counted_apart_from_a_plan_named_beside_it():
    words, surface = _words("our verizon business plan renews next month and we want fewer lines midyear")
    verizon = [_phrase("verizon")]
    matched = [_phrase(w)[0] for w in ("renews", "midyear", "fewer", "lines")]
    # "business plan" is the carrier's: the plan is not named beside it, though enough of its words are.
    assert not domains.names_plan_beside(words, surface, verizon, [_phrase("business plan")])
    assert domains.enough_plan_words(words, surface, verizon, matched)


def test_a_common_noun_after_the_thing_is_still_the_things():
    words, surface = _words("we have a separate delta dental group plan")
    at = domains.spans(words, [_phrase("delta dental")])
    assert {"group", "plan"} <= {surface[i] for i in domains.compound(surface, at)}


def test_phrases_that_touch_are_one_thing_and_apart_are_two():
    words, _ = _words("our at&t phone plan bill")
    assert domains.things(words, [_phrase("at&t"), _phrase("phone plan")]) == 1
    words, _ = _words("our workers comp carrier wants a payroll audit")
    assert domains.things(words, [_phrase("workers comp"), _phrase("workers comp carrier"), _phrase("payroll audit")]) == 2


def test_what_the_thing_sends_is_its_own():
    words, surface = _words("the water district sent us a past due bill for the yard")
    at = domains.spans(words, [_phrase("water district")])
    assert {"past", "due", "bill"} <= {surface[i] for i in domains.compound(surface, at)}
    words, surface = _words("the water district is late and we got a past due bill")
    at = domains.spans(words, [_phrase("water district")])
    assert "bill" not in {surface[i] for i in domains.compound(surface, at)}


def test_a_thing_that_is_part_of_a_company_name_is_set_aside():
    # "Knockout Boxing Gym LLC moved": the gym is the employer, by its name.
    assert _aside("Knockout Boxing Gym LLC moved to a new building, update our address", "gym")
    assert _aside("This is Poison Oak Pest Control Inc, we need a new ID card", "pest control")
    # Without the suffix the gym is the subject.
    assert not _aside("how much is a gym membership near the office", "gym membership")
